/**
 * The fee-coverage progress bar of the original bot: 25 cells of `█` and `-`, cyan below 75 %, yellow from 75 %,
 * green once the target is reached.
 */
import { type Decimal, dec, ONE, ZERO } from '../domain/decimal.ts';
import type { Palette } from './color.ts';

export const PROGRESS_CELLS = 25;
const WARM_FROM = dec('0.75');

export type ProgressTone = 'cyan' | 'yellow' | 'green';

/** The bar's colour for a progress fraction (0..1). */
export function progressTone(progress: Decimal): ProgressTone {
  if (progress.greaterThanOrEqualTo(ONE)) return 'green';
  if (progress.greaterThanOrEqualTo(WARM_FROM)) return 'yellow';
  return 'cyan';
}

function clamp(progress: Decimal): Decimal {
  if (progress.isNegative()) return ZERO;
  return progress.greaterThan(ONE) ? ONE : progress;
}

/**
 * `[██████████---------------] 40.0%`. Cells are floored, so a bar is full only at 100 %; the percentage is of the
 * target (progress × 100), clamped to 0..100.
 */
export function progressBar(progress: Decimal, palette: Palette, cells = PROGRESS_CELLS): string {
  const fraction = clamp(progress);
  const filled = fraction.times(cells).floor().toNumber();
  const bar = '█'.repeat(filled) + '-'.repeat(cells - filled);
  const paint = palette[progressTone(fraction)];
  return `${paint(`[${bar}]`)} ${fraction.times(100).toFixed(1)}%`;
}
