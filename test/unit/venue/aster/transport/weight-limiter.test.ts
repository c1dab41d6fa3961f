/**
 * Weight accounting: usage headers and declared weights feed a per-host limiter that keeps us under 90 % of the
 * exchange's limits by delaying requests to the next window.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AsterRequest, AsterTransport } from '../../../../../src/venue/aster/http/transport.ts';
import { RateLimiter } from '../../../../../src/venue/aster/rate-limit.ts';
import { ManualClock, makeTransport } from './support/fixtures.ts';
import { type LoopbackServer, sendJson, startLoopbackServer } from './support/loopback-server.ts';

// 1_750_000_000_000 ms is 40 s into a minute: the next minute window starts 20 s later.
const MS_TO_NEXT_MINUTE = 20_000;

const READ = (weight: number): AsterRequest => ({
  market: 'perp',
  method: 'GET',
  path: '/fapi/v3/ticker/24hr',
  auth: 'none',
  kind: 'read',
  weight,
});
const ORDER: AsterRequest = {
  market: 'perp',
  method: 'POST',
  path: '/fapi/v3/order',
  auth: 'signed',
  kind: 'order',
  weight: 1,
  params: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '1' },
};

let server: LoopbackServer | undefined;
let transport: AsterTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

describe('weight limiter in the transport', () => {
  it('a reported weight near the limit delays the next request to the next minute window', async () => {
    const clock = new ManualClock();
    server = await startLoopbackServer((_req, res, n) =>
      sendJson(res, 200, [], n === 1 ? { 'X-MBX-USED-WEIGHT-1M': '88' } : {}),
    );
    transport = makeTransport(server.url, { clock });
    transport.setRateLimits('perp', [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100 },
    ]);
    await transport.request(READ(1));
    expect(clock.sleeps).toEqual([]);
    // 88 + 5 > 90 (90 % of 100): wait for the next window.
    await transport.request(READ(5));
    expect(clock.sleeps).toEqual([MS_TO_NEXT_MINUTE + 1]);
    expect(server.hits('/fapi/v3/ticker/24hr')).toBe(2);
    expect(transport.rateLimitUsage('perp')).toContainEqual(
      expect.objectContaining({ type: 'REQUEST_WEIGHT', intervalMs: 60_000, used: 5, limit: 100 }),
    );
  });

  it('counts declared weights locally when the server sends no headers', async () => {
    const clock = new ManualClock();
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, []));
    transport = makeTransport(server.url, { clock });
    transport.setRateLimits('perp', [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100 },
    ]);
    for (let i = 0; i < 18; i += 1) await transport.request(READ(5));
    expect(clock.sleeps).toEqual([]);
    await transport.request(READ(5));
    expect(clock.sleeps).toEqual([MS_TO_NEXT_MINUTE + 1]);
  });

  it('order-count headers limit orders without delaying reads', async () => {
    const clock = new ManualClock();
    server = await startLoopbackServer((req, res) =>
      sendJson(res, 200, {}, req.path === '/fapi/v3/order' ? { 'X-MBX-ORDER-COUNT-10S': '270' } : {}),
    );
    transport = makeTransport(server.url, { clock });
    transport.setRateLimits('perp', [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ]);
    await transport.request(ORDER);
    await transport.request(READ(1));
    expect(clock.sleeps).toEqual([]);
    await transport.request(ORDER);
    // 1_750_000_000_000 is on a 10 s boundary: the next one is 10 s away.
    expect(clock.sleeps).toEqual([10_001]);
  });

  it('a usage header describing an already closed window is ignored', async () => {
    const clock = new ManualClock();
    server = await startLoopbackServer((_req, res, n) => {
      if (n === 1) clock.timeMs += 60_000; // the response arrives in the next minute
      sendJson(res, 200, [], { 'X-MBX-USED-WEIGHT-1M': n === 1 ? '99' : '1' });
    });
    transport = makeTransport(server.url, { clock });
    transport.setRateLimits('perp', [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100 },
    ]);
    await transport.request(READ(1));
    await transport.request(READ(1));
    expect(clock.sleeps).toEqual([]);
  });

  it('futures and spot on the same host share one budget', async () => {
    const clock = new ManualClock();
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, []));
    transport = makeTransport(server.url, {
      clock,
      defaultRateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 10 }],
    });
    await transport.request(READ(5));
    await transport.request({ ...READ(4), market: 'spot', path: '/api/v3/ticker/24hr' });
    expect(clock.sleeps).toEqual([]);
    await transport.request({ ...READ(1), market: 'spot', path: '/api/v3/ticker/24hr' });
    expect(clock.sleeps).toEqual([MS_TO_NEXT_MINUTE + 1]);
  });
});

describe('RateLimiter', () => {
  function limiter(nowMs: { t: number }) {
    const sleeps: number[] = [];
    const l = new RateLimiter({
      nowMs: () => nowMs.t,
      sleep: async (ms) => {
        sleeps.push(ms);
        nowMs.t += ms;
      },
      headroom: 0.9,
    });
    return { l, sleeps };
  }

  it('lets a request heavier than the budget through alone at the start of a window', async () => {
    const now = { t: 0 };
    const { l, sleeps } = limiter(now);
    l.setLimits([{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 40 }]);
    await l.acquire({ weight: 40, orders: 0 });
    expect(sleeps).toEqual([]);
    await l.acquire({ weight: 1, orders: 0 });
    expect(sleeps).toEqual([60_001]);
  });

  it('ignores unknown limit types and rejects malformed limits with the value', () => {
    const { l } = limiter({ t: 0 });
    expect(() =>
      l.setLimits([{ rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 6100 }]),
    ).not.toThrow();
    expect(() =>
      l.setLimits([{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 0 }]),
    ).toThrow(/limit must be a positive integer, got 0/);
  });

  it('reads weight headers of any interval, case-insensitively', () => {
    const now = { t: 30_000 };
    const { l } = limiter(now);
    l.observe({ 'x-mbx-used-weight-1m': '12', 'X-MBX-USED-WEIGHT-1H': '340', 'x-mbx-order-count-1d': '7' }, now.t);
    expect(l.usage()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'REQUEST_WEIGHT', intervalMs: 60_000, used: 12 }),
        expect.objectContaining({ type: 'REQUEST_WEIGHT', intervalMs: 3_600_000, used: 340 }),
        expect.objectContaining({ type: 'ORDERS', intervalMs: 86_400_000, used: 7 }),
      ]),
    );
  });
});
