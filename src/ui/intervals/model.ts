/**
 * The `intervals` report: each pair's funding interval and where it comes from. `fundingInfo` (one request for
 * every symbol) is authoritative; a symbol it does not list falls back to the gaps of its settled history, as the
 * bot does. Optionally every pair's history is read too, to cross-check the two sources.
 */

import { intervalHoursFromHistory } from '../../domain/funding.ts';
import type { FundingRateRecord, ScanSnapshot } from '../../domain/market.ts';
import { discoverPairs } from '../../strategy/pairs.ts';
import { timeJson } from '../json.ts';

export type IntervalSource = 'fundingInfo' | 'history' | 'unknown';
export type IntervalGroup = '1h' | '4h' | '8h' | 'other' | 'unknown';
export const INTERVAL_GROUPS: readonly IntervalGroup[] = ['1h', '4h', '8h', 'other', 'unknown'];

export interface IntervalRow {
  readonly symbol: string;
  /** Null when neither source tells: the bot then assumes the configured default. */
  readonly hours: number | null;
  readonly source: IntervalSource;
  readonly group: IntervalGroup;
  readonly nextFundingTimeMs: number | null;
  /** From the settled history, when it was read (fallback or cross-check). */
  readonly historyHours: number | null;
  readonly historyRows: number | null;
  /** fundingInfo and history both known and different. */
  readonly mismatch: boolean;
}

export interface IntervalsReport {
  readonly timeMs: number;
  readonly defaultHours: number;
  readonly crossChecked: boolean;
  readonly rows: readonly IntervalRow[];
  readonly groups: Readonly<Record<IntervalGroup, number>>;
  readonly bySource: Readonly<Record<IntervalSource, number>>;
  readonly mismatches: number;
}

export function groupOf(hours: number | null): IntervalGroup {
  if (hours === null) return 'unknown';
  if (hours === 1) return '1h';
  if (hours === 4) return '4h';
  if (hours === 8) return '8h';
  return 'other';
}

/** Symbols whose history must be read: those fundingInfo does not cover, or all of them to cross-check. */
export function symbolsNeedingHistory(
  snapshot: ScanSnapshot,
  excludeSymbols: readonly string[],
  crossCheck: boolean,
): string[] {
  return discoverPairs(snapshot.spotMarkets, snapshot.perpMarkets, excludeSymbols)
    .map((pair) => pair.symbol)
    .filter((symbol) => crossCheck || fundingInfoHours(snapshot, symbol) === null);
}

function fundingInfoHours(snapshot: ScanSnapshot, symbol: string): number | null {
  const info = snapshot.fundingInfo.get(symbol);
  return info !== undefined && info.fundingIntervalHours > 0 ? info.fundingIntervalHours : null;
}

export function buildIntervalsReport(
  snapshot: ScanSnapshot,
  histories: ReadonlyMap<string, readonly FundingRateRecord[]>,
  options: { readonly defaultHours: number; readonly excludeSymbols: readonly string[]; readonly crossCheck: boolean },
): IntervalsReport {
  const rows: IntervalRow[] = [];
  for (const pair of discoverPairs(snapshot.spotMarkets, snapshot.perpMarkets, options.excludeSymbols)) {
    const fromInfo = fundingInfoHours(snapshot, pair.symbol);
    const history = histories.get(pair.symbol);
    const fromHistory = history === undefined ? null : (intervalHoursFromHistory(history) ?? null);
    const hours = fromInfo ?? fromHistory;
    rows.push({
      symbol: pair.symbol,
      hours,
      source: fromInfo !== null ? 'fundingInfo' : fromHistory !== null ? 'history' : 'unknown',
      group: groupOf(hours),
      nextFundingTimeMs: snapshot.premiumIndex.get(pair.symbol)?.nextFundingTimeMs ?? null,
      historyHours: fromHistory,
      historyRows: history === undefined ? null : history.length,
      mismatch: fromInfo !== null && fromHistory !== null && fromInfo !== fromHistory,
    });
  }
  const groups = Object.fromEntries(INTERVAL_GROUPS.map((g) => [g, 0])) as Record<IntervalGroup, number>;
  const bySource: Record<IntervalSource, number> = { fundingInfo: 0, history: 0, unknown: 0 };
  for (const row of rows) {
    groups[row.group] += 1;
    bySource[row.source] += 1;
  }
  return {
    timeMs: snapshot.timeMs,
    defaultHours: options.defaultHours,
    crossChecked: options.crossCheck,
    rows,
    groups,
    bySource,
    mismatches: rows.filter((r) => r.mismatch).length,
  };
}

/** The `intervals --json` document. */
export function intervalsReportJson(report: IntervalsReport) {
  return {
    ok: true as const,
    command: 'intervals' as const,
    time: timeJson(report.timeMs),
    default_interval_hours: report.defaultHours,
    cross_checked: report.crossChecked,
    summary: {
      pairs: report.rows.length,
      groups: { ...report.groups },
      by_source: { ...report.bySource },
      mismatches: report.mismatches,
    },
    pairs: report.rows.map((r) => ({
      symbol: r.symbol,
      interval_hours: r.hours,
      payments_per_day: r.hours === null ? null : 24 / r.hours,
      source: r.source,
      group: r.group,
      next_funding_time: timeJson(r.nextFundingTimeMs),
      history_interval_hours: r.historyHours,
      history_rows: r.historyRows,
      mismatch: r.mismatch,
    })),
  };
}
