/** Reads are retried on transient failures (5xx, timeout, reset, refused) within a bounded budget. */
import { afterEach, describe, expect, it } from 'vitest';
import { AsterApiError } from '../../../../../src/venue/aster/errors.ts';
import type { AsterTransport } from '../../../../../src/venue/aster/http/transport.ts';
import { makeTransport, rejectionOf } from './support/fixtures.ts';
import { closedPortUrl, type LoopbackServer, sendJson, startLoopbackServer } from './support/loopback-server.ts';

const BALANCE = {
  market: 'perp',
  method: 'GET',
  path: '/fapi/v3/balance',
  auth: 'signed',
  kind: 'read',
  weight: 5,
} as const;
const TICKER = {
  market: 'perp',
  method: 'GET',
  path: '/fapi/v3/ticker/price',
  auth: 'none',
  kind: 'read',
  weight: 1,
} as const;

let server: LoopbackServer | undefined;
let transport: AsterTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

describe('read retries', () => {
  it('a 5xx on a read is retried with a fresh signature, then succeeds', async () => {
    server = await startLoopbackServer((_req, res, n) => {
      if (n <= 2) return sendJson(res, 502, '<html>bad gateway</html>');
      sendJson(res, 200, [{ asset: 'USDT', balance: '10.5' }]);
    });
    transport = makeTransport(server.url);
    await expect(transport.request(BALANCE)).resolves.toEqual([{ asset: 'USDT', balance: '10.5' }]);
    expect(server.hits('/fapi/v3/balance')).toBe(3);
    const signatures = server.requests.map((r) => new URLSearchParams(r.query).get('signature'));
    expect(new Set(signatures).size).toBe(3);
  });

  it('a read that times out is retried', async () => {
    server = await startLoopbackServer((_req, res, n) => {
      if (n === 1) return; // never answer
      sendJson(res, 200, { symbol: 'BTCUSDT', price: '100000.1' });
    });
    transport = makeTransport(server.url, { requestTimeoutMs: 300 });
    await expect(transport.request({ ...TICKER, params: { symbol: 'BTCUSDT' } })).resolves.toEqual({
      symbol: 'BTCUSDT',
      price: '100000.1',
    });
    expect(server.hits('/fapi/v3/ticker/price')).toBe(2);
  });

  it('a read whose connection is reset after sending is retried', async () => {
    server = await startLoopbackServer((req, res, n) => {
      if (n === 1) return res.socket?.destroy();
      sendJson(res, 200, { ok: req.path });
    });
    transport = makeTransport(server.url);
    await expect(transport.request(TICKER)).resolves.toEqual({ ok: '/fapi/v3/ticker/price' });
    expect(server.hits('/fapi/v3/ticker/price')).toBe(2);
  });

  it('gives up after maxAttempts with the last error, marked retryable', async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 500, { code: -1000, msg: 'internal' }));
    transport = makeTransport(server.url, {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxTotalMs: 10_000 },
    });
    const error = await rejectionOf(transport.request(TICKER));
    expect(error).toBeInstanceOf(AsterApiError);
    expect(error).toMatchObject({ kind: 'retryable', httpStatus: 500, code: -1000, attempts: 3 });
    expect(server.hits('/fapi/v3/ticker/price')).toBe(3);
  });

  it('a refused connection is retryable and reported as not sent', async () => {
    transport = makeTransport(await closedPortUrl(), {
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 5_000 },
    });
    const error = await rejectionOf(transport.request(TICKER));
    expect(error).toMatchObject({ kind: 'retryable', reason: 'network', sent: false, attempts: 2 });
    expect((error as AsterApiError).cause).toBeInstanceOf(Error);
  });

  it('a fatal Aster error on a read is not retried', async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 400, { code: '-1121', msg: 'Invalid symbol.' }));
    transport = makeTransport(server.url);
    const error = await rejectionOf(transport.request({ ...TICKER, params: { symbol: 'NOPE' } }));
    expect(error).toMatchObject({ kind: 'fatal', reason: 'api', code: -1121, msg: 'Invalid symbol.', httpStatus: 400 });
    expect((error as Error).message).toContain('GET /fapi/v3/ticker/price');
    expect(server.hits('/fapi/v3/ticker/price')).toBe(1);
  });

  it('control calls (idempotent) are retried like reads', async () => {
    server = await startLoopbackServer((_req, res, n) => {
      if (n === 1) return sendJson(res, 503, { code: -1001, msg: 'busy' });
      sendJson(res, 200, { symbol: 'BTCUSDT', leverage: 2, maxNotionalValue: '100' });
    });
    transport = makeTransport(server.url);
    const body = await transport.request({
      market: 'perp',
      method: 'POST',
      path: '/fapi/v3/leverage',
      auth: 'signed',
      kind: 'control',
      weight: 1,
      params: { symbol: 'BTCUSDT', leverage: 2 },
    });
    expect(body).toMatchObject({ leverage: 2 });
    expect(server.hits('/fapi/v3/leverage')).toBe(2);
  });
});
