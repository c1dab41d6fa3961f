/**
 * The terminal UI: colours, number formats, tables, the `run` console renderer, and the views of the data
 * commands (`rates`, `spreads`, `intervals`, `status`, `stoploss`). Everything here is pure formatting: data in,
 * text out; the commands in src/cli fetch the data.
 */
export { type ColorEnvironment, createPalette, type Palette, paletteFor, shouldUseColor, stripAnsi } from './color.ts';
export {
  formatCompactUsd,
  formatHours,
  formatInterval,
  formatPct,
  formatPrice,
  formatPriceDelta,
  formatQty,
  formatRatePct,
  formatUsd,
  formatUtc,
  formatUtcMinute,
  groupThousands,
} from './format.ts';
export { PROGRESS_CELLS, progressBar, progressTone } from './progress.ts';
export { formatEvent, newRenderContext, type RenderContext } from './run/events.ts';
export { type ConsoleRendererOptions, createConsoleRenderer } from './run/renderer.ts';
