/**
 * The account engine's public face (see index.ts for the contract). It keeps the market in step with the clock,
 * routes each call to the module that does the work, and delivers queued events once the call's changes are
 * complete, so listeners never observe a half-applied order.
 */
import type { IncomeRecord, MarginType } from '../../domain/account.ts';
import { Decimal, ZERO } from '../../domain/decimal.ts';
import type { FundingRateRecord, MarketKind } from '../../domain/market.ts';
import type { SimMarketDef } from '../market/types.ts';
import { EngineCore } from './core.ts';
import { settleFunding } from './funding.ts';
import type {
  BooleanParam,
  IncomeQuery,
  OrderParams,
  OrderRef,
  PlaceOrderOptions,
  RangeQuery,
  SimBookTicker,
  SimCommissionRate,
  SimDepth,
  SimEngineOptions,
  SimEventListener,
  SimExchange,
  SimFundingInfo,
  SimFuturesAccount,
  SimLeverageResult,
  SimOrder,
  SimPosition,
  SimPremiumIndex,
  SimResult,
  SimSpotAccount,
  SimTicker24h,
  SimTrade,
  SimTransferResult,
  TradeQuery,
  TransferParams,
} from './index.ts';
import type { LedgerEntry } from './ledger.ts';
import { checkLiquidations } from './liquidation.ts';
import { accountMetrics } from './margin.ts';
import { cancelOrder as cancelOpenOrder, snapshot } from './orders.ts';
import { isSimError, optionalBoolean, present } from './params.ts';
import { placePerpOrder } from './perp-orders.ts';
import { maxNotionalFor } from './positions.ts';
import { selectRange } from './query.ts';
import { fail, ok, rejections } from './rejections.ts';
import { HOUSEKEEPING_INTERVAL_MS, keepHouse, validateRetention } from './retention.ts';
import { placeSpotOrder } from './spot-orders.ts';
import { triggerStops } from './stops.ts';
import { transfer } from './transfers.ts';
import { futuresAccountView, positionRows, spotAccountView } from './views.ts';

const DAY_MS = 86_400_000;
const MAX_LEVERAGE = 125;
/**
 * A market step for a simulator serving clients over the network: the cadence of a fast exchange feed (Aster's
 * depth streams update every 100 ms), far below what a client can observe between two of its own requests.
 */
export const EXCHANGE_MARKET_STEP_MS = 100;
/** Orders that ended without a fill are forgotten after this long, as Aster forgets them. */
const UNFILLED_ORDER_RETENTION_MS = 7 * DAY_MS;

export class SimEngine implements SimExchange {
  private readonly core: EngineCore;
  private readonly clock: { nowMs(): number };
  private readonly listeners = new Set<SimEventListener>();
  private delivering = false;

  constructor(options: SimEngineOptions) {
    this.clock = options.clock;
    const startMs = Math.max(options.clock.nowMs(), options.source.startMs);
    const marketStepMs = options.marketStepMs ?? 0;
    if (!Number.isSafeInteger(marketStepMs) || marketStepMs < 0) {
      throw new RangeError(`marketStepMs must be an integer >= 0, got ${marketStepMs}`);
    }
    this.core = new EngineCore(
      options.source,
      {
        initialUsdt: options.initialUsdt ?? new Decimal(10_000),
        maintenanceMarginRate: options.maintenanceMarginRate ?? new Decimal('0.005'),
        liquidationFeeRate: options.liquidationFeeRate,
        clientTranIdWindowMs: options.clientTranIdWindowMs ?? 7 * DAY_MS,
        marketStepMs,
        retention: options.retention === undefined ? undefined : validateRetention(options.retention),
      },
      startMs,
    );
  }

  // ------------------------------------------------------------ time and events

  nowMs(): number {
    return this.core.nowMs;
  }

  advanceTo(timeMs: number): void {
    this.moveTo(timeMs);
    this.deliver();
  }

