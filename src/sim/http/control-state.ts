/**
 * The `/_sim/state` document: everything a test or benchmark needs to audit a run. Decimals are plain strings (exact),
 * times are epoch ms. Sections can be selected with `include=` and the two growing lists fetched incrementally with
 * `requestsSince=` / `ledgerSince=` (sequence numbers).
 */
import type { Decimal } from '../../domain/decimal.ts';
import type { MarketKind } from '../../domain/market.ts';
import type { SimExchange, SimOrder, SimPosition } from '../engine/index.ts';
import type { ListenKeyEntry } from '../ws/listen-keys.ts';
import type { RequestLogEntry } from './request-log.ts';

export interface StateQuery {
  requestsSince?: number;
  ledgerSince?: number;
  account?: string;
  /** Sections to include; all when absent. */
  include?: Set<string>;
}

export interface StateSources {
  engine: SimExchange;
  clock: { nowMs(): number; manual: boolean; getSpeed(): number };
  seed: number;
  skewMs: number;
  faults: string;
  overrides: unknown;
  requests: (afterSeq: number) => RequestLogEntry[];
  listenKeys: () => ListenKeyEntry[];
}

export type SimulatorState = Record<string, unknown>;

const text = (value: Decimal): string => value.toFixed();

function orderView(o: SimOrder): Record<string, unknown> {
  return {
    market: o.market,
    symbol: o.symbol,
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    side: o.side,
    positionSide: o.positionSide,
    type: o.type,
    status: o.status,
    origQty: text(o.origQty),
    executedQty: text(o.executedQty),
    cumQuote: text(o.cumQuote),
    avgPrice: text(o.avgPrice),
    stopPrice: text(o.stopPrice),
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    isLiquidation: o.isLiquidation,
    timeMs: o.timeMs,
    updateTimeMs: o.updateTimeMs,
  };
}

function positionView(p: SimPosition): Record<string, unknown> {
  return {
    symbol: p.symbol,
    positionSide: p.positionSide,
    positionAmt: text(p.positionAmt),
    entryPrice: text(p.entryPrice),
    markPrice: text(p.markPrice),
    unrealizedProfit: text(p.unrealizedProfit),
    liquidationPrice: text(p.liquidationPrice),
    leverage: p.leverage,
    marginType: p.marginType,
    notional: text(p.notional),
    updateTimeMs: p.updateTimeMs,
  };
}

/** Every order of an account on a market, oldest first (the engine lists them per symbol). */
function ordersOf(engine: SimExchange, account: string, market: MarketKind): SimOrder[] {
  const defs = market === 'spot' ? engine.definitions().spot : engine.definitions().perp;
  const out: SimOrder[] = [];
  for (const def of defs) {
    const result = engine.allOrders(account, market, def.symbol, { startTimeMs: 0, limit: Number.MAX_SAFE_INTEGER });
    if (result.ok) out.push(...result.value);
  }
  return out.sort((a, b) => a.timeMs - b.timeMs || a.orderId - b.orderId);
}

function accountView(engine: SimExchange, account: string): Record<string, unknown> {
  const spot = engine.spotAccount(account);
  const futures = engine.futuresAccount(account);
  const positions = engine.positionRisk(account);
  return {
    account,
    spot: spot.balances.map((b) => ({ asset: b.asset, free: text(b.free), locked: text(b.locked) })),
    futures: {
      totalWalletBalance: text(futures.totalWalletBalance),
      totalUnrealizedProfit: text(futures.totalUnrealizedProfit),
      totalMarginBalance: text(futures.totalMarginBalance),
      availableBalance: text(futures.availableBalance),
      dualSidePosition: futures.dualSidePosition,
      assets: futures.assets.map((a) => ({ asset: a.asset, walletBalance: text(a.walletBalance) })),
    },
    positions: positions.ok ? positions.value.filter((p) => !p.positionAmt.isZero()).map(positionView) : [],
    orders: [...ordersOf(engine, account, 'spot'), ...ordersOf(engine, account, 'perp')].map(orderView),
  };
}

function marketsView(engine: SimExchange): Record<string, unknown> {
  const spotBooks = engine.bookTickers('spot');
  const perpBooks = engine.bookTickers('perp');
  const premium = engine.premiumIndex();
  const funding = engine.fundingInfo();
  const bookBySymbol = (rows: typeof spotBooks) =>
    new Map(rows.ok ? rows.value.map((b) => [b.symbol, b] as const) : []);
  const spotBook = bookBySymbol(spotBooks);
  const perpBook = bookBySymbol(perpBooks);
  const fundingBySymbol = new Map(funding.ok ? funding.value.map((f) => [f.symbol, f] as const) : []);
  const defs = engine.definitions();
  return {
    spot: defs.spot.map((d) => {
      const book = spotBook.get(d.symbol);
      return {
        symbol: d.symbol,
        baseAsset: d.baseAsset,
        quoteAsset: d.quoteAsset,
        bidPrice: book ? text(book.bidPrice) : null,
        askPrice: book ? text(book.askPrice) : null,
      };
    }),
    perp: (premium.ok ? premium.value : []).map((p) => {
      const book = perpBook.get(p.symbol);
      return {
        symbol: p.symbol,
        markPrice: text(p.markPrice),
        indexPrice: text(p.indexPrice),
        fundingRate: text(p.lastFundingRate),
        nextFundingTimeMs: p.nextFundingTimeMs,
        fundingIntervalHours: fundingBySymbol.get(p.symbol)?.fundingIntervalHours ?? null,
        bidPrice: book ? text(book.bidPrice) : null,
        askPrice: book ? text(book.askPrice) : null,
      };
    }),
  };
}

export function buildState(sources: StateSources, query: StateQuery): SimulatorState {
  const wants = (section: string) => query.include === undefined || query.include.has(section);
  const { engine } = sources;
  const state: SimulatorState = {};
  if (wants('clock')) {
    const nowMs = sources.clock.nowMs();
    state['clock'] = {
      nowMs,
      serverTimeMs: nowMs + sources.skewMs,
      wallMs: Date.now(),
      manual: sources.clock.manual,
      speed: sources.clock.getSpeed(),
      engineMs: engine.nowMs(),
    };
    state['seed'] = sources.seed;
  }
  if (wants('faults')) state['faults'] = sources.faults;
  if (wants('overrides')) state['overrides'] = sources.overrides;
  if (wants('markets')) state['markets'] = marketsView(engine);
  const accounts = query.account ? [query.account] : engine.accountIds();
  if (wants('accounts')) state['accounts'] = accounts.map((a) => accountView(engine, a));
  if (wants('ledger')) {
    const since = query.ledgerSince ?? 0;
    state['ledger'] = engine
      .ledger(query.account)
      .filter((e) => e.seq > since)
      .map((e) => ({ ...e, delta: text(e.delta) }));
  }
  if (wants('houseFees')) {
    state['houseFees'] = Object.fromEntries([...engine.houseFees()].map(([asset, amount]) => [asset, text(amount)]));
  }
  if (wants('income')) {
    state['income'] = accounts.map((account) => {
      const rows = engine.income(account, { startTimeMs: 0, limit: Number.MAX_SAFE_INTEGER });
      return {
        account,
        rows: rows.ok ? rows.value.map((r) => ({ ...r, income: text(r.income) })) : [],
      };
    });
  }
  if (wants('listenKeys')) state['listenKeys'] = sources.listenKeys();
  if (wants('requests')) state['requests'] = sources.requests(query.requestsSince ?? 0);
  return state;
}
