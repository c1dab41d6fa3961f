/**
 * The `rates` report: every pair of one scan with its funding, volume and spread figures, the outcome of each
 * filter on its own (the scan keeps only the first failure), a summary and the best opportunity.
 *
 * The best opportunity is the scan's: the highest ranking APR among pairs that pass EVERY filter. The original
 * tool showed the highest-APR high-volume pair even when its rate was negative, i.e. a pair the bot would never
 * open.
 */
import type { Decimal } from '../../domain/decimal.ts';
import type { FundingIntervalSource } from '../../domain/funding.ts';
import type { ScanSnapshot } from '../../domain/market.ts';
import type { StrategyParams } from '../../strategy/params.ts';
import type { ExclusionReason, PairScan, ScanMode, ScanResult } from '../../strategy/scan.ts';
import { formatCompactUsd, formatPct, formatRatePct } from '../format.ts';
import { decJson, roundedJson, timeJson } from '../json.ts';

export type FilterName = 'funding_rate' | 'volume' | 'spread' | 'history' | 'min_apr';

export interface FilterOutcome {
  readonly filter: FilterName;
  readonly pass: boolean;
  /** "$396.46M ≥ $250.00M", "-0.0050% < 0", "no usable spot book". */
  readonly detail: string;
}

export interface RatesRow {
  readonly symbol: string;
  readonly spotSymbol: string;
  readonly intervalHours: number;
  readonly intervalSource: FundingIntervalSource;
  readonly currentRate: Decimal | null;
  readonly currentAprPct: Decimal | null;
  readonly maRate: Decimal | null;
  readonly maAprPct: Decimal | null;
  /** What the pair is ranked on: the MA APR in MA mode, else the current APR. */
  readonly rankingAprPct: Decimal | null;
  readonly spotVolumeUsdt: Decimal | null;
  readonly perpVolumeUsdt: Decimal | null;
  readonly volumeUsdt: Decimal | null;
  readonly spotMid: Decimal | null;
  readonly perpMid: Decimal | null;
  /** (perp mid − spot mid) / spot mid × 100: positive when the perp trades at a premium. */
  readonly spreadPct: Decimal | null;
  readonly filters: readonly FilterOutcome[];
  readonly eligible: boolean;
  /** The scan's exclusion: the first failing filter, in the bot's order. */
  readonly exclusion: { readonly reason: ExclusionReason; readonly message: string } | null;
}

export interface RatesThresholds {
  readonly minVolumeUsdt: Decimal;
  readonly maxSpreadPct: Decimal;
  readonly minFundingAprPct: Decimal;
  /** MA mode only. */
  readonly fundingMaPeriods: number | null;
  readonly excludeSymbols: readonly string[];
}

export interface RatesReport {
  readonly mode: ScanMode;
  readonly timeMs: number;
  readonly thresholds: RatesThresholds;
  readonly rows: readonly RatesRow[];
  readonly eligibleCount: number;
  /** Pairs per first exclusion reason. */
  readonly excludedBy: Readonly<Partial<Record<ExclusionReason, number>>>;
  /** Pairs failing each filter (a pair may fail several). */
  readonly failedBy: Readonly<Partial<Record<FilterName, number>>>;
  readonly best: RatesRow | null;
}

type ReportParams = Pick<
  StrategyParams,
  'minVolumeUsdt' | 'maxSpreadPct' | 'minFundingAprPct' | 'useFundingMa' | 'fundingMaPeriods' | 'excludeSymbols'
>;

function rateFilter(scan: PairScan): FilterOutcome {
  const rate = scan.currentRate;
  if (rate === null) return { filter: 'funding_rate', pass: false, detail: 'no current funding rate' };
  const negative = rate.isNegative() && !rate.isZero();
  return { filter: 'funding_rate', pass: !negative, detail: `${formatRatePct(rate)} ${negative ? '<' : '≥'} 0` };
}

function volumeFilter(volume: Decimal | null, spot: Decimal | null, params: ReportParams): FilterOutcome {
  if (volume === null) {
    return { filter: 'volume', pass: false, detail: `no 24h ticker for the ${spot === null ? 'spot' : 'perp'} market` };
  }
  const pass = volume.greaterThanOrEqualTo(params.minVolumeUsdt);
  return {
    filter: 'volume',
    pass,
    detail: `${formatCompactUsd(volume)} ${pass ? '≥' : '<'} ${formatCompactUsd(params.minVolumeUsdt)}`,
  };
}

function spreadFilter(scan: PairScan, params: ReportParams): FilterOutcome {
  if (scan.spreadPct === null) {
    return { filter: 'spread', pass: false, detail: `no usable ${scan.spotMid === null ? 'spot' : 'perp'} book` };
  }
  const pass = scan.spreadPct.lessThanOrEqualTo(params.maxSpreadPct);
  return {
    filter: 'spread',
    pass,
    detail: `${formatPct(scan.spreadPct, { decimals: 4 })} ${pass ? '≤' : '>'} ${formatPct(params.maxSpreadPct)}`,
  };
}

function historyFilter(scan: PairScan, params: ReportParams): FilterOutcome {
  const needed = params.fundingMaPeriods - 1;
  if (scan.maRate !== null) return { filter: 'history', pass: true, detail: `${needed} settled rates averaged` };
  return { filter: 'history', pass: false, detail: `fewer than the ${needed} settled rates the MA needs` };
}

