import { describe, expect, it } from 'vitest';
import { fundingGuard } from '../../../../src/engine/execution/funding-guard.ts';

const NEXT = Date.UTC(2025, 5, 1, 8);
const base = { nextFundingTimeMs: NEXT, fundingIntervalHours: 8, guardSeconds: 15 };

describe('the funding-settlement guard', () => {
  it('blocks within the guard before the next funding time, inclusive', () => {
    expect(fundingGuard({ ...base, nowMs: NEXT - 15_000 }).blocked).toBe(true);
    expect(fundingGuard({ ...base, nowMs: NEXT - 1 }).blocked).toBe(true);
    expect(fundingGuard({ ...base, nowMs: NEXT - 15_001 }).blocked).toBe(false);
  });

  it('blocks just after the previous funding time too (settlement can come late)', () => {
    const previous = NEXT - 8 * 3_600_000;
    const verdict = fundingGuard({ ...base, nowMs: previous + 10_000 });
    expect(verdict.blocked).toBe(true);
    expect(verdict.clearAtMs).toBe(previous + 15_001);
    expect(fundingGuard({ ...base, nowMs: previous + 15_001 }).blocked).toBe(false);
  });

  it('follows the symbol interval: a 4 h symbol settled 4 h before its next time', () => {
    expect(fundingGuard({ ...base, fundingIntervalHours: 4, nowMs: NEXT - 4 * 3_600_000 + 5_000 }).blocked).toBe(true);
    expect(fundingGuard({ ...base, fundingIntervalHours: 8, nowMs: NEXT - 4 * 3_600_000 + 5_000 }).blocked).toBe(false);
  });

  it('is off with a zero guard or an unknown funding time', () => {
    expect(fundingGuard({ ...base, guardSeconds: 0, nowMs: NEXT }).blocked).toBe(false);
    expect(fundingGuard({ ...base, nextFundingTimeMs: 0, nowMs: 5_000 }).blocked).toBe(false);
  });

  it('says how far away the funding time is', () => {
    expect(fundingGuard({ ...base, nowMs: NEXT - 10_000 }).message).toMatch(/in 10 s/);
  });
});
