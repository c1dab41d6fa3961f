/**
 * The opportunity scan: per pair funding APR (current and, in MA mode, the hybrid MA), the filters of
 * the original bot in their original order, and the best pair.
 *
 * Filter order (the first failure is the pair's exclusion reason):
 *   1. current funding rate < 0 (strictly; zero passes). In MA mode the current rate decides, not the MA.
 *   2. combined spot + perp 24 h quote volume < `minVolumeUsdt`.
 *   3. spot–perp mid spread > `maxSpreadPct`. Both books come from the same snapshot; a missing or
 *      unusable book or ticker EXCLUDES the pair (the original bot let it through).
 *   4. MA mode only: fewer than `fundingMaPeriods − 1` settled rates known.
 *   5. ranking APR < `minFundingAprPct` (equal passes).
 * Steps 1–3 are the "cheap" filters: they need only the constant-cost snapshot, so funding history is
 * fetched only for the pairs that pass them (see `historyRequest`).
 *
 * Every metric is computed for every pair whatever its exclusion, so the held symbol's current APR is
 * known even when it no longer passes a filter (rotation compares against it).
 */
import type { Decimal } from '../domain/decimal.ts';
import { type FundingInterval, fundingAprPct, hybridMaRate, resolveFundingInterval } from '../domain/funding.ts';
import type { Pair, ScanSnapshot } from '../domain/market.ts';
import { compareSymbols, discoverPairs } from './pairs.ts';
import type { StrategyParams } from './params.ts';
import { midPrice, spreadPct } from './prices.ts';
import { pctText, rateText, usdText } from './text.ts';

export type ExclusionReason =
  | 'missing_rate'
  | 'negative_rate'
  | 'missing_ticker'
  | 'low_volume'
  | 'missing_book'
  | 'wide_spread'
  | 'insufficient_history'
  | 'below_min_apr';

export interface Exclusion {
  reason: ExclusionReason;
  /** One line for the log and the `rates` table. */
  message: string;
}

export type ScanMode = 'current' | 'ma';

/** Everything the scan knows about one pair. `null` means "not computable from the snapshot". */
export interface PairScan {
  pair: Pair;
  /** The perp symbol (the pair's key). */
  symbol: string;
  fundingInterval: FundingInterval;
  /** `premiumIndex.lastFundingRate`, per interval. */
  currentRate: Decimal | null;
  currentAprPct: Decimal | null;
  /** MA mode only. */
  maRate: Decimal | null;
  maAprPct: Decimal | null;
  /** What pairs are ranked on: the MA APR in MA mode, else the current APR. */
  rankingAprPct: Decimal | null;
  /** How many settled rates the MA averaged (MA mode); 0 otherwise. */
  settledRatesUsed: number;
  volumeUsdt: Decimal | null;
  spotMid: Decimal | null;
  perpMid: Decimal | null;
  spreadPct: Decimal | null;
  /** Passed the negative-rate, volume and spread filters. */
  passedCheapFilters: boolean;
  /** Null when the pair passed every filter. */
  exclusion: Exclusion | null;
}

export interface ScanResult {
  mode: ScanMode;
  timeMs: number;
  /** Every pair, by ranking APR descending (unknown last), then symbol. */
  rows: PairScan[];
  /** The rows that passed every filter, same order. */
  eligible: PairScan[];
  /** The highest ranking APR among the eligible rows (ties: lowest symbol), or null. */
  best: PairScan | null;
}

type ScanParams = Pick<
  StrategyParams,
  | 'useFundingMa'
  | 'fundingMaPeriods'
  | 'defaultFundingIntervalHours'
  | 'minVolumeUsdt'
  | 'maxSpreadPct'
  | 'minFundingAprPct'
  | 'excludeSymbols'
>;

interface CheapMetrics {
  currentRate: Decimal | null;
  volumeUsdt: Decimal | null;
  spotMid: Decimal | null;
  perpMid: Decimal | null;
  spreadPct: Decimal | null;
  exclusion: Exclusion | null;
}

