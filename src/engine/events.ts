/**
 * What the engine tells the outside world. The engine never prints: it emits these events to an
 * `EngineEventSink`, and a renderer (the console, `--json` lines, a dashboard) decides how they look.
 *
 * Every event is plain data: numbers that are money are `Decimal` (they serialise to exact strings
 * with `JSON.stringify`), times are epoch milliseconds of the engine's clock (the simulator's clock in
 * sim mode), and nothing secret is ever put in an event.
 *
 * Adding a variant is safe for every consumer: renderers must ignore types they do not know.
 */
import type { OrderSide, TransferDirection } from '../domain/account.ts';
import type { Decimal } from '../domain/decimal.ts';
import type { MarketKind } from '../domain/market.ts';
import type { RealisedPnl } from '../store/types.ts';
import type { Decision } from '../strategy/decision.ts';
import type { ScanResult } from '../strategy/scan.ts';

/** Where the bot trades and what it runs with; emitted once at start. */
export interface StartedEvent {
  type: 'started';
  mode: 'sim' | 'paper' | 'live';
  venue: string;
  /** REST base URL of the futures market (the embedded simulator's URL in sim mode). */
  futuresUrl: string;
  dataDir: string;
  leverage: number;
  loopIntervalSeconds: number;
  /** True when `--once`: one iteration, then exit. */
  once: boolean;
  /** The previous run ended without releasing its lock (a crash or kill -9). */
  recoveredFromCrash: boolean;
}

export interface PortfolioSummary {
  valueUsdt: Decimal;
  spotUsdt: Decimal;
  perpWalletUsdt: Decimal;
  unrealisedUsdt: Decimal;
  /** Assets held but without a price: left out of the value. */
  unpricedAssets: string[];
  baselineUsdt: Decimal | null;
  baselineTimeMs: number | null;
  /** value − baseline; null without a baseline. */
  pnlUsdt: Decimal | null;
  pnlPct: Decimal | null;
}

export interface IterationStartedEvent {
  type: 'iteration_started';
  /** The check-iteration counter after this iteration was counted (1 for the first ever). */
  iteration: number;
  timeMs: number;
  completedCycles: number;
  /** The held position's perp symbol, or null when flat. */
  heldSymbol: string | null;
}

export interface PortfolioEvent {
  type: 'portfolio';
  portfolio: PortfolioSummary;
}

/** The held position as the loop sees it this iteration (the console's position block). */
export interface PositionStatusEvent {
  type: 'position_status';
  positionId: number;
  symbol: string;
  leverage: number;
  ageHours: number;
  spotQty: Decimal;
  perpQty: Decimal;
  /** Average entry of the short; null when unknown (an adopted position not yet measured). */
  entryPrice: Decimal | null;
  markPrice: Decimal | null;
  spotPnlUsdt: Decimal | null;
  perpPnlUsdt: Decimal | null;
  fundingReceivedUsdt: Decimal;
  entryFeesUsdt: Decimal;
  /** spot + perp + funding − entry fees; null when a price is missing. */
  combinedPnlUsdt: Decimal | null;
  /** Short PnL in percent of entry notional, and the stop level it is compared with. */
  shortPnlPct: Decimal | null;
  stopLossPct: Decimal;
  /** The mark price at which the stop fires; null without an entry price. */
  stopLossMarkPrice: Decimal | null;
}

export interface ScanEvent {
  type: 'scan';
  scan: ScanResult;
  heldSymbol: string | null;
}

export interface DecisionEvent {
  type: 'decision';
  decision: Decision;
}

export interface OpenStartedEvent {
  type: 'open_started';
  symbol: string;
  leverage: number;
  notionalUsdt: Decimal;
  spotBuyQty: Decimal;
  perpQty: Decimal;
  aprPct: Decimal | null;
}

export interface OpenCompletedEvent {
  type: 'open_completed';
  positionId: number;
  symbol: string;
  leverage: number;
  spotQty: Decimal;
  perpQty: Decimal;
  spotAvgPrice: Decimal;
  perpAvgPrice: Decimal;
  entryFeesUsdt: Decimal;
  notionalUsdt: Decimal;
}

export interface OpenFailedEvent {
  type: 'open_failed';
  symbol: string;
  positionId: number | null;
  /** Why, in one line; the account was left flat (any filled leg unwound) unless `unresolved`. */
  message: string;
  /** True when something is still to be resolved (the next reconcile takes over; no new open meanwhile). */
  unresolved: boolean;
}

export interface LegEventBase {
  intentId: number;
  /** The store's leg name: `spot`, `perp`, `stop`… */
  leg: string;
  market: MarketKind;
  symbol: string;
  side: OrderSide;
  clientOrderId: string;
}

export interface LegFilledEvent extends LegEventBase {
  type: 'leg_filled';
  qty: Decimal;
  avgPrice: Decimal;
}

export interface LegFailedEvent extends LegEventBase {
  type: 'leg_failed';
  message: string;
  /** Whether the order may still exist (ambiguous outcome being resolved by client id). */
  outcomeUnknown: boolean;
}

