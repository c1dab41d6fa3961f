/**
 * The execution layer: turns the strategy's decisions into orders without ever leaving the account exposed or
 * losing track of money. The loop and the protector call it; nothing else in the engine talks to the venue to
 * trade.
 *
 * Guarantees (DESIGN.md §4):
 * - every order and transfer is persisted (intent + deterministic client id) before it is sent;
 * - an unknown outcome (timeout, 503, reset) is resolved by querying that client id before anything else,
 *   and only a confirmed "not found" lets the next attempt (next client id) go out;
 * - a one-leg fill is repaired or unwound within `legTimeoutMs`;
 * - anything still unresolved is reported (`blocking`) so no new position is opened on top of it;
 * - operations are serialised: an open, a close, a repair and a reconcile never interleave.
 */
export { captureEquity, type EquityCapture, toHeldPosition } from './accounting.ts';
export type { BackstopReplaceOutcome, BackstopReplaceStatus } from './backstop.ts';
export { createExecutor, type Executor } from './executor.ts';
export {
  type CloseOutcome,
  type CloseSkipReason,
  type ExecCloseReason,
  type ExecutionDeps,
  type ExecutionSettings,
  type Logger,
  type OpenOutcome,
  type OpenRequest,
  type OpenSkipReason,
  type ReadBasis,
  type ReconcileFinding,
  type ReconcileFindingCode,
  type ReconcileReport,
  type ReconcileTrigger,
  type RepairOutcome,
  URGENT_CLOSE_REASONS,
} from './types.ts';
