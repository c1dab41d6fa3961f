/** The rate limiter on its own: fixed windows, Retry-After, ban escalation, order counts. */
import { describe, expect, it } from 'vitest';
import { AsterApiError } from '../../../../src/sim/http/api-error.ts';
import { DEFAULT_RATE_LIMITS, RateLimiter } from '../../../../src/sim/http/rate-limit.ts';

const T0 = 1_700_000_020_000; // 40 s into a minute

function limiter(limit: number, banAfter = 1) {
  return new RateLimiter({
    ...DEFAULT_RATE_LIMITS,
    perp: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit }],
    banAfterIgnored429s: banAfter,
  });
}

function rejection(fn: () => unknown): AsterApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AsterApiError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('RateLimiter', () => {
  it('reports used weight and resets at the minute boundary', () => {
    const rl = limiter(100);
    expect(rl.admit('ip', 'perp', 30, T0).headers).toEqual({ 'X-MBX-USED-WEIGHT-1M': '30' });
    expect(rl.admit('ip', 'perp', 30, T0 + 1000).headers['X-MBX-USED-WEIGHT-1M']).toBe('60');
    expect(rl.admit('ip', 'perp', 5, T0 + 20_000).headers['X-MBX-USED-WEIGHT-1M']).toBe('5');
    expect(rl.admit('other', 'perp', 5, T0 + 20_000).headers['X-MBX-USED-WEIGHT-1M']).toBe('5');
  });

  it('answers 429 with the seconds left in the window', () => {
    const rl = limiter(50);
    rl.admit('ip', 'perp', 50, T0);
    const error = rejection(() => rl.admit('ip', 'perp', 1, T0 + 500));
    expect(error.httpStatus).toBe(429);
    expect(error.code).toBe(-1003);
    expect(error.headers['Retry-After']).toBe('20');
  });

  it('doubles the ban for each repeat offence', () => {
    const rl = limiter(10, 0);
    rl.admit('ip', 'perp', 10, T0);
    rejection(() => rl.admit('ip', 'perp', 1, T0));
    const first = rejection(() => rl.admit('ip', 'perp', 1, T0 + 1));
    expect(first.httpStatus).toBe(418);
    expect(first.headers['Retry-After']).toBe('120');
    const after = T0 + 1 + 120_000;
    // Next window: over the limit again, then ignored again: four minutes this time.
    rl.admit('ip', 'perp', 10, after);
    rejection(() => rl.admit('ip', 'perp', 1, after));
    const second = rejection(() => rl.admit('ip', 'perp', 1, after + 1));
    expect(second.headers['Retry-After']).toBe('240');
  });

  it('never rejects when disabled but still counts', () => {
    const rl = new RateLimiter({ ...DEFAULT_RATE_LIMITS, enabled: false });
    expect(rl.admit('ip', 'perp', 5000, T0).headers['X-MBX-USED-WEIGHT-1M']).toBe('5000');
  });

  it('counts orders per account per window, with a 10 s window on spot', () => {
    const rl = new RateLimiter();
    expect(rl.countOrder('a', 'spot', T0).headers).toEqual({
      'X-MBX-ORDER-COUNT-1M': '1',
      'X-MBX-ORDER-COUNT-10S': '1',
    });
    expect(rl.countOrder('a', 'spot', T0 + 10_000).headers['X-MBX-ORDER-COUNT-10S']).toBe('1');
    expect(rl.countOrder('b', 'perp', T0).headers).toEqual({ 'X-MBX-ORDER-COUNT-1M': '1' });
  });
});
