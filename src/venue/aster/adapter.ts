/**
 * `AsterVenue`: the Venue port over Aster's REST and WebSocket APIs.
 *
 * The endpoint classes (futures.ts, spot.ts) know single requests; this class adds what the port promises on top:
 * market lists cached for an hour, the constant-cost scan snapshot, complete income and trade histories despite
 * Aster's page and window limits, idempotent settings and transfers, and both markets' account streams as one.
 */
import type {
  CommissionRates,
  IncomeRecord,
  MarketOrderRequest,
  OrderRecord,
  PerpAssetBalance,
  PerpPosition,
  SpotBalance,
  StopMarketRequest,
  TransferRequest,
  UserTrade,
} from '../../domain/account.ts';
import type { Clock } from '../../domain/clock.ts';
import type { FundingRateRecord, MarketInfo, MarketKind, ScanSnapshot } from '../../domain/market.ts';
import { ConfigError, InvalidDataError } from '../../errors.ts';
import type {
  IncomeQuery,
  MarkPriceUpdate,
  ScanSnapshotOptions,
  StreamHandlers,
  Subscription,
  TradeQuery,
  UserEvent,
  Venue,
} from '../port.ts';
import { AsterRequestError } from './errors.ts';
import { AsterFuturesApi, type AsterTransferResult, MAX_PAGE_LIMIT, sourceOf, type TradePageQuery } from './futures.ts';
import { type AsterTransport, type AsterTransportOptions, createAsterTransport, systemClock } from './http/index.ts';
import { type AsterLogger, silentLogger } from './log.ts';
import type { RateLimitRule } from './rate-limit.ts';
import type { DepthSnapshot, ExchangeInfo, PerpAccount } from './schemas/index.ts';
import type { SigningConfig } from './sign/index.ts';
import { DEFAULT_FUNDING_HISTORY_CONCURRENCY, fetchScanSnapshot } from './snapshot.ts';
import { AsterSpotApi } from './spot.ts';
import { AsterStreams } from './streams.ts';
import type { ConnectionTuningInput } from './ws/index.ts';

/** Aster refuses userTrades windows longer than 7 days, and answers history queries without times with 7 days. */
const TRADE_WINDOW_MS = 7 * 24 * 3_600_000;
const HISTORY_DEFAULT_WINDOW_MS = TRADE_WINDOW_MS;

export interface AsterVenueTuning {
  /** Market lists are re-read after this long (new listings, delistings, changed filters). Default 1 h. */
  marketRefreshMs: number;
  /** Rows per income request (≤ 1000). Smaller pages only cost more requests. */
  incomePageSize: number;
  /** Rows per userTrades request (≤ 1000). */
  tradePageSize: number;
  /** Funding-history requests in flight at once during a scan (MA mode). */
  fundingHistoryConcurrency: number;
  /** listenKey keep-alive period. Default 30 min: half the key's validity. */
  listenKeyKeepAliveMs: number;
}

export const DEFAULT_VENUE_TUNING: Readonly<AsterVenueTuning> = Object.freeze({
  marketRefreshMs: 3_600_000,
  incomePageSize: MAX_PAGE_LIMIT,
  tradePageSize: MAX_PAGE_LIMIT,
  fundingHistoryConcurrency: DEFAULT_FUNDING_HISTORY_CONCURRENCY,
  listenKeyKeepAliveMs: 30 * 60_000,
});

export interface AsterVenueOptions {
  transport: AsterTransport;
  /** e.g. `wss://fstream.asterdex.com`. */
  futuresWsUrl: string;
  /** e.g. `wss://sstream.asterdex.com`. */
  spotWsUrl: string;
  logger?: AsterLogger;
  /** Ages the market cache; use the transport's clock. Default: the system clock. */
  clock?: Clock;
  tuning?: Partial<AsterVenueTuning>;
  streamTuning?: ConnectionTuningInput;
}

/** Everything needed to build a venue and its transport. */
export interface AsterVenueConfig {
  futuresBaseUrl: string;
  spotBaseUrl: string;
  futuresWsUrl: string;
  spotWsUrl: string;
  /** Omit for a public-data-only venue: account calls then fail with a clear error. */
  signing?: SigningConfig | undefined;
  requestTimeoutMs?: number;
  logger?: AsterLogger;
  clock?: Clock;
  tuning?: Partial<AsterVenueTuning>;
  streamTuning?: ConnectionTuningInput;
  /** Further transport knobs (retry policy, rate-limit headroom). */
  transport?: Partial<
    Omit<AsterTransportOptions, 'futuresBaseUrl' | 'spotBaseUrl' | 'signing' | 'logger' | 'clock' | 'requestTimeoutMs'>
  >;
}

