/**
 * The live feed's side of the engine: a paper account must not trade on a frozen market.
 *
 * While the feed is stale, this holds the engine's trade gate (trade-gate.ts), the one door every trading step goes
 * through: the loop's reconcile, opens, closes and repairs, and the protector's stop-loss closes. It asks with
 * `urgent` priority, so it goes before any waiting open, but it never interrupts a step that already holds the gate
 * (a trade in progress settles first). The loop then waits at its next trading step (abortably: a stop request still
 * ends the run) and trading resumes when a refresh succeeds. Reads are not gated, so the scan tables stay visible;
 * they show the frozen prices the feed last had, and the warning says how old they are.
 *
 * Each feed notice also becomes a `warning` event, so the console, the JSON lines and the log all say what happened.
 */
import type { EngineEventSink } from '../events.ts';
import type { GateTicket, TradeGate } from '../trade-gate.ts';
import type { FeedNotice } from './feed.ts';

export const STALE_GATE_LABEL = 'paper: live prices stale';

export interface FeedNotices {
  readonly stale: boolean;
  subscribe(listener: (notice: FeedNotice) => void): () => void;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/** The warning event of a notice. */
export function noticeMessage(notice: FeedNotice): { code: string; message: string } {
  switch (notice.type) {
    case 'stale':
      return {
        code: 'paper_prices_stale',
        message:
          `live prices not refreshed for ${seconds(notice.staleForMs)} (last at ` +
          `${new Date(notice.lastRefreshMs).toISOString()}): trading paused until the live feed recovers`,
      };
    case 'fresh':
      return {
        code: 'paper_prices_fresh',
        message: `live prices refreshed again after ${seconds(notice.staleForMs)}: trading resumes`,
      };
    case 'suspended':
      return {
        code: 'paper_symbol_suspended',
        message:
          `${notice.symbol}: ${notice.reason}; the paper exchange refuses its orders until it trades live again` +
          (notice.held ? ' (the paper position in it cannot be traded meanwhile)' : ''),
      };
    case 'resumed':
      return { code: 'paper_symbol_resumed', message: `${notice.symbol}: trades live again` };
  }
}

/** Pauses trading while the feed is stale and reports every notice; returns the function that undoes both. */
export function linkFeedToEngine(feed: FeedNotices, gate: TradeGate, events: EngineEventSink): () => void {
  let hold: { ticket: GateTicket | null; abort: AbortController } | null = null;

  const pause = () => {
    if (hold !== null) return;
    const mine = { ticket: null as GateTicket | null, abort: new AbortController() };
    hold = mine;
    gate.acquire(STALE_GATE_LABEL, 'urgent', mine.abort.signal).then(
      (ticket) => {
        // Fresh again (or unlinked) before the gate came free: give it straight back.
        if (hold === mine) mine.ticket = ticket;
        else ticket.release();
      },
      () => {
        // Aborted while waiting: nothing to release.
      },
    );
  };

  const resume = () => {
    const mine = hold;
    hold = null;
    if (mine === null) return;
    if (mine.ticket !== null) mine.ticket.release();
    else mine.abort.abort();
  };

  const unsubscribe = feed.subscribe((notice) => {
    events({ type: 'warning', ...noticeMessage(notice) });
    if (notice.type === 'stale') pause();
    else if (notice.type === 'fresh') resume();
  });
  if (feed.stale) pause();
  return () => {
    unsubscribe();
    resume();
  };
}
