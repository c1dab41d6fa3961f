/**
 * Public API of the simulator's account engine.
 *
 * The engine is an in-memory, deterministic model of an Aster account system: spot wallets, a USDT-margined futures
 * wallet, positions, market and stop-market orders filled against the market source's depth books, commissions,
 * funding, liquidation, transfers, and a ledger from which every balance can be re-derived. It performs no I/O and
 * owns no timers: it reads time from the injected clock at the start of every call (and `advanceTo` lets a host move
 * it forward between requests so funding, stops and liquidations happen without traffic).
 *
 * Request parameters use Aster's names and accept the raw strings the HTTP layer receives, so validation (and its
 * error codes) lives in one place. Rejections are returned, not thrown: `{ ok: false, error: { code, msg, httpStatus } }`
 * with Aster's code and message, ready to serialise as `{"code":…,"msg":…}`.
 *
 * Ids (`orderId`, trade `id`, `tranId`) are positive integers, unique per engine; the HTTP layer may print them as
 * JSON numbers or strings.
 */
import type { IncomeRecord, MarginType, PositionSide } from '../../domain/account.ts';
import type { Decimal } from '../../domain/decimal.ts';
import type { FundingRateRecord, MarketKind } from '../../domain/market.ts';
import type { DepthBook, MarketSource, SimMarketDef } from '../market/types.ts';
import type { LedgerEntry } from './ledger.ts';

export { EXCHANGE_MARKET_STEP_MS, SimEngine } from './engine.ts';
export type { DerivedBalances, LedgerEntry, LedgerReason, LedgerWallet } from './ledger.ts';
export { deriveBalances } from './ledger.ts';
export { EXCHANGE_RETENTION } from './retention.ts';

// ---------------------------------------------------------------- results and errors

/** A rejection as Aster reports it. `httpStatus` is the status the HTTP layer should answer with (400 for all of these). */
export interface SimError {
  code: number;
  msg: string;
  httpStatus: number;
}

export type SimResult<T> = { ok: true; value: T } | { ok: false; error: SimError };

// ---------------------------------------------------------------- configuration

export interface SimEngineOptions {
  source: MarketSource;
  /** Only `nowMs` is used; a `SimClock` fits. Time never moves backwards inside the engine (earlier reads are ignored). */
  clock: { nowMs(): number };
  /** USDT credited to the SPOT wallet of every account when it is first seen. Default 10 000. */
  initialUsdt?: Decimal;
  /** Maintenance margin as a fraction of position notional at mark. Default 0.005. */
  maintenanceMarginRate?: Decimal;
  /** Overrides every perp definition's `liquidationFeeRate` when set (e.g. 0.015). */
  liquidationFeeRate?: Decimal;
  /** A transfer's `clientTranId` may not be reused for this long. Default 7 days. */
  clientTranIdWindowMs?: number;
  /**
   * Simulated ms between the market updates the clock drives. Default 0: the market is re-read at every instant a
   * call arrives. A host serving a busy client sets a step (e.g. 100, the cadence of a fast exchange feed) so that a
   * burst of requests shares one market state instead of building a fresh one (every quote of every symbol) per
   * request. Clock-driven updates land on multiples of the step; funding boundaries and `refreshMarket` stay exact.
   */
  marketStepMs?: number;
  /**
   * How long finished records stay. Default: forever, which backtests and audits rely on (they read the whole
   * history). A long-running host sets a bound, as a real exchange does: see `SimRetention`.
   */
  retention?: SimRetention;
}

/**
 * The bound on what an engine that runs for months keeps. Open orders and every balance are always kept. Of the
 * finished records, those younger than `windowMs` stay, and in any case the newest `minRecords` of each list (per
 * account and market for orders and trades, per account for income and ledger entries, per symbol for settled
 * funding rates). Older ledger entries are folded into one opening entry per account, wallet and asset (reason
 * `opening`), so balances still re-derive from the ledger exactly.
 */
export interface SimRetention {
  windowMs: number;
  minRecords: number;
}

// ---------------------------------------------------------------- requests (raw Aster parameters)

/** A numeric parameter as received (a decimal string) or already parsed. */
export type DecimalParam = string | Decimal;
/** A boolean parameter as received (`"true"` / `"false"`) or already parsed. */
export type BooleanParam = string | boolean;

/**
 * `POST /fapi/v3/order` and `POST /api/v3/order`. Supported types: MARKET (both markets; spot accepts `quantity` or
 * `quoteOrderQty`) and STOP_MARKET (perp only; needs `stopPrice`, and `quantity` unless `closePosition=true`).
 * Resting LIMIT orders are not simulated and are rejected with -1116.
 */
