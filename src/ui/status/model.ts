/**
 * The `status` report: what the store knows (position, counters, baseline, the loop's heartbeat) joined with a
 * fresh read of the exchange (balances, positions, prices), and what follows from both (PnL, fee coverage,
 * stop-loss distance, portfolio value and long-term PnL).
 *
 * Either side may be missing: a fresh data dir has no store, and the exchange account is not readable from a
 * separate process in paper mode or with an embedded simulator. Every section says where its figures come from.
 */
import type { PerpAssetBalance, PerpPosition, SpotBalance } from '../../domain/account.ts';
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import type { BookTop, MarketInfo, PremiumIndex } from '../../domain/market.ts';
import type { PositionDetail, StoreStatus } from '../../store/store.ts';
import type { Baseline, Counters, Position, StoredOrder } from '../../store/types.ts';
import { positionAgeHours } from '../../strategy/age.ts';
import { estimateExitFeesUsdt, type FeeCoverage, feeCoverage, type TakerRates } from '../../strategy/fees.ts';
import type { StrategyParams } from '../../strategy/params.ts';
import { longTermPnl, type OpenPositionPnl, openPositionPnl, portfolioValue } from '../../strategy/pnl.ts';
import { midPrice } from '../../strategy/prices.ts';
import type { HeldPosition } from '../../strategy/state.ts';
import { shortPnlPct, stopLossMarkPrice, stopLossPct } from '../../strategy/stoploss.ts';
import { evaluateHealth, type HealthVerdict, type HeartbeatView } from './health.ts';

export interface LockView {
  readonly held: boolean;
  readonly holder: {
    readonly pid: number;
    readonly host: string;
    readonly startedAtMs: number;
    readonly command: string;
  } | null;
}

/** A fresh read of the exchange, taken together. */
export interface AccountRead {
  readonly spotBalances: readonly SpotBalance[];
  readonly perpBalances: readonly PerpAssetBalance[];
  readonly perpPositions: readonly PerpPosition[];
  readonly spotMarkets: readonly MarketInfo[];
  readonly spotBooks: ReadonlyMap<string, BookTop>;
  readonly premiumIndex: ReadonlyMap<string, PremiumIndex>;
  /** Taker rates of the held symbol's markets (null when not read): they price the exit-fee estimate. */
  readonly takerRates: TakerRates;
}

export interface StatusInputs {
  readonly mode: string;
  readonly dataDir: string;
  /** OS time (heartbeat and lock ages). */
  readonly nowWallMs: number;
  /** The exchange's time (position ages): the simulator's clock in sim mode. */
  readonly nowMs: number;
  readonly params: StrategyParams;
  readonly lock: LockView;
  /** Null when the data dir has no store yet. */
  readonly store: StoreStatus | null;
  readonly heartbeat: HeartbeatView | null;
  /** The mode / venue / account the store's records belong to, as the bot recorded it. */
  readonly binding: { readonly mode: string; readonly venue: string; readonly account: string | null } | null;
  readonly account: AccountRead | null;
  /** Why there is no account read (the mode, or the error); null when there is one. */
  readonly accountNote: string | null;
  readonly accountFailed: boolean;
  /** Valuation currency. */
  readonly quoteAsset: string;
}

export interface LiveLegs {
  readonly spotPrice: Decimal | null;
  readonly markPrice: Decimal | null;
  /** free + locked of the base asset: includes any holdings of the user's own. */
  readonly exchangeSpotQty: Decimal;
  /** Signed perp position on the exchange (negative = short). */
  readonly exchangePerpAmt: Decimal;
}

export interface StopView {
  readonly stopLossPct: Decimal;
  readonly stopMarkPrice: Decimal;
  /** Short PnL now, percent of entry notional; null without a mark price. */
  readonly shortPnlPct: Decimal | null;
  /** Price rise left before the stop fires, percent of the mark; null without a mark price. */
  readonly distancePct: Decimal | null;
}

