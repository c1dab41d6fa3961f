/**
 * Historical funding series made ready for replay: each settlement placed on the hour grid, its own funding
 * interval, and a price at every settlement. Pure: the series come parsed (see files.ts for reading them).
 *
 * What the data says and what it leaves open:
 * - Settlement times carry a few ms of jitter; a row belongs to the whole hour it rounds to. Two rows of one symbol
 *   in the same hour are an error in the data, not something to guess about.
 * - Real series change their interval (Binance and ApolloX moved SOL from 8 h to 4 h and 2 h for weeks in 2022), so
 *   every row carries its own interval: the time since the previous settlement. A gap longer than the usual
 *   interval (the larger of 8 h and the series' most common gap) is missing data, not a longer interval.
 * - The price at a settlement is the kline's OPEN when the file joins one (the close lies up to an hour after the
 *   settlement, which a bot deciding at that moment could not know), else the recorded mark price; rows without a
 *   price carry the previous one. A series without any price is replayed at a constant reference price: a
 *   delta-neutral position's funding and fees scale with its notional, not with the price level, and no price path
 *   is invented (so the stop-loss never fires on such a series).
 */
import { type Decimal, dec } from '../domain/decimal.ts';
import { ConfigError } from '../errors.ts';
import type { HistoricalFundingRow, HistoricalFundingSeries } from '../sim/market/historical-csv.ts';
import { decimalToFloat } from './float.ts';

export const HOUR_MS = 3_600_000;

/** The price of a series whose file carries none. */
export const DEFAULT_REFERENCE_PRICE = dec(100);

export interface PreparedSeries {
  /** The perp symbol; spot trades under the same name (the data has no spot market of its own). */
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** The file (or files) the rows came from, for messages and the report. */
  readonly source: string;
  /** Settlement instants on the hour grid, ascending, at least one hour apart. */
  readonly boundaryMs: Float64Array;
  /** The recorded settlement times (jitter included), as income records carry them. */
  readonly fundingTimeMs: Float64Array;
  /** Rate per interval of each settlement. */
  readonly rates: readonly Decimal[];
  /** The rates as floats, for ranking only (money always uses `rates`). */
  readonly rateFloats: Float64Array;
  /** Each row's interval in hours (see the file comment). */
  readonly rowIntervalHours: Float64Array;
  /** The series' most common interval. */
  readonly intervalHours: number;
  /** The coarsest grid every settlement lies on (hours): the account engine steps its settlements on it. */
  readonly gridHours: number;
  /** Price at each settlement. */
  readonly prices: readonly Decimal[];
  /** False when the file had no price at all and `prices` is the constant reference price. */
  readonly pricesFromData: boolean;
}

export interface PrepareOptions {
  /** Names the data in errors (the option the user gave it with). */
  readonly field?: string;
  readonly referencePrice?: Decimal;
  /** Quote asset of every series. Default USDT. */
  readonly quoteAsset?: string;
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** Prepares one parsed series. Throws ConfigError naming the source and the offending rows. */
export function prepareSeries(
  series: HistoricalFundingSeries,
  source: string,
  options: PrepareOptions = {},
): PreparedSeries {
  const field = options.field ?? '--data';
  const quoteAsset = options.quoteAsset ?? 'USDT';
  const { symbol, rows } = series;
  if (rows.length === 0) throw new ConfigError(field, `${source}: ${symbol} has no rows`);
  if (!symbol.endsWith(quoteAsset) || symbol.length <= quoteAsset.length) {
    throw new ConfigError(field, `${source}: symbol ${symbol} does not end with the quote asset ${quoteAsset}`, {
      value: symbol,
    });
  }
  // One pass over the rows (they are scattered objects; each visit is a cache miss), the rest on typed arrays.
  const count = rows.length;
  const boundaryMs = new Float64Array(count);
  const fundingTimeMs = new Float64Array(count);
  const rateFloats = new Float64Array(count);
  const rates: Decimal[] = new Array(count);
  const prices: (Decimal | undefined)[] = new Array(count);
  let firstPriced = -1;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const row = rows[i] as HistoricalFundingRow;
    const boundary = Math.round(row.fundingTimeMs / HOUR_MS) * HOUR_MS;
    if (boundary <= previous) {
      throw new ConfigError(
        field,
        `${source}: ${symbol} has two settlements in the hour of ${new Date(boundary).toISOString()}`,
        { value: row.fundingTimeMs },
      );
    }
    previous = boundary;
    boundaryMs[i] = boundary;
    fundingTimeMs[i] = row.fundingTimeMs;
    rates[i] = row.fundingRate;
    rateFloats[i] = decimalToFloat(row.fundingRate);
    const price = row.ohlc?.open ?? row.price;
    if (price?.isPositive() && !price.isZero()) {
      prices[i] = price;
      if (firstPriced < 0) firstPriced = i;
    }
  }