export interface OrderParams {
  symbol?: string;
  side?: string;
  type?: string;
  /** Perp: BOTH (default, one-way mode) or LONG/SHORT (hedge mode). */
  positionSide?: string;
  quantity?: DecimalParam;
  /** Spot MARKET only: spend (BUY) or receive (SELL) this much quote; the base quantity follows from the book. */
  quoteOrderQty?: DecimalParam;
  stopPrice?: DecimalParam;
  /** Perp only; rejected in hedge mode. */
  reduceOnly?: BooleanParam;
  /** STOP_MARKET only: close the whole position when triggered. */
  closePosition?: BooleanParam;
  /** STOP_MARKET trigger price: MARK_PRICE or CONTRACT_PRICE (default, the last price). */
  workingType?: string;
  /** ≤ 36 chars of `[.A-Z:/a-z0-9_-]`; generated when absent. */
  newClientOrderId?: string;
  /** Accepted and echoed; market orders behave as IOC whatever it says. */
  timeInForce?: string;
  /** Present only on LIMIT-type orders, which are rejected; kept so the rejection is the right one. */
  price?: DecimalParam;
}

/**
 * How the host wants one new order executed, beyond Aster's parameters (fault injection, scenario tests).
 */
export interface PlaceOrderOptions {
  /**
   * A MARKET order finds only this fraction (0 < f ≤ 1) of its quantity to trade against, floored to the market
   * step but at least one step: it fills that much (less if the book is thinner) and the remainder expires, exactly
   * as when the book runs out. A quote-sized spot order is cut by the quantity its budget would buy. The order ends
   * `EXPIRED` with `executedQty` > 0; its events are NEW, TRADE (status PARTIALLY_FILLED) per fill, then EXPIRED.
   * STOP_MARKET orders ignore it.
   */
  fillFraction?: Decimal;
}

/** Identifies one order: by exchange id or by client id (one of the two is required, else -1102). */
export interface OrderRef {
  orderId?: number | string;
  origClientOrderId?: string;
}

/** `POST /fapi/v3/asset/wallet/transfer` (either host). */
export interface TransferParams {
  asset?: string;
  amount?: DecimalParam;
  /** SPOT_FUTURE (spot → futures) or FUTURE_SPOT (futures → spot). */
  kindType?: string;
  clientTranId?: string;
}

/**
 * A time-ranged list query. With `startTimeMs` the first `limit` rows at or after it are returned; with only
 * `endTimeMs` the last `limit` rows at or before it; with neither the most recent `limit`. Defaults (Aster's 7-day
 * windows, default limits) are the HTTP layer's business.
 */
export interface RangeQuery {
  startTimeMs?: number;
  endTimeMs?: number;
  limit?: number;
}

export interface IncomeQuery extends RangeQuery {
  symbol?: string;
  incomeType?: string;
}

export interface TradeQuery extends RangeQuery {
  symbol?: string;
  orderId?: number;
  /** Trades with id ≥ fromId, ascending (cannot be combined with times on Aster; here times still filter). */
  fromId?: number;
}

// ---------------------------------------------------------------- records

export type SimOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';
export type SimOrderType = 'MARKET' | 'STOP_MARKET';

/** An order as the exchange reports it (snapshot: later changes do not mutate a returned object). */
export interface SimOrder {
  accountId: string;
  market: MarketKind;
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  /** Spot orders carry BOTH. */
  positionSide: PositionSide;
  type: SimOrderType;
  origType: SimOrderType;
  timeInForce: string;
  status: SimOrderStatus;
  /** For a quote-sized spot order: the executed quantity once final (zero before). */
  origQty: Decimal;
  /** Zero unless the order was sized in quote (spot). */
  quoteOrderQty: Decimal;
  executedQty: Decimal;
  cumQuote: Decimal;
  /** Volume-weighted fill price; zero when nothing filled. */
  avgPrice: Decimal;
  /** Always zero: market orders have no limit price. */
  price: Decimal;
  stopPrice: Decimal;
  reduceOnly: boolean;
  closePosition: boolean;
  workingType: 'MARK_PRICE' | 'CONTRACT_PRICE';
  /** Liquidation orders: true (client ids start with `autoclose-`, as on Aster). */
  isLiquidation: boolean;
  timeMs: number;
  updateTimeMs: number;
}

