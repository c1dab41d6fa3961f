/**
 * What the strategy is told about the bot's own position and the account, once per decision.
 *
 * The engine builds this from its store (the position it opened, with actual fills, commissions and
 * funding income) and from a fresh, validated read of the exchange (balances and positions). The
 * exchange is the truth about what exists; the record says which part of it belongs to the bot.
 */
import type { PerpAssetBalance, PerpPosition, SpotBalance } from '../domain/account.ts';
import type { Decimal } from '../domain/decimal.ts';
import type { CloseReason } from './decision.ts';

/** The delta-neutral position the bot opened (or adopted), as recorded from its fills. */
export interface HeldPosition {
  /** Perp symbol: the position's key. */
  symbol: string;
  spotSymbol: string;
  baseAsset: string;
  /** Quote asset of both markets (USDT). */
  quoteAsset: string;
  openedAtMs: number;
  /** Leverage the position was opened with; the stop-loss uses it, not the configured leverage. */
  leverage: number;
  /**
   * Spot quantity the bot holds for this position: the buy's executed quantity net of any commission
   * taken in the base asset. The user's own holdings of the asset are never part of it.
   */
  spotQty: Decimal;
  /** Size of the short, positive. */
  perpQty: Decimal;
  /** Average fill price of the short. */
  entryPrice: Decimal;
  /** Average fill price of the spot buy. */
  spotEntryPrice: Decimal;
  /** perpQty × entryPrice at open. */
  notionalUsdt: Decimal;
  /** Commissions actually paid to open both legs, valued in quote currency. */
  entryFeesUsdt: Decimal;
  /** Sum of FUNDING_FEE income for the symbol since the open (signed: negative means paid). */
  fundingReceivedUsdt: Decimal;
  /** Ranking APR when opened; display only (rotation uses the current APR). */
  entryAprPct: Decimal | null;
}

/** A validated read of both wallets and all perp positions, taken together. */
export interface AccountView {
  spotBalances: readonly SpotBalance[];
  perpBalances: readonly PerpAssetBalance[];
  /** Every perp position of the account; rows with a zero amount are ignored. */
  perpPositions: readonly PerpPosition[];
}

/** The account's commission rates (Aster fee tiers are per account). Null rates fall back to the param. */
export interface FeeRatesView {
  spotTaker: Decimal | null;
  perpTaker: Decimal | null;
  /** True when spot buys pay their commission in the base asset received (Aster's default). */
  spotCommissionInBase: boolean;
}

export interface StrategyState {
  /** The bot's position, or null when it holds none. */
  position: HeldPosition | null;
  /**
   * The account as read this cycle; null when the read failed (timeout, 5xx, validation error).
   * A null account never leads to a trade: the decision is `wait`.
   */
  account: AccountView | null;
  feeRates: FeeRatesView;
  /**
   * A close that was decided and has not completed (it failed or its outcome is unknown). It is
   * decided again, before anything else but the stop-loss, and blocks every open until it completes.
   */
  pendingClose: { reason: CloseReason; reopen: boolean } | null;
}
