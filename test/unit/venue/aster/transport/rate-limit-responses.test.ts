/** 429 / 418 handling: Retry-After is honoured, bans block every request to the host, orders never wait for one. */
import { afterEach, describe, expect, it } from 'vitest';
import type { AsterApiError } from '../../../../../src/venue/aster/errors.ts';
import type { AsterRequest, AsterTransport } from '../../../../../src/venue/aster/http/transport.ts';
import { ManualClock, makeTransport, rejectionOf } from './support/fixtures.ts';
import { type LoopbackServer, sendJson, startLoopbackServer } from './support/loopback-server.ts';

const DEPTH: AsterRequest = {
  market: 'perp',
  method: 'GET',
  path: '/fapi/v3/depth',
  auth: 'none',
  kind: 'read',
  weight: 2,
  params: { symbol: 'BTCUSDT', limit: 5 },
};
const SPOT_DEPTH: AsterRequest = { ...DEPTH, market: 'spot', path: '/api/v3/depth' };
const ORDER: AsterRequest = {
  market: 'perp',
  method: 'POST',
  path: '/fapi/v3/order',
  auth: 'signed',
  kind: 'order',
  weight: 1,
  clientOrderId: 'dn-1',
  params: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', newClientOrderId: 'dn-1' },
};
const BOOK = { lastUpdateId: 1, bids: [], asks: [] };

const servers: LoopbackServer[] = [];
let transport: AsterTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  transport = undefined;
});
async function server(handler: Parameters<typeof startLoopbackServer>[0]) {
  const s = await startLoopbackServer(handler);
  servers.push(s);
  return s;
}

describe('429 Too Many Requests', () => {
  it('waits at least Retry-After (real time) before retrying a read', async () => {
    const s = await server((_req, res, n) => {
      if (n === 1) return sendJson(res, 429, { code: -1003, msg: 'Too many requests.' }, { 'Retry-After': '1' });
      sendJson(res, 200, BOOK);
    });
    transport = makeTransport(s.url);
    const started = performance.now();
    await expect(transport.request(DEPTH)).resolves.toEqual(BOOK);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(s.hits('/fapi/v3/depth')).toBe(2);
  });

  it('an order answered 429 is not retried; it is retryable and the host backs off for everyone', async () => {
    const clock = new ManualClock();
    const s = await server((req, res) => {
      if (req.path === '/fapi/v3/order')
        return sendJson(res, 429, { code: -1015, msg: 'Too many new orders.' }, { 'Retry-After': '7' });
      sendJson(res, 200, BOOK);
    });
    transport = makeTransport(s.url, { clock });
    const error = (await rejectionOf(transport.request(ORDER))) as AsterApiError;
    expect(error).toMatchObject({ kind: 'retryable', reason: 'rate-limited', retryAfterMs: 7000, code: -1015 });
    expect(s.hits('/fapi/v3/order')).toBe(1);
    expect(transport.blockedForMs('perp')).toBe(7000);
    // A read waits out the remaining Retry-After before going out.
    await expect(transport.request(DEPTH)).resolves.toEqual(BOOK);
    expect(clock.sleeps).toContain(7000);
  });
});

describe('418 IP ban', () => {
  it('a read waits for the ban to end and then retries', async () => {
    const clock = new ManualClock();
    const s = await server((_req, res, n) => {
      if (n === 1)
        return sendJson(res, 418, { code: -1003, msg: 'Way too many requests; IP banned.' }, { 'Retry-After': '120' });
      sendJson(res, 200, BOOK);
    });
    transport = makeTransport(s.url, {
      clock,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 600_000 },
    });
    await expect(transport.request(DEPTH)).resolves.toEqual(BOOK);
    expect(Math.max(...clock.sleeps)).toBe(120_000);
    expect(s.hits('/fapi/v3/depth')).toBe(2);
  });

  it('blocks every request to the banned host until the ban ends, and only that host', async () => {
    const clock = new ManualClock();
    const futures = await server((_req, res, n) => {
      if (n === 1) return sendJson(res, 418, { code: -1003, msg: 'Way too many requests; IP banned.' });
      sendJson(res, 200, BOOK);
    });
    const spot = await server((_req, res) => sendJson(res, 200, BOOK));
    transport = makeTransport(futures.url, {
      spotBaseUrl: spot.url,
      clock,
      defaultBanMs: 120_000,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 5_000 },
    });
    // The ban (no Retry-After: the default 2 min) exceeds this read's 5 s budget: it fails at once, retryable.
    const first = await rejectionOf(transport.request(DEPTH));
    expect(first).toMatchObject({ kind: 'retryable', reason: 'banned', httpStatus: 418, retryAfterMs: 120_000 });
    // Neither a read nor an order reaches the banned host.
    expect(await rejectionOf(transport.request(DEPTH))).toMatchObject({ reason: 'banned', sent: false });
    expect(await rejectionOf(transport.request(ORDER))).toMatchObject({
      kind: 'retryable',
      reason: 'banned',
      sent: false,
      clientOrderId: 'dn-1',
    });
    expect(futures.requests).toHaveLength(1);
    // The spot host is not banned.
    await expect(transport.request(SPOT_DEPTH)).resolves.toEqual(BOOK);
    // After the ban the futures host is used again.
    clock.timeMs += 120_000;
    expect(transport.blockedForMs('perp')).toBe(0);
    await expect(transport.request(DEPTH)).resolves.toEqual(BOOK);
    expect(futures.requests).toHaveLength(2);
  });

  it('a ban end named in the -1003 message (server time) is honoured', async () => {
    const clock = new ManualClock();
    const banUntil = clock.timeMs + 300_000;
    const s = await server((_req, res) =>
      sendJson(res, 418, { code: -1003, msg: `Way too many requests; IP banned until ${banUntil}.` }),
    );
    transport = makeTransport(s.url, {
      clock,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 1 },
    });
    expect(await rejectionOf(transport.request(DEPTH))).toMatchObject({ reason: 'banned', retryAfterMs: 300_000 });
    expect(transport.blockedForMs('perp')).toBe(300_000);
  });
});