/** The reduce-only STOP_MARKET resting on the exchange as a backstop to the bot's own stop-loss. */
export interface BackstopView {
  readonly clientOrderId: string;
  readonly stopPrice: Decimal | null;
  readonly quantity: Decimal;
  readonly status: string;
}

export interface PositionView {
  readonly position: Position;
  readonly backstop: BackstopView | null;
  readonly openedAtMs: number;
  readonly ageHours: number;
  /** Perp and spot average entry prices (the exchange's perp entry when the store has none). */
  readonly perpEntryPrice: Decimal | null;
  readonly spotEntryPrice: Decimal | null;
  readonly live: LiveLegs | null;
  readonly pnl: OpenPositionPnl | null;
  readonly exitFeesEstimateUsdt: Decimal | null;
  /** Against entry + estimated exit fees when prices are known, else against entry fees alone. */
  readonly coverage: FeeCoverage;
  readonly stop: StopView | null;
}

export interface PortfolioView {
  readonly source: 'exchange' | 'last_iteration';
  readonly timeMs: number;
  readonly valueUsdt: Decimal;
  readonly spotUsdt: Decimal;
  readonly perpWalletUsdt: Decimal;
  readonly unrealisedUsdt: Decimal;
  readonly unpricedAssets: readonly string[];
  readonly baseline: Baseline | null;
  readonly pnlUsdt: Decimal | null;
  readonly pnlPct: Decimal | null;
}

export interface StatusReport {
  readonly mode: string;
  readonly dataDir: string;
  readonly timeMs: number;
  readonly lock: LockView;
  readonly heartbeat: HeartbeatView | null;
  readonly health: HealthVerdict;
  readonly binding: StatusInputs['binding'];
  readonly storePresent: boolean;
  readonly account: { readonly available: boolean; readonly note: string | null; readonly failed: boolean };
  readonly spotBalances: readonly SpotBalance[] | null;
  readonly perpBalances: readonly PerpAssetBalance[] | null;
  readonly portfolio: PortfolioView | null;
  readonly position: PositionView | null;
  readonly counters: Counters | null;
  readonly totals: StoreStatus['totals'] | null;
  readonly warnings: readonly string[];
}

function positive(value: Decimal | null | undefined): value is Decimal {
  return value?.isPositive() === true && !value.isZero();
}

function liveLegs(position: Position, account: AccountRead): LiveLegs {
  const spotMarket = account.spotMarkets.find((m) => m.symbol === position.spotSymbol);
  const spotPrice = spotMarket === undefined ? null : midPrice(account.spotBooks.get(spotMarket.symbol));
  const row = account.perpPositions.find((p) => p.symbol === position.symbol);
  const indexMark = account.premiumIndex.get(position.symbol)?.markPrice;
  const markPrice = positive(indexMark) ? indexMark : positive(row?.markPrice) ? row.markPrice : null;
  const balance = account.spotBalances.find((b) => b.asset === position.baseAsset);
  return {
    spotPrice,
    markPrice,
    exchangeSpotQty: balance === undefined ? ZERO : balance.free.plus(balance.locked),
    exchangePerpAmt: row?.positionAmt ?? ZERO,
  };
}

/** A stop order accepted by the exchange and waiting for its trigger: resting, not an unknown outcome. */
function isRestingStop(order: StoredOrder): boolean {
  return order.type === 'STOP_MARKET' && order.status === 'NEW';
}

function backstopOf(orders: readonly StoredOrder[]): BackstopView | null {
  const resting = orders.filter(isRestingStop).sort((a, b) => b.createdAtMs - a.createdAtMs)[0];
  if (resting === undefined) return null;
  return {
    clientOrderId: resting.clientOrderId,
    stopPrice: resting.stopPrice,
    quantity: resting.quantity,
    status: resting.status,
  };
}

