import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../../src/errors.ts';
import { backoffDelayMs, DEFAULT_BACKOFF, validateBackoff } from '../../../../../src/venue/aster/ws/backoff.ts';

const options = { initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitterRatio: 0.5, resetAfterMs: 5_000 };

describe('reconnect backoff', () => {
  it('doubles per attempt and stops at the cap', () => {
    const top = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, options, top))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('randomises the configured share of each delay', () => {
    expect(backoffDelayMs(2, options, () => 0)).toBe(200);
    expect(backoffDelayMs(2, options, () => 0.5)).toBe(300);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(3, options);
      expect(delay).toBeGreaterThanOrEqual(400);
      expect(delay).toBeLessThanOrEqual(800);
      seen.add(delay);
    }
    expect(seen.size).toBeGreaterThan(10);
  });

  it('no jitter gives the exact exponential sequence', () => {
    const exact = { ...options, jitterRatio: 0 };
    expect(backoffDelayMs(1, exact, () => 0.7)).toBe(200);
  });

  it('rejects nonsense with the field and value in the error', () => {
    expect(() => validateBackoff({ ...DEFAULT_BACKOFF, multiplier: 0.5 })).toThrow(ConfigError);
    expect(() => validateBackoff({ ...DEFAULT_BACKOFF, multiplier: 0.5 })).toThrow(/backoff\.multiplier.*0\.5/);
    expect(() => validateBackoff({ ...DEFAULT_BACKOFF, jitterRatio: 2 })).toThrow(/backoff\.jitterRatio.*2/);
    expect(() => validateBackoff({ ...DEFAULT_BACKOFF, initialDelayMs: -1 })).toThrow(/backoff\.initialDelayMs.*-1/);
  });
});
