/** The human `rates` output: eligible pairs, filtered-out pairs with their reason, a summary, the best pair. */
import type { Decimal } from '../../domain/decimal.ts';
import type { ExclusionReason } from '../../strategy/scan.ts';
import type { Palette } from '../color.ts';
import { formatCompactUsd, formatInterval, formatPct, formatRatePct, formatUtc } from '../format.ts';
import { type Column, keyValueLines, renderTable } from '../table.ts';
import type { FilterName, RatesReport, RatesRow } from './model.ts';

const GREEN_APR_FROM = 20;
const YELLOW_APR_FROM = 10;

/** The original tool's APR colours: ≥ 20 % green, ≥ 10 % yellow; a negative APR (shorts pay) red. */
export function paintApr(apr: Decimal | null, palette: Palette): string {
  if (apr === null) return palette.dim('n/a');
  const text = formatPct(apr);
  if (apr.greaterThanOrEqualTo(GREEN_APR_FROM)) return palette.green(text);
  if (apr.greaterThanOrEqualTo(YELLOW_APR_FROM)) return palette.yellow(text);
  if (apr.isNegative() && !apr.isZero()) return palette.red(text);
  return text;
}

const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  missing_rate: 'no funding rate',
  negative_rate: 'negative rate',
  missing_ticker: 'no 24h ticker',
  low_volume: 'low volume',
  missing_book: 'no usable book',
  wide_spread: 'wide spread',
  insufficient_history: 'short history',
  below_min_apr: 'APR below minimum',
};

const FILTER_LABELS: Record<FilterName, string> = {
  funding_rate: 'rate',
  volume: 'volume',
  spread: 'spread',
  history: 'history',
  min_apr: 'APR',
};

function na(value: Decimal | null, format: (d: Decimal) => string, palette: Palette): string {
  return value === null ? palette.dim('n/a') : format(value);
}

function columns(report: RatesReport, withReason: boolean): Column[] {
  const ma = report.mode === 'ma';
  return [
    { header: 'Symbol' },
    { header: 'Interval' },
    { header: 'Rate %', align: 'right' },
    ...(ma ? [{ header: 'MA APR %', align: 'right' as const }] : []),
    { header: ma ? 'Curr APR %' : 'APR %', align: 'right' },
    { header: 'Spot vol', align: 'right' },
    { header: 'Perp vol', align: 'right' },
    { header: '24h vol', align: 'right' },
    { header: 'Spread %', align: 'right' },
    ...(withReason ? [{ header: 'Reason' }] : []),
  ];
}

/** The first failing filter's detail, and how many more failed: "volume $16.73M < $250.00M (+1 more)". */
export function failureText(row: RatesRow): string {
  const failed = row.filters.filter((f) => !f.pass);
  const first = failed[0];
  if (first === undefined) return '';
  const more = failed.length > 1 ? ` (+${failed.length - 1} more)` : '';
  return `${FILTER_LABELS[first.filter]} ${first.detail}${more}`;
}

function cells(row: RatesRow, report: RatesReport, palette: Palette, withReason: boolean): string[] {
  const symbol = row.eligible ? palette.bold(row.symbol) : palette.red(row.symbol);
  const interval = `${formatInterval(row.intervalHours)}${row.intervalSource === 'default' ? palette.dim('*') : ''}`;
  const spread = (d: Decimal) => formatPct(d, { decimals: 4, signed: true });
  return [
    symbol,
    interval,
    na(row.currentRate, formatRatePct, palette),
    ...(report.mode === 'ma' ? [paintApr(row.maAprPct, palette)] : []),
    paintApr(row.currentAprPct, palette),
    na(row.spotVolumeUsdt, formatCompactUsd, palette),
    na(row.perpVolumeUsdt, formatCompactUsd, palette),
    na(row.volumeUsdt, formatCompactUsd, palette),
    na(row.spreadPct, spread, palette),
    ...(withReason ? [palette.yellow(failureText(row))] : []),
  ];
}

