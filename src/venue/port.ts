/**
 * The Venue port: everything the engine and the CLI ask of an exchange.
 *
 * The Aster adapter implements it over HTTP and WebSocket; anything else that can trade (the
 * simulator's account engine in-process, a paper venue) may implement it too. Every method either
 * returns validated domain data or throws a `DnfarmError` whose `kind` tells the caller whether the
 * outcome is known (see src/errors.ts).
 */
import type {
  CommissionRates,
  IncomeRecord,
  IncomeType,
  MarketOrderRequest,
  OrderRecord,
  PerpAssetBalance,
  PerpPosition,
  SpotBalance,
  StopMarketRequest,
  TransferRequest,
  TransferResult,
  UserTrade,
} from '../domain/account.ts';
import type { Decimal } from '../domain/decimal.ts';
import type { FundingRateRecord, MarketInfo, MarketKind, ScanSnapshot } from '../domain/market.ts';

export interface ScanSnapshotOptions {
  /** Perp symbols whose settled funding history is also wanted (MA mode), and how many rows. */
  fundingHistoryFor?: readonly string[];
  fundingHistoryLimit?: number;
}

export interface IncomeQuery {
  symbol?: string;
  incomeType?: IncomeType;
  startTimeMs?: number;
  endTimeMs?: number;
}

export interface TradeQuery {
  startTimeMs?: number;
  endTimeMs?: number;
  fromId?: string;
}

export interface MarkPriceUpdate {
  symbol: string;
  markPrice: Decimal;
  indexPrice: Decimal;
  fundingRate: Decimal;
  nextFundingTimeMs: number;
  eventTimeMs: number;
}

/** User-data events, normalised across the spot and futures streams. */
export type UserEvent =
  | {
      type: 'order';
      eventTimeMs: number;
      order: OrderRecord;
      lastFillQty: Decimal;
      lastFillPrice: Decimal;
      commission: Decimal;
      commissionAsset: string;
    }
  | { type: 'funding'; eventTimeMs: number; asset: string; walletBalance: Decimal }
  | { type: 'balance'; eventTimeMs: number; market: MarketKind; asset: string; free: Decimal; locked: Decimal }
  | { type: 'position'; eventTimeMs: number; symbol: string; positionAmt: Decimal; entryPrice: Decimal }
  | { type: 'listenKeyExpired'; eventTimeMs: number };

export interface StreamHandlers<T> {
  onEvent: (event: T) => void;
  /** Connection state changes: the protector falls back to REST polling while `up` is false. */
  onStatus?: (status: { up: boolean; reason?: string }) => void;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface Venue {
  readonly name: string;

  serverTimeMs(): Promise<number>;
  spotMarkets(options?: { refresh?: boolean }): Promise<MarketInfo[]>;
  perpMarkets(options?: { refresh?: boolean }): Promise<MarketInfo[]>;
  /** Market data of every symbol in a constant number of requests. */
  scanSnapshot(options?: ScanSnapshotOptions): Promise<ScanSnapshot>;
  fundingHistory(symbol: string, limit: number): Promise<FundingRateRecord[]>;

  spotBalances(): Promise<SpotBalance[]>;
  perpBalances(): Promise<PerpAssetBalance[]>;
  perpPositions(symbol?: string): Promise<PerpPosition[]>;
  commissionRates(market: MarketKind, symbol: string): Promise<CommissionRates>;

  placeMarketOrder(request: MarketOrderRequest): Promise<OrderRecord>;
  placeStopMarket(request: StopMarketRequest): Promise<OrderRecord>;
  /** Looks an order up by its client id; null when the exchange does not know it. */
  getOrder(market: MarketKind, symbol: string, clientOrderId: string): Promise<OrderRecord | null>;
  cancelOrder(market: MarketKind, symbol: string, clientOrderId: string): Promise<OrderRecord | null>;
  openOrders(market: MarketKind, symbol?: string): Promise<OrderRecord[]>;

  setLeverage(symbol: string, leverage: number): Promise<number>;
  setMarginType(symbol: string, marginType: 'CROSSED' | 'ISOLATED'): Promise<void>;
  /**
   * Switches the account to one-way position mode unless it already is. `known` is the mode the caller already
   * saw (position rows carry it: `positionSide` BOTH in one-way mode, LONG/SHORT in hedge mode), which spares
   * the mode read.
   */
  ensureOneWayMode(known?: { dualSidePosition: boolean }): Promise<void>;

  /** All income records matching the query, paged and de-duplicated by (incomeType, tranId). */
  income(query: IncomeQuery): Promise<IncomeRecord[]>;
  userTrades(market: MarketKind, symbol: string, query?: TradeQuery): Promise<UserTrade[]>;
  transfer(request: TransferRequest): Promise<TransferResult>;

  subscribeMarkPrice(symbol: string, handlers: StreamHandlers<MarkPriceUpdate>): Promise<Subscription>;
  subscribeUserData(handlers: StreamHandlers<UserEvent>): Promise<Subscription>;

  close(): Promise<void>;
}