function positionView(detail: PositionDetail, inputs: StatusInputs): PositionView {
  const position = detail.position;
  const { params, account } = inputs;
  const live = account === null ? null : liveLegs(position, account);
  const exchangeEntry = account?.perpPositions.find((p) => p.symbol === position.symbol)?.entryPrice;
  const perpEntryPrice = positive(position.perpAvgPrice)
    ? position.perpAvgPrice
    : positive(exchangeEntry)
      ? exchangeEntry
      : null;
  const spotEntryPrice = positive(position.spotAvgPrice) ? position.spotAvgPrice : perpEntryPrice;
  const openedAtMs = position.openedAtMs ?? position.createdAtMs;
  const ageHours = positionAgeHours(openedAtMs, inputs.nowMs);

  let pnl: OpenPositionPnl | null = null;
  let exitFeesEstimateUsdt: Decimal | null = null;
  if (live !== null && live.spotPrice !== null && live.markPrice !== null && perpEntryPrice !== null) {
    exitFeesEstimateUsdt = estimateExitFeesUsdt({
      spotQty: position.spotQtyNet,
      spotPrice: live.spotPrice,
      perpQty: position.perpQty,
      perpPrice: live.markPrice,
      rates: account?.takerRates ?? { spotTaker: null, perpTaker: null },
      fallbackFeeRate: params.fallbackFeeRate,
    });
    const held: HeldPosition = {
      symbol: position.symbol,
      spotSymbol: position.spotSymbol,
      baseAsset: position.baseAsset,
      quoteAsset: position.quoteAsset,
      openedAtMs,
      leverage: position.leverage,
      spotQty: position.spotQtyNet,
      perpQty: position.perpQty,
      entryPrice: perpEntryPrice,
      spotEntryPrice: spotEntryPrice ?? perpEntryPrice,
      notionalUsdt: position.notionalUsdt,
      entryFeesUsdt: position.entryFeesUsdt,
      fundingReceivedUsdt: position.fundingReceivedUsdt,
      entryAprPct: position.entryAprPct,
    };
    pnl = openPositionPnl(held, live.spotPrice, live.markPrice, exitFeesEstimateUsdt);
  }
  const coverage = feeCoverage(
    position.fundingReceivedUsdt,
    position.entryFeesUsdt,
    exitFeesEstimateUsdt ?? ZERO,
    params,
  );

  let stop: StopView | null = null;
  if (perpEntryPrice !== null) {
    const mark = live?.markPrice ?? null;
    const stopMarkPrice = stopLossMarkPrice(perpEntryPrice, position.leverage, params);
    stop = {
      stopLossPct: stopLossPct(position.leverage, params),
      stopMarkPrice,
      shortPnlPct: mark === null ? null : shortPnlPct(perpEntryPrice, mark),
      distancePct: mark === null ? null : stopMarkPrice.div(mark).minus(1).times(100),
    };
  }
  return {
    position,
    backstop: backstopOf(detail.orders),
    openedAtMs,
    ageHours,
    perpEntryPrice,
    spotEntryPrice,
    live,
    pnl,
    exitFeesEstimateUsdt,
    coverage,
    stop,
  };
}

