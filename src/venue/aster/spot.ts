/**
 * Aster spot REST endpoints, one method per call, each returning validated domain values.
 *
 * Spot V3 lives under `/api/v3/*` and V1 under `/api/v1/*` (not `/api/v3` with HMAC: that is Binance, and Aster
 * rejects it). Spot orders answer in the futures shape (`cumQuote`, `avgPrice`, no `fills[]`), and a MARKET order
 * may come back NEW with nothing executed unless RESULT is asked for.
 */
import type { CommissionRates, OrderRecord, OrderSide, SpotBalance, UserTrade } from '../../domain/account.ts';
import type { Decimal } from '../../domain/decimal.ts';
import type { BookTop } from '../../domain/market.ts';
import type { EndpointName, EndpointSpec } from './endpoints.ts';
import { endpoint } from './endpoints.ts';
import {
  checkPageLimit,
  checkPositive,
  depthWeight,
  nullIfUnknownOrder,
  sourceOf,
  type TradePageQuery,
} from './futures.ts';
import type { AsterTransport } from './http/index.ts';
import {
  type DepthSnapshot,
  type ExchangeInfo,
  parseBookTickerList,
  parseCommissionRate,
  parseDepth,
  parseEmptyAck,
  parseExchangeInfo,
  parseListenKey,
  parseOrder,
  parseOrderList,
  parseServerTime,
  parseSpotAccount,
  parseSpotTicker24hList,
  parseUserTrades,
  type SpotAccount,
  type SpotTicker24h,
} from './schemas/index.ts';
import type { ParamInput } from './sign/index.ts';
import type { ListenKeyApi } from './ws/index.ts';

export interface SpotMarketOrder {
  symbol: string;
  side: OrderSide;
  /** Base quantity on both sides, so the spot leg matches the perp quantity exactly (not `quoteOrderQty`). */
  quantity: Decimal;
  clientOrderId: string;
}

export class AsterSpotApi {
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
    return this.#call('spotTime', parseServerTime);
  }

  exchangeInfo(): Promise<ExchangeInfo> {
    return this.#call('spotExchangeInfo', (body, source) => parseExchangeInfo(body, 'spot', source));
  }

  tickers24hAll(): Promise<SpotTicker24h[]> {
    return this.#call('spotTicker24hAll', parseSpotTicker24hList);
  }

  bookTickersAll(): Promise<BookTop[]> {
    return this.#call('spotBookTickerAll', parseBookTickerList);
  }

  async depth(symbol: string, limit: number): Promise<DepthSnapshot> {
    const weight = depthWeight(this.spec('spotDepth'), limit);
    return this.#call('spotDepth', parseDepth, { symbol, limit }, { weight });
  }

  account(): Promise<SpotAccount> {
    return this.#call('spotAccount', parseSpotAccount);
  }

  async balances(): Promise<SpotBalance[]> {
    return (await this.account()).balances;
  }

  commissionRate(symbol: string): Promise<CommissionRates> {
    return this.#call('spotCommissionRate', parseCommissionRate, { symbol });
  }

  /** A MARKET order for a base quantity; RESULT so the answer carries the executed quantity and average price. */
  async placeMarketOrder(order: SpotMarketOrder): Promise<OrderRecord> {
    const spec = this.spec('spotNewOrder');
    const params: Array<[string, string | Decimal]> = [
      ['symbol', order.symbol],
      ['side', order.side],
      ['type', 'MARKET'],
      ['quantity', checkPositive(spec, 'quantity', order.quantity)],
      ['newClientOrderId', order.clientOrderId],
      ['newOrderRespType', 'RESULT'],
    ];
    return this.#call('spotNewOrder', (body, source) => parseOrder(body, 'spot', source), params, {
      clientOrderId: order.clientOrderId,
    });
  }

  /** The order with this client id, or null when Aster does not know it (-2013 "Order does not exist"). */
  queryOrder(symbol: string, clientOrderId: string): Promise<OrderRecord | null> {
    return nullIfUnknownOrder(
      this.#call(
        'spotQueryOrder',
        (body, source) => parseOrder(body, 'spot', source),
        { symbol, origClientOrderId: clientOrderId },
        { clientOrderId },
      ),
    );
  }

  /** Null when there is nothing to cancel (unknown id, or already final): see the futures counterpart. */
  cancelOrder(symbol: string, clientOrderId: string): Promise<OrderRecord | null> {
    return nullIfUnknownOrder(
      this.#call(
        'spotCancelOrder',
        (body, source) => parseOrder(body, 'spot', source),
        { symbol, origClientOrderId: clientOrderId },
        { clientOrderId },
      ),
    );
  }

  openOrders(symbol?: string): Promise<OrderRecord[]> {
    return this.#call(
      'spotOpenOrders',
      (body, source) => parseOrderList(body, 'spot', source),
      symbol === undefined ? undefined : { symbol },
      { weight: symbol === undefined ? 40 : 1 },
    );
  }

  async userTradesPage(symbol: string, query: TradePageQuery): Promise<UserTrade[]> {
    checkPageLimit(this.spec('spotUserTrades'), query.limit);
    const params =
      'fromId' in query
        ? { symbol, fromId: query.fromId, limit: query.limit }
        : { symbol, startTime: query.startTimeMs, endTime: query.endTimeMs, limit: query.limit };
    return this.#call('spotUserTrades', (body, source) => parseUserTrades(body, 'spot', source), params);
  }

  /** Spot keep-alive and close must name the key (futures ones must not). */
  readonly listenKeys: ListenKeyApi = {
    create: () => this.#call('spotListenKeyCreate', parseListenKey),
    keepAlive: async (listenKey) => {
      await this.#call('spotListenKeyKeepAlive', parseEmptyAck, { listenKey });
    },
    close: async (listenKey) => {
      await this.#call('spotListenKeyClose', parseEmptyAck, { listenKey });
    },
  };
}
