/**
 * The events the executor does not emit itself. It reports legs, transfers, funding, reconciles and
 * the opened / failed / closed outcomes as they happen; what is left is a step that did not start
 * (skipped: nothing was sent), which only the caller knows is worth telling the operator about.
 */
import type { EngineEventSink } from './events.ts';
import type { CloseOutcome, OpenOutcome } from './execution/index.ts';

export function emitOpenSkipped(events: EngineEventSink, outcome: OpenOutcome, symbol: string): void {
  if (outcome.status !== 'skipped' || outcome.reason === 'aborted') return;
  events({
    type: 'warning',
    code: `open_skipped_${outcome.reason}`,
    message: `${symbol}: not opened: ${outcome.message}`,
  });
}

export function emitCloseSkipped(events: EngineEventSink, outcome: CloseOutcome): void {
  if (outcome.status !== 'skipped' || outcome.reason === 'aborted') return;
  events({
    type: 'warning',
    code: `close_skipped_${outcome.reason}`,
    message: `position ${outcome.positionId}: close not started: ${outcome.message}`,
  });
}
