/**
 * The position block, shared by the `run` terminal and `status`: legs, PnL split into spot / perp / combined,
 * funding, fees, the fee-coverage bar and the stop-loss distance.
 */
import type { Decimal } from '../domain/decimal.ts';
import type { FeeCoverage } from '../strategy/fees.ts';
import type { Palette } from './color.ts';
import { formatHours, formatPct, formatPrice, formatQty, formatUsd, formatUtcMinute } from './format.ts';
import { progressBar } from './progress.ts';
import { keyValueLines } from './table.ts';

export interface PositionBlockInput {
  readonly symbol: string;
  readonly leverage: number;
  readonly ageHours: number;
  readonly openedAtMs: number | null;
  readonly spotQty: Decimal;
  readonly perpQty: Decimal;
  readonly spotEntryPrice: Decimal | null;
  readonly perpEntryPrice: Decimal | null;
  readonly markPrice: Decimal | null;
  readonly spotPnlUsdt: Decimal | null;
  readonly perpPnlUsdt: Decimal | null;
  /** spot + perp + funding − fees. */
  readonly combinedPnlUsdt: Decimal | null;
  readonly combinedPnlPct: Decimal | null;
  readonly fundingUsdt: Decimal;
  readonly entryFeesUsdt: Decimal;
  readonly exitFeesEstimateUsdt: Decimal | null;
  /** The fee-coverage rule's state and its multiplier; null leaves the bar out. */
  readonly coverage: { readonly value: FeeCoverage; readonly multiplier: Decimal } | null;
  readonly stopLossPct: Decimal | null;
  readonly stopMarkPrice: Decimal | null;
  readonly shortPnlPct: Decimal | null;
}

/** Green profit, red loss, plain zero: "+$1.23" / "-$0.45". */
export function paintUsd(value: Decimal | null, palette: Palette, decimals = 2): string {
  if (value === null) return palette.dim('n/a');
  const text = formatUsd(value, { signed: true, decimals });
  if (value.isZero() || /^\$0\.0*$/.test(text)) return text;
  return value.isNegative() ? palette.red(text) : palette.green(text);
}

export function paintPct(value: Decimal | null, palette: Palette, decimals = 2): string {
  if (value === null) return palette.dim('n/a');
  const text = formatPct(value, { signed: true, decimals });
  if (value.isZero() || /^0\.0*%$/.test(text)) return text;
  return value.isNegative() ? palette.red(text) : palette.green(text);
}

/** `[████-----…] 16.0% (0.032x of 0.2x)`: progress towards funding ≥ multiplier × fees. */
export function coverageText(coverage: FeeCoverage, multiplier: Decimal, palette: Palette): string {
  const ratio =
    coverage.ratio === null ? 'no fees to cover' : `${coverage.ratio.toFixed(3)}x of ${multiplier.toFixed()}x`;
  return `${progressBar(coverage.progress, palette)} (${ratio})`;
}

/**
 * The stop-loss line: the level, the mark price that fires it, and how far the price still is from it.
 * Within a fifth of the way the distance turns yellow; past the stop, red.
 */
export function stopText(input: PositionBlockInput, palette: Palette): string {
  if (input.stopLossPct === null || input.stopMarkPrice === null) return palette.dim('n/a (entry price unknown)');
  const level = `${formatPct(input.stopLossPct, { decimals: 0 })} (mark ≥ ${formatPrice(input.stopMarkPrice)})`;
  if (input.markPrice === null || input.shortPnlPct === null) return `${level}, mark price unknown`;
  const distancePct = input.stopMarkPrice.div(input.markPrice).minus(1).times(100);
  const used = input.shortPnlPct.div(input.stopLossPct);
  const distance = `${formatPct(distancePct)} price rise away`;
  const paint = distancePct.lessThanOrEqualTo(0)
    ? palette.red
    : used.greaterThanOrEqualTo(0.8)
      ? palette.yellow
      : (t: string) => t;
  return `${level}, perp PnL now ${paintPct(input.shortPnlPct, palette)}, ${paint(distance)}`;
}

/** Title line and aligned "label: value" lines; `extra` rows are appended in the same alignment. */
export function renderPositionBlock(
  input: PositionBlockInput,
  palette: Palette,
  extra: readonly (readonly [string, string])[] = [],
): string[] {
  const since = input.openedAtMs === null ? '' : ` since ${formatUtcMinute(input.openedAtMs)}`;
  const title = `${palette.bold('Position')} ${palette.magenta(input.symbol)} ${input.leverage}x, age ${formatHours(input.ageHours)}${since}`;
  const at = (price: Decimal | null) => (price === null ? '' : ` @ ${formatPrice(price)}`);
  const fees =
    input.exitFeesEstimateUsdt === null
      ? formatUsd(input.entryFeesUsdt, { decimals: 4 })
      : `${formatUsd(input.entryFeesUsdt.plus(input.exitFeesEstimateUsdt), { decimals: 4 })} (entry ${formatUsd(input.entryFeesUsdt, { decimals: 4 })} + exit est. ${formatUsd(input.exitFeesEstimateUsdt, { decimals: 4 })})`;
  const pairs: (readonly [string, string])[] = [
    ['Spot (long)', `${formatQty(input.spotQty)}${at(input.spotEntryPrice)}`],
    [
      'Perp (short)',
      `${formatQty(input.perpQty)}${at(input.perpEntryPrice)}${input.markPrice === null ? '' : `, mark ${formatPrice(input.markPrice)}`}`,
    ],
    ['Spot PnL', paintUsd(input.spotPnlUsdt, palette)],
    ['Perp PnL', paintUsd(input.perpPnlUsdt, palette)],
    [
      'Combined PnL',
      `${paintUsd(input.combinedPnlUsdt, palette)}${input.combinedPnlPct === null ? '' : ` (${paintPct(input.combinedPnlPct, palette)})`} incl. funding and fees`,
    ],
    ['Funding received', paintUsd(input.fundingUsdt, palette, 4)],
    ['Fees', fees],
  ];
  if (input.coverage !== null) {
    pairs.push(['Fee coverage', coverageText(input.coverage.value, input.coverage.multiplier, palette)]);
  }
  pairs.push(['Stop-loss', stopText(input, palette)], ...extra);
  return [title, ...keyValueLines(pairs)];
}
