/** The records the store keeps, as the engine and the CLI read and write them. */
import type { OrderSide, TransferDirection } from '../domain/account.ts';
import type { Decimal } from '../domain/decimal.ts';
import type { MarketKind } from '../domain/market.ts';

// ---------------------------------------------------------------- positions

/**
 * - `opening`: intent persisted, legs being placed; `open`: both legs confirmed;
 * - `closing`: close started (a failed close stays here and blocks any new open);
 * - `adopted`: found on the exchange or imported from the original bot, not yet reconciled;
 * - terminal: `closed`, `failed` (never established; any filled leg was unwound), `superseded`
 *   (replaced by a forced seed-state import; the exchange stays the source of truth).
 */
export type PositionStatus = 'opening' | 'open' | 'closing' | 'closed' | 'failed' | 'adopted' | 'superseded';
export const POSITION_STATUSES: readonly PositionStatus[] = [
  'opening',
  'open',
  'closing',
  'closed',
  'failed',
  'adopted',
  'superseded',
];
/** Statuses of the (at most one) position that is not finished. */
export const ACTIVE_POSITION_STATUSES: readonly PositionStatus[] = ['opening', 'open', 'closing', 'adopted'];

export type PositionOrigin = 'bot' | 'adopted' | 'seed-import';
export const POSITION_ORIGINS: readonly PositionOrigin[] = ['bot', 'adopted', 'seed-import'];

/** Figures that were not measured from fills or income but carried over or assumed (e.g. from the seed state). */
export type EstimatedField = 'entryFees' | 'fundingReceived' | 'openedAt' | 'entryPrices' | 'quantities' | 'leverage';
export const ESTIMATED_FIELDS: readonly EstimatedField[] = [
  'entryFees',
  'fundingReceived',
  'openedAt',
  'entryPrices',
  'quantities',
  'leverage',
];

export interface RealisedPnl {
  spotUsdt: Decimal;
  perpUsdt: Decimal;
  fundingUsdt: Decimal;
  /** Every fee paid, entry and exit, as a positive amount. */
  feesUsdt: Decimal;
  /** spot + perp + funding − fees; computed by the store, never supplied. */
  totalUsdt: Decimal;
}

export interface Position {
  id: number;
  /** The perp symbol. */
  symbol: string;
  spotSymbol: string;
  baseAsset: string;
  quoteAsset: string;
  leverage: number;
  status: PositionStatus;
  origin: PositionOrigin;
  createdAtMs: number;
  updatedAtMs: number;
  openedAtMs: number | null;
  closedAtMs: number | null;

  /** Spot bought, before any base-asset commission. */
  spotQtyGross: Decimal;
  /** Spot actually received (gross minus base-asset commission): what the close sells. */
  spotQtyNet: Decimal;
  /** Perp short size, positive. */
  perpQty: Decimal;
  spotAvgPrice: Decimal | null;
  perpAvgPrice: Decimal | null;
  /** USDT notional of one leg (the perp at entry): the capital figure the stop-loss is relative to. */
  notionalUsdt: Decimal;
  entryFeesUsdt: Decimal;
  entryAprPct: Decimal | null;
  entryFundingRate: Decimal | null;
  fundingIntervalHours: number | null;
  /** Funding received since open (signed); the sum of this position's funding payments once any is recorded. */
  fundingReceivedUsdt: Decimal;

  exitSpotQty: Decimal;
  exitPerpQty: Decimal;
  exitSpotAvgPrice: Decimal | null;
  exitPerpAvgPrice: Decimal | null;
  exitFeesUsdt: Decimal;
  /** Null until the position is closed (or failed with a realised loss). */
  pnl: RealisedPnl | null;
  /** Traded notional of both legs, entry and exit (and repairs/unwinds): the volume-farming figure. */
  volumeUsdt: Decimal;
  openReason: string | null;
  closeReason: string | null;
  /** Spot left over after the close (below the step size). */
  dustQty: Decimal;
  estimated: readonly EstimatedField[];
}

export interface NewPosition {
  symbol: string;
  spotSymbol: string;
  baseAsset: string;
  quoteAsset: string;
  leverage: number;
  /** `bot` (default) starts as `opening`; `adopted` and `seed-import` start as `adopted`. */
  origin?: PositionOrigin;
  openedAtMs?: number | null;
  spotQtyGross?: Decimal;
  spotQtyNet?: Decimal;
  perpQty?: Decimal;
  spotAvgPrice?: Decimal | null;
  perpAvgPrice?: Decimal | null;
  notionalUsdt: Decimal;
  entryFeesUsdt?: Decimal;
  entryAprPct?: Decimal | null;
  entryFundingRate?: Decimal | null;
  fundingIntervalHours?: number | null;
  fundingReceivedUsdt?: Decimal;
  volumeUsdt?: Decimal;
  openReason?: string | null;
  estimated?: readonly EstimatedField[];
}