function cheapMetrics(snapshot: ScanSnapshot, pair: Pair, params: ScanParams): CheapMetrics {
  const currentRate = snapshot.premiumIndex.get(pair.symbol)?.lastFundingRate ?? null;
  const spotTicker = snapshot.spotTickers.get(pair.spotSymbol);
  const perpTicker = snapshot.perpTickers.get(pair.symbol);
  const volumeUsdt =
    spotTicker !== undefined && perpTicker !== undefined ? spotTicker.quoteVolume.plus(perpTicker.quoteVolume) : null;
  const spotMid = midPrice(snapshot.spotBooks.get(pair.spotSymbol));
  const perpMid = midPrice(snapshot.perpBooks.get(pair.symbol));
  const spread = spotMid !== null && perpMid !== null ? spreadPct(spotMid, perpMid) : null;

  let exclusion: Exclusion | null = null;
  if (currentRate === null) {
    exclusion = { reason: 'missing_rate', message: `${pair.symbol}: no current funding rate in the snapshot` };
  } else if (currentRate.isNegative() && !currentRate.isZero()) {
    exclusion = { reason: 'negative_rate', message: `${pair.symbol}: negative funding rate ${rateText(currentRate)}` };
  } else if (volumeUsdt === null) {
    const missing = spotTicker === undefined ? `spot ${pair.spotSymbol}` : `perp ${pair.symbol}`;
    exclusion = { reason: 'missing_ticker', message: `${pair.symbol}: no 24h ticker for ${missing}` };
  } else if (volumeUsdt.lessThan(params.minVolumeUsdt)) {
    exclusion = {
      reason: 'low_volume',
      message: `${pair.symbol}: 24h volume ${usdText(volumeUsdt)} < ${usdText(params.minVolumeUsdt)} (spot + perp)`,
    };
  } else if (spread === null) {
    const missing = spotMid === null ? `spot ${pair.spotSymbol}` : `perp ${pair.symbol}`;
    exclusion = { reason: 'missing_book', message: `${pair.symbol}: no usable book for ${missing}` };
  } else if (spread.greaterThan(params.maxSpreadPct)) {
    exclusion = {
      reason: 'wide_spread',
      message: `${pair.symbol}: spot-perp spread ${spread.toFixed(4)}% > ${params.maxSpreadPct.toFixed()}%`,
    };
  }
  return { currentRate, volumeUsdt, spotMid, perpMid, spreadPct: spread, exclusion };
}

function scanPair(snapshot: ScanSnapshot, pair: Pair, params: ScanParams): PairScan {
  const cheap = cheapMetrics(snapshot, pair, params);
  const history = snapshot.fundingHistory.get(pair.symbol);
  const fundingInterval = resolveFundingInterval(
    pair.symbol,
    snapshot.fundingInfo,
    history,
    params.defaultFundingIntervalHours,
  );
  const currentAprPct = cheap.currentRate === null ? null : fundingAprPct(cheap.currentRate, fundingInterval.hours);

  let maRate: Decimal | null = null;
  let settledRatesUsed = 0;
  if (params.useFundingMa && cheap.currentRate !== null) {
    maRate = hybridMaRate(history ?? [], cheap.currentRate, params.fundingMaPeriods) ?? null;
    if (maRate !== null) settledRatesUsed = params.fundingMaPeriods - 1;
  }
  const maAprPct = maRate === null ? null : fundingAprPct(maRate, fundingInterval.hours);
  const rankingAprPct = params.useFundingMa ? maAprPct : currentAprPct;

  let exclusion = cheap.exclusion;
  if (exclusion === null && params.useFundingMa && maRate === null) {
    const have = history?.length ?? 0;
    exclusion = {
      reason: 'insufficient_history',
      message: `${pair.symbol}: ${have} settled rate(s) known, the MA needs ${params.fundingMaPeriods - 1}`,
    };
  }
  if (exclusion === null && rankingAprPct !== null && rankingAprPct.lessThan(params.minFundingAprPct)) {
    exclusion = {
      reason: 'below_min_apr',
      message: `${pair.symbol}: ${params.useFundingMa ? 'MA ' : ''}APR ${pctText(rankingAprPct)} < ${pctText(params.minFundingAprPct)}`,
    };
  }

  return {
    pair,
    symbol: pair.symbol,
    fundingInterval,
    currentRate: cheap.currentRate,
    currentAprPct,
    maRate,
    maAprPct,
    rankingAprPct,
    settledRatesUsed,
    volumeUsdt: cheap.volumeUsdt,
    spotMid: cheap.spotMid,
    perpMid: cheap.perpMid,
    spreadPct: cheap.spreadPct,
    passedCheapFilters: cheap.exclusion === null,
    exclusion,
  };
}