function portfolioView(inputs: StatusInputs): PortfolioView | null {
  const baseline = inputs.store?.baseline ?? null;
  const withBaseline = (value: Decimal) => {
    const ltp = baseline === null ? null : longTermPnl(value, baseline.valueUsdt);
    return { baseline, pnlUsdt: ltp?.pnlUsdt ?? null, pnlPct: ltp?.pnlPct ?? null };
  };
  const { account } = inputs;
  if (account !== null) {
    const value = portfolioValue({
      spotBalances: account.spotBalances,
      perpBalances: account.perpBalances,
      perpPositions: account.perpPositions,
      spotMarkets: account.spotMarkets,
      spotBooks: account.spotBooks,
      quoteAsset: inputs.quoteAsset,
    });
    return {
      source: 'exchange',
      timeMs: inputs.nowMs,
      valueUsdt: value.totalUsdt,
      spotUsdt: value.spotUsdt,
      perpWalletUsdt: value.perpWalletUsdt,
      unrealisedUsdt: value.unrealisedUsdt,
      unpricedAssets: value.unpricedAssets,
      ...withBaseline(value.totalUsdt),
    };
  }
  const last = inputs.store?.lastEquity ?? null;
  if (last === null) return null;
  return {
    source: 'last_iteration',
    timeMs: last.timeMs,
    valueUsdt: last.portfolioValueUsdt,
    spotUsdt: last.spotValueUsdt,
    perpWalletUsdt: last.perpWalletUsdt,
    unrealisedUsdt: last.unrealizedPnlUsdt,
    unpricedAssets: [],
    ...withBaseline(last.portfolioValueUsdt),
  };
}

function warningsOf(inputs: StatusInputs, position: PositionView | null): string[] {
  const warnings: string[] = [];
  const store = inputs.store;
  if (store !== null) {
    if (store.unresolvedIntents.length > 0) {
      const kinds = store.unresolvedIntents.map((i) => `${i.kind} #${i.id}`).join(', ');
      warnings.push(
        `${store.unresolvedIntents.length} unresolved intent(s) (${kinds}): the bot resolves them with the exchange before trading`,
      );
    }
    const pending = store.unresolvedOrders.filter((order) => !isRestingStop(order));
    if (pending.length > 0) {
      const ids = pending.map((o) => `${o.clientOrderId} ${o.status}`).join(', ');
      warnings.push(`${pending.length} order(s) not yet final on the exchange (${ids})`);
    }
    if (store.unresolvedTransfers.length > 0) {
      warnings.push(`${store.unresolvedTransfers.length} wallet transfer(s) not yet confirmed`);
    }
  }
  if (inputs.account !== null) {
    const held = position?.position.symbol ?? null;
    for (const row of inputs.account.perpPositions) {
      if (row.positionAmt.isZero() || row.symbol === held) continue;
      warnings.push(
        `the exchange holds a perp position the store does not track: ${row.symbol} ${row.positionAmt.toFixed()}`,
      );
    }
    if (position?.live?.exchangePerpAmt.isZero() === true) {
      warnings.push(
        `${position.position.symbol}: the store records a position but the exchange shows no perp position ` +
          '(closed by hand or liquidated?); the bot reconciles this at its next iteration',
      );
    }
  }
  if (position?.position.status === 'closing')
    warnings.push(
      `${position.position.symbol}: a close is in progress or failed; no new position opens until it completes`,
    );
  return warnings;
}

export function buildStatusReport(inputs: StatusInputs): StatusReport {
  const store = inputs.store;
  const position = store?.position ? positionView(store.position, inputs) : null;
  const health = evaluateHealth({
    storePresent: store !== null,
    lockHeld: inputs.lock.held,
    heartbeat: inputs.heartbeat,
    nowWallMs: inputs.nowWallMs,
  });
  return {
    mode: inputs.mode,
    dataDir: inputs.dataDir,
    // The exchange's time when it was read; else the OS time (ages may still follow the simulator's clock).
    timeMs: inputs.account === null ? inputs.nowWallMs : inputs.nowMs,
    lock: inputs.lock,
    heartbeat: inputs.heartbeat,
    health,
    binding: inputs.binding,
    storePresent: store !== null,
    account: { available: inputs.account !== null, note: inputs.accountNote, failed: inputs.accountFailed },
    spotBalances: inputs.account?.spotBalances ?? null,
    perpBalances: inputs.account?.perpBalances ?? null,
    portfolio: portfolioView(inputs),
    position,
    counters: store?.counters ?? null,
    totals: store?.totals ?? null,
    warnings: warningsOf(inputs, position),
  };
}
