/**
 * The `spreads` report: spot mid, perp mid and their spread for every pair, largest |spread| first, with the
 * summary of the original spread tool (average, extremes, premium / discount / exact counts).
 *
 * Both books come from one snapshot, so a spread never compares prices taken at different moments. A pair with an
 * empty, one-sided or crossed book has no mid; it is listed apart (the bot's filter excludes it).
 */
import { type Decimal, sumDec, ZERO } from '../../domain/decimal.ts';
import type { ScanSnapshot } from '../../domain/market.ts';
import { discoverPairs } from '../../strategy/pairs.ts';
import { midPrice } from '../../strategy/prices.ts';
import { decJson, roundedJson, timeJson } from '../json.ts';

export interface SpreadRow {
  readonly symbol: string;
  readonly spotSymbol: string;
  readonly spotMid: Decimal;
  readonly perpMid: Decimal;
  /** perp mid − spot mid: positive when the perp trades at a premium. */
  readonly spreadAbs: Decimal;
  /** spreadAbs / spot mid × 100. */
  readonly spreadPct: Decimal;
}

export interface MissingSpread {
  readonly symbol: string;
  readonly spotSymbol: string;
  /** Which book had no usable mid. */
  readonly missing: 'spot' | 'perp' | 'both';
}

export interface SpreadExtreme {
  readonly symbol: string;
  readonly spreadPct: Decimal;
}

export interface SpreadSummary {
  readonly count: number;
  readonly averageAbsPct: Decimal | null;
  readonly largest: SpreadExtreme | null;
  readonly smallest: SpreadExtreme | null;
  /** Perp above spot. */
  readonly premium: number;
  /** Perp below spot. */
  readonly discount: number;
  readonly exact: number;
  /** Pairs whose |spread| exceeds the bot's filter. */
  readonly aboveFilter: number;
}

export interface SpreadsReport {
  readonly timeMs: number;
  readonly maxSpreadPct: Decimal;
  /** By |spread %| descending, then symbol. */
  readonly rows: readonly SpreadRow[];
  readonly missing: readonly MissingSpread[];
  readonly summary: SpreadSummary;
}

/** Pairs are listed by |spread| descending; ties by symbol so the order is stable. */
function compareRows(a: SpreadRow, b: SpreadRow): number {
  const order = b.spreadPct.abs().comparedTo(a.spreadPct.abs());
  if (order !== 0) return order;
  return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;
}

function summarise(rows: readonly SpreadRow[], maxSpreadPct: Decimal): SpreadSummary {
  const count = rows.length;
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    count,
    averageAbsPct: count === 0 ? null : sumDec(rows.map((r) => r.spreadPct.abs())).div(count),
    largest: first === undefined ? null : { symbol: first.symbol, spreadPct: first.spreadPct },
    smallest: last === undefined ? null : { symbol: last.symbol, spreadPct: last.spreadPct },
    premium: rows.filter((r) => r.spreadAbs.greaterThan(ZERO)).length,
    discount: rows.filter((r) => r.spreadAbs.lessThan(ZERO)).length,
    exact: rows.filter((r) => r.spreadAbs.isZero()).length,
    aboveFilter: rows.filter((r) => r.spreadPct.abs().greaterThan(maxSpreadPct)).length,
  };
}

export function buildSpreadsReport(
  snapshot: ScanSnapshot,
  params: { readonly maxSpreadPct: Decimal; readonly excludeSymbols: readonly string[] },
): SpreadsReport {
  const rows: SpreadRow[] = [];
  const missing: MissingSpread[] = [];
  for (const pair of discoverPairs(snapshot.spotMarkets, snapshot.perpMarkets, params.excludeSymbols)) {
    const spotMid = midPrice(snapshot.spotBooks.get(pair.spotSymbol));
    const perpMid = midPrice(snapshot.perpBooks.get(pair.symbol));
    if (spotMid === null || perpMid === null) {
      const which = spotMid === null && perpMid === null ? 'both' : spotMid === null ? 'spot' : 'perp';
      missing.push({ symbol: pair.symbol, spotSymbol: pair.spotSymbol, missing: which });
      continue;
    }
    const spreadAbs = perpMid.minus(spotMid);
    rows.push({
      symbol: pair.symbol,
      spotSymbol: pair.spotSymbol,
      spotMid,
      perpMid,
      spreadAbs,
      spreadPct: spreadAbs.div(spotMid).times(100),
    });
  }
  rows.sort(compareRows);
  return {
    timeMs: snapshot.timeMs,
    maxSpreadPct: params.maxSpreadPct,
    rows,
    missing,
    summary: summarise(rows, params.maxSpreadPct),
  };
}

function share(part: number, whole: number): string | null {
  return whole === 0 ? null : ((part / whole) * 100).toFixed(2);
}

/** The `spreads --json` document. */
export function spreadsReportJson(report: SpreadsReport) {
  const s = report.summary;
  const extreme = (e: SpreadExtreme | null) =>
    e === null ? null : { symbol: e.symbol, spread_pct: roundedJson(e.spreadPct) };
  return {
    ok: true as const,
    command: 'spreads' as const,
    time: timeJson(report.timeMs),
    max_spread_pct: decJson(report.maxSpreadPct),
    summary: {
      count: s.count,
      average_abs_spread_pct: roundedJson(s.averageAbsPct),
      largest: extreme(s.largest),
      smallest: extreme(s.smallest),
      premium: s.premium,
      premium_share_pct: share(s.premium, s.count),
      discount: s.discount,
      discount_share_pct: share(s.discount, s.count),
      exact: s.exact,
      above_filter: s.aboveFilter,
      missing: report.missing.length,
    },
    pairs: report.rows.map((r) => ({
      symbol: r.symbol,
      spot_symbol: r.spotSymbol,
      spot_mid: decJson(r.spotMid),
      perp_mid: decJson(r.perpMid),
      spread_abs: decJson(r.spreadAbs),
      spread_pct: roundedJson(r.spreadPct),
    })),
    missing: report.missing.map((m) => ({ symbol: m.symbol, spot_symbol: m.spotSymbol, missing: m.missing })),
  };
}