/** Fields the engine may change on an existing position (accounting refresh, repair, reconciliation). */
export interface PositionPatch {
  leverage?: number;
  openedAtMs?: number | null;
  spotQtyGross?: Decimal;
  spotQtyNet?: Decimal;
  perpQty?: Decimal;
  spotAvgPrice?: Decimal | null;
  perpAvgPrice?: Decimal | null;
  notionalUsdt?: Decimal;
  entryFeesUsdt?: Decimal;
  entryAprPct?: Decimal | null;
  entryFundingRate?: Decimal | null;
  fundingIntervalHours?: number | null;
  fundingReceivedUsdt?: Decimal;
  exitSpotQty?: Decimal;
  exitPerpQty?: Decimal;
  exitSpotAvgPrice?: Decimal | null;
  exitPerpAvgPrice?: Decimal | null;
  exitFeesUsdt?: Decimal;
  volumeUsdt?: Decimal;
  openReason?: string | null;
  closeReason?: string | null;
  dustQty?: Decimal;
  estimated?: readonly EstimatedField[];
}

/** What `markOpen` records once both legs are confirmed. */
export interface PositionEntry {
  openedAtMs: number;
  spotQtyGross: Decimal;
  spotQtyNet: Decimal;
  perpQty: Decimal;
  spotAvgPrice: Decimal;
  perpAvgPrice: Decimal;
  notionalUsdt: Decimal;
  entryFeesUsdt: Decimal;
  /** The position's traded notional so far (both entry legs). */
  volumeUsdt: Decimal;
}

/** What `markClosed` records. PnL components come from fills and income; the store adds them up. */
export interface PositionExit {
  closedAtMs: number;
  exitSpotQty: Decimal;
  exitPerpQty: Decimal;
  exitSpotAvgPrice: Decimal | null;
  exitPerpAvgPrice: Decimal | null;
  exitFeesUsdt: Decimal;
  /** The position's whole traded notional, entry and exit. */
  volumeUsdt: Decimal;
  pnl: Omit<RealisedPnl, 'totalUsdt'>;
  closeReason: string;
  dustQty?: Decimal;
}

export interface PositionFailure {
  closedAtMs: number;
  reason: string;
  /** What the failed attempt still cost (fees, unwind slippage) and traded, when anything filled. */
  pnl?: Omit<RealisedPnl, 'totalUsdt'>;
  volumeUsdt?: Decimal;
}

// ---------------------------------------------------------------- intents and orders

export type IntentKind = 'open' | 'close' | 'repair' | 'unwind' | 'transfer' | 'stop_place' | 'stop_cancel' | 'setup';
export const INTENT_KINDS: readonly IntentKind[] = [
  'open',
  'close',
  'repair',
  'unwind',
  'transfer',
  'stop_place',
  'stop_cancel',
  'setup',
];
export type IntentStatus = 'pending' | 'sent' | 'done' | 'failed' | 'abandoned';
export const INTENT_STATUSES: readonly IntentStatus[] = ['pending', 'sent', 'done', 'failed', 'abandoned'];
export const UNRESOLVED_INTENT_STATUSES: readonly IntentStatus[] = ['pending', 'sent'];

/** JSON-serialisable payload; Decimals inside are stored as plain strings and come back as strings. */
export type IntentPayload = Readonly<Record<string, unknown>>;

export interface Intent {
  id: number;
  kind: IntentKind;
  positionId: number | null;
  status: IntentStatus;
  payload: Record<string, unknown>;
  createdAtMs: number;
  updatedAtMs: number;
  /** Retries so far across the intent's legs (0 = first try). */
  attempt: number;
  lastError: string | null;
}

/**
 * Order statuses as stored: the exchange's own (`NEW`, `PARTIALLY_FILLED`, `FILLED`, `CANCELED`,
 * `REJECTED`, `EXPIRED`) plus the bot's:
 * - `PLANNED`: persisted, the request may or may not have left (a crash can fall between the two);
 * - `SENT`: the request left, outcome not yet known;
 * - `NOT_FOUND`: the exchange confirmed it has no such order, so a retry may use the next attempt's id;
 * - `FAILED`: rejected with a definite error before reaching the book.
 */
export type StoredOrderStatus =
  | 'PLANNED'
  | 'SENT'
  | 'NOT_FOUND'
  | 'FAILED'
  | 'NEW'
  | 'PARTIALLY_FILLED'
  | 'FILLED'
  | 'CANCELED'
  | 'REJECTED'
  | 'EXPIRED'
  | (string & {});
export const FINAL_ORDER_STATUSES: readonly string[] = [
  'FILLED',
  'CANCELED',
  'REJECTED',
  'EXPIRED',
  'NOT_FOUND',
  'FAILED',
];

