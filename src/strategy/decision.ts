/**
 * The one decision `decide` returns per cycle. Every decision carries a machine `reason`, a one-line
 * human `message`, and the health warnings seen on the way (to be logged, never acted on).
 *
 * How the engine executes each kind:
 * - `open`: optionally transfer (`walletPlan.transfer`), then re-size with the post-transfer balances
 *   (`sizeOpen`), then send both legs: spot MARKET BUY `spotBuyQty`, perp MARKET SELL `perpQty`.
 * - `close`: perp MARKET BUY reduce-only `perpQty`, spot MARKET SELL `spotQty` (skip a leg whose
 *   quantity is zero or fails `checkMarketOrder`: dust stays). Then, if `reopen`, scan and open again
 *   in the same cycle. Until it completes, the engine sets `state.pendingClose` so it is retried and no
 *   open happens.
 * - `repair`: send `order` (one leg), or, when `order` is null, only bring the record in line with the
 *   exchange (the position no longer exists there).
 * - `hold`, `wait`: nothing to trade.
 */
import type { OrderSide } from '../domain/account.ts';
import type { Decimal } from '../domain/decimal.ts';
import type { MarketKind, Pair } from '../domain/market.ts';
import type { FeeCoverage } from './fees.ts';
import type { HealthIssue } from './health.ts';
import type { RotationVerdict } from './rotation.ts';
import type { PairScan, ScanResult } from './scan.ts';
import type { OpenSizingOk, WalletSplitPlan } from './sizing.ts';

export type CloseReason =
  | 'stop_loss'
  | 'naked_short'
  | 'naked_spot'
  | 'imbalance'
  | 'health_critical'
  | 'fee_coverage'
  | 'rotation'
  | 'forced_rotation'
  | 'max_age';

export type WaitReason =
  | 'account_unavailable'
  | 'missing_mark_price'
  | 'missing_market'
  | 'untracked_position'
  | 'insufficient_funds'
  | 'no_opportunity'
  | 'missing_price'
  | 'sizing_failed';

export type RepairReason =
  | 'imbalance'
  | 'perp_long'
  | 'position_gone'
  | 'untracked_naked_short'
  | 'untracked_perp_long';

interface DecisionBase {
  message: string;
  /** Warnings (and criticals already handled by this decision) seen while deciding. */
  issues: HealthIssue[];
  /** The opportunity scan, when this decision needed one (for the scan table in the log). */
  scan: ScanResult | null;
}

export interface OpenDecision extends DecisionBase {
  kind: 'open';
  reason: 'best_opportunity';
  pair: Pair;
  /** The scan row of the pair: APRs, interval, volume, spread. */
  candidate: PairScan;
  leverage: number;
  walletPlan: WalletSplitPlan;
  /** Sized on the balances the wallet plan leads to; re-size after the transfer settles. */
  sizing: OpenSizingOk;
  /** Prices the sizing used. */
  spotPrice: Decimal;
  perpMarkPrice: Decimal;
}

export interface CloseDecision extends DecisionBase {
  kind: 'close';
  reason: CloseReason;
  /** Open the best pair again right after the close (the same symbol is allowed after fee coverage). */
  reopen: boolean;
  symbol: string;
  spotSymbol: string;
  /** Reduce-only BUY: the short's size on the exchange now. */
  perpQty: Decimal;
  /** SELL: the position's own free spot quantity, floored to the spot step. */
  spotQty: Decimal;
  /** The symbol a rotation expects to move to (informational: the reopen rescans). */
  rotateTo: string | null;
  /** The close came from `state.pendingClose`: a retry of an earlier decision. */
  retry: boolean;
}

export interface RepairOrder {
  market: MarketKind;
  /** The exchange symbol on that market. */
  symbol: string;
  side: OrderSide;
  quantity: Decimal;
  reduceOnly: boolean;
}

export interface RepairDecision extends DecisionBase {
  kind: 'repair';
  reason: RepairReason;
  /** Perp symbol concerned. */
  symbol: string;
  /** The one order that restores the invariant; null when only the record must change. */
  order: RepairOrder | null;
}

export interface HoldDecision extends DecisionBase {
  kind: 'hold';
  reason: 'no_exit_rule';
  symbol: string;
  ageHours: number;
  shortPnlPct: Decimal;
  stopLossPct: Decimal;
  feeCoverage: FeeCoverage;
  rotation: RotationVerdict;
}

export interface WaitDecision extends DecisionBase {
  kind: 'wait';
  reason: WaitReason;
}

export type Decision = OpenDecision | CloseDecision | RepairDecision | HoldDecision | WaitDecision;