  const intervalHours = usualGapHours(boundaryMs) ?? 8;
  const longest = Math.max(8, intervalHours);
  const rowIntervalHours = new Float64Array(count);
  rowIntervalHours[0] = intervalHours;
  let gridHours = 0;
  for (let i = 1; i < count; i++) {
    const gapHours = ((boundaryMs[i] as number) - (boundaryMs[i - 1] as number)) / HOUR_MS;
    rowIntervalHours[i] = Math.min(gapHours, longest);
    gridHours = gcd(gridHours, gapHours);
  }
  // The grid must also hold the first settlement: the engine's grid starts at the epoch.
  gridHours = gcd(gridHours === 0 ? intervalHours : gridHours, (boundaryMs[0] as number) / HOUR_MS);

  const pricesFromData = firstPriced >= 0;
  let carried = pricesFromData ? (prices[firstPriced] as Decimal) : (options.referencePrice ?? DEFAULT_REFERENCE_PRICE);
  for (let i = 0; i < count; i++) {
    const price = prices[i];
    if (price === undefined) prices[i] = carried;
    else carried = price;
  }

  return {
    symbol,
    baseAsset: symbol.slice(0, symbol.length - quoteAsset.length),
    quoteAsset,
    source,
    boundaryMs,
    fundingTimeMs,
    rates,
    rateFloats,
    rowIntervalHours,
    intervalHours,
    gridHours,
    prices: prices as Decimal[],
    pricesFromData,
  };
}

/**
 * The most common gap between settlements in whole hours, the shorter one on a tie (a missing row only lengthens one
 * gap): the simulator's `detectIntervalHours` on boundaries already on the hour. Undefined with one row.
 */
function usualGapHours(boundaryMs: Float64Array): number | undefined {
  if (boundaryMs.length < 2) return undefined;
  const short = new Int32Array(49);
  let long: Map<number, number> | null = null;
  for (let i = 1; i < boundaryMs.length; i++) {
    const gap = ((boundaryMs[i] as number) - (boundaryMs[i - 1] as number)) / HOUR_MS;
    if (gap <= 48) short[gap] = (short[gap] as number) + 1;
    else {
      long ??= new Map();
      long.set(gap, (long.get(gap) ?? 0) + 1);
    }
  }
  let best: number | undefined;
  let bestCount = 0;
  for (let gap = 1; gap <= 48; gap++) {
    const n = short[gap] as number;
    if (n > bestCount) {
      best = gap;
      bestCount = n;
    }
  }
  for (const [gap, n] of long ?? []) {
    if (n > bestCount || (n === bestCount && best !== undefined && gap < best)) {
      best = gap;
      bestCount = n;
    }
  }
  return best;
}

/** When a series can be traded: from the start of its first interval to its last settlement. */
export function listingWindow(series: PreparedSeries): { fromMs: number; untilMs: number } {
  const first = series.boundaryMs[0] as number;
  return {
    fromMs: first - (series.rowIntervalHours[0] as number) * HOUR_MS,
    untilMs: series.boundaryMs[series.boundaryMs.length - 1] as number,
  };
}

export interface Period {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * The period to replay: the given bounds, else from the earliest listing to the last settlement of any series.
 * Throws ConfigError (naming `--from` / `--to`) when the period is empty or holds no settlement.
 */
export function resolvePeriod(
  series: readonly PreparedSeries[],
  bounds: { fromMs?: number | undefined; toMs?: number | undefined },
): Period {
  if (series.length === 0) throw new ConfigError('--data', 'no series to replay');
  const windows = series.map(listingWindow);
  const fromMs = bounds.fromMs ?? Math.min(...windows.map((w) => w.fromMs));
  const toMs = bounds.toMs ?? Math.max(...windows.map((w) => w.untilMs));
  if (toMs <= fromMs) {
    throw new ConfigError(
      bounds.toMs === undefined ? '--from' : '--to',
      `the period ${new Date(fromMs).toISOString()} → ${new Date(toMs).toISOString()} is empty`,
      { value: bounds.toMs ?? bounds.fromMs },
    );
  }
  const settles = series.some((s) => settlementsWithin(s, { fromMs, toMs }) > 0);
  if (!settles) {
    throw new ConfigError(
      bounds.fromMs !== undefined ? '--from' : '--to',
      `no settlement of the data lies between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}`,
      { value: bounds.fromMs ?? bounds.toMs },
    );
  }
  return { fromMs, toMs };
}

/** How many boundaries are at or before `timeMs` (binary search: the boundaries ascend). */
function countUpTo(boundaryMs: Float64Array, timeMs: number): number {
  let lo = 0;
  let hi = boundaryMs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((boundaryMs[mid] as number) <= timeMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Settlements of a series inside the period (after `fromMs`, up to and including `toMs`). */
export function settlementsWithin(series: PreparedSeries, period: Period): number {
  return countUpTo(series.boundaryMs, period.toMs) - countUpTo(series.boundaryMs, period.fromMs);
}
