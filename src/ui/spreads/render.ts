/** The human `spreads` output: the table, coloured by |spread|, and the summary with a note on the sign. */
import { type Decimal, dec } from '../../domain/decimal.ts';
import type { Palette } from '../color.ts';
import { formatPct, formatPrice, formatPriceDelta, formatUtc } from '../format.ts';
import { keyValueLines, renderTable } from '../table.ts';
import type { SpreadsReport } from './model.ts';

const RED_FROM_PCT = dec('0.1');
const YELLOW_FROM_PCT = dec('0.05');

/** The original tool's spread colours: |%| ≥ 0.1 red, ≥ 0.05 yellow, otherwise green. */
export function spreadTone(spreadPct: Decimal): 'red' | 'yellow' | 'green' {
  const magnitude = spreadPct.abs();
  if (magnitude.greaterThanOrEqualTo(RED_FROM_PCT)) return 'red';
  if (magnitude.greaterThanOrEqualTo(YELLOW_FROM_PCT)) return 'yellow';
  return 'green';
}

function signedPct(value: Decimal): string {
  return formatPct(value, { decimals: 4, signed: true });
}

function countShare(count: number, total: number): string {
  return total === 0 ? String(count) : `${count} (${((count / total) * 100).toFixed(1)}%)`;
}

export function renderSpreadsReport(report: SpreadsReport, palette: Palette): string {
  const s = report.summary;
  const lines: string[] = [
    palette.cyan(`Spot-perp spreads at ${formatUtc(report.timeMs)} — ${s.count + report.missing.length} pairs`),
  ];
  if (report.rows.length > 0) {
    lines.push(
      renderTable(
        [
          { header: 'Symbol' },
          { header: 'Spot mid', align: 'right' },
          { header: 'Perp mid', align: 'right' },
          { header: 'Spread ($)', align: 'right' },
          { header: 'Spread (%)', align: 'right' },
        ],
        report.rows.map((row) => {
          const paint = palette[spreadTone(row.spreadPct)];
          return [
            row.symbol,
            formatPrice(row.spotMid),
            formatPrice(row.perpMid),
            paint(formatPriceDelta(row.spreadAbs, row.spotMid)),
            paint(signedPct(row.spreadPct)),
          ];
        }),
        palette,
      ),
    );
  }
  if (report.missing.length > 0) {
    const names = report.missing.map(
      (m) => `${m.symbol} (${m.missing === 'both' ? 'both books' : `${m.missing} book`})`,
    );
    lines.push(palette.yellow(`No usable mid price (excluded by the bot's spread filter): ${names.join(', ')}`));
  }
  const extreme = (e: { symbol: string; spreadPct: Decimal } | null) =>
    e === null ? 'n/a' : `${e.symbol} ${signedPct(e.spreadPct)}`;
  lines.push(
    '',
    palette.bold('Summary'),
    ...keyValueLines([
      ['Pairs with both mids', String(s.count)],
      ['Average |spread|', s.averageAbsPct === null ? 'n/a' : formatPct(s.averageAbsPct, { decimals: 4 })],
      ['Largest |spread|', extreme(s.largest)],
      ['Smallest |spread|', extreme(s.smallest)],
      ['Perp premium (perp > spot)', countShare(s.premium, s.count)],
      ['Perp discount (perp < spot)', countShare(s.discount, s.count)],
      ['Exact matches', String(s.exact)],
      [
        `Above the bot's filter (${formatPct(report.maxSpreadPct)})`,
        s.aboveFilter > 0 ? palette.red(String(s.aboveFilter)) : palette.green('0'),
      ],
    ]),
    '',
    palette.dim(
      'Spread = perp mid - spot mid. Positive: the perp trades at a premium (longs usually pay funding to shorts);\n' +
        'negative: a discount. Colours: |spread| >= 0.1% red, >= 0.05% yellow, otherwise green.',
    ),
  );
  return `${lines.join('\n')}\n`;
}
