/**
 * Funding-rate math: annualisation, the symbol's funding interval, the hybrid moving average.
 *
 * Rates are per interval and decimal fractions (0.0001 = 0.01 % per interval). Intervals differ per
 * symbol on Aster (8 h by default, some 4 h), so every annualisation takes the symbol's own interval:
 * a 4 h symbol pays twice as often as an 8 h one at the same rate.
 */
import { type Decimal, dec, sumDec } from './decimal.ts';
import type { FundingInfo, FundingRateRecord } from './market.ts';

const HOUR_MS = 3_600_000;
/** 24 h × 365 d × 100 (percent): APR% = rate × this / intervalHours. */
const APR_PCT_PER_RATE_HOUR = dec(24 * 365 * 100);

function assertIntervalHours(hours: number): void {
  if (!Number.isFinite(hours) || hours <= 0) throw new RangeError(`fundingIntervalHours must be > 0, got ${hours}`);
}

/** APR% = rate × (24 / h) × 365 × 100. No compounding, no fees, no leverage adjustment. */
export function fundingAprPct(ratePerInterval: Decimal, fundingIntervalHours: number): Decimal {
  assertIntervalHours(fundingIntervalHours);
  // Multiply before dividing so that exact intervals (1, 2, 4, 8) give exact results.
  return ratePerInterval.times(APR_PCT_PER_RATE_HOUR).div(fundingIntervalHours);
}

/** Settlements per day: 3 for 8 h, 6 for 4 h. Fractional for intervals that do not divide 24. */
export function paymentsPerDay(fundingIntervalHours: number): Decimal {
  assertIntervalHours(fundingIntervalHours);
  return dec(24).div(fundingIntervalHours);
}

/**
 * The interval suggested by settled history: the most common gap between consecutive settlements,
 * rounded to whole hours. Real `fundingTime` values arrive a few ms late (up to 44 ms seen on Aster),
 * so gaps are never compared exactly. A missing settlement only lengthens one gap, so on a tie the
 * shorter interval wins. Undefined when fewer than two settlements are known.
 */
export function intervalHoursFromHistory(records: readonly FundingRateRecord[]): number | undefined {
  if (records.length < 2) return undefined;
  const times = records.map((r) => r.fundingTimeMs).sort((a, b) => a - b);
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const gapHours = Math.round(((times[i] as number) - (times[i - 1] as number)) / HOUR_MS);
    if (gapHours <= 0) continue; // duplicate rows for one settlement
    counts.set(gapHours, (counts.get(gapHours) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestCount = 0;
  for (const [hours, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && hours < best)) {
      best = hours;
      bestCount = count;
    }
  }
  return best;
}

export type FundingIntervalSource = 'fundingInfo' | 'history' | 'default';

export interface FundingInterval {
  hours: number;
  source: FundingIntervalSource;
}

/**
 * The funding interval of one symbol: `fundingInfo` (looked up by the symbol itself, never the first
 * row of the response), else the mode of the history gaps, else the default. A non-positive interval
 * from either source is treated as absent.
 */
export function resolveFundingInterval(
  symbol: string,
  fundingInfo: ReadonlyMap<string, FundingInfo>,
  history: readonly FundingRateRecord[] | undefined,
  defaultHours: number,
): FundingInterval {
  assertIntervalHours(defaultHours);
  const info = fundingInfo.get(symbol);
  if (info !== undefined && info.symbol === symbol && Number.isFinite(info.fundingIntervalHours)) {
    if (info.fundingIntervalHours > 0) return { hours: info.fundingIntervalHours, source: 'fundingInfo' };
  }
  const fromHistory = history === undefined ? undefined : intervalHoursFromHistory(history);
  if (fromHistory !== undefined && fromHistory > 0) return { hours: fromHistory, source: 'history' };
  return { hours: defaultHours, source: 'default' };
}

/**
 * The hybrid moving average of the original bot: the mean of the last `periods − 1` settled rates and
 * the current rate, i.e. `periods` values in all. `settled` is in any order; the newest settlements
 * (by time) are used. Undefined when fewer than `periods − 1` settlements are known.
 */
export function hybridMaRate(
  settled: readonly FundingRateRecord[],
  currentRate: Decimal,
  periods: number,
): Decimal | undefined {
  if (!Number.isInteger(periods) || periods < 1)
    throw new RangeError(`fundingMaPeriods must be an integer ≥ 1, got ${periods}`);
  const needed = periods - 1;
  if (settled.length < needed) return undefined;
  const newest = [...settled].sort((a, b) => a.fundingTimeMs - b.fundingTimeMs).slice(settled.length - needed);
  return sumDec(newest.map((r) => r.fundingRate))
    .plus(currentRate)
    .div(periods);
}
