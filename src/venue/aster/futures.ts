/**
 * Aster futures REST endpoints, one method per call, each returning validated domain values.
 *
 * The path family (V3 `/fapi/v3/*` or V1 `/fapi/v1|v2|v4/*`) follows the transport's signing scheme. Paging,
 * caching and idempotency decisions live in the adapter; this layer only knows what one request looks like and
 * which Aster error codes mean "nothing to do" rather than failure.
 */
import type {
  CommissionRates,
  IncomeRecord,
  OrderRecord,
  OrderSide,
  PerpAssetBalance,
  PerpPosition,
  TransferRequest,
  TransferResult,
  UserTrade,
} from '../../domain/account.ts';
import type { Decimal } from '../../domain/decimal.ts';
import type { BookTop, FundingInfo, FundingRateRecord, PremiumIndex, Ticker24h } from '../../domain/market.ts';
import { type EndpointName, type EndpointSpec, endpoint } from './endpoints.ts';
import { ASTER_CODES, AsterRequestError, asterErrorCode, isAsterApiError } from './errors.ts';
import type { AsterTransport } from './http/index.ts';
import {
  type DepthSnapshot,
  type ExchangeInfo,
  type LeverageResult,
  type PerpAccount,
  parseBookTickerList,
  parseCommissionRate,
  parseDepth,
  parseEmptyAck,
  parseExchangeInfo,
  parseFundingInfoList,
  parseFundingRateHistory,
  parseIncomeList,
  parseLeverageResult,
  parseListenKey,
  parseOrder,
  parseOrderList,
  parsePerpAccount,
  parsePerpBalances,
  parsePositionMode,
  parsePositionRisk,
  parsePremiumIndexList,
  parseServerTime,
  parseSuccessAck,
  parseTicker24hList,
  parseTransferResult,
  parseUserTrades,
} from './schemas/index.ts';
import type { ParamInput } from './sign/index.ts';
import type { ListenKeyApi } from './ws/index.ts';

/** Largest page the history endpoints (income, userTrades, fundingRate) serve. */
export const MAX_PAGE_LIMIT = 1000;
/** Aster's documented ceiling for `POST leverage`. */
export const MAX_LEVERAGE = 125;

/** Depth `limit` values Aster accepts and their request weights (the same on both markets). */
const DEPTH_WEIGHTS: ReadonlyMap<number, number> = new Map([
  [5, 2],
  [10, 2],
  [20, 2],
  [50, 2],
  [100, 5],
  [500, 10],
  [1000, 20],
]);

/** `METHOD /path`: what every parser and error names as the source. */
export function sourceOf(spec: EndpointSpec): string {
  return `${spec.method} ${spec.path}`;
}

/** Weight of a depth request, or an error naming the endpoint when `limit` is not one Aster serves. */
export function depthWeight(spec: EndpointSpec, limit: number): number {
  const weight = DEPTH_WEIGHTS.get(limit);
  if (weight === undefined) {
    throw new AsterRequestError(
      sourceOf(spec),
      'limit',
      `must be one of ${[...DEPTH_WEIGHTS.keys()].join(', ')}`,
      limit,
    );
  }
  return weight;
}

/** A history page size: an integer in 1..1000. */
export function checkPageLimit(spec: EndpointSpec, limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new AsterRequestError(sourceOf(spec), 'limit', `must be an integer from 1 to ${MAX_PAGE_LIMIT}`, limit);
  }
  return limit;
}

/** Order quantities and prices must be positive finite decimals; anything else never leaves the process. */
export function checkPositive(spec: EndpointSpec, field: string, value: Decimal): Decimal {
  if (!value.isFinite() || value.lte(0)) {
    throw new AsterRequestError(sourceOf(spec), field, 'must be a positive decimal', value.toString());
  }
  return value;
}

/** True when an error is Aster saying it has no such order (query: -2013; cancel: -2011 / -2013). */
export function isUnknownOrder(error: unknown): boolean {
  if (!isAsterApiError(error) || error.reason !== 'api') return false;
  const code = error.code;
  if (code === ASTER_CODES.NO_SUCH_ORDER || code === ASTER_CODES.CANCEL_REJECTED) return true;
  return /order does not exist|unknown order/i.test(error.msg ?? '');
}

