/**
 * Accounting from exchange data: what a position holds and cost (from its orders and their fills), the funding it
 * received (income FUNDING_FEE since its open), its realised PnL, and equity snapshots for the long-term PnL.
 *
 * Quantities and prices come from the orders' executed quantity and quote value (always known once an order is
 * final); commissions come from the trades (the only place Aster reports them). When a trade is not visible yet,
 * its commission is estimated from the taker rate and the next refresh replaces the estimate with the real one.
 */
import { type Decimal, sumDec, ZERO } from '../../domain/decimal.ts';
import type { ScanSnapshot } from '../../domain/market.ts';
import type {
  Baseline,
  EquitySnapshot,
  Intent,
  Position,
  RealisedPnl,
  Store,
  StoredFill,
  StoredOrder,
} from '../../store/index.ts';
import { type PortfolioValue, portfolioValue, realisedPnl } from '../../strategy/pnl.ts';
import type { HeldPosition } from '../../strategy/state.ts';
import type { Venue } from '../../venue/port.ts';
import type { ExecContext } from './context.ts';
import { commissionIn } from './fills.ts';

/** Intents whose orders build the position's legs (entry, repairs, trims, exit, backstop). */
const ENTRY_KINDS = new Set(['open', 'unwind', 'repair']);
const EXIT_KINDS = new Set(['close', 'stop_place']);

export interface SideTotals {
  qty: Decimal;
  quoteUsdt: Decimal;
}

const EMPTY: SideTotals = { qty: ZERO, quoteUsdt: ZERO };

function add(a: SideTotals, o: StoredOrder): SideTotals {
  return { qty: a.qty.plus(o.executedQty), quoteUsdt: a.quoteUsdt.plus(o.cumQuote) };
}

function avg(t: SideTotals): Decimal | null {
  return t.qty.isZero() ? null : t.quoteUsdt.div(t.qty);
}

export interface PositionLegs {
  spotBuy: SideTotals;
  spotSell: SideTotals;
  perpSell: SideTotals;
  perpBuy: SideTotals;
  /** Base-asset commission of the spot buys (what the wallet received less of). */
  spotBaseCommission: Decimal;
  /** Every commission in USDT (trades, or taker-rate estimates for orders whose trades are not recorded). */
  feesUsdt: Decimal;
  /** Orders whose trades are not all recorded (their fee is estimated). */
  estimatedFeeOrders: number;
  volumeUsdt: Decimal;
}

export interface FeeEstimateRates {
  spotTaker: Decimal | null;
  perpTaker: Decimal | null;
  fallback: Decimal;
}

/**
 * Sums the executed orders of the given intents. Fees: the recorded trades' commissions; an order whose trades
 * are not all recorded counts `cumQuote × taker rate` instead (and, for a spot buy, that much base commission).
 */
export function legsOf(
  store: Store,
  intents: readonly Intent[],
  baseAsset: string,
  rates: FeeEstimateRates,
): PositionLegs {
  let spotBuy = EMPTY;
  let spotSell = EMPTY;
  let perpSell = EMPTY;
  let perpBuy = EMPTY;
  let spotBaseCommission = ZERO;
  let feesUsdt = ZERO;
  let estimated = 0;
  for (const intent of intents) {
    for (const order of store.orders.byIntent(intent.id)) {
      if (order.executedQty.isZero()) continue;
      if (order.market === 'spot') {
        if (order.side === 'BUY') spotBuy = add(spotBuy, order);
        else spotSell = add(spotSell, order);
      } else if (order.side === 'SELL') perpSell = add(perpSell, order);
      else perpBuy = add(perpBuy, order);
      const fills = store.fills.byOrder(order.clientOrderId);
      const filledQty = sumDec(fills.map((f) => f.qty));
      if (filledQty.greaterThanOrEqualTo(order.executedQty)) {
        feesUsdt = feesUsdt.plus(sumDec(fills.map((f) => f.commissionUsdt)));
        if (order.market === 'spot' && order.side === 'BUY') {
          spotBaseCommission = spotBaseCommission.plus(commissionIn(fills, baseAsset));
        }
      } else {
        estimated += 1;
        const rate = (order.market === 'spot' ? rates.spotTaker : rates.perpTaker) ?? rates.fallback;
        feesUsdt = feesUsdt.plus(order.cumQuote.times(rate));
        if (order.market === 'spot' && order.side === 'BUY') {
          spotBaseCommission = spotBaseCommission.plus(order.executedQty.times(rate));
        }
      }
    }
  }
  const volumeUsdt = sumDec([spotBuy, spotSell, perpSell, perpBuy].map((s) => s.quoteUsdt));
  return {
    spotBuy,
    spotSell,
    perpSell,
    perpBuy,
    spotBaseCommission,
    feesUsdt,
    estimatedFeeOrders: estimated,
    volumeUsdt,
  };
}

