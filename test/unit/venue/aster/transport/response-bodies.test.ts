/** Aster's success and error body shapes, including `code` as a number or a string. */
import { afterEach, describe, expect, it } from 'vitest';
import type { AsterRequest, AsterTransport } from '../../../../../src/venue/aster/http/transport.ts';
import { makeTransport, rejectionOf } from './support/fixtures.ts';
import { type LoopbackServer, sendJson, startLoopbackServer } from './support/loopback-server.ts';

const CALL: AsterRequest = {
  market: 'perp',
  method: 'DELETE',
  path: '/fapi/v3/allOpenOrders',
  auth: 'signed',
  kind: 'control',
  weight: 1,
  params: { symbol: 'BTCUSDT' },
};

let server: LoopbackServer | undefined;
let transport: AsterTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

async function answer(status: number, body: unknown, request: AsterRequest = CALL): Promise<unknown> {
  server = await startLoopbackServer((_req, res) => sendJson(res, status, body));
  transport = makeTransport(server.url, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 1 } });
  return transport.request(request);
}

describe('response bodies', () => {
  it('{"code":200,"msg":"success"} is a success', async () => {
    await expect(answer(200, { code: 200, msg: 'success' })).resolves.toEqual({ code: 200, msg: 'success' });
  });

  it('{"code":"200",...} (string code) is a success', async () => {
    const body = { code: '200', msg: 'The operation of cancel all open order is done.' };
    await expect(answer(200, body)).resolves.toEqual(body);
  });

  it('arrays and empty objects pass through untouched', async () => {
    await expect(answer(200, [])).resolves.toEqual([]);
    await transport?.close();
    await server?.close();
    await expect(answer(200, {})).resolves.toEqual({});
  });

  it('an error body with a string code is parsed into a numeric code', async () => {
    const error = await rejectionOf(answer(400, { code: '-2011', msg: 'Unknown order sent.' }));
    expect(error).toMatchObject({ name: 'AsterApiError', kind: 'fatal', code: -2011, msg: 'Unknown order sent.' });
  });

  it('an error code inside an HTTP 200 is still an error', async () => {
    const error = await rejectionOf(answer(200, { code: -1121, msg: 'Invalid symbol.' }));
    expect(error).toMatchObject({ kind: 'fatal', code: -1121, httpStatus: 200 });
  });

  it('a non-JSON error page becomes a short message', async () => {
    const error = await rejectionOf(answer(404, `<html><body>${'Not Found '.repeat(100)}</body></html>`));
    expect(error).toMatchObject({ kind: 'fatal', reason: 'http', httpStatus: 404, code: undefined });
    expect((error as { msg: string }).msg.length).toBeLessThanOrEqual(200);
  });

  it('invalid JSON on a 200 read is fatal', async () => {
    const read = { ...CALL, method: 'GET', path: '/fapi/v3/openOrders', kind: 'read' } as const;
    const error = await rejectionOf(answer(200, 'not json', read));
    expect(error).toMatchObject({ kind: 'fatal', reason: 'invalid-response' });
  });
});