/** The order a lookup or cancel returns, or null when Aster answers that it knows no such order. */
export async function nullIfUnknownOrder(request: Promise<OrderRecord>): Promise<OrderRecord | null> {
  try {
    return await request;
  } catch (error) {
    if (isUnknownOrder(error)) return null;
    throw error;
  }
}

export interface FuturesMarketOrder {
  symbol: string;
  side: OrderSide;
  quantity: Decimal;
  clientOrderId: string;
  reduceOnly: boolean;
}

export interface FuturesStopMarketOrder {
  symbol: string;
  side: OrderSide;
  stopPrice: Decimal;
  quantity: Decimal;
  clientOrderId: string;
}

export interface IncomePageQuery {
  symbol?: string | undefined;
  incomeType?: string | undefined;
  startTimeMs?: number | undefined;
  endTimeMs?: number | undefined;
  limit: number;
}

/** One userTrades request: either a time window (≤ 7 days) or a `fromId` cursor, never both (Aster refuses). */
export type TradePageQuery =
  | { startTimeMs: number; endTimeMs: number; limit: number }
  | { fromId: string; limit: number };

/** Whether a settings call changed something or found it already in place (-4046 / -4059). */
export type SettingOutcome = 'changed' | 'unchanged';

/** A transfer result; `duplicate` when Aster refused the `clientTranId` as already used (-4115). */
export interface AsterTransferResult extends TransferResult {
  /**
   * True when the exchange answered -4115: a transfer with this `clientTranId` was accepted within the last 7 days.
   * Nothing moved on this call; the caller verifies balances instead of assuming either outcome.
   */
  duplicate: boolean;
}

const KIND_TYPE = { SPOT_TO_PERP: 'SPOT_FUTURE', PERP_TO_SPOT: 'FUTURE_SPOT' } as const;

export class AsterFuturesApi {
  readonly #transport: AsterTransport;

  constructor(transport: AsterTransport) {
    this.#transport = transport;
  }