/** One fill of one order against one book level. */
export interface SimTrade {
  accountId: string;
  market: MarketKind;
  symbol: string;
  id: number;
  orderId: number;
  side: 'BUY' | 'SELL';
  positionSide: PositionSide;
  price: Decimal;
  qty: Decimal;
  quoteQty: Decimal;
  /** Positive: the fee paid. Spot BUY pays it in the base asset, spot SELL and perp in the quote asset. */
  commission: Decimal;
  commissionAsset: string;
  /** Perp only; zero on fills that open or extend a position. */
  realizedPnl: Decimal;
  buyer: boolean;
  maker: boolean;
  timeMs: number;
}

export interface SimBalance {
  asset: string;
  free: Decimal;
  locked: Decimal;
}

export interface SimSpotAccount {
  accountId: string;
  /** Every asset the account has ever held, zero or not, sorted by asset. */
  balances: SimBalance[];
  updateTimeMs: number;
}

export interface SimPosition {
  symbol: string;
  positionSide: PositionSide;
  /** Signed: negative is short (a SHORT hedge-mode position is negative too). */
  positionAmt: Decimal;
  entryPrice: Decimal;
  markPrice: Decimal;
  unrealizedProfit: Decimal;
  /** Zero when the position cannot be liquidated by a price move (or there is none). */
  liquidationPrice: Decimal;
  leverage: number;
  marginType: MarginType;
  /** |positionAmt| × mark, signed like the position. */
  notional: Decimal;
  /** Isolated positions: the margin set aside for them (their isolated wallet); zero when cross. */
  isolatedWallet: Decimal;
  /** Isolated wallet + unrealised PnL for isolated positions; zero when cross. */
  isolatedMargin: Decimal;
  initialMargin: Decimal;
  maintMargin: Decimal;
  /** Maximum notional allowed at this leverage. */
  maxNotionalValue: Decimal;
  updateTimeMs: number;
}

export interface SimFuturesAsset {
  asset: string;
  walletBalance: Decimal;
  unrealizedProfit: Decimal;
  marginBalance: Decimal;
  maintMargin: Decimal;
  initialMargin: Decimal;
  positionInitialMargin: Decimal;
  openOrderInitialMargin: Decimal;
  crossWalletBalance: Decimal;
  crossUnPnl: Decimal;
  availableBalance: Decimal;
  maxWithdrawAmount: Decimal;
  updateTimeMs: number;
}

export interface SimFuturesAccount {
  accountId: string;
  /** Totals in USDT (the only margin asset simulated). */
  totalWalletBalance: Decimal;
  totalUnrealizedProfit: Decimal;
  totalMarginBalance: Decimal;
  totalMaintMargin: Decimal;
  totalInitialMargin: Decimal;
  totalPositionInitialMargin: Decimal;
  totalOpenOrderInitialMargin: Decimal;
  totalCrossWalletBalance: Decimal;
  totalCrossUnPnl: Decimal;
  availableBalance: Decimal;
  maxWithdrawAmount: Decimal;
  /** USDT always first; other assets that ever had a futures balance follow. */
  assets: SimFuturesAsset[];
  /** Open positions only (non-zero amount), in hedge mode one row per side. `positionRisk` lists every symbol. */
  positions: SimPosition[];
  dualSidePosition: boolean;
  updateTimeMs: number;
}

export interface SimTransferResult {
  tranId: number;
  status: 'SUCCESS';
}

export interface SimLeverageResult {
  symbol: string;
  leverage: number;
  maxNotionalValue: Decimal;
}

export interface SimCommissionRate {
  symbol: string;
  makerCommissionRate: Decimal;
  takerCommissionRate: Decimal;
}

// ---------------------------------------------------------------- market data views

export interface SimPremiumIndex {
  symbol: string;
  markPrice: Decimal;
  indexPrice: Decimal;
  estimatedSettlePrice: Decimal;
  lastFundingRate: Decimal;
  interestRate: Decimal;
  /** Exact boundary (no jitter), like Aster's premiumIndex. */
  nextFundingTimeMs: number;
  timeMs: number;
}

export interface SimFundingInfo {
  symbol: string;
  fundingIntervalHours: number;
  fundingFeeCap: Decimal | null;
  fundingFeeFloor: Decimal | null;
  interestRate: Decimal;
  timeMs: number;
}

export interface SimTicker24h {
  market: MarketKind;
  symbol: string;
  lastPrice: Decimal;
  volume: Decimal;
  quoteVolume: Decimal;
  bidPrice: Decimal;
  bidQty: Decimal;
  askPrice: Decimal;
  askQty: Decimal;
  timeMs: number;
}