  refreshMarket(): void {
    const core = this.core;
    const before = core.nowMs;
    this.moveTo(this.clock.nowMs());
    // Moving forward may already have read the source at this instant; otherwise (same instant, or a stepped
    // market last read earlier) read it now.
    if (core.nowMs === before || core.marketTimeMs !== core.nowMs) this.marketUpdate(core.nowMs);
    this.deliver();
  }

  subscribe(listener: SimEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Steps through every funding boundary before `timeMs` so each settles at its own instant and mark, then reads
   * the market at `timeMs` (with a market step: at the last multiple of the step, if not read there yet).
   */
  private moveTo(timeMs: number): void {
    const core = this.core;
    if (timeMs <= core.nowMs) return;
    for (;;) {
      let boundary = Number.POSITIVE_INFINITY;
      for (const next of core.nextFundingMs.values()) if (next < boundary) boundary = next;
      if (boundary > timeMs) break;
      this.marketUpdate(boundary);
      for (const [symbol, next] of core.nextFundingMs) {
        if (next !== boundary) continue;
        const def = core.perpDefs.get(symbol);
        core.nextFundingMs.set(symbol, next + (def?.fundingIntervalHours ?? 8) * 3_600_000);
        settleFunding(core, symbol, boundary);
      }
      checkLiquidations(core);
    }
    const step = core.settings.marketStepMs;
    const readAt = step > 0 ? timeMs - (timeMs % step) : timeMs;
    // Never read at an instant before the engine's own time (a funding boundary read may be newer than the step).
    if (readAt > core.marketTimeMs && readAt > core.nowMs) this.marketUpdate(readAt);
    core.nowMs = timeMs;
  }

  private marketUpdate(timeMs: number): void {
    const core = this.core;
    core.nowMs = timeMs;
    core.applyState(core.source.advance(timeMs), timeMs);
    for (const [symbol, quote] of core.state.perp) {
      core.emit({
        type: 'markPrice',
        timeMs,
        symbol,
        markPrice: quote.markPrice,
        indexPrice: quote.indexPrice,
        estimatedSettlePrice: quote.markPrice,
        // Read only if a listener reads it: the predicted rate averages the interval's premium samples, and most
        // updates are never looked at for it (the stream front end publishes from premiumIndex at its cadence).
        get fundingRate() {
          return quote.fundingRate;
        },
        nextFundingTimeMs: core.nextFundingMs.get(symbol) ?? 0,
      });
    }
    core.emit({ type: 'marketTick', timeMs });
    triggerStops(core);
    checkLiquidations(core);
    if (timeMs - core.housekeptMs >= HOUSEKEEPING_INTERVAL_MS) {
      core.housekeptMs = timeMs;
      keepHouse(core, core.settings.retention);
    }
  }

  /** Brings the market to the clock's time; every public call starts here. */
  private sync(): EngineCore {
    this.moveTo(this.clock.nowMs());
    return this.core;
  }

  /** Delivers queued events in order; a listener that calls back into the engine gets its events delivered too. */
  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (;;) {
        const events = this.core.takeEvents();
        if (events.length === 0) break;
        for (const event of events) for (const listener of [...this.listeners]) listener(event);
      }
    } finally {
      this.delivering = false;
    }
  }

  /** Runs `fn` after syncing, then delivers its events. */
  private run<T>(fn: (core: EngineCore) => T): T {
    try {
      return fn(this.sync());
    } finally {
      this.deliver();
    }
  }

  // ------------------------------------------------------------ market data

  definitions(): { spot: readonly SimMarketDef[]; perp: readonly SimMarketDef[] } {
    return { spot: [...this.core.spotDefs.values()], perp: [...this.core.perpDefs.values()] };
  }

  definition(market: MarketKind, symbol: string): SimMarketDef | undefined {
    return this.core.def(market, symbol);
  }

  depth(market: MarketKind, symbol: string, limit = 500): SimResult<SimDepth> {
    return this.run((core) => {
      if (!core.def(market, symbol)) return fail(rejections.badSymbol());
      const book = core.book(market, symbol);
      return ok({
        market,
        symbol,
        bids: book.bids.slice(0, limit),
        asks: book.asks.slice(0, limit),
        lastUpdateId: core.updateId,
        timeMs: core.nowMs,
      });
    });
  }

  bookTickers(market: MarketKind, symbol?: string): SimResult<SimBookTicker[]> {
    return this.run((core) => {
      const symbols = this.symbolsOf(market, symbol);
      if (!symbols) return fail(rejections.badSymbol());
      return ok(
        symbols.map((s) => {
          const book = core.book(market, s);
          return {
            market,
            symbol: s,
            bidPrice: book.bids[0]?.price ?? ZERO,
            bidQty: book.bids[0]?.qty ?? ZERO,
            askPrice: book.asks[0]?.price ?? ZERO,
            askQty: book.asks[0]?.qty ?? ZERO,
            updateId: core.updateId,
            timeMs: core.nowMs,
          };
        }),
      );
    });
  }

  tickers24h(market: MarketKind, symbol?: string): SimResult<SimTicker24h[]> {
    return this.run((core) => {
      const symbols = this.symbolsOf(market, symbol);
      if (!symbols) return fail(rejections.badSymbol());
      const rows: SimTicker24h[] = [];
      for (const s of symbols) {
        const quote = market === 'spot' ? core.spotQuote(s) : core.perpQuote(s);
        if (!quote) continue;
        const book = core.book(market, s);
        rows.push({
          market,
          symbol: s,
          lastPrice: quote.lastPrice,
          volume: quote.volume24h,
          quoteVolume: quote.quoteVolume24h,
          bidPrice: book.bids[0]?.price ?? ZERO,
          bidQty: book.bids[0]?.qty ?? ZERO,
          askPrice: book.asks[0]?.price ?? ZERO,
          askQty: book.asks[0]?.qty ?? ZERO,
          timeMs: core.nowMs,
        });
      }
      return ok(rows);
    });
  }

  premiumIndex(symbol?: string): SimResult<SimPremiumIndex[]> {
    return this.run((core) => {
      const symbols = this.symbolsOf('perp', symbol);
      if (!symbols) return fail(rejections.badSymbol());
      const rows: SimPremiumIndex[] = [];
      for (const s of symbols) {
        const quote = core.perpQuote(s);
        const def = core.perpDefs.get(s);
        if (!quote || !def) continue;
        rows.push({
          symbol: s,
          markPrice: quote.markPrice,
          indexPrice: quote.indexPrice,
          estimatedSettlePrice: quote.markPrice,
          lastFundingRate: quote.fundingRate,
          interestRate: def.interestRate,
          nextFundingTimeMs: core.nextFundingMs.get(s) ?? 0,
          timeMs: core.nowMs,
        });
      }
      return ok(rows);
    });
  }

  fundingInfo(symbol?: string): SimResult<SimFundingInfo[]> {
    return this.run((core) => {
      const symbols = this.symbolsOf('perp', symbol);
      if (!symbols) return fail(rejections.badSymbol());
      return ok(
        symbols.flatMap((s) => {
          const def = core.perpDefs.get(s);
          if (!def) return [];
          return [
            {
              symbol: s,
              fundingIntervalHours: def.fundingIntervalHours,
              fundingFeeCap: def.fundingFeeCap,
              fundingFeeFloor: def.fundingFeeFloor,
              interestRate: def.interestRate,
              timeMs: core.nowMs,
            },
          ];
        }),
      );
    });
  }

  fundingRateHistory(symbol: string | undefined, query: RangeQuery): SimResult<FundingRateRecord[]> {
    return this.run((core) => {
      const symbols = this.symbolsOf('perp', symbol);
      if (!symbols) return fail(rejections.badSymbol());
      const rows = symbols.flatMap((s) => core.fundingHistory.get(s) ?? []);
      rows.sort((a, b) => a.fundingTimeMs - b.fundingTimeMs || (a.symbol < b.symbol ? -1 : 1));
      return ok(selectRange(rows, query, (r) => r.fundingTimeMs));
    });
  }

  commissionRate(market: MarketKind, symbol: string): SimResult<SimCommissionRate> {
    const def = this.core.def(market, symbol);
    if (!def) return fail(rejections.badSymbol());
    return ok({
      symbol,
      makerCommissionRate: def.makerCommissionRate,
      takerCommissionRate: def.takerCommissionRate,
    });
  }

  /** All symbols of a market (sorted), or the one asked for; undefined when it is unknown. */
  private symbolsOf(market: MarketKind, symbol: string | undefined): string[] | undefined {
    const defs = market === 'spot' ? this.core.spotDefs : this.core.perpDefs;
    if (symbol === undefined || symbol === '') return [...defs.keys()].sort();
    return defs.has(symbol) ? [symbol] : undefined;
  }

  // ------------------------------------------------------------ accounts

  ensureAccount(accountId: string): void {
    this.run((core) => core.account(accountId));
  }

  accountIds(): string[] {
    return [...this.core.accounts.keys()];
  }

  deposit(accountId: string, wallet: 'spot' | 'futures', asset: string, amount: Decimal): void {
    if (!amount.greaterThan(ZERO)) throw new RangeError(`deposit amount must be positive, got ${amount.toFixed()}`);
    this.run((core) => {
      const account = core.account(accountId);
      core.credit(account, wallet, asset, amount, 'deposit', 'deposit');
      if (wallet === 'spot') {
        core.emit({
          type: 'spotBalance',
          accountId,
          timeMs: core.nowMs,
          balances: [{ asset, free: account.balance('spot', asset), locked: ZERO }],
        });
        return;
      }
      // The futures wallet is fully explained by income records, deposits included.
      core.addIncome(account, 'TRANSFER', '', amount, asset, core.nowMs, '');
      core.emit({
        type: 'futuresAccount',
        accountId,
        timeMs: core.nowMs,
        reason: 'DEPOSIT',
        balances: [
          {
            asset,
            walletBalance: account.balance('futures', asset),
            crossWalletBalance:
              asset === 'USDT' ? accountMetrics(core, account).crossWallet : account.balance('futures', asset),
            balanceChange: amount,
          },
        ],
        positions: [],
      });
    });
  }

  spotAccount(accountId: string): SimSpotAccount {
    return this.run((core) => spotAccountView(core.account(accountId)));
  }

  futuresAccount(accountId: string): SimFuturesAccount {
    return this.run((core) => futuresAccountView(core, core.account(accountId)));
  }

  positionRisk(accountId: string, symbol?: string): SimResult<SimPosition[]> {
    return this.run((core) => {
      if (present(symbol) && !core.perpDefs.has(symbol)) return fail(rejections.badSymbol());
      return ok(positionRows(core, core.account(accountId), present(symbol) ? symbol : undefined));
    });
  }

  // ------------------------------------------------------------ orders

  placeOrder(
    accountId: string,
    market: MarketKind,
    params: OrderParams,
    options: PlaceOrderOptions = {},
  ): SimResult<SimOrder> {
    const fraction = options.fillFraction;
    if (fraction !== undefined && !(fraction.greaterThan(ZERO) && fraction.lessThanOrEqualTo(1))) {
      throw new RangeError(`fillFraction must be in (0, 1], got ${fraction.toFixed()}`);
    }
    return this.run((core) => {
      const account = core.account(accountId);
      return market === 'spot'
        ? placeSpotOrder(core, account, params, options)
        : placePerpOrder(core, account, params, options);
    });
  }

  getOrder(accountId: string, market: MarketKind, symbol: string, ref: OrderRef): SimResult<SimOrder> {
    return this.run((core) => {
      const found = this.findOrder(core, accountId, market, symbol, ref);
      if (!found.ok) return found;
      const order = found.value;
      const forgotten =
        (order.status === 'CANCELED' || order.status === 'EXPIRED') &&
        order.executedQty.isZero() &&
        core.nowMs - order.updateTimeMs > UNFILLED_ORDER_RETENTION_MS;
      return forgotten ? fail(rejections.noSuchOrder()) : ok(snapshot(order));
    });
  }

  cancelOrder(accountId: string, market: MarketKind, symbol: string, ref: OrderRef): SimResult<SimOrder> {
    return this.run((core) => {
      const found = this.findOrder(core, accountId, market, symbol, ref);
      if (!found.ok) return found.error.code === -2013 ? fail(rejections.cancelRejected()) : found;
      const order = found.value;
      if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') return fail(rejections.cancelRejected());
      cancelOpenOrder(core, core.account(accountId), order);
      return ok(snapshot(order));
    });
  }

  cancelAllOrders(accountId: string, market: MarketKind, symbol: string): SimResult<SimOrder[]> {
    return this.run((core) => {
      if (!core.def(market, symbol)) return fail(rejections.badSymbol());
      const account = core.account(accountId);
      const cancelled = account.openOrders(market, symbol);
      for (const order of cancelled) cancelOpenOrder(core, account, order);
      return ok(cancelled.map(snapshot));
    });
  }

  openOrders(accountId: string, market: MarketKind, symbol?: string): SimResult<SimOrder[]> {
    return this.run((core) => {
      if (present(symbol) && !core.def(market, symbol)) return fail(rejections.badSymbol());
      const account = core.account(accountId);
      return ok(account.openOrders(market, present(symbol) ? symbol : undefined).map(snapshot));
    });
  }

  allOrders(accountId: string, market: MarketKind, symbol: string, query: RangeQuery): SimResult<SimOrder[]> {
    return this.run((core) => {
      if (!core.def(market, symbol)) return fail(rejections.badSymbol());
      const orders = [...core.account(accountId).orders[market].values()].filter((o) => o.symbol === symbol);
      return ok(selectRange(orders, query, (o) => o.timeMs).map(snapshot));
    });
  }

  userTrades(accountId: string, market: MarketKind, query: TradeQuery): SimResult<SimTrade[]> {
    return this.run((core) => {
      if (present(query.symbol) && !core.def(market, query.symbol)) return fail(rejections.badSymbol());
      const trades = core
        .account(accountId)
        .trades[market].filter(
          (t) =>
            (!present(query.symbol) || t.symbol === query.symbol) &&
            (query.orderId === undefined || t.orderId === query.orderId) &&
            (query.fromId === undefined || t.id >= query.fromId),
        );
      const range: RangeQuery = { ...query };
      if (query.fromId !== undefined && query.startTimeMs === undefined) {
        // fromId pages forward: the first `limit` trades from that id.
        return ok(trades.slice(0, query.limit ?? trades.length).map((t) => ({ ...t })));
      }
      return ok(selectRange(trades, range, (t) => t.timeMs).map((t) => ({ ...t })));
    });
  }

  private findOrder(
    core: EngineCore,
    accountId: string,
    market: MarketKind,
    symbol: string,
    ref: OrderRef,
  ): SimResult<SimOrder> {
    if (!core.def(market, symbol)) return fail(rejections.badSymbol());
    const account = core.account(accountId);
    let orderId: number | undefined;
    if (ref.orderId !== undefined && ref.orderId !== '') {
      orderId = typeof ref.orderId === 'number' ? ref.orderId : Number(ref.orderId);
      if (!Number.isSafeInteger(orderId)) return fail(rejections.invalidParam('orderId'));
    } else if (present(ref.origClientOrderId)) {
      orderId = account.byClientId[market].get(ref.origClientOrderId);
    } else {
      return fail(rejections.eitherMandatory('orderId', 'origClientOrderId'));
    }
    const order = orderId === undefined ? undefined : account.orders[market].get(orderId);
    if (!order || order.symbol !== symbol) return fail(rejections.noSuchOrder());
    if (present(ref.origClientOrderId) && order.clientOrderId !== ref.origClientOrderId) {
      return fail(rejections.noSuchOrder());
    }
    return ok(order);
  }

  // ------------------------------------------------------------ futures settings

  setLeverage(accountId: string, symbol: string, leverage: number | string): SimResult<SimLeverageResult> {
    return this.run((core) => {
      if (!core.perpDefs.has(symbol)) return fail(rejections.badSymbol());
      const text = String(leverage);
      const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < 1 || value > MAX_LEVERAGE) {
        return fail(rejections.invalidLeverage(text));
      }
      const account = core.account(accountId);
      const mark = core.mark(symbol);
      for (const position of account.positions.values()) {
        if (position.symbol !== symbol) continue;
        if (position.amt.abs().times(mark).greaterThan(maxNotionalFor(value))) {
          return fail(rejections.maxPositionAtLeverage());
        }
      }
      account.leverage.set(symbol, value);
      core.emit({ type: 'accountConfig', accountId, timeMs: core.nowMs, symbol, leverage: value });
      return ok({ symbol, leverage: value, maxNotionalValue: maxNotionalFor(value) });
    });
  }

  setMarginType(accountId: string, symbol: string, marginType: string): SimResult<void> {
    return this.run((core) => {
      if (!core.perpDefs.has(symbol)) return fail(rejections.badSymbol());
      if (!present(marginType)) return fail(rejections.mandatory('marginType'));
      if (marginType !== 'ISOLATED' && marginType !== 'CROSSED') return fail(rejections.invalidParam('marginType'));
      const wanted: MarginType = marginType === 'ISOLATED' ? 'isolated' : 'cross';
      const account = core.account(accountId);
      if (account.marginTypeOf(symbol) === wanted) return fail(rejections.noNeedMarginType());
      if (account.openOrders('perp', symbol).length > 0) return fail(rejections.marginTypeOpenOrders());
      if (account.openPositions().some((p) => p.symbol === symbol)) return fail(rejections.marginTypePosition());
      account.marginType.set(symbol, wanted);
      return ok(undefined);
    });
  }

  setPositionMode(accountId: string, dualSidePosition: BooleanParam): SimResult<void> {
    return this.run((core) => {
      const wanted = optionalBoolean(dualSidePosition, 'dualSidePosition');
      if (isSimError(wanted)) return fail(wanted);
      if (wanted === undefined) return fail(rejections.mandatory('dualSidePosition'));
      const account = core.account(accountId);
      if (account.dualSidePosition === wanted) return fail(rejections.noNeedPositionSide());
      if (account.openOrders('perp').length > 0) return fail(rejections.positionSideOpenOrders());
      if (account.openPositions().length > 0) return fail(rejections.positionSideQuantity());
      account.dualSidePosition = wanted;
      core.emit({ type: 'accountConfig', accountId, timeMs: core.nowMs, dualSidePosition: wanted });
      return ok(undefined);
    });
  }

  positionMode(accountId: string): { dualSidePosition: boolean } {
    return this.run((core) => ({ dualSidePosition: core.account(accountId).dualSidePosition }));
  }

  // ------------------------------------------------------------ income and transfers

  income(accountId: string, query: IncomeQuery): SimResult<IncomeRecord[]> {
    return this.run((core) => {
      if (present(query.symbol) && !core.perpDefs.has(query.symbol)) return fail(rejections.badSymbol());
      const rows = core
        .account(accountId)
        .income.filter(
          (r) =>
            (!present(query.symbol) || r.symbol === query.symbol) &&
            (!present(query.incomeType) || r.incomeType === query.incomeType),
        )
        // Funding records carry jittered times, so the list is kept in time order for paging.
        .sort((a, b) => a.timeMs - b.timeMs || Number(a.tranId) - Number(b.tranId));
      return ok(selectRange(rows, query, (r) => r.timeMs).map((r) => ({ ...r })));
    });
  }

  transfer(accountId: string, params: TransferParams): SimResult<SimTransferResult> {
    return this.run((core) => transfer(core, core.account(accountId), params));
  }

  // ------------------------------------------------------------ audit

  ledger(accountId?: string): readonly LedgerEntry[] {
    return accountId === undefined ? this.core.ledger.all() : this.core.ledger.ofAccount(accountId);
  }

  houseFees(): ReadonlyMap<string, Decimal> {
    return new Map(this.core.house);
  }
}
