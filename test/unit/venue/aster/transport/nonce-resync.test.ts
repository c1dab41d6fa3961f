/**
 * A rejected nonce (-4225, V3) or timestamp (-1021, V1) makes the transport measure the server clock and sign the
 * same request again, once, with a fresh nonce — also for orders, which the exchange refused before executing.
 */
import { recoverTypedDataAddress } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import type { AsterApiError } from '../../../../../src/venue/aster/errors.ts';
import type { AsterRequest, AsterTransport } from '../../../../../src/venue/aster/http/transport.ts';
import { asterTypedData } from '../../../../../src/venue/aster/sign/eip712.ts';
import { DEMO, DEMO_V1, ManualClock, makeTransport, rejectionOf } from './support/fixtures.ts';
import { type LoopbackServer, param, type Recorded, sendJson, startLoopbackServer } from './support/loopback-server.ts';

const ORDER: AsterRequest = {
  market: 'perp',
  method: 'POST',
  path: '/fapi/v3/order',
  auth: 'signed',
  kind: 'order',
  weight: 1,
  clientOrderId: 'dn-7',
  params: { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01', newClientOrderId: 'dn-7' },
};
const FILLED = { clientOrderId: 'dn-7', status: 'FILLED' };
const SERVER_AHEAD_MS = 30_000;

let server: LoopbackServer | undefined;
let transport: AsterTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

const orders = (s: LoopbackServer): Recorded[] => s.requests.filter((r) => r.path.endsWith('/order'));

async function recoveredSigner(r: Recorded): Promise<string> {
  const msg = r.body.slice(0, r.body.lastIndexOf('&signature='));
  const signature = param(r, 'signature') as `0x${string}`;
  return recoverTypedDataAddress({ ...asterTypedData(msg, 1666), signature });
}

describe('nonce resynchronisation', () => {
  it('-4225: calls /fapi/v3/time, then resends the order once with a fresh, server-aligned nonce', async () => {
    const clock = new ManualClock();
    server = await startLoopbackServer((req, res, n) => {
      if (req.path === '/fapi/v3/time') return sendJson(res, 200, { serverTime: clock.timeMs + SERVER_AHEAD_MS });
      if (n === 1) return sendJson(res, 400, { code: -4225, msg: 'Nonce Expired' });
      sendJson(res, 200, FILLED);
    });
    transport = makeTransport(server.url, { clock });
    await expect(transport.request(ORDER)).resolves.toEqual(FILLED);

    expect(server.requests.map((r) => r.path)).toEqual(['/fapi/v3/order', '/fapi/v3/time', '/fapi/v3/order']);
    const [first, second] = orders(server);
    expect(Number(param(first!, 'nonce'))).toBe(clock.timeMs * 1000);
    expect(Number(param(second!, 'nonce'))).toBe((clock.timeMs + SERVER_AHEAD_MS) * 1000);
    expect(param(second!, 'newClientOrderId')).toBe('dn-7');
    expect(await recoveredSigner(second!)).toBe(DEMO.signer);
    expect(transport.serverClock.offsetMs).toBe(SERVER_AHEAD_MS);
  });

  it('a second rejection is not retried again: the order is reported as not executed (stale-nonce)', async () => {
    server = await startLoopbackServer((req, res) => {
      if (req.path === '/fapi/v3/time') return sendJson(res, 200, { serverTime: String(Date.now()) });
      sendJson(res, 400, { code: '-4225', msg: 'Nonce Expired' });
    });
    transport = makeTransport(server.url);
    const error = (await rejectionOf(transport.request(ORDER))) as AsterApiError;
    expect(error).toMatchObject({ kind: 'retryable', reason: 'stale-nonce', code: -4225, clientOrderId: 'dn-7' });
    expect(orders(server)).toHaveLength(2);
    expect(server.hits('/fapi/v3/time')).toBe(1);
  });

  it('concurrent rejections share one clock measurement', async () => {
    const seen = new Set<string>();
    server = await startLoopbackServer((req, res) => {
      if (req.path === '/fapi/v3/time') return sendJson(res, 200, { serverTime: Date.now() });
      const id = param(req, 'newClientOrderId') ?? '';
      if (!seen.has(id)) {
        seen.add(id);
        return sendJson(res, 400, { code: -4225, msg: 'Nonce Expired' });
      }
      sendJson(res, 200, { clientOrderId: id });
    });
    transport = makeTransport(server.url);
    const ids = ['dn-a', 'dn-b', 'dn-c'];
    const results = await Promise.all(
      ids.map((id) =>
        transport!.request({
          ...ORDER,
          clientOrderId: id,
          params: { ...(ORDER.params as object), newClientOrderId: id },
        }),
      ),
    );
    expect(results).toEqual(ids.map((id) => ({ clientOrderId: id })));
    expect(server.hits('/fapi/v3/time')).toBe(1);
    expect(orders(server)).toHaveLength(6);
  });

  it('if the clock cannot be measured the order is reported retryable with the cause attached', async () => {
    server = await startLoopbackServer((req, res) => {
      if (req.path === '/fapi/v3/time') return sendJson(res, 200, { serverTime: 'soon' });
      sendJson(res, 400, { code: -4225, msg: 'Nonce Expired' });
    });
    transport = makeTransport(server.url);
    const error = (await rejectionOf(transport.request(ORDER))) as AsterApiError;
    expect(error).toMatchObject({ kind: 'retryable', reason: 'stale-nonce' });
    expect(error.cause).toMatchObject({ name: 'InvalidDataError', field: 'serverTime' });
    expect(orders(server)).toHaveLength(1);
  });

  it('V1 -1021: resyncs with /fapi/v1/time and resends with a corrected timestamp', async () => {
    const clock = new ManualClock();
    server = await startLoopbackServer((req, res, n) => {
      if (req.path === '/fapi/v1/time') return sendJson(res, 200, { serverTime: clock.timeMs - 4_000 });
      if (n === 1) {
        return sendJson(res, 400, {
          code: -1021,
          msg: "Timestamp for this request was 1000ms ahead of the server's time.",
        });
      }
      sendJson(res, 200, FILLED);
    });
    transport = makeTransport(server.url, { clock, signing: { scheme: 'hmac', ...DEMO_V1 } });
    expect(transport.apiFamily).toBe('v1');
    await expect(transport.request({ ...ORDER, path: '/fapi/v1/order' })).resolves.toEqual(FILLED);
    expect(server.requests.map((r) => r.path)).toEqual(['/fapi/v1/order', '/fapi/v1/time', '/fapi/v1/order']);
    const [first, second] = orders(server);
    expect(Number(param(first!, 'timestamp'))).toBe(clock.timeMs);
    expect(Number(param(second!, 'timestamp'))).toBe(clock.timeMs - 4_000);
  });

  it('syncTime measures the offset against the midpoint of the round trip', async () => {
    const clock = new ManualClock();
    server = await startLoopbackServer((_req, res) => {
      // The request "takes" 200 ms; the server read its clock half-way, 5 s ahead of ours.
      clock.timeMs += 100;
      const serverTime = clock.timeMs + 5_000;
      clock.timeMs += 100;
      sendJson(res, 200, { serverTime });
    });
    transport = makeTransport(server.url, { clock });
    await expect(transport.syncTime('spot')).resolves.toBe(5_000);
    expect(server.requests[0]?.path).toBe('/api/v3/time');
    expect(transport.serverNowMs()).toBe(clock.timeMs + 5_000);
  });
});