export interface SimBookTicker {
  market: MarketKind;
  symbol: string;
  bidPrice: Decimal;
  bidQty: Decimal;
  askPrice: Decimal;
  askQty: Decimal;
  /** Increases with every market update and every fill that consumed depth. */
  updateId: number;
  timeMs: number;
}

export interface SimDepth extends DepthBook {
  market: MarketKind;
  symbol: string;
  lastUpdateId: number;
  timeMs: number;
}

// ---------------------------------------------------------------- events

/** Execution report / ORDER_TRADE_UPDATE. */
export interface SimOrderEvent {
  type: 'order';
  accountId: string;
  market: MarketKind;
  timeMs: number;
  /** NEW on acceptance; TRADE per fill; EXPIRED for an unfilled remainder; CANCELED; CALCULATED for liquidation fills. */
  execType: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'CALCULATED';
  order: SimOrder;
  /** Zero unless execType is TRADE or CALCULATED. */
  lastFillQty: Decimal;
  lastFillPrice: Decimal;
  commission: Decimal;
  /** '' when no commission. */
  commissionAsset: string;
  realizedPnl: Decimal;
  /** Zero when no fill. */
  tradeId: number;
  maker: boolean;
}

/** outboundAccountPosition: the spot assets that changed, with their new balances. */
export interface SimSpotBalanceEvent {
  type: 'spotBalance';
  accountId: string;
  timeMs: number;
  balances: SimBalance[];
}

export type SimFuturesUpdateReason = 'ORDER' | 'FUNDING_FEE' | 'ASSET_TRANSFER' | 'DEPOSIT' | 'INSURANCE_CLEAR';

export interface SimPositionUpdate {
  symbol: string;
  positionSide: PositionSide;
  positionAmt: Decimal;
  entryPrice: Decimal;
  /** Realised PnL accumulated on this position since it was opened. */
  accumulatedRealized: Decimal;
  unrealizedPnl: Decimal;
  marginType: MarginType;
  isolatedWallet: Decimal;
}

/** ACCOUNT_UPDATE: the futures assets that changed (and, except for funding, the positions that changed). */
export interface SimFuturesAccountEvent {
  type: 'futuresAccount';
  accountId: string;
  timeMs: number;
  reason: SimFuturesUpdateReason;
  /** `balanceChange` is the wallet's whole change caused by this event (fees and PnL included). */
  balances: { asset: string; walletBalance: Decimal; crossWalletBalance: Decimal; balanceChange: Decimal }[];
  positions: SimPositionUpdate[];
}

/** ACCOUNT_CONFIG_UPDATE: a leverage change (symbol + leverage) or a position-mode change (dualSidePosition). */
export interface SimAccountConfigEvent {
  type: 'accountConfig';
  accountId: string;
  timeMs: number;
  symbol?: string;
  leverage?: number;
  dualSidePosition?: boolean;
}

/** One per perp symbol every time the market state moves (the WS layer throttles to its stream cadence). */
export interface SimMarkPriceEvent {
  type: 'markPrice';
  timeMs: number;
  symbol: string;
  markPrice: Decimal;
  indexPrice: Decimal;
  estimatedSettlePrice: Decimal;
  fundingRate: Decimal;
  nextFundingTimeMs: number;
}

/** Emitted once after every market update, after its mark-price events: books and tickers may be re-read. */
export interface SimMarketTickEvent {
  type: 'marketTick';
  timeMs: number;
}

export type SimEvent =
  | SimOrderEvent
  | SimSpotBalanceEvent
  | SimFuturesAccountEvent
  | SimAccountConfigEvent
  | SimMarkPriceEvent
  | SimMarketTickEvent;

export type SimEventListener = (event: SimEvent) => void;

// ---------------------------------------------------------------- the engine

/**
 * Everything the HTTP/WS front end, the backtester and the paper mode call. Every method first advances the market
 * to the clock's current time. Methods taking `accountId` create the account on first use (funded with
 * `initialUsdt` in its spot wallet). `accountId` is whatever identifies the account to the host: the V3 `user`
 * address or a V1 API key.
 */
export interface SimExchange {
  /** Current engine time (the latest time the market was advanced to). */
  nowMs(): number;
  /**
   * Moves the market to `timeMs` (ignored if not later than now): settles every funding boundary on the way (at the
   * boundary's mark), triggers stop orders, liquidates accounts below maintenance, emits events.
   */
  advanceTo(timeMs: number): void;
  /**
   * Re-reads the market source now, without moving time: a price or funding override, a replaced book or a depth
   * cap takes effect at the current instant (mark-price and tick events follow; stops and liquidations are
   * checked). Like any market update it returns the depth fills have taken since the last one. If the clock has
   * moved, this is `advanceTo(clock)`.
   */
  refreshMarket(): void;
  /** Registers a listener; returns the function that removes it. Listeners run synchronously after each change. */
  subscribe(listener: SimEventListener): () => void;