function aprFilter(scan: PairScan, params: ReportParams): FilterOutcome {
  const apr = scan.rankingAprPct;
  const label = params.useFundingMa ? 'MA APR' : 'APR';
  if (apr === null) return { filter: 'min_apr', pass: false, detail: `${label} unknown` };
  const pass = apr.greaterThanOrEqualTo(params.minFundingAprPct);
  return {
    filter: 'min_apr',
    pass,
    detail: `${label} ${formatPct(apr)} ${pass ? '≥' : '<'} ${formatPct(params.minFundingAprPct)}`,
  };
}

function signedSpreadPct(spotMid: Decimal | null, perpMid: Decimal | null): Decimal | null {
  if (spotMid === null || perpMid === null || spotMid.isZero()) return null;
  return perpMid.minus(spotMid).div(spotMid).times(100);
}

function toRow(scan: PairScan, snapshot: ScanSnapshot, params: ReportParams): RatesRow {
  const spotVolumeUsdt = snapshot.spotTickers.get(scan.pair.spotSymbol)?.quoteVolume ?? null;
  const perpVolumeUsdt = snapshot.perpTickers.get(scan.symbol)?.quoteVolume ?? null;
  const filters: FilterOutcome[] = [
    rateFilter(scan),
    volumeFilter(scan.volumeUsdt, spotVolumeUsdt, params),
    spreadFilter(scan, params),
    ...(params.useFundingMa ? [historyFilter(scan, params)] : []),
    aprFilter(scan, params),
  ];
  return {
    symbol: scan.symbol,
    spotSymbol: scan.pair.spotSymbol,
    intervalHours: scan.fundingInterval.hours,
    intervalSource: scan.fundingInterval.source,
    currentRate: scan.currentRate,
    currentAprPct: scan.currentAprPct,
    maRate: scan.maRate,
    maAprPct: scan.maAprPct,
    rankingAprPct: scan.rankingAprPct,
    spotVolumeUsdt,
    perpVolumeUsdt,
    volumeUsdt: scan.volumeUsdt,
    spotMid: scan.spotMid,
    perpMid: scan.perpMid,
    spreadPct: signedSpreadPct(scan.spotMid, scan.perpMid),
    filters,
    eligible: scan.exclusion === null,
    exclusion: scan.exclusion,
  };
}

function increment<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Builds the report from a scan and the snapshot it was computed from (for the per-market volumes). */
export function buildRatesReport(scan: ScanResult, snapshot: ScanSnapshot, params: ReportParams): RatesReport {
  const rows = scan.rows.map((row) => toRow(row, snapshot, params));
  const excludedBy: Partial<Record<ExclusionReason, number>> = {};
  const failedBy: Partial<Record<FilterName, number>> = {};
  for (const row of rows) {
    if (row.exclusion !== null) increment(excludedBy, row.exclusion.reason);
    for (const outcome of row.filters) if (!outcome.pass) increment(failedBy, outcome.filter);
  }
  const best = scan.best === null ? null : (rows.find((row) => row.symbol === scan.best?.symbol) ?? null);
  return {
    mode: scan.mode,
    timeMs: scan.timeMs,
    thresholds: {
      minVolumeUsdt: params.minVolumeUsdt,
      maxSpreadPct: params.maxSpreadPct,
      minFundingAprPct: params.minFundingAprPct,
      fundingMaPeriods: params.useFundingMa ? params.fundingMaPeriods : null,
      excludeSymbols: params.excludeSymbols,
    },
    rows,
    eligibleCount: rows.filter((row) => row.eligible).length,
    excludedBy,
    failedBy,
    best,
  };
}

function rowJson(row: RatesRow) {
  return {
    symbol: row.symbol,
    spot_symbol: row.spotSymbol,
    interval_hours: row.intervalHours,
    interval_source: row.intervalSource,
    current_rate: decJson(row.currentRate),
    current_apr_pct: roundedJson(row.currentAprPct),
    ma_rate: roundedJson(row.maRate, 12),
    ma_apr_pct: roundedJson(row.maAprPct),
    ranking_apr_pct: roundedJson(row.rankingAprPct),
    spot_volume_usdt: decJson(row.spotVolumeUsdt),
    perp_volume_usdt: decJson(row.perpVolumeUsdt),
    volume_usdt: decJson(row.volumeUsdt),
    spot_mid: decJson(row.spotMid),
    perp_mid: decJson(row.perpMid),
    spread_pct: roundedJson(row.spreadPct),
    eligible: row.eligible,
    exclusion: row.exclusion,
    filters: row.filters.map((f) => ({ filter: f.filter, pass: f.pass, detail: f.detail })),
  };
}

/** The `rates --json` document. */
export function ratesReportJson(report: RatesReport) {
  const t = report.thresholds;
  return {
    ok: true as const,
    command: 'rates' as const,
    time: timeJson(report.timeMs),
    mode: report.mode,
    thresholds: {
      min_volume_usdt: decJson(t.minVolumeUsdt),
      max_spread_pct: decJson(t.maxSpreadPct),
      min_funding_apr_pct: decJson(t.minFundingAprPct),
      funding_ma_periods: t.fundingMaPeriods,
      exclude_symbols: [...t.excludeSymbols],
    },
    summary: {
      pairs: report.rows.length,
      eligible: report.eligibleCount,
      excluded: report.rows.length - report.eligibleCount,
      excluded_by: { ...report.excludedBy },
      failed_by: { ...report.failedBy },
    },
    best: report.best === null ? null : rowJson(report.best),
    pairs: report.rows.map(rowJson),
  };
}