export function entryIntents(store: Store, positionId: number): Intent[] {
  return store.intents.byPosition(positionId).filter((i) => ENTRY_KINDS.has(i.kind));
}

export function exitIntents(store: Store, positionId: number): Intent[] {
  return store.intents.byPosition(positionId).filter((i) => EXIT_KINDS.has(i.kind));
}

/** Net spot the entry left in the wallet for the position: bought − base commission − sold back (trims). */
export function netSpot(legs: PositionLegs): Decimal {
  return legs.spotBuy.qty.minus(legs.spotBaseCommission).minus(legs.spotSell.qty);
}

/** Short size the entry left: sold − bought back (trims). */
export function netPerp(legs: PositionLegs): Decimal {
  return legs.perpSell.qty.minus(legs.perpBuy.qty);
}

export interface ClosedFigures {
  pnl: Omit<RealisedPnl, 'totalUsdt'>;
  volumeUsdt: Decimal;
  exitSpotQty: Decimal;
  exitPerpQty: Decimal;
  exitSpotAvgPrice: Decimal | null;
  exitPerpAvgPrice: Decimal | null;
  exitFeesUsdt: Decimal;
}

/**
 * Realised PnL of a position from everything recorded for it: spot PnL on the quantity sold against the average
 * buy price, perp PnL on the quantity bought back against the average short price, funding received, and every
 * commission (entry, repairs, trims, exit). An adopted position has no entry orders of ours: its recorded entry
 * figures (exchange entry price, estimated fees) stand in for them.
 */
export function closedFigures(store: Store, position: Position, rates: FeeEstimateRates): ClosedFigures {
  const entry = legsOf(store, entryIntents(store, position.id), position.baseAsset, rates);
  const exit = legsOf(store, exitIntents(store, position.id), position.baseAsset, rates);
  const adoptedEntry = entry.spotBuy.qty.isZero() && entry.perpSell.qty.isZero();
  const spotBuy = adoptedEntry
    ? {
        qty: position.spotQtyGross,
        quoteUsdt: position.spotQtyGross.times(position.spotAvgPrice ?? position.perpAvgPrice ?? ZERO),
      }
    : entry.spotBuy;
  const perpOpen = adoptedEntry
    ? { qty: position.perpQty, quoteUsdt: position.perpQty.times(position.perpAvgPrice ?? ZERO) }
    : entry.perpSell;
  const payments = store.funding.forPosition(position.id);
  const fundingUsdt = payments.length > 0 ? sumDec(payments.map((p) => p.amount)) : position.fundingReceivedUsdt;
  const feesUsdt = entry.feesUsdt.plus(exit.feesUsdt).plus(adoptedEntry ? position.entryFeesUsdt : ZERO);
  const spotSell = {
    qty: entry.spotSell.qty.plus(exit.spotSell.qty),
    quoteUsdt: entry.spotSell.quoteUsdt.plus(exit.spotSell.quoteUsdt),
  };
  const perpClose = {
    qty: entry.perpBuy.qty.plus(exit.perpBuy.qty),
    quoteUsdt: entry.perpBuy.quoteUsdt.plus(exit.perpBuy.quoteUsdt),
  };
  const r = realisedPnl({ spotBuy, spotSell, perpOpen, perpClose, fundingUsdt, feesUsdt });
  return {
    pnl: { spotUsdt: r.spotPnlUsdt, perpUsdt: r.perpPnlUsdt, fundingUsdt: r.fundingUsdt, feesUsdt: r.feesUsdt },
    volumeUsdt: entry.volumeUsdt.plus(exit.volumeUsdt),
    exitSpotQty: exit.spotSell.qty,
    exitPerpQty: exit.perpBuy.qty,
    exitSpotAvgPrice: avg(exit.spotSell),
    exitPerpAvgPrice: avg(exit.perpBuy),
    exitFeesUsdt: exit.feesUsdt,
  };
}

export async function feeRates(ctx: ExecContext, spotSymbol: string, symbol: string): Promise<FeeEstimateRates> {
  const [spot, perp] = await Promise.all([
    ctx.commissionRates('spot', spotSymbol),
    ctx.commissionRates('perp', symbol),
  ]);
  return { spotTaker: spot?.taker ?? null, perpTaker: perp?.taker ?? null, fallback: ctx.params.fallbackFeeRate };
}

/**
 * Records the trades of every executed order of the position that are not recorded yet. The orders' trades are
 * read concurrently (one round trip for both legs); recording is idempotent per trade id.
 */