  // market data
  definitions(): { spot: readonly SimMarketDef[]; perp: readonly SimMarketDef[] };
  definition(market: MarketKind, symbol: string): SimMarketDef | undefined;
  depth(market: MarketKind, symbol: string, limit?: number): SimResult<SimDepth>;
  bookTickers(market: MarketKind, symbol?: string): SimResult<SimBookTicker[]>;
  tickers24h(market: MarketKind, symbol?: string): SimResult<SimTicker24h[]>;
  premiumIndex(symbol?: string): SimResult<SimPremiumIndex[]>;
  fundingInfo(symbol?: string): SimResult<SimFundingInfo[]>;
  /** Settled funding (source history before start + settlements since), ascending, filtered by `query`. */
  fundingRateHistory(symbol: string | undefined, query: RangeQuery): SimResult<FundingRateRecord[]>;
  commissionRate(market: MarketKind, symbol: string): SimResult<SimCommissionRate>;

  // accounts
  /** Creates the account if needed (no-op otherwise). */
  ensureAccount(accountId: string): void;
  accountIds(): string[];
  /** Credits `amount` of `asset` to a wallet (ledger reason `deposit`); for tests, demos and fault scenarios. */
  deposit(accountId: string, wallet: 'spot' | 'futures', asset: string, amount: Decimal): void;
  spotAccount(accountId: string): SimSpotAccount;
  futuresAccount(accountId: string): SimFuturesAccount;
  /** positionRisk: every perp symbol (or one), one row per side in hedge mode. -1121 for an unknown symbol. */
  positionRisk(accountId: string, symbol?: string): SimResult<SimPosition[]>;

  // orders
  placeOrder(
    accountId: string,
    market: MarketKind,
    params: OrderParams,
    options?: PlaceOrderOptions,
  ): SimResult<SimOrder>;
  /** -2013 when unknown. */
  getOrder(accountId: string, market: MarketKind, symbol: string, ref: OrderRef): SimResult<SimOrder>;
  /** Cancels an open (untriggered stop) order; -2011 "Unknown order sent." when it is not open. */
  cancelOrder(accountId: string, market: MarketKind, symbol: string, ref: OrderRef): SimResult<SimOrder>;
  cancelAllOrders(accountId: string, market: MarketKind, symbol: string): SimResult<SimOrder[]>;
  openOrders(accountId: string, market: MarketKind, symbol?: string): SimResult<SimOrder[]>;
  allOrders(accountId: string, market: MarketKind, symbol: string, query: RangeQuery): SimResult<SimOrder[]>;
  userTrades(accountId: string, market: MarketKind, query: TradeQuery): SimResult<SimTrade[]>;

  // futures settings
  /** Leverage 1..125 (-4028 otherwise). */
  setLeverage(accountId: string, symbol: string, leverage: number | string): SimResult<SimLeverageResult>;
  /** ISOLATED | CROSSED; -4046 when unchanged, -4047 with open orders, -4048 with a position. */
  setMarginType(accountId: string, symbol: string, marginType: string): SimResult<void>;
  /** -4059 when unchanged, -4067 with open orders, -4068 with positions. */
  setPositionMode(accountId: string, dualSidePosition: BooleanParam): SimResult<void>;
  positionMode(accountId: string): { dualSidePosition: boolean };

  // income and transfers
  income(accountId: string, query: IncomeQuery): SimResult<IncomeRecord[]>;
  /** Idempotent on `clientTranId`: a reuse within the window is -4115 and changes nothing. */
  transfer(accountId: string, params: TransferParams): SimResult<SimTransferResult>;

  // audit
  /**
   * Every balance change, in order (optionally of one account). With a retention bound, the entries older than it
   * come first as opening entries (reason `opening`), one per account, wallet and asset.
   */
  ledger(accountId?: string): readonly LedgerEntry[];
  /**
   * Per asset: what the exchange itself collected, i.e. commissions and liquidation fees, less what its insurance fund
   * paid to bring liquidated accounts back to zero. With this, all wallets plus the house equal deposits plus spot
   * trade flows plus realised PnL plus funding, exactly.
   */
  houseFees(): ReadonlyMap<string, Decimal>;
}