/** Ranking APR descending, unknown APRs last, then symbol ascending. */
export function compareByRanking(a: PairScan, b: PairScan): number {
  const ra = a.rankingAprPct;
  const rb = b.rankingAprPct;
  if (ra !== null && rb !== null && !ra.equals(rb)) return rb.comparedTo(ra);
  if (ra === null && rb !== null) return 1;
  if (ra !== null && rb === null) return -1;
  return compareSymbols(a.symbol, b.symbol);
}

/**
 * Scans every pair of the snapshot (or the given pairs, e.g. a cached discovery) and selects the best.
 * Pure: the snapshot must already hold the funding histories MA mode needs (see `historyRequest`).
 */
export function scanPairs(snapshot: ScanSnapshot, params: ScanParams, pairs?: readonly Pair[]): ScanResult {
  const universe = pairs ?? discoverPairs(snapshot.spotMarkets, snapshot.perpMarkets, params.excludeSymbols);
  const rows = universe.map((pair) => scanPair(snapshot, pair, params)).sort(compareByRanking);
  const eligible = rows.filter((row) => row.exclusion === null);
  return {
    mode: params.useFundingMa ? 'ma' : 'current',
    timeMs: snapshot.timeMs,
    rows,
    eligible,
    best: eligible[0] ?? null,
  };
}

/** The best eligible pair whose symbol is not `symbol`: the only kind of target a rotation may pick. */
export function bestOtherThan(result: ScanResult, symbol: string): PairScan | null {
  return result.eligible.find((row) => row.symbol !== symbol) ?? null;
}

/** The perp symbols that pass the cheap filters (negative rate, volume, spread), sorted. */
export function cheapFilterPassers(snapshot: ScanSnapshot, params: ScanParams, pairs?: readonly Pair[]): string[] {
  const universe = pairs ?? discoverPairs(snapshot.spotMarkets, snapshot.perpMarkets, params.excludeSymbols);
  return universe
    .filter((pair) => cheapMetrics(snapshot, pair, params).exclusion === null)
    .map((pair) => pair.symbol)
    .sort(compareSymbols);
}

export interface HistoryRequest {
  /** Perp symbols whose settled funding history the scan needs. Empty outside MA mode. */
  symbols: string[];
  /** Rows per symbol: the MA's `fundingMaPeriods − 1` settled rates. */
  limit: number;
}

/**
 * Which histories to fetch before `scanPairs` in MA mode: the cheap-filter passers plus the held
 * symbol (rotation compares against its MA APR even if it no longer passes a filter). Outside MA mode
 * nothing is needed, which keeps an instantaneous scan at a constant number of requests.
 */
export function historyRequest(
  snapshot: ScanSnapshot,
  params: ScanParams,
  heldSymbol?: string | null,
  pairs?: readonly Pair[],
): HistoryRequest {
  if (!params.useFundingMa) return { symbols: [], limit: 0 };
  const symbols = new Set(cheapFilterPassers(snapshot, params, pairs));
  if (heldSymbol) symbols.add(heldSymbol);
  return { symbols: [...symbols].sort(compareSymbols), limit: Math.max(params.fundingMaPeriods - 1, 0) };
}