export interface LegRepairedEvent extends LegEventBase {
  type: 'leg_repaired';
  qty: Decimal;
  attempt: number;
}

export interface LegUnwoundEvent extends LegEventBase {
  type: 'leg_unwound';
  qty: Decimal;
}

export interface TransferEvent {
  type: 'transfer';
  direction: TransferDirection;
  asset: string;
  amount: Decimal;
  clientTranId: string;
  status: 'confirmed' | 'settled' | 'failed';
}

export interface FundingReceivedEvent {
  type: 'funding_received';
  positionId: number;
  symbol: string;
  /** Signed: negative means paid. */
  amountUsdt: Decimal;
  totalUsdt: Decimal;
  timeMs: number;
}

export interface CloseStartedEvent {
  type: 'close_started';
  positionId: number;
  symbol: string;
  reason: string;
  /** `loop`: a decision of the check iteration; `protector`: the real-time stop-loss; `exit_request`: `dnfarm exit`. */
  source: 'loop' | 'protector' | 'exit_request';
}

export interface CloseCompletedEvent {
  type: 'close_completed';
  positionId: number;
  symbol: string;
  reason: string;
  pnl: RealisedPnl | null;
  volumeUsdt: Decimal;
  completedCycles: number;
}

export interface CloseFailedEvent {
  type: 'close_failed';
  positionId: number;
  symbol: string;
  reason: string;
  message: string;
}

export interface StopLossTriggeredEvent {
  type: 'stop_loss_triggered';
  positionId: number;
  symbol: string;
  markPrice: Decimal;
  stopMarkPrice: Decimal;
  shortPnlPct: Decimal;
  stopLossPct: Decimal;
  /** `stream`: a mark-price update; `poll`: the REST fallback while the stream is down; `loop`: the check iteration. */
  source: 'stream' | 'poll' | 'loop';
}

export interface ProtectorStatusEvent {
  type: 'protector_status';
  stream: 'mark_price' | 'user_data';
  up: boolean;
  symbol: string | null;
  reason: string | null;
}

export interface ProtectorWatchEvent {
  type: 'protector_watch';
  /** The symbol now watched, or null when flat. */
  symbol: string | null;
  stopMarkPrice: Decimal | null;
}

export interface ReconcileEvent {
  type: 'reconcile';
  trigger: 'startup' | 'ambiguous' | 'pre-trade' | 'iteration';
  /** One line per thing found and what was done about it. */
  findings: string[];
  /** Something is unresolved: no position may be opened. */
  blocking: boolean;
}

export interface ExitRequestEvent {
  type: 'exit_request';
  id: number;
  requestedBy: string;
  status: 'acknowledged' | 'completed' | 'failed';
  message: string;
}

export interface IterationCompletedEvent {
  type: 'iteration_completed';
  iteration: number;
  durationMs: number;
  /** When the next iteration starts (engine clock); null with `--once` or when stopping. */
  nextAtMs: number | null;
  /** False when the iteration ended early on an error (no trading decision was taken on it). */
  ok: boolean;
}

export interface WarningEvent {
  type: 'warning';
  message: string;
  code?: string;
}

export interface ErrorEvent {
  type: 'error';
  message: string;
  /** The error's kind when it is a DnfarmError: `retryable` and `ambiguous` errors never lead to a trade. */
  kind: 'retryable' | 'ambiguous' | 'fatal' | 'unknown';
  /** Which step failed, e.g. `scan`, `reconcile`, `open`. */
  step: string;
}

export interface ShutdownEvent {
  type: 'shutdown';
  /** `SIGINT`, `SIGTERM`, `once`, `fatal`… */
  reason: string;
  /** The position left open on the exchange, if any (the bot never closes on exit). */
  openPosition: { positionId: number; symbol: string; spotQty: Decimal; perpQty: Decimal } | null;
}

export type EngineEvent =
  | StartedEvent
  | IterationStartedEvent
  | PortfolioEvent
  | PositionStatusEvent
  | ScanEvent
  | DecisionEvent
  | OpenStartedEvent
  | OpenCompletedEvent
  | OpenFailedEvent
  | LegFilledEvent
  | LegFailedEvent
  | LegRepairedEvent
  | LegUnwoundEvent
  | TransferEvent
  | FundingReceivedEvent
  | CloseStartedEvent
  | CloseCompletedEvent
  | CloseFailedEvent
  | StopLossTriggeredEvent
  | ProtectorStatusEvent
  | ProtectorWatchEvent
  | ReconcileEvent
  | ExitRequestEvent
  | IterationCompletedEvent
  | WarningEvent
  | ErrorEvent
  | ShutdownEvent;

export type EngineEventType = EngineEvent['type'];

export type EngineEventSink = (event: EngineEvent) => void;

/**
 * Sends every event to each sink in turn. A sink that throws must not stop the engine (a broken
 * terminal is no reason to leave a trade half-done), so its error is swallowed after the others ran.
 */
export function fanOut(...sinks: EngineEventSink[]): EngineEventSink {
  return (event) => {
    for (const sink of sinks) {
      try {
        sink(event);
      } catch {
        // Rendering is best effort; the engine's own state never depends on it.
      }
    }
  };
}
