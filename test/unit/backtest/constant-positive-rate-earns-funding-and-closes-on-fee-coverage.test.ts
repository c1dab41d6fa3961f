/**
 * Known answers on a hand-made market: one symbol at a constant price of 100 paying a constant rate every 8 h,
 * 10,000 USDT, 1x, the default fees (spot taker 0.04 % in the base asset on buys, perp taker 0.035 %) and books
 * 0.02 % either side of the price (ask 100.02, bid 99.98).
 *
 * The open, worked by hand: the wallets are split 5,000 / 5,000; notional 5,000 × 0.96 = 4,800; the short is
 * 4,800 / 100.02 floored to the common step 0.1 → 47.9; the spot buy covers its commission: 47.9 / 0.9996 rounded
 * up to the spot step 0.01 → 47.92, which pays 0.019168 ABC and leaves 47.900832.
 * Fees: spot 0.019168 × 100.02 = 1.91718336, perp 47.9 × 99.98 × 0.00035 = 1.6761647 (entry 3.59334806); the exit
 * sells 47.90 at 99.98 (1.9156168) and buys 47.9 back at 100.02 (1.6768353): 7.18580016 in all. Funding per
 * settlement: 47.9 × 100 × rate.
 */
import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { constant, HOUR_MS, params, run, START_MS, series } from './support/series.ts';

const CHECK_MS = 150_000; // half the 300 s loop interval: the first check after the start

describe('a constant positive funding rate', () => {
  it('opens once and earns exactly N × rate × notional when fee coverage is out of reach', () => {
    // Multiplier 1: the funding must cover all 7.19 USDT of fees; at 0.479 per settlement that takes 16 settlements,
    // more than the data has.
    const { report } = run([series('ABCUSDT', constant('0.0001', 10))], {
      params: params({ feeCoverageMultiplier: dec(1) }),
    });
    expect(report.opens).toBe(1);
    expect(report.closes).toBe(0);
    expect(report.cycles).toHaveLength(1);
    const cycle = report.cycles[0]!;
    expect(cycle.closeReason).toBeNull();
    expect(cycle.openedAtMs).toBe(START_MS + CHECK_MS);
    expect(cycle.fundingPayments).toBe(10);
    expect(cycle.fundingUsdt.toFixed()).toBe(dec('47.9').times(100).times('0.0001').times(10).toFixed());
    expect(cycle.fundingUsdt.toFixed()).toBe('4.79');
    // Entry fees only: the position is still open (marked at the last price, which has not moved).
    expect(cycle.feesUsdt.toFixed()).toBe('3.59334806');
    expect(report.fundingUsdt.toFixed()).toBe('4.79');
    expect(report.feesUsdt.toFixed()).toBe('3.59334806');
  });

  it('closes on fee coverage after the settlement that covers 0.2 × the fees, and reopens the same pair', () => {
    // 0.2 × (3.59334806 entry + 3.5925333 estimated exit) = 1.43717627: one payment of 1.437 falls short, two cover it.
    const { report } = run([series('ABCUSDT', constant('0.0003', 6))]);
    const [first, second, third] = report.cycles;
    expect(first).toBeDefined();
    expect(first!.closeReason).toBe('fee_coverage');
    expect(first!.fundingPayments).toBe(2);
    expect(first!.fundingUsdt.toFixed()).toBe('2.874');
    expect(first!.feesUsdt.toFixed()).toBe('7.18580016');
    // Spot: sold 47.90 at 99.98 against a cost of 100.02; perp: bought back 47.9 at 100.02 against 99.98.
    expect(first!.spotPnlUsdt.toFixed()).toBe('-1.916');
    expect(first!.perpPnlUsdt.toFixed()).toBe('-1.916');
    expect(first!.pnlUsdt.toFixed()).toBe('-8.14380016');
    // The close comes at the first check after the second settlement (16:00), and the reopen at the same check.
    expect(first!.closedAtMs).toBe(START_MS + 16 * HOUR_MS + CHECK_MS);
    expect(second!.symbol).toBe('ABCUSDT');
    expect(second!.openedAtMs).toBe(first!.closedAtMs);
    expect(second!.closeReason).toBe('fee_coverage');
    expect(third!.closeReason).toBeNull();
    expect(report.opens).toBe(3);
    expect(report.closeReasons).toEqual({ fee_coverage: 2 });
    // Below one spot step is left after each sale: 47.900832 − 47.90.
    expect(first!.dustQty.toFixed()).toBe('0.000832');
  });

  it('counts every settlement in the period as a symbol-interval and every check of the loop', () => {
    const { report } = run([series('ABCUSDT', constant('0.0003', 6))]);
    expect(report.symbolIntervals).toBe(6);
    // From 00:00 (one interval before the first settlement) to the last one 48 h later, every 300 s.
    expect(report.period.fromMs).toBe(START_MS);
    expect(report.period.toMs).toBe(START_MS + 48 * HOUR_MS);
    expect(report.checks).toBe(576);
    expect(report.decisions).toBeLessThan(report.checks);
  });
});