export interface PlannedOrder {
  /** Short lowercase name used in the client id: `spot`, `perp`, `stop`… (1–8 of a–z). */
  leg: string;
  market: MarketKind;
  symbol: string;
  side: OrderSide;
  /** `MARKET`, `STOP_MARKET`, … */
  type: string;
  quantity: Decimal;
  reduceOnly?: boolean;
  stopPrice?: Decimal | null;
}

export interface StoredOrder {
  clientOrderId: string;
  intentId: number;
  leg: string;
  attempt: number;
  market: MarketKind;
  symbol: string;
  side: OrderSide;
  type: string;
  quantity: Decimal;
  reduceOnly: boolean;
  stopPrice: Decimal | null;
  status: StoredOrderStatus;
  exchangeOrderId: string | null;
  executedQty: Decimal;
  avgPrice: Decimal | null;
  cumQuote: Decimal;
  createdAtMs: number;
  sentAtMs: number | null;
  updatedAtMs: number;
  exchangeUpdatedAtMs: number | null;
  lastError: string | null;
}

// ---------------------------------------------------------------- fills, funding, transfers

export interface StoredFill {
  market: MarketKind;
  symbol: string;
  tradeId: string;
  orderId: string;
  clientOrderId: string | null;
  positionId: number | null;
  side: OrderSide;
  price: Decimal;
  qty: Decimal;
  quoteQty: Decimal;
  commission: Decimal;
  commissionAsset: string;
  /** The commission valued in USDT (a base-asset commission converted at the fill price). */
  commissionUsdt: Decimal;
  realizedPnl: Decimal;
  maker: boolean;
  timeMs: number;
}

export interface FillSummary {
  fills: number;
  qty: Decimal;
  quoteQty: Decimal;
  /** quoteQty / qty, null when nothing filled. */
  avgPrice: Decimal | null;
  commissionUsdt: Decimal;
}

export interface FundingPayment {
  tranId: string;
  symbol: string;
  positionId: number | null;
  /** Signed: positive received, negative paid. */
  amount: Decimal;
  asset: string;
  timeMs: number;
}

/**
 * - `planned`: persisted with its clientTranId, maybe not sent; `sent`: outcome unknown;
 * - `confirmed`: the exchange accepted it (tranId known, or -4115 "duplicated" on a resend);
 * - `settled`: the balances show it; `failed`: definitely not executed.
 */
export type TransferStatus = 'planned' | 'sent' | 'confirmed' | 'settled' | 'failed';
export const TRANSFER_STATUSES: readonly TransferStatus[] = ['planned', 'sent', 'confirmed', 'settled', 'failed'];

export interface StoredTransfer {
  clientTranId: string;
  intentId: number;
  attempt: number;
  direction: TransferDirection;
  asset: string;
  amount: Decimal;
  status: TransferStatus;
  tranId: string | null;
  createdAtMs: number;
  sentAtMs: number | null;
  confirmedAtMs: number | null;
  settledAtMs: number | null;
  updatedAtMs: number;
  lastError: string | null;
}

export interface PlannedTransfer {
  direction: TransferDirection;
  asset: string;
  amount: Decimal;
}

// ---------------------------------------------------------------- equity, counters, baseline

export interface EquitySnapshot {
  timeMs: number;
  portfolioValueUsdt: Decimal;
  spotValueUsdt: Decimal;
  perpWalletUsdt: Decimal;
  unrealizedPnlUsdt: Decimal;
  positionId: number | null;
}

export interface Counters {
  checkIterations: number;
  /** Completed open → close cycles. */
  completedCycles: number;
  positionsOpened: number;
  positionsClosed: number;
  /** Cumulative realised PnL: carried over (seed import) + every position's realised total. */
  realisedPnlUsdt: Decimal;
  /** Cumulative traded notional: carried over + every position's volume. */
  tradedVolumeUsdt: Decimal;
}

export type BaselineSource = 'captured' | 'seed-import' | 'manual';

export interface Baseline {
  valueUsdt: Decimal;
  timeMs: number;
  source: BaselineSource;
}

// ---------------------------------------------------------------- exit requests

/**
 * `pending` → `acknowledged` (the running bot saw it) → `completed` | `failed`.
 * A requester that gives up before acknowledgement turns `pending` into `cancelled`;
 * a request nobody picked up before `expiresAtMs` becomes `expired` and is never acted on.
 */
export type ExitRequestStatus = 'pending' | 'acknowledged' | 'completed' | 'failed' | 'cancelled' | 'expired';
export const EXIT_REQUEST_STATUSES: readonly ExitRequestStatus[] = [
  'pending',
  'acknowledged',
  'completed',
  'failed',
  'cancelled',
  'expired',
];

export interface ExitRequest {
  id: number;
  status: ExitRequestStatus;
  reason: string;
  requestedBy: string;
  requestedAtMs: number;
  expiresAtMs: number;
  acknowledgedAtMs: number | null;
  finishedAtMs: number | null;
  result: string | null;
}
