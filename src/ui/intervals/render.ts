/** The human `intervals` output: one table per interval group, then the summary. */
import type { Palette } from '../color.ts';
import { formatUtc } from '../format.ts';
import { keyValueLines, renderTable } from '../table.ts';
import { INTERVAL_GROUPS, type IntervalGroup, type IntervalRow, type IntervalsReport } from './model.ts';

const GROUP_TITLES: Record<IntervalGroup, string> = {
  '1h': '1h funding (24x/day)',
  '4h': '4h funding (6x/day)',
  '8h': '8h funding (3x/day)',
  other: 'Other intervals',
  unknown: 'Unknown interval',
};

function perDay(hours: number): string {
  const value = 24 / hours;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function rowCells(row: IntervalRow, report: IntervalsReport, palette: Palette): string[] {
  const source =
    row.source === 'fundingInfo'
      ? 'fundingInfo'
      : row.source === 'history'
        ? palette.yellow(`history (${row.historyRows ?? 0} settlements)`)
        : palette.red(`unknown: ${report.defaultHours}h assumed`);
  const cells = [
    row.symbol,
    row.hours === null ? palette.dim('n/a') : `${row.hours}h`,
    row.hours === null ? palette.dim('n/a') : perDay(row.hours),
    source,
    row.nextFundingTimeMs === null ? palette.dim('n/a') : formatUtc(row.nextFundingTimeMs),
  ];
  if (report.crossChecked) {
    const history = row.historyHours === null ? palette.dim('n/a') : `${row.historyHours}h`;
    cells.push(row.mismatch ? palette.red(`${history} (differs)`) : history);
  }
  return cells;
}

export function renderIntervalsReport(report: IntervalsReport, palette: Palette): string {
  const lines: string[] = [
    palette.cyan(`Funding intervals at ${formatUtc(report.timeMs)} — ${report.rows.length} pairs`),
  ];
  for (const group of INTERVAL_GROUPS) {
    const rows = report.rows.filter((row) => row.group === group);
    if (rows.length === 0) continue;
    lines.push('', palette.bold(`${GROUP_TITLES[group]}: ${rows.length}`));
    lines.push(
      renderTable(
        [
          { header: 'Symbol' },
          { header: 'Interval', align: 'right' },
          { header: 'Per day', align: 'right' },
          { header: 'Source' },
          { header: 'Next funding' },
          ...(report.crossChecked ? [{ header: 'History says' }] : []),
        ],
        rows.map((row) => rowCells(row, report, palette)),
        palette,
      ),
    );
  }
  const groups = INTERVAL_GROUPS.map((g) => `${g} ${report.groups[g]}`).join(', ');
  const sources = `fundingInfo ${report.bySource.fundingInfo}, history ${report.bySource.history}, unknown ${report.bySource.unknown}`;
  const summary: [string, string][] = [
    ['Pairs', String(report.rows.length)],
    ['By interval', groups],
    ['By source', sources],
  ];
  if (report.crossChecked) {
    summary.push([
      'fundingInfo vs history',
      report.mismatches === 0 ? palette.green('all agree') : palette.red(`${report.mismatches} differ`),
    ]);
  }
  lines.push('', palette.bold('Summary'), ...keyValueLines(summary));
  lines.push(
    '',
    palette.dim(
      'APR = rate x (24 / interval) x 365 x 100: at the same rate a 4h symbol earns twice as much as an 8h one.',
    ),
  );
  return `${lines.join('\n')}\n`;
}
