/** Account, order and ledger records as the engine sees them, independent of any exchange's wire format. */
import type { Decimal } from './decimal.ts';
import type { MarketKind } from './market.ts';

export interface SpotBalance {
  asset: string;
  free: Decimal;
  locked: Decimal;
}

export interface PerpAssetBalance {
  asset: string;
  /** Wallet balance (excludes unrealised PnL). */
  walletBalance: Decimal;
  crossWalletBalance: Decimal;
  crossUnPnl: Decimal;
  availableBalance: Decimal;
  maxWithdrawAmount: Decimal;
}

export type MarginType = 'cross' | 'isolated';
export type PositionSide = 'BOTH' | 'LONG' | 'SHORT';

export interface PerpPosition {
  symbol: string;
  /** Signed: negative is short. */
  positionAmt: Decimal;
  entryPrice: Decimal;
  markPrice: Decimal;
  unrealizedProfit: Decimal;
  liquidationPrice: Decimal;
  leverage: number;
  marginType: MarginType;
  positionSide: PositionSide;
  notional: Decimal;
  updateTimeMs: number;
}

export interface CommissionRates {
  symbol: string;
  maker: Decimal;
  taker: Decimal;
}

export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT' | 'STOP_MARKET' | 'STOP' | 'TAKE_PROFIT' | 'TAKE_PROFIT_MARKET' | string;
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED' | string;

/** True when the order can no longer change: its executed quantity is final. */
export function isFinalStatus(status: OrderStatus): boolean {
  return status === 'FILLED' || status === 'CANCELED' || status === 'REJECTED' || status === 'EXPIRED';
}

export interface OrderRecord {
  market: MarketKind;
  symbol: string;
  orderId: string;
  clientOrderId: string;
  side: OrderSide;
  type: OrderType;
  status: OrderStatus;
  origQty: Decimal;
  executedQty: Decimal;
  /** Average fill price; zero when nothing filled. */
  avgPrice: Decimal;
  /** Quote value filled. */
  cumQuote: Decimal;
  reduceOnly: boolean;
  stopPrice: Decimal;
  updateTimeMs: number;
}

export interface MarketOrderRequest {
  market: MarketKind;
  symbol: string;
  side: OrderSide;
  quantity: Decimal;
  clientOrderId: string;
  /** Perp only. */
  reduceOnly?: boolean;
}

export interface StopMarketRequest {
  symbol: string;
  side: OrderSide;
  stopPrice: Decimal;
  quantity: Decimal;
  clientOrderId: string;
}

export interface UserTrade {
  market: MarketKind;
  symbol: string;
  id: string;
  orderId: string;
  side: OrderSide;
  price: Decimal;
  qty: Decimal;
  quoteQty: Decimal;
  /** Always positive: the fee paid (Aster's docs show negative values; the sign is dropped). */
  commission: Decimal;
  commissionAsset: string;
  realizedPnl: Decimal;
  maker: boolean;
  timeMs: number;
}

export type IncomeType =
  | 'TRANSFER'
  | 'WELCOME_BONUS'
  | 'REALIZED_PNL'
  | 'FUNDING_FEE'
  | 'COMMISSION'
  | 'INSURANCE_CLEAR'
  | 'MARKET_MERCHANT_RETURN_REWARD'
  | string;

export interface IncomeRecord {
  symbol: string;
  incomeType: IncomeType;
  /** Signed: positive received, negative paid. */
  income: Decimal;
  asset: string;
  timeMs: number;
  /** Unique per income type; records are de-duplicated on (incomeType, tranId). */
  tranId: string;
  tradeId: string;
}

export type TransferDirection = 'SPOT_TO_PERP' | 'PERP_TO_SPOT';

export interface TransferRequest {
  asset: string;
  amount: Decimal;
  direction: TransferDirection;
  /** Idempotency key, < 64 chars, unique within 7 days. */
  clientTranId: string;
}

export interface TransferResult {
  tranId: string;
  status: string;
  /** True when the exchange answered that this clientTranId was already accepted (-4115): verify balances, don't resend. */
  duplicate?: boolean;
}
