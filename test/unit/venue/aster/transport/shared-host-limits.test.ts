/**
 * Futures and spot served by one host (the simulator) share one limiter; each market's exchangeInfo `rateLimits`
 * must add to the other's, not replace them: per limit type and window the strictest limit holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AsterRequest, AsterTransport } from '../../../../../src/venue/aster/http/transport.ts';
import { mergeRateLimits, type RateLimitRule } from '../../../../../src/venue/aster/rate-limit.ts';
import { ManualClock, makeTransport } from './support/fixtures.ts';
import { type LoopbackServer, sendJson, startLoopbackServer } from './support/loopback-server.ts';

// 1_750_000_000_000 ms is 40 s into a minute: the next minute window starts 20 s later.
const MS_TO_NEXT_MINUTE = 20_000;

const rule = (rateLimitType: string, interval: string, intervalNum: number, limit: number): RateLimitRule => ({
  rateLimitType,
  interval,
  intervalNum,
  limit,
});

const FUTURES_RULES = [rule('REQUEST_WEIGHT', 'MINUTE', 1, 100), rule('ORDERS', 'MINUTE', 1, 1200)];
const SPOT_RULES = [
  rule('REQUEST_WEIGHT', 'MINUTE', 1, 6000),
  rule('ORDERS', 'SECOND', 10, 300),
  rule('ORDERS', 'MINUTE', 1, 6000),
];

const spotRead = (weight: number): AsterRequest => ({
  market: 'spot',
  method: 'GET',
  path: '/api/v3/ticker/24hr',
  auth: 'none',
  kind: 'read',
  weight,
});

let server: LoopbackServer | undefined;
let transport: AsterTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

function limitsOf(t: AsterTransport, market: 'spot' | 'perp') {
  return t
    .rateLimitUsage(market)
    .filter((u) => u.limit !== undefined)
    .map((u) => [u.type, u.intervalMs, u.limit])
    .sort((a, b) => String(a).localeCompare(String(b)));
}

describe('rate limits of two markets on one host', () => {
  it("setting one market's rules keeps the other's: the strictest per type and window applies to both", async () => {
    const clock = new ManualClock();
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, []));
    transport = makeTransport(server.url, { clock });
    transport.setRateLimits('perp', FUTURES_RULES);
    transport.setRateLimits('spot', SPOT_RULES);
    const expected = [
      ['ORDERS', 10_000, 300],
      ['ORDERS', 60_000, 1200],
      ['REQUEST_WEIGHT', 60_000, 100],
    ];
    expect(limitsOf(transport, 'perp')).toEqual(expected);
    expect(limitsOf(transport, 'spot')).toEqual(expected);
    // The futures 100/min weight limit still paces spot requests: 18 × 5 = 90 is the 90 % budget.
    for (let i = 0; i < 18; i += 1) await transport.request(spotRead(5));
    expect(clock.sleeps).toEqual([]);
    await transport.request(spotRead(5));
    expect(clock.sleeps).toEqual([MS_TO_NEXT_MINUTE + 1]);
  });

  it("a market's new rules replace its own earlier ones, not the other market's", () => {
    transport = makeTransport('http://127.0.0.1:9', { clock: new ManualClock() });
    transport.setRateLimits('spot', [rule('REQUEST_WEIGHT', 'MINUTE', 1, 50)]);
    transport.setRateLimits('perp', FUTURES_RULES);
    expect(limitsOf(transport, 'perp')).toContainEqual(['REQUEST_WEIGHT', 60_000, 50]);
    transport.setRateLimits('spot', SPOT_RULES);
    expect(limitsOf(transport, 'perp')).toContainEqual(['REQUEST_WEIGHT', 60_000, 100]);
    expect(limitsOf(transport, 'perp')).not.toContainEqual(['REQUEST_WEIGHT', 60_000, 50]);
  });

  it('separate hosts keep separate rules', () => {
    transport = makeTransport('http://127.0.0.1:9', {
      clock: new ManualClock(),
      spotBaseUrl: 'http://127.0.0.2:9',
    });
    transport.setRateLimits('perp', FUTURES_RULES);
    transport.setRateLimits('spot', SPOT_RULES);
    expect(limitsOf(transport, 'perp')).toEqual([
      ['ORDERS', 60_000, 1200],
      ['REQUEST_WEIGHT', 60_000, 100],
    ]);
    expect(limitsOf(transport, 'spot')).toContainEqual(['REQUEST_WEIGHT', 60_000, 6000]);
  });
});

describe('mergeRateLimits', () => {
  it('keeps the lowest limit per type and window length, counting 60 SECOND as 1 MINUTE', () => {
    const merged = mergeRateLimits([
      [rule('REQUEST_WEIGHT', 'MINUTE', 1, 2400), rule('ORDERS', 'SECOND', 10, 300)],
      [rule('REQUEST_WEIGHT', 'SECOND', 60, 1200), rule('ORDERS', 'SECOND', 10, 500), rule('RAW', 'WEEK', 1, 9)],
    ]);
    expect(merged).toEqual([
      rule('REQUEST_WEIGHT', 'SECOND', 60, 1200),
      rule('ORDERS', 'SECOND', 10, 300),
      rule('RAW', 'WEEK', 1, 9),
    ]);
  });
});