  spec(name: EndpointName): EndpointSpec {
    return endpoint(name, this.#transport.apiFamily);
  }

  async #call<T>(
    name: EndpointName,
    parse: (body: unknown, source: string) => T,
    params?: ParamInput,
    extra: { clientOrderId?: string; weight?: number } = {},
  ): Promise<T> {
    const spec = this.spec(name);
    return parse(await this.#transport.call(spec, params, extra), sourceOf(spec));
  }

  serverTime(): Promise<number> {
    return this.#call('perpTime', parseServerTime);
  }

  exchangeInfo(): Promise<ExchangeInfo> {
    return this.#call('perpExchangeInfo', (body, source) => parseExchangeInfo(body, 'perp', source));
  }

  premiumIndexAll(): Promise<PremiumIndex[]> {
    return this.#call('perpPremiumIndexAll', parsePremiumIndexList);
  }

  fundingInfoAll(): Promise<FundingInfo[]> {
    return this.#call('perpFundingInfoAll', parseFundingInfoList);
  }

  /** The most recent `limit` settled rates of `symbol`, ascending by time (no range: Aster returns the latest). */
  async fundingRateHistory(symbol: string, limit: number): Promise<FundingRateRecord[]> {
    checkPageLimit(this.spec('perpFundingRate'), limit);
    const rows = await this.#call('perpFundingRate', parseFundingRateHistory, { symbol, limit });
    return rows.sort((a, b) => a.fundingTimeMs - b.fundingTimeMs);
  }

  tickers24hAll(): Promise<Ticker24h[]> {
    return this.#call('perpTicker24hAll', parseTicker24hList);
  }

  bookTickersAll(): Promise<BookTop[]> {
    return this.#call('perpBookTickerAll', parseBookTickerList);
  }

  async depth(symbol: string, limit: number): Promise<DepthSnapshot> {
    const weight = depthWeight(this.spec('perpDepth'), limit);
    return this.#call('perpDepth', parseDepth, { symbol, limit }, { weight });
  }

  balances(): Promise<PerpAssetBalance[]> {
    return this.#call('perpBalance', parsePerpBalances);
  }

  account(): Promise<PerpAccount> {
    return this.#call('perpAccount', parsePerpAccount);
  }

  positionRisk(symbol?: string): Promise<PerpPosition[]> {
    return this.#call('perpPositionRisk', parsePositionRisk, symbol === undefined ? undefined : { symbol });
  }

  commissionRate(symbol: string): Promise<CommissionRates> {
    return this.#call('perpCommissionRate', parseCommissionRate, { symbol });
  }

  /**
   * A MARKET order. `newOrderRespType=RESULT` makes Aster answer with the final state (FILLED and its average
   * price) instead of the ACK snapshot taken before matching. No `positionSide`: the bot runs in one-way mode,
   * where it defaults to BOTH and `reduceOnly` is allowed.
   */
  async placeMarketOrder(order: FuturesMarketOrder): Promise<OrderRecord> {
    const spec = this.spec('perpNewOrder');
    const params: Array<[string, string | Decimal]> = [
      ['symbol', order.symbol],
      ['side', order.side],
      ['type', 'MARKET'],
      ['quantity', checkPositive(spec, 'quantity', order.quantity)],
    ];
    if (order.reduceOnly) params.push(['reduceOnly', 'true']);
    params.push(['newClientOrderId', order.clientOrderId], ['newOrderRespType', 'RESULT']);
    return this.#call('perpNewOrder', (body, source) => parseOrder(body, 'perp', source), params, {
      clientOrderId: order.clientOrderId,
    });
  }

  /**
   * A reduce-only STOP_MARKET triggered by the mark price: the exchange-side stop-loss that still closes the perp
   * leg if the bot is down. MARK_PRICE rather than the last trade, so a thin book's wick cannot trigger it.
   */
  async placeStopMarket(order: FuturesStopMarketOrder): Promise<OrderRecord> {
    const spec = this.spec('perpNewOrder');
    const params: Array<[string, string | Decimal]> = [
      ['symbol', order.symbol],
      ['side', order.side],
      ['type', 'STOP_MARKET'],
      ['quantity', checkPositive(spec, 'quantity', order.quantity)],
      ['stopPrice', checkPositive(spec, 'stopPrice', order.stopPrice)],
      ['workingType', 'MARK_PRICE'],
      ['reduceOnly', 'true'],
      ['newClientOrderId', order.clientOrderId],
    ];
    return this.#call('perpNewOrder', (body, source) => parseOrder(body, 'perp', source), params, {
      clientOrderId: order.clientOrderId,
    });
  }

  /** The order with this client id, or null when Aster does not know it (-2013 "Order does not exist"). */
  queryOrder(symbol: string, clientOrderId: string): Promise<OrderRecord | null> {
    return nullIfUnknownOrder(
      this.#call(
        'perpQueryOrder',
        (body, source) => parseOrder(body, 'perp', source),
        { symbol, origClientOrderId: clientOrderId },
        { clientOrderId },
      ),
    );
  }

  /**
   * Cancels by client id. Null when there is nothing to cancel: Aster answers -2011 "Unknown order sent." both for
   * an id it never saw and for an order already filled or cancelled; the caller queries the order to tell which.
   */
  cancelOrder(symbol: string, clientOrderId: string): Promise<OrderRecord | null> {
    return nullIfUnknownOrder(
      this.#call(
        'perpCancelOrder',
        (body, source) => parseOrder(body, 'perp', source),
        { symbol, origClientOrderId: clientOrderId },
        { clientOrderId },
      ),
    );
  }

  /** Open orders of one symbol (weight 1) or of every symbol (weight 40). */
  openOrders(symbol?: string): Promise<OrderRecord[]> {
    return this.#call(
      'perpOpenOrders',
      (body, source) => parseOrderList(body, 'perp', source),
      symbol === undefined ? undefined : { symbol },
      { weight: symbol === undefined ? 40 : 1 },
    );
  }

  /** Sets the leverage; resolves with what Aster actually set, which may differ from the request. */
  async setLeverage(symbol: string, leverage: number): Promise<LeverageResult> {
    if (!Number.isSafeInteger(leverage) || leverage < 1 || leverage > MAX_LEVERAGE) {
      throw new AsterRequestError(
        sourceOf(this.spec('perpLeverage')),
        'leverage',
        `must be an integer from 1 to ${MAX_LEVERAGE}`,
        leverage,
      );
    }
    return this.#call('perpLeverage', parseLeverageResult, { symbol, leverage });
  }

  /** -4046 "No need to change margin type" means it is already set: not an error. */
  async setMarginType(symbol: string, marginType: 'CROSSED' | 'ISOLATED'): Promise<SettingOutcome> {
    try {
      await this.#call('perpMarginType', parseSuccessAck, { symbol, marginType });
      return 'changed';
    } catch (error) {
      if (asterErrorCode(error) === ASTER_CODES.MARGIN_TYPE_UNCHANGED) return 'unchanged';
      throw error;
    }
  }

  /** True in hedge (dual-side) mode, false in one-way mode. Weight 30: ask once, not per order. */
  isDualSidePosition(): Promise<boolean> {
    return this.#call('perpPositionModeGet', parsePositionMode);
  }

  /** Applies to every symbol of the account. -4059 "No need to change position side" means already set. */
  async setDualSidePosition(dual: boolean): Promise<SettingOutcome> {
    try {
      await this.#call('perpPositionModeSet', parseSuccessAck, { dualSidePosition: dual });
      return 'changed';
    } catch (error) {
      if (asterErrorCode(error) === ASTER_CODES.POSITION_SIDE_UNCHANGED) return 'unchanged';
      throw error;
    }
  }

  /** One page of the income ledger: `limit` rows from `startTimeMs` on (inclusive), ascending by time. */
  async incomePage(query: IncomePageQuery): Promise<IncomeRecord[]> {
    checkPageLimit(this.spec('perpIncome'), query.limit);
    return this.#call('perpIncome', parseIncomeList, {
      symbol: query.symbol,
      incomeType: query.incomeType,
      startTime: query.startTimeMs,
      endTime: query.endTimeMs,
      limit: query.limit,
    });
  }

  async userTradesPage(symbol: string, query: TradePageQuery): Promise<UserTrade[]> {
    checkPageLimit(this.spec('perpUserTrades'), query.limit);
    const params =
      'fromId' in query
        ? { symbol, fromId: query.fromId, limit: query.limit }
        : { symbol, startTime: query.startTimeMs, endTime: query.endTimeMs, limit: query.limit };
    return this.#call('perpUserTrades', (body, source) => parseUserTrades(body, 'perp', source), params);
  }

  /**
   * Moves an asset between the spot and futures wallets. `clientTranId` makes it idempotent: a repeat within
   * 7 days is refused with -4115 and moves nothing, which is returned as `duplicate` rather than thrown, because
   * after a lost response it is the expected answer to the retry.
   */
  async transfer(request: TransferRequest): Promise<AsterTransferResult> {
    const spec = this.spec('perpTransfer');
    const params: Array<[string, string | Decimal]> = [
      ['asset', request.asset],
      ['amount', checkPositive(spec, 'amount', request.amount)],
      ['kindType', KIND_TYPE[request.direction]],
      ['clientTranId', request.clientTranId],
    ];
    try {
      const result = await this.#call('perpTransfer', parseTransferResult, params);
      return { ...result, duplicate: false };
    } catch (error) {
      if (asterErrorCode(error) === ASTER_CODES.DUPLICATED_CLIENT_TRAN_ID) {
        return { tranId: '', status: 'DUPLICATE', duplicate: true };
      }
      throw error;
    }
  }

  /** Futures listenKey calls take no key parameter: the account has one key, and PUT/DELETE act on it. */
  readonly listenKeys: ListenKeyApi = {
    create: () => this.#call('perpListenKeyCreate', parseListenKey),
    keepAlive: async () => {
      await this.#call('perpListenKeyKeepAlive', parseEmptyAck);
    },
    close: async () => {
      await this.#call('perpListenKeyClose', parseEmptyAck);
    },
  };
}
