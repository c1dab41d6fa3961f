/**
 * The `run` terminal: an `EngineEventSink` that writes each event's lines to a stream. Colour follows the stream
 * (a terminal gets colour, a pipe or a file does not) unless the caller decides.
 */
import type { Decimal } from '../../domain/decimal.ts';
import type { EngineEvent, EngineEventSink } from '../../engine/events.ts';
import { type ColorEnvironment, createPalette, shouldUseColor } from '../color.ts';
import {
  addToReport,
  emptyIterationReport,
  formatEvent,
  formatIterationReport,
  type IterationReport,
  isReportEvent,
  newRenderContext,
} from './events.ts';

export interface ConsoleRendererOptions {
  readonly stream: { write(text: string): unknown; readonly isTTY?: boolean | undefined };
  /** Force colour on or off; by default: on for a TTY, off with NO_COLOR, on with FORCE_COLOR. */
  readonly color?: boolean;
  /** The environment the default colour decision reads; `process.env` by default. */
  readonly env?: ColorEnvironment['env'];
  /** `position_management.fee_coverage_multiplier`, for the coverage bar's "x of y" text. */
  readonly feeCoverageMultiplier?: Decimal;
}

/** Events that may interleave with an iteration's report without ending it (they report, they do not act). */
const PASS_THROUGH: ReadonlySet<EngineEvent['type']> = new Set([
  'reconcile',
  'protector_status',
  'protector_watch',
  'funding_received',
]);

export function createConsoleRenderer(options: ConsoleRendererOptions): EngineEventSink {
  const enabled = options.color ?? shouldUseColor({ isTTY: options.stream.isTTY, env: options.env ?? process.env });
  const palette = createPalette(enabled);
  const ctx = newRenderContext(options.feeCoverageMultiplier ?? null);
  const write = (lines: readonly string[]) => {
    if (lines.length > 0) options.stream.write(`${lines.join('\n')}\n`);
  };
  // Between an iteration's start and its first action, the engine reports portfolio, position, scan and decision
  // back to back (no I/O in between); they are held for that moment and printed in the original bot's order.
  let report: IterationReport | null = null;
  const flush = () => {
    if (report !== null) write(formatIterationReport(report, palette, ctx));
    report = null;
  };
  return (event) => {
    if (report !== null && isReportEvent(event)) {
      addToReport(report, event);
      return;
    }
    if (report !== null && PASS_THROUGH.has(event.type)) {
      write(formatEvent(event, palette, ctx));
      return;
    }
    flush();
    write(formatEvent(event, palette, ctx));
    if (event.type === 'iteration_started') report = emptyIterationReport();
  };
}
