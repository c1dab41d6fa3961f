import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import {
  fundingAprPct,
  hybridMaRate,
  intervalHoursFromHistory,
  paymentsPerDay,
  resolveFundingInterval,
} from '../../../src/domain/funding.ts';
import type { FundingInfo, FundingRateRecord } from '../../../src/domain/market.ts';
import { asterBtcFunding, binanceFunding, realdataJson } from './support/realdata.ts';

const H = 3_600_000;

function records(symbol: string, times: number[], rate = '0.0001'): FundingRateRecord[] {
  return times.map((t) => ({ symbol, fundingTimeMs: t, fundingRate: dec(rate) }));
}

function infoMap(rows: FundingInfo[]): Map<string, FundingInfo> {
  return new Map(rows.map((r) => [r.symbol, r]));
}

describe('fundingAprPct', () => {
  it.each([
    ['0.0001', 8, '10.95'],
    ['0.0001', 4, '21.9'],
    ['0.0001', 1, '87.6'],
    ['-0.00005', 8, '-5.475'],
    ['0', 8, '0'],
  ])('rate %s every %ih → %s%%', (rate, hours, apr) => {
    expect(fundingAprPct(dec(rate), hours).toFixed()).toBe(apr);
  });

  it("a 4 h symbol's APR is twice an 8 h symbol's at the same rate", () => {
    const rate = dec('0.00020405');
    expect(fundingAprPct(rate, 4).equals(fundingAprPct(rate, 8).times(2))).toBe(true);
  });

  it('does not truncate the payments per day of intervals that do not divide 24', () => {
    // The original bot computed int(24 / 5) = 4 payments a day.
    expect(paymentsPerDay(5).toFixed()).toBe('4.8');
    expect(fundingAprPct(dec('0.0001'), 5).toFixed()).toBe('17.52');
  });

  it('rejects a non-positive interval', () => {
    expect(() => fundingAprPct(dec('0.0001'), 0)).toThrow(/fundingIntervalHours must be > 0, got 0/);
  });
});

describe('intervalHoursFromHistory', () => {
  it('reads 8 h from real Aster BTC settlements despite ms jitter and a 16 h gap', () => {
    const all = asterBtcFunding();
    expect(all.some((r) => r.fundingTimeMs % (8 * H) !== 0)).toBe(true); // the jitter is really there
    expect(intervalHoursFromHistory(all)).toBe(8);
    // The window around the missing row of 2024-10-14 00:00.
    const gapStart = all.findIndex((r, i) => (all[i + 1]?.fundingTimeMs ?? 0) - r.fundingTimeMs > 12 * H);
    expect(gapStart).toBeGreaterThan(0);
    expect(intervalHoursFromHistory(all.slice(gapStart - 2, gapStart + 3))).toBe(8);
  });

  it('reads 4 h from a real 4 h symbol (TRBUSDT) and 8 h from an 8 h one (1INCHUSDT)', () => {
    expect(intervalHoursFromHistory(binanceFunding('TRBUSDT').slice(-10))).toBe(4);
    expect(intervalHoursFromHistory(binanceFunding('1INCHUSDT').slice(-10))).toBe(8);
  });

  it('rounds jitter of up to 44 ms to whole hours', () => {
    expect(intervalHoursFromHistory(records('X', [0, 4 * H + 44, 8 * H + 3, 12 * H + 40]))).toBe(4);
  });

  it('prefers the shorter interval on a tie (a missing row only lengthens a gap)', () => {
    expect(intervalHoursFromHistory(records('X', [0, 4 * H, 12 * H]))).toBe(4);
  });

  it('sorts the records and ignores duplicate settlements', () => {
    expect(intervalHoursFromHistory(records('X', [16 * H, 0, 8 * H, 8 * H]))).toBe(8);
  });

  it('is undefined with fewer than two settlements', () => {
    expect(intervalHoursFromHistory(records('X', [0]))).toBeUndefined();
    expect(intervalHoursFromHistory([])).toBeUndefined();
  });
});

