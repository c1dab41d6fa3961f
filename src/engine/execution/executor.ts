/**
 * The executor: the execution layer's one entry point. It wires the gateway, the account setup, the rebalancer,
 * the open / close / repair flows and the reconciler over one set of dependencies, and serialises them: the loop
 * and the real-time protector may both call in, but two trading operations never interleave (a stop-loss close
 * requested during an open waits for the open to settle, then acts on the settled state).
 */
import { describeError } from '../../errors.ts';
import type { RepairDecision } from '../../strategy/decision.ts';
import { refreshAccounting } from './accounting.ts';
import { type BackstopReplaceOutcome, replaceBackstop } from './backstop.ts';
import { closePosition } from './close.ts';
import { createContext, type ExecContext } from './context.ts';
import { Mutex } from './mutex.ts';
import { openPosition } from './open.ts';
import { reconcile } from './reconciler.ts';
import { executeRepair } from './repair.ts';
import type {
  CloseOutcome,
  ExecCloseReason,
  ExecutionDeps,
  OpenOutcome,
  OpenRequest,
  ReconcileReport,
  ReconcileTrigger,
  RepairOutcome,
} from './types.ts';

export interface Executor {
  /**
   * Opens the decided pair: reconcile and reads (or the decision's own reads, when fresh: `decision.basis`) →
   * funding guard → rebalance (transfer) and account setup (one-way mode, margin type, leverage) together →
   * quantities from the strategy's sizing → intent with both legs' client ids in one transaction → both legs sent
   * concurrently → repair or unwind of a leg that failed → position recorded open and its exchange-side backstop
   * placed (one commit, one request) → delta check. When both legs filled at once, the fills' real commissions are
   * read right after it returns, before any other operation, and replace the taker-rate estimates.
   * `signal` aborts only before the legs are sent; once they are, the open always settles (hedged or flat).
   */
  openPosition(decision: OpenRequest, signal?: AbortSignal): Promise<OpenOutcome>;
  /**
   * Closes the position: backstop cancelled, the position's own spot sold (quantized down; the remainder is
   * recorded as dust) and the short bought back reduce-only, concurrently; failed legs retried (query first);
   * realised PnL from fills and funding. A close that cannot complete leaves the position `closing` (blocking);
   * calling again resumes it with the remaining quantities.
   */
  closePosition(positionId: number, reason: ExecCloseReason, signal?: AbortSignal): Promise<CloseOutcome>;
  /** Executes a strategy `repair` decision (one reduce-only or trimming order, or only a record change). */
  repair(decision: RepairDecision, signal?: AbortSignal): Promise<RepairOutcome>;
  /** Brings the store in line with the exchange (the truth). `blocking` forbids opening. Never throws on I/O. */
  reconcile(trigger: ReconcileTrigger): Promise<ReconcileReport>;
  /** Records the position's funding income since its open and any fills not yet recorded. */
  refreshAccounting(positionId: number): Promise<void>;
  /**
   * Moves the position's exchange-side stop to the stop price of its recorded leverage (call it after the
   * leverage changed): the working reduce-only STOP_MARKET orders are cancelled, then one is placed, each under
   * an intent persisted first. Never throws on I/O: a failure is reported in the outcome (and as a warning) and
   * the reconciler, which checks the stop against the leverage, retries.
   */
  replaceBackstop(positionId: number): Promise<BackstopReplaceOutcome>;
  /**
   * Resolves once every operation requested so far, and the follow-up work they queued (an open's fill
   * recording), has finished: call it before closing the venue or the store.
   */
  settled(): Promise<void>;
}

async function replaceBackstopReported(ctx: ExecContext, positionId: number): Promise<BackstopReplaceOutcome> {
  const position = ctx.store.positions.get(positionId);
  const symbol = position?.symbol ?? '';
  let outcome: BackstopReplaceOutcome;
  try {
    const filters = (await ctx.venue.perpMarkets()).find((m) => m.symbol === symbol)?.filters;
    outcome =
      filters === undefined
        ? {
            status: 'failed',
            positionId,
            symbol,
            stopPrice: null,
            message: `${symbol}: no exchange info for the symbol; the stop was not moved`,
          }
        : await replaceBackstop(ctx, positionId, filters);
  } catch (error) {
    outcome = {
      status: 'failed',
      positionId,
      symbol,
      stopPrice: null,
      message: `${symbol}: the stop was not moved: ${describeError(error)}`,
    };
  }
  if (outcome.status === 'failed' || outcome.status === 'fired') {
    ctx.emit({ type: 'warning', code: `backstop_replace_${outcome.status}`, message: outcome.message });
  }
  ctx.logger.info(
    { positionId, status: outcome.status, stopPrice: outcome.stopPrice?.toFixed() ?? null },
    outcome.message,
  );
  return outcome;
}

export function createExecutor(deps: ExecutionDeps): Executor {
  const ctx = createContext(deps);
  const mutex = new Mutex();
  let followUpsPending = 0;
  /** Queues what the operation left for later right behind it, ahead of anything requested after it. */
  const runFollowUps = () => {
    for (const task of ctx.takeLater()) {
      followUpsPending += 1;
      mutex
        .run(() => {
          ctx.reconciledAtMs = null;
          return task();
        })
        .catch((error: unknown) => {
          deps.logger.warn({ error: describeError(error) }, 'follow-up of an operation failed');
        })
        .finally(() => {
          followUpsPending -= 1;
        });
    }
  };
  /**
   * Runs an operation under the lock. `trading`: the last reconcile no longer describes the account afterwards
   * (the open clears it itself, after looking at it: it may reuse the reads that followed it).
   */
  const operation = <T>(fn: () => Promise<T>, trading: boolean) =>
    mutex.run(async () => {
      ctx.operations += 1;
      if (trading) ctx.reconciledAtMs = null;
      try {
        return await fn();
      } finally {
        try {
          ctx.flushWrites();
        } catch (error) {
          deps.logger.warn({ error: describeError(error) }, 'deferred store writes failed');
        }
        runFollowUps();
      }
    });
  return {
    openPosition: (decision, signal) => operation(() => openPosition(ctx, decision, signal), false),
    closePosition: (positionId, reason, signal) =>
      operation(() => closePosition(ctx, positionId, reason, signal), true),
    repair: (decision, signal) => operation(() => executeRepair(ctx, decision, signal), true),
    reconcile: (trigger) => operation(() => reconcile(ctx, trigger), false),
    refreshAccounting: (positionId) => operation(() => refreshAccounting(ctx, positionId), false),
    replaceBackstop: (positionId) => operation(() => replaceBackstopReported(ctx, positionId), true),
    async settled() {
      // An operation running now queues its follow-ups when it ends, behind this wait: wait again for those.
      do await mutex.run(async () => {});
      while (followUpsPending > 0);
    },
  };
}