export async function syncPositionFills(ctx: ExecContext, position: Position): Promise<void> {
  const assets = { baseAsset: position.baseAsset, quoteAsset: position.quoteAsset };
  const missing = ctx.store.orders.byPosition(position.id).filter((order) => {
    if (order.executedQty.isZero()) return false;
    const recorded = sumDec(ctx.store.fills.byOrder(order.clientOrderId).map((f: StoredFill) => f.qty));
    return recorded.lessThan(order.executedQty);
  });
  await Promise.all(missing.map((order) => ctx.fills.recordOrder(order, assets)));
}

/**
 * Funding income of the position's symbol since its open (until its close), stored once per tranId and summed
 * into the position; then any missing fills. Emits `funding_received` per new payment.
 */
export async function refreshAccounting(ctx: ExecContext, positionId: number): Promise<void> {
  const { store, venue } = ctx;
  const position = store.positions.require(positionId);
  const startMs = position.openedAtMs ?? position.createdAtMs;
  const endMs = position.closedAtMs ?? undefined;
  const incomes = await venue.income({
    symbol: position.symbol,
    incomeType: 'FUNDING_FEE',
    startTimeMs: startMs,
    ...(endMs === undefined ? {} : { endTimeMs: endMs }),
  });
  const own = incomes
    .filter((i) => i.incomeType === 'FUNDING_FEE' && i.symbol === position.symbol && i.timeMs >= startMs)
    .filter((i) => endMs === undefined || i.timeMs <= endMs)
    .sort((a, b) => a.timeMs - b.timeMs);
  for (const income of own) {
    if (!store.funding.record(income, positionId)) continue;
    ctx.emit({
      type: 'funding_received',
      positionId,
      symbol: position.symbol,
      amountUsdt: income.income,
      totalUsdt: store.funding.totalForPosition(positionId),
      timeMs: income.timeMs,
    });
  }
  await syncPositionFills(ctx, position);
}

/** The store's position as the strategy sees it. */
export function toHeldPosition(position: Position): HeldPosition {
  const entryPrice = position.perpAvgPrice ?? ZERO;
  return {
    symbol: position.symbol,
    spotSymbol: position.spotSymbol,
    baseAsset: position.baseAsset,
    quoteAsset: position.quoteAsset,
    openedAtMs: position.openedAtMs ?? position.createdAtMs,
    leverage: position.leverage,
    spotQty: position.spotQtyNet,
    perpQty: position.perpQty,
    entryPrice,
    spotEntryPrice: position.spotAvgPrice ?? entryPrice,
    notionalUsdt: position.notionalUsdt,
    entryFeesUsdt: position.entryFeesUsdt,
    fundingReceivedUsdt: position.fundingReceivedUsdt,
    entryAprPct: position.entryAprPct,
  };
}

export interface EquityCapture {
  value: PortfolioValue;
  snapshot: EquitySnapshot;
  /** The long-term PnL baseline (captured now when asked and none existed); null when there is none. */
  baseline: Baseline | null;
}

/**
 * Values the whole account (every spot asset at its spot mid, perp wallet, unrealised PnL), records an equity
 * snapshot, and returns both with the baseline the long-term PnL is measured against (`captureBaseline` records
 * the current value as the baseline on the first run). `snapshot` supplies market lists and books when the caller
 * already has them.
 */
export async function captureEquity(
  deps: { venue: Venue; store: Store },
  options: { snapshot?: ScanSnapshot; quoteAsset?: string; captureBaseline?: boolean } = {},
): Promise<EquityCapture> {
  const { venue, store } = deps;
  const [snapshot, spotBalances, perpBalances, perpPositions] = await Promise.all([
    options.snapshot === undefined ? venue.scanSnapshot() : Promise.resolve(options.snapshot),
    venue.spotBalances(),
    venue.perpBalances(),
    venue.perpPositions(),
  ]);
  const value = portfolioValue({
    spotBalances,
    perpBalances,
    perpPositions,
    spotMarkets: snapshot.spotMarkets,
    spotBooks: snapshot.spotBooks,
    quoteAsset: options.quoteAsset ?? 'USDT',
  });
  const snap: EquitySnapshot = {
    timeMs: store.nowMs(),
    portfolioValueUsdt: value.totalUsdt,
    spotValueUsdt: value.spotUsdt,
    perpWalletUsdt: value.perpWalletUsdt,
    unrealizedPnlUsdt: value.unrealisedUsdt,
    positionId: store.positions.active()?.id ?? null,
  };
  store.equity.record(snap);
  const baseline =
    options.captureBaseline === true
      ? store.baseline.captureIfAbsent({ valueUsdt: value.totalUsdt, timeMs: snap.timeMs })
      : store.baseline.get();
  return { value, snapshot: snap, baseline };
}