describe('resolveFundingInterval', () => {
  const docInfo = realdataJson<
    Array<{
      symbol: string;
      fundingIntervalHours: number;
      fundingFeeCap: number | null;
      fundingFeeFloor: number | null;
    }>
  >('aster-docs-examples/futures-v3/GET__fapi_v3_fundingInfo.json');
  const info = infoMap(
    docInfo.map((r) => ({
      symbol: r.symbol,
      fundingIntervalHours: r.fundingIntervalHours,
      fundingFeeCap: r.fundingFeeCap === null ? null : dec(r.fundingFeeCap),
      fundingFeeFloor: r.fundingFeeFloor === null ? null : dec(r.fundingFeeFloor),
    })),
  );

  it('takes fundingInfo first', () => {
    expect(resolveFundingInterval('ZORAUSDT', info, undefined, 8)).toEqual({ hours: 4, source: 'fundingInfo' });
    expect(resolveFundingInterval('INJUSDT', info, records('INJUSDT', [0, 4 * H, 8 * H]), 8)).toEqual({
      hours: 8,
      source: 'fundingInfo',
    });
  });

  it('W-24: fundingInfo is looked up by symbol, never the first row of the response', () => {
    // INJUSDT (8 h) is the first row; ZORAUSDT (4 h) must not inherit it, nor anything else.
    expect(resolveFundingInterval('ZORAUSDT', info, undefined, 8).hours).toBe(4);
    expect(resolveFundingInterval('BTCUSDT', info, undefined, 8)).toEqual({ hours: 8, source: 'default' });
    const mislabelled = new Map<string, FundingInfo>([
      ['BTCUSDT', { symbol: 'INJUSDT', fundingIntervalHours: 4, fundingFeeCap: null, fundingFeeFloor: null }],
    ]);
    expect(resolveFundingInterval('BTCUSDT', mislabelled, undefined, 8).source).toBe('default');
  });

  it('falls back to the history, then to the default', () => {
    const history = binanceFunding('TRBUSDT').slice(-10);
    expect(resolveFundingInterval('TRBUSDT', new Map(), history, 8)).toEqual({ hours: 4, source: 'history' });
    expect(resolveFundingInterval('TRBUSDT', new Map(), history.slice(0, 1), 8)).toEqual({
      hours: 8,
      source: 'default',
    });
  });

  it('ignores a non-positive fundingInfo interval', () => {
    const bad = infoMap([{ symbol: 'X', fundingIntervalHours: 0, fundingFeeCap: null, fundingFeeFloor: null }]);
    expect(resolveFundingInterval('X', bad, undefined, 8)).toEqual({ hours: 8, source: 'default' });
  });
});

describe('hybridMaRate', () => {
  it('is the mean of the last periods − 1 settled rates and the current rate', () => {
    const settled = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => ({
      symbol: 'X',
      fundingTimeMs: i * 8 * H,
      fundingRate: dec(i).div(10_000),
    }));
    // P = 10: the newest 9 settled rates are 3..11 (sum 63), plus the current 0.0027 → (0.0063 + 0.0027) / 10.
    const ma = hybridMaRate(settled, dec('0.0027'), 10);
    expect(ma?.toFixed()).toBe('0.0009');
  });

  it('uses the newest settlements whatever the input order', () => {
    const settled = [
      { symbol: 'X', fundingTimeMs: 3 * H, fundingRate: dec('0.0003') },
      { symbol: 'X', fundingTimeMs: 1 * H, fundingRate: dec('0.0001') },
      { symbol: 'X', fundingTimeMs: 2 * H, fundingRate: dec('0.0002') },
    ];
    expect(hybridMaRate(settled, dec('0.0004'), 3)?.toFixed()).toBe('0.0003');
  });

  it('matches a hand computation over real Aster settlements', () => {
    const last9 = asterBtcFunding().slice(-9);
    const current = dec('0.0001');
    const expected = last9
      .reduce((s, r) => s.plus(r.fundingRate), dec(0))
      .plus(current)
      .div(10);
    expect(hybridMaRate(asterBtcFunding(), current, 10)?.equals(expected)).toBe(true);
  });

  it('is undefined with fewer than periods − 1 settlements', () => {
    expect(hybridMaRate(records('X', [0, 8 * H]), dec('0.0001'), 10)).toBeUndefined();
  });

  it('with one period is the current rate alone', () => {
    expect(hybridMaRate([], dec('0.0002'), 1)?.toFixed()).toBe('0.0002');
  });
});