export function createAsterVenue(config: AsterVenueConfig): AsterVenue {
  // Checked before the transport exists, so a bad setting leaves nothing open behind.
  const tuning = resolveTuning(config.tuning ?? {});
  const transport = createAsterTransport({
    ...config.transport,
    futuresBaseUrl: config.futuresBaseUrl,
    spotBaseUrl: config.spotBaseUrl,
    signing: config.signing,
    ...(config.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: config.requestTimeoutMs }),
    ...(config.logger === undefined ? {} : { logger: config.logger }),
    ...(config.clock === undefined ? {} : { clock: config.clock }),
  });
  return new AsterVenue({
    transport,
    futuresWsUrl: config.futuresWsUrl,
    spotWsUrl: config.spotWsUrl,
    ...(config.logger === undefined ? {} : { logger: config.logger }),
    ...(config.clock === undefined ? {} : { clock: config.clock }),
    tuning,
    ...(config.streamTuning === undefined ? {} : { streamTuning: config.streamTuning }),
  });
}

export class AsterVenue implements Venue {
  readonly name = 'aster';
  readonly transport: AsterTransport;
  readonly futures: AsterFuturesApi;
  readonly spot: AsterSpotApi;
  readonly tuning: Readonly<AsterVenueTuning>;

  readonly #log: AsterLogger;
  readonly #markets: Record<MarketKind, MarketListCache>;
  readonly #streams: AsterStreams;
  readonly #rateLimits: Record<MarketKind, RateLimitRule[]> = { spot: [], perp: [] };

