/** The frame of each check iteration: the CHECK line and the portfolio line of the original bot. */
import type { PortfolioSummary } from '../../engine/events.ts';
import type { Palette } from '../color.ts';
import { formatUsd, formatUtc, formatUtcMinute } from '../format.ts';
import { paintPct, paintUsd } from '../position.ts';
import { rule } from '../table.ts';

export interface CheckHeaderInput {
  readonly iteration: number;
  readonly timeMs: number;
  readonly completedCycles: number;
}

/** A cyan rule, then `CHECK #12 - 2025-10-14 08:00:00 UTC | Trading Cycles Completed: 3`. */
export function checkHeader(input: CheckHeaderInput, palette: Palette): string[] {
  return [
    rule(palette),
    palette.cyan(
      `${palette.bold(`CHECK #${input.iteration}`)} - ${formatUtc(input.timeMs)} | Trading Cycles Completed: ${input.completedCycles}`,
    ),
  ];
}

/**
 * `Portfolio: $1,234.56 | PnL: +$12.34 (+1.01%) | Since: 2025-10-10 08:00 UTC`, then the closing rule. Assets the
 * exchange holds without a price are named, since they are left out of the value.
 */
export function portfolioLines(portfolio: PortfolioSummary, palette: Palette): string[] {
  const parts = [`Portfolio: ${palette.magenta(formatUsd(portfolio.valueUsdt))}`];
  if (portfolio.pnlUsdt !== null && portfolio.baselineTimeMs !== null) {
    const pct = portfolio.pnlPct === null ? '' : ` (${paintPct(portfolio.pnlPct, palette)})`;
    parts.push(
      `PnL: ${paintUsd(portfolio.pnlUsdt, palette)}${pct}`,
      `Since: ${formatUtcMinute(portfolio.baselineTimeMs)}`,
    );
  }
  const lines = [parts.join(' | ')];
  if (portfolio.unpricedAssets.length > 0) {
    lines.push(palette.yellow(`  not valued (no spot price): ${portfolio.unpricedAssets.join(', ')}`));
  }
  lines.push(rule(palette));
  return lines;
}
