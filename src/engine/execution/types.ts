/**
 * Types of the execution layer: what it needs (ExecutionDeps) and what it reports (outcomes, reconcile report).
 */
import type { Clock } from '../../domain/clock.ts';
import type { Decimal } from '../../domain/decimal.ts';
import type { ScanSnapshot } from '../../domain/market.ts';
import type { Store } from '../../store/index.ts';
import type { RealisedPnl } from '../../store/types.ts';
import type { CloseReason, OpenDecision } from '../../strategy/decision.ts';
import type { StrategyParams } from '../../strategy/params.ts';
import type { AccountView, FeeRatesView } from '../../strategy/state.ts';
import type { Venue } from '../../venue/port.ts';
import type { EngineEventSink } from '../events.ts';

/** The `execution` and `risk.exchange_stop_backstop` settings, in engine units. */
export interface ExecutionSettings {
  /** Longest time one leg may stay unhedged before it is repaired or unwound. */
  legTimeoutMs: number;
  /** Further attempts at a missing leg (next attempt's client id) before the filled leg is unwound instead. */
  maxLegRepairAttempts: number;
  marginType: 'CROSSED' | 'ISOLATED';
  /** No open or close within ± this many seconds of the symbol's funding time (urgent closes excepted). */
  fundingSettlementGuardSeconds: number;
  /** Place a reduce-only STOP_MARKET on the perp at the strategy's stop price after each open. */
  exchangeStopBackstop: boolean;
}

/** The subset of pino's API the engine uses; a pino logger fits as is. Never give it a secret. */
export interface Logger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface ExecutionDeps {
  venue: Venue;
  store: Store;
  params: StrategyParams;
  execution: ExecutionSettings;
  clock: Clock;
  events: EngineEventSink;
  logger: Logger;
}

/**
 * Why a position is closed: the strategy's reasons, plus
 * - `manual`: `dnfarm exit` (an emergency exit; never delayed by the funding guard);
 * - `reconcile`: the reconciler found the position in a state that must be closed (e.g. a naked leg).
 */
export type ExecCloseReason = CloseReason | 'manual' | 'reconcile';

/** Close reasons that are never delayed by the funding-settlement guard: waiting would risk more than funding. */
export const URGENT_CLOSE_REASONS: readonly ExecCloseReason[] = [
  'stop_loss',
  'naked_short',
  'naked_spot',
  'health_critical',
  'imbalance',
  'manual',
  'reconcile',
];

/**
 * The exchange reads a decision was made from. An open reuses them instead of reading again when they were taken
 * after the last reconcile, nothing traded since, and they are younger than `OPEN_BASIS_MAX_AGE_MS`.
 */
export interface ReadBasis {
  snapshot: ScanSnapshot;
  /** Both wallets and every perp position row (which also carry leverage, margin type and position mode). */
  account: AccountView;
  /** The account's commission rates the decision used; null rates are read (or estimated) by the open. */
  feeRates: FeeRatesView | null;
  /** Engine-clock time at which the reads were started. */
  readAtMs: number;
}

/** An open decision, with the reads it was made from when the caller has them. */
export type OpenRequest = OpenDecision & { basis?: ReadBasis };

/** Why an open did not start: nothing was sent and nothing changed on the exchange (except a settled transfer). */
export type OpenSkipReason =
  | 'aborted'
  | 'position_active'
  | 'unresolved'
  | 'funding_guard'
  | 'market_missing'
  | 'price_missing'
  | 'sizing_failed'
  | 'setup_failed'
  | 'transfer_failed'
  | 'exchange_unavailable';

export type OpenOutcome =
  | {
      status: 'opened';
      positionId: number;
      symbol: string;
      /** Spot held for the position (net of a base-asset commission). */
      spotQty: Decimal;
      perpQty: Decimal;
      spotAvgPrice: Decimal;
      perpAvgPrice: Decimal;
      entryFeesUsdt: Decimal;
      notionalUsdt: Decimal;
      /** spot net − perp: within one common step when the hedge is exact. */
      deltaQty: Decimal;
      /** Legs had to be re-sent (partial fill, reject, unknown outcome resolved as not executed). */
      repaired: boolean;
      backstop: 'placed' | 'disabled' | 'failed';
    }
  | { status: 'skipped'; reason: OpenSkipReason; message: string }
  | {
      /** The legs could not both be established; whatever filled was unwound and the account is flat again. */
      status: 'failed';
      positionId: number;
      symbol: string;
      message: string;
    }
  | {
      /**
       * The executor could not establish the outcome (an order still unknown, an unwind that failed). The
       * position stays recorded as unresolved, blocks every open, and the next reconcile takes over.
       */
      status: 'unresolved';
      positionId: number;
      symbol: string;
      message: string;
    };

export type CloseSkipReason = 'aborted' | 'not_active' | 'funding_guard' | 'exchange_unavailable';

export type CloseOutcome =
  | {
      status: 'closed';
      positionId: number;
      symbol: string;
      pnl: RealisedPnl;
      volumeUsdt: Decimal;
      /** Spot of the position left over below the lot step: recorded, not sold, not lost. */
      dustQty: Decimal;
    }
  | { status: 'skipped'; positionId: number; reason: CloseSkipReason; message: string }
  | {
      /** Some leg did not complete; the position stays `closing`, blocks every open, and is retried. */
      status: 'incomplete';
      positionId: number;
      symbol: string;
      message: string;
    };

export type RepairOutcome =
  | { status: 'done'; symbol: string; message: string }
  | { status: 'skipped'; symbol: string; message: string }
  | { status: 'failed'; symbol: string; message: string };

export type ReconcileTrigger = 'startup' | 'ambiguous' | 'pre-trade' | 'iteration';

export type ReconcileFindingCode =
  | 'exchange_unavailable'
  | 'order_resolved'
  | 'order_unknown'
  | 'transfer_resolved'
  | 'transfer_unknown'
  | 'intent_finished'
  | 'intent_rolled_back'
  | 'intent_unresolved'
  | 'position_adopted'
  | 'adoption_confirmed'
  | 'position_gone'
  | 'naked_short_closed'
  | 'orphan_spot_sold'
  | 'imbalance_repaired'
  | 'close_finished'
  | 'close_unfinished'
  | 'backstop_placed'
  | 'backstop_replaced'
  | 'stray_order_cancelled'
  | 'untracked_position'
  | 'action_failed';

export interface ReconcileFinding {
  code: ReconcileFindingCode;
  severity: 'info' | 'warning' | 'critical';
  symbol: string | null;
  message: string;
}

export interface ReconcileReport {
  trigger: ReconcileTrigger;
  /** True when anything is unresolved: no position may be opened until a later reconcile clears it. */
  blocking: boolean;
  findings: ReconcileFinding[];
  /** The active position after reconciliation (id), or null when flat. */
  positionId: number | null;
}

export interface ExecutionPnl extends RealisedPnl {
  volumeUsdt: Decimal;
}