function summaryLines(report: RatesReport, palette: Palette): string[] {
  const t = report.thresholds;
  const total = report.rows.length;
  const share = total === 0 ? '' : ` (${((report.eligibleCount / total) * 100).toFixed(1)}%)`;
  const excluded = Object.entries(report.excludedBy)
    .map(([reason, count]) => `${EXCLUSION_LABELS[reason as ExclusionReason]} ${count}`)
    .join(', ');
  const ranking =
    t.fundingMaPeriods === null
      ? 'current rate (premiumIndex)'
      : `hybrid MA of ${t.fundingMaPeriods} rates (${t.fundingMaPeriods - 1} settled + current)`;
  const thresholds = [
    'rate ≥ 0',
    `spot + perp volume ≥ ${formatCompactUsd(t.minVolumeUsdt)}`,
    `|spread| ≤ ${formatPct(t.maxSpreadPct)}`,
    `APR ≥ ${formatPct(t.minFundingAprPct)}`,
  ].join(', ');
  const pairs: [string, string][] = [
    ['Pairs scanned', String(total)],
    ['Passing every filter', palette.green(`${report.eligibleCount}${share}`)],
    ['Filtered out', `${total - report.eligibleCount}${excluded === '' ? '' : ` (first failing filter: ${excluded})`}`],
    ['Thresholds', thresholds],
    ['Ranking', ranking],
  ];
  if (t.excludeSymbols.length > 0) pairs.push(['Excluded symbols', t.excludeSymbols.join(', ')]);
  return [palette.bold('Summary'), ...keyValueLines(pairs)];
}

function bestLine(report: RatesReport, palette: Palette): string {
  const best = report.best;
  if (best === null) {
    return palette.yellow('Best opportunity: none — no pair passes every filter, so the bot would not open.');
  }
  const pct = (d: Decimal | null) => (d === null ? 'n/a' : formatPct(d));
  const aprText =
    report.mode === 'ma'
      ? `MA APR ${pct(best.maAprPct)}, current APR ${pct(best.currentAprPct)}`
      : `APR ${pct(best.currentAprPct)}`;
  const volume = best.volumeUsdt === null ? 'n/a' : formatCompactUsd(best.volumeUsdt);
  const spread = best.spreadPct === null ? 'n/a' : formatPct(best.spreadPct, { decimals: 4, signed: true });
  return `${palette.bold('Best opportunity:')} ${palette.magenta(best.symbol)} — ${palette.magenta(aprText)}, interval ${formatInterval(best.intervalHours)}, 24h volume ${volume}, spread ${spread}`;
}

export function renderRatesReport(report: RatesReport, palette: Palette): string {
  const eligible = report.rows.filter((row) => row.eligible);
  const excluded = report.rows.filter((row) => !row.eligible);
  const lines: string[] = [
    palette.cyan(`Funding rates at ${formatUtc(report.timeMs)} — ${report.rows.length} delta-neutral pairs`),
    '',
    palette.green(palette.bold(`Pairs passing every filter (${eligible.length})`)),
  ];
  if (eligible.length === 0) lines.push(palette.dim('  none'));
  else
    lines.push(
      renderTable(
        columns(report, false),
        eligible.map((row) => cells(row, report, palette, false)),
        palette,
      ),
    );
  lines.push('', palette.red(palette.bold(`Pairs filtered out (${excluded.length})`)));
  if (excluded.length === 0) lines.push(palette.dim('  none'));
  else
    lines.push(
      renderTable(
        columns(report, true),
        excluded.map((row) => cells(row, report, palette, true)),
        palette,
      ),
    );
  if (report.rows.some((row) => row.intervalSource === 'default')) {
    lines.push(palette.dim('* interval not published by fundingInfo: the configured default is assumed'));
  }
  lines.push('', ...summaryLines(report, palette), '', bestLine(report, palette));
  return `${lines.join('\n')}\n`;
}
