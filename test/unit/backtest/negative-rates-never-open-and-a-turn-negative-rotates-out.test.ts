/** The strategy's filters and exits over regimes: a symbol that pays shorts nothing is never opened, and a held one
 * whose rate turns negative is left for a better one once the rotation rule allows it. */
import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { constant, HOUR_MS, params, run, START_MS, series } from './support/series.ts';

describe('negative funding', () => {
  it('never opens a pair whose rate is negative, and funds stay untouched', () => {
    const { report } = run([series('NEGUSDT', constant('-0.0002', 12)), series('LOWUSDT', constant('0.00001', 12))]);
    // LOW pays 1.095 % APR, below the 5.4 % minimum; NEG is excluded by its sign.
    expect(report.opens).toBe(0);
    expect(report.cycles).toEqual([]);
    expect(report.orders).toBe(0);
    expect(report.netPnlUsdt.toFixed()).toBe('0');
    expect(report.finalEquityUsdt.toFixed()).toBe('10000');
  });

  it('rotates out of a held pair whose rate turns negative, into the pair that still pays', () => {
    // FLIP pays 32.85 % APR for 4 settlements, then -21.9 %; STEADY pays 10.95 % throughout. Fee coverage is kept out
    // of reach so only the rotation rule can close FLIP.
    const flip = [...constant('0.0003', 4), ...constant('-0.0002', 8)];
    const { report } = run([series('FLIPUSDT', flip), series('STEADYUSDT', constant('0.0001', 12))], {
      params: params({ feeCoverageMultiplier: dec(100) }),
    });
    const [first, second] = report.cycles;
    expect(first!.symbol).toBe('FLIPUSDT');
    expect(first!.closeReason).toBe('rotation');
    // FLIP's rate shows negative from the start of its 5th interval (32 h); the position is old enough by then.
    expect(first!.closedAtMs).toBe(START_MS + 32 * HOUR_MS + 150_000);
    expect(first!.fundingPayments).toBe(4);
    expect(first!.fundingUsdt.isPositive()).toBe(true);
    expect(second!.symbol).toBe('STEADYUSDT');
    expect(second!.openedAtMs).toBe(first!.closedAtMs);
    expect(report.cycles.filter((c) => c.symbol === 'FLIPUSDT')).toHaveLength(1);
  });

  it('pays funding when a held pair settles negative before any exit applies', () => {
    // A single symbol: no other pair to rotate into, so the position pays for as long as it is held.
    const rates = [...constant('0.0003', 2), ...constant('-0.0001', 4)];
    const { report } = run([series('ONEUSDT', rates)], { params: params({ feeCoverageMultiplier: dec(100) }) });
    const cycle = report.cycles[0]!;
    expect(cycle.closeReason).toBeNull();
    // 2 × 1.437 received, then 4 × 0.479 paid.
    expect(cycle.fundingUsdt.toFixed()).toBe('0.958');
    expect(cycle.fundingPayments).toBe(6);
  });
});