  constructor(options: AsterVenueOptions) {
    this.transport = options.transport;
    this.futures = new AsterFuturesApi(options.transport);
    this.spot = new AsterSpotApi(options.transport);
    this.tuning = resolveTuning(options.tuning ?? {});
    this.#log = options.logger ?? silentLogger;
    const clock = options.clock ?? systemClock;
    this.#markets = {
      spot: new MarketListCache(() => this.#loadMarkets('spot'), clock, this.tuning.marketRefreshMs),
      perp: new MarketListCache(() => this.#loadMarkets('perp'), clock, this.tuning.marketRefreshMs),
    };
    this.#streams = new AsterStreams({
      futuresWsUrl: options.futuresWsUrl,
      spotWsUrl: options.spotWsUrl,
      listenKeys: { spot: this.spot.listenKeys, perp: this.futures.listenKeys },
      logger: this.#log,
      keepAliveIntervalMs: this.tuning.listenKeyKeepAliveMs,
      ...(options.streamTuning === undefined ? {} : { tuning: options.streamTuning }),
    });
  }

  /** Asks the exchange for its time and adopts the offset for every later nonce or timestamp. */
  async serverTimeMs(): Promise<number> {
    await this.transport.syncTime('perp');
    return Math.floor(this.transport.serverNowMs());
  }

  spotMarkets(options: { refresh?: boolean } = {}): Promise<MarketInfo[]> {
    return this.#markets.spot.get(options.refresh ?? false);
  }

  perpMarkets(options: { refresh?: boolean } = {}): Promise<MarketInfo[]> {
    return this.#markets.perp.get(options.refresh ?? false);
  }

  scanSnapshot(options: ScanSnapshotOptions = {}): Promise<ScanSnapshot> {
    return fetchScanSnapshot(
      {
        spotMarkets: () => this.spotMarkets(),
        perpMarkets: () => this.perpMarkets(),
        futures: this.futures,
        spot: this.spot,
        serverNowMs: () => this.transport.serverNowMs(),
      },
      options,
      { fundingHistoryConcurrency: this.tuning.fundingHistoryConcurrency },
    );
  }

  async fundingHistory(symbol: string, limit: number): Promise<FundingRateRecord[]> {
    if (limit === 0) return [];
    return this.futures.fundingRateHistory(symbol, limit);
  }

  /** Order-book snapshot of one symbol (`limit` ∈ 5, 10, 20, 50, 100, 500, 1000). */
  async depth(market: MarketKind, symbol: string, limit: number): Promise<DepthSnapshot> {
    return market === 'spot' ? this.spot.depth(symbol, limit) : this.futures.depth(symbol, limit);
  }

  spotBalances(): Promise<SpotBalance[]> {
    return this.spot.balances();
  }

  perpBalances(): Promise<PerpAssetBalance[]> {
    return this.futures.balances();
  }

  /** Futures account summary with per-asset margins and every position row. */
  perpAccount(): Promise<PerpAccount> {
    return this.futures.account();
  }

  perpPositions(symbol?: string): Promise<PerpPosition[]> {
    return this.futures.positionRisk(symbol);
  }

  commissionRates(market: MarketKind, symbol: string): Promise<CommissionRates> {
    return market === 'spot' ? this.spot.commissionRate(symbol) : this.futures.commissionRate(symbol);
  }

  async placeMarketOrder(request: MarketOrderRequest): Promise<OrderRecord> {
    const order = {
      symbol: request.symbol,
      side: request.side,
      quantity: request.quantity,
      clientOrderId: request.clientOrderId,
    };
    if (request.market === 'perp') {
      return this.futures.placeMarketOrder({ ...order, reduceOnly: request.reduceOnly ?? false });
    }
    if (request.reduceOnly === true) {
      // Spot has no reduce-only flag; selling "only what the position holds" is the caller's sizing.
      throw new AsterRequestError(
        sourceOf(this.spot.spec('spotNewOrder')),
        'reduceOnly',
        'spot orders cannot be reduce-only',
        true,
      );
    }
    return this.spot.placeMarketOrder(order);
  }

  async placeStopMarket(request: StopMarketRequest): Promise<OrderRecord> {
    return this.futures.placeStopMarket(request);
  }

  getOrder(market: MarketKind, symbol: string, clientOrderId: string): Promise<OrderRecord | null> {
    return market === 'spot'
      ? this.spot.queryOrder(symbol, clientOrderId)
      : this.futures.queryOrder(symbol, clientOrderId);
  }

  cancelOrder(market: MarketKind, symbol: string, clientOrderId: string): Promise<OrderRecord | null> {
    return market === 'spot'
      ? this.spot.cancelOrder(symbol, clientOrderId)
      : this.futures.cancelOrder(symbol, clientOrderId);
  }

  openOrders(market: MarketKind, symbol?: string): Promise<OrderRecord[]> {
    return market === 'spot' ? this.spot.openOrders(symbol) : this.futures.openOrders(symbol);
  }

  async setLeverage(symbol: string, leverage: number): Promise<number> {
    const result = await this.futures.setLeverage(symbol, leverage);
    if (result.leverage !== leverage) {
      this.#log.warn({ symbol, requested: leverage, applied: result.leverage }, 'aster applied another leverage');
    }
    return result.leverage;
  }

  async setMarginType(symbol: string, marginType: 'CROSSED' | 'ISOLATED'): Promise<void> {
    const outcome = await this.futures.setMarginType(symbol, marginType);
    if (outcome === 'changed') this.#log.info({ symbol, marginType }, 'aster margin type changed');
  }

  /**
   * Writes only when the account is in hedge mode. Without `known`, the mode is read first (weight 30); with it,
   * the read is skipped. The write is idempotent either way (-4059 "no need to change" counts as done).
   */
  async ensureOneWayMode(known?: { dualSidePosition: boolean }): Promise<void> {
    const dual = known === undefined ? await this.futures.isDualSidePosition() : known.dualSidePosition;
    if (!dual) return;
    const outcome = await this.futures.setDualSidePosition(false);
    if (outcome === 'changed') this.#log.info({}, 'aster position mode switched to one-way');
  }

  /**
   * The whole ledger matching `query`, oldest first. Aster pages by time with inclusive bounds and at most 1000
   * rows per page, so each next page starts at the last row's time and the overlap is dropped by
   * (incomeType, tranId). A page shorter than asked is the last. Without `startTimeMs`: the last 7 days, Aster's
   * own default, sent explicitly because a query without a start may be answered with the newest rows instead of
   * the oldest, which time paging cannot continue from.
   */
  async income(query: IncomeQuery): Promise<IncomeRecord[]> {
    const limit = this.tuning.incomePageSize;
    const seen = new Set<string>();
    const out: IncomeRecord[] = [];
    let startTimeMs: number =
      query.startTimeMs ??
      (query.endTimeMs ?? Math.floor(this.transport.serverNowMs())) - HISTORY_DEFAULT_WINDOW_MS + 1;
    for (;;) {
      const page = await this.futures.incomePage({
        symbol: query.symbol,
        incomeType: query.incomeType,
        startTimeMs,
        endTimeMs: query.endTimeMs,
        limit,
      });
      for (const row of page) {
        const key = `${row.incomeType}\u0000${row.tranId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(row);
      }
      const last = page.at(-1);
      if (page.length < limit || last === undefined) break;
      if (last.timeMs <= startTimeMs) {
        // A full page inside one millisecond: time paging cannot get past it without skipping.
        this.#log.warn(
          { timeMs: last.timeMs, pageSize: limit },
          'aster income: a full page shares one millisecond; rows beyond the page at that time may be missing',
        );
        startTimeMs = last.timeMs + 1;
      } else {
        startTimeMs = last.timeMs;
      }
      if (query.endTimeMs !== undefined && startTimeMs > query.endTimeMs) break;
    }
    return out;
  }

  /**
   * Every fill of `symbol` in the range, oldest first. Aster serves at most 7 days per request and at most 1000
   * rows; a window is walked in 7-day steps, and a full page continues by trade id (`fromId` cannot be combined
   * with times, so rows past the window's end are cut off here). Without a range: the last 7 days.
   */
  async userTrades(market: MarketKind, symbol: string, query: TradeQuery = {}): Promise<UserTrade[]> {
    const fetchPage = (page: TradePageQuery) =>
      market === 'spot' ? this.spot.userTradesPage(symbol, page) : this.futures.userTradesPage(symbol, page);
    const source = sourceOf(market === 'spot' ? this.spot.spec('spotUserTrades') : this.futures.spec('perpUserTrades'));
    const limit = this.tuning.tradePageSize;
    const byId = new Map<string, UserTrade>();
    const inRange = (trade: UserTrade, fromMs: number | undefined, untilMs: number | undefined) =>
      (fromMs === undefined || trade.timeMs >= fromMs) && (untilMs === undefined || trade.timeMs <= untilMs);

    const followIds = async (fromId: string, fromMs: number | undefined, untilMs: number | undefined) => {
      let cursor = fromId;
      for (;;) {
        const page = await fetchPage({ fromId: cursor, limit });
        let pastEnd = false;
        for (const trade of page) {
          if (untilMs !== undefined && trade.timeMs > untilMs) pastEnd = true;
          else if (inRange(trade, fromMs, untilMs)) byId.set(trade.id, trade);
        }
        const last = page.at(-1);
        if (pastEnd || page.length < limit || last === undefined) return;
        cursor = nextTradeId(source, last.id);
      }
    };

    if (query.fromId !== undefined) {
      await followIds(query.fromId, query.startTimeMs, query.endTimeMs);
    } else {
      const endMs = query.endTimeMs ?? Math.floor(this.transport.serverNowMs());
      const startMs = query.startTimeMs ?? endMs - TRADE_WINDOW_MS + 1;
      for (let windowStartMs = startMs; windowStartMs <= endMs; windowStartMs += TRADE_WINDOW_MS) {
        const windowEndMs = Math.min(windowStartMs + TRADE_WINDOW_MS - 1, endMs);
        const page = await fetchPage({ startTimeMs: windowStartMs, endTimeMs: windowEndMs, limit });
        for (const trade of page) byId.set(trade.id, trade);
        const last = page.at(-1);
        if (page.length >= limit && last !== undefined) {
          await followIds(nextTradeId(source, last.id), windowStartMs, windowEndMs);
        }
      }
    }
    return [...byId.values()].sort((a, b) => a.timeMs - b.timeMs || compareIds(a.id, b.id));
  }

  /** See `AsterTransferResult`: a -4115 duplicate resolves with `duplicate: true` instead of throwing. */
  async transfer(request: TransferRequest): Promise<AsterTransferResult> {
    const result = await this.futures.transfer(request);
    if (result.duplicate) {
      this.#log.warn(
        { clientTranId: request.clientTranId, asset: request.asset, direction: request.direction },
        'aster transfer: clientTranId already used; nothing moved on this call, verify balances',
      );
    }
    return result;
  }

  subscribeMarkPrice(symbol: string, handlers: StreamHandlers<MarkPriceUpdate>): Promise<Subscription> {
    return this.#streams.subscribeMarkPrice(symbol, handlers);
  }

  subscribeUserData(handlers: StreamHandlers<UserEvent>): Promise<Subscription> {
    return this.#streams.subscribeUserData(handlers);
  }

  async close(): Promise<void> {
    try {
      await this.#streams.close();
    } finally {
      await this.transport.close();
    }
  }

  async #loadMarkets(market: MarketKind): Promise<MarketInfo[]> {
    const info: ExchangeInfo = market === 'spot' ? await this.spot.exchangeInfo() : await this.futures.exchangeInfo();
    this.#rateLimits[market] = info.rateLimits
      .filter((r) => r.limit > 0)
      .map((r) => ({
        rateLimitType: r.rateLimitType,
        interval: r.interval,
        intervalNum: r.intervalNum,
        limit: r.limit,
      }));
    const rules = strictestRules([...this.#rateLimits.spot, ...this.#rateLimits.perp]);
    if (rules.length > 0) {
      // Spot and futures may be served by one host (and then counted by one limiter, which keeps only the last
      // list it is given): both get the strictest of both lists, safe either way at this bot's request volume.
      this.transport.setRateLimits('spot', rules);
      this.transport.setRateLimits('perp', rules);
    }
    for (const skipped of info.skipped) {
      this.#log.warn(
        { market, symbol: skipped.symbol, status: skipped.status, reason: skipped.reason },
        'aster exchangeInfo: non-trading symbol skipped',
      );
    }
    this.#log.debug({ market, symbols: info.markets.length }, 'aster market list loaded');
    return info.markets;
  }
}

/**
 * One market's list, shared by every caller: read at most once per `maxAgeMs` (or when asked), with concurrent
 * callers waiting on the same request.
 */
class MarketListCache {
  #markets: MarketInfo[] | null = null;
  #fetchedAtMs = 0;
  #pending: Promise<MarketInfo[]> | null = null;

  constructor(
    private readonly load: () => Promise<MarketInfo[]>,
    private readonly clock: Clock,
    private readonly maxAgeMs: number,
  ) {}

  async get(refresh: boolean): Promise<MarketInfo[]> {
    const fresh = this.#markets !== null && this.clock.nowMs() - this.#fetchedAtMs < this.maxAgeMs;
    if (fresh && !refresh && this.#markets !== null) return [...this.#markets];
    this.#pending ??= this.load()
      .then((markets) => {
        this.#markets = markets;
        this.#fetchedAtMs = this.clock.nowMs();
        return markets;
      })
      .finally(() => {
        this.#pending = null;
      });
    return [...(await this.#pending)];
  }
}

/** One rule per (type, window): the lowest limit any list gives it. */
function strictestRules(rules: readonly RateLimitRule[]): RateLimitRule[] {
  const byWindow = new Map<string, RateLimitRule>();
  for (const rule of rules) {
    const key = `${rule.rateLimitType}:${rule.interval}:${rule.intervalNum}`;
    const known = byWindow.get(key);
    if (known === undefined || rule.limit < known.limit) byWindow.set(key, rule);
  }
  return [...byWindow.values()];
}

function nextTradeId(source: string, id: string): string {
  if (!/^\d+$/.test(id)) throw new InvalidDataError(source, 'id', `expected a numeric trade id, received ${id}`);
  return (BigInt(id) + 1n).toString();
}

function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function resolveTuning(input: Partial<AsterVenueTuning>): Readonly<AsterVenueTuning> {
  const tuning: AsterVenueTuning = { ...DEFAULT_VENUE_TUNING };
  for (const [key, value] of Object.entries(input) as Array<[keyof AsterVenueTuning, number | undefined]>) {
    if (value !== undefined) tuning[key] = value;
  }
  for (const key of Object.keys(tuning) as Array<keyof AsterVenueTuning>) {
    const value = tuning[key];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ConfigError(`tuning.${key}`, `must be a positive integer, got ${value}`, { value });
    }
  }
  for (const key of ['incomePageSize', 'tradePageSize'] as const) {
    if (tuning[key] > MAX_PAGE_LIMIT) {
      throw new ConfigError(`tuning.${key}`, `must be at most ${MAX_PAGE_LIMIT}, got ${tuning[key]}`, {
        value: tuning[key],
      });
    }
  }
  return Object.freeze(tuning);
}
