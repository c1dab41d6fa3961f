/**
 * Opening a delta-neutral position, and settling one whose legs did not both fill.
 *
 * Order of steps (each one can stop the open before anything is sent, leaving the account as it was):
 * reads → funding guard → rebalance (transfer) and account setup, together → sizing (common step, filters, spot
 * sized up for a base-asset commission) → position + intent + both legs' client ids and SENT marks in ONE
 * commit → both legs sent concurrently → settle.
 *
 * The reads are the ones the decision was made from (`OpenRequest.basis`) when they are fresh: taken after the
 * last reconcile, nothing traded since, younger than `OPEN_BASIS_MAX_AGE_MS`, and showing the account flat as
 * the store has it. Otherwise the pre-trade reconcile runs, and its reads (book, balances, position rows), taken
 * in one round trip with the perp balances, serve the open. Every sequential round trip to the exchange costs its
 * full latency, so whatever does not depend on an answer goes out together: an open that has to move money and
 * set the leverage takes three (transfer with settings, both legs, the backstop), one more when the pre-trade
 * reconcile cannot be reused, one less when the wallets and settings are already right. Store commits are
 * grouped for the same reason: each one waits for the disk.
 *
 * Settling (`settleOpen`) makes an opening position either hedged or flat, from what the exchange confirms:
 * 1. missing quantity on a leg is re-sent (next attempt's client id) while the repair window lasts;
 * 2. any outcome still unknown is queried again; if it stays unknown the position is left `opening` (blocking)
 *    for the reconciler: nothing is sent on a guess;
 * 3. the hedge is the smaller of net spot and short, floored to the common step; if it is a valid position on
 *    both markets, the excess of the larger leg is trimmed; otherwise both legs are unwound (spot sold, short
 *    bought back reduce-only) and the position is recorded `failed` with what the attempt cost;
 * 4. a hedged position is recorded `open` in the commit that sends its exchange-side stop; when both legs filled
 *    at once, their real commissions (only the trades carry them) are read right after the open returns.
 * The repair window is the first 60 % of `legTimeoutMs`, leaving the rest for an unwind, so no leg stays
 * unhedged longer than the timeout.
 */
import type { PerpPosition } from '../../domain/account.ts';
import { type Decimal, minDec, ZERO } from '../../domain/decimal.ts';
import { checkMarketOrder, commonStep, quantizeDown } from '../../domain/filters.ts';
import type { ScanSnapshot } from '../../domain/market.ts';
import { describeError } from '../../errors.ts';
import { isFinalOrderStatus, type PlannedOrder, type Position } from '../../store/index.ts';
import { sizeOpen } from '../../strategy/sizing.ts';
import type { FeeRatesView } from '../../strategy/state.ts';
import {
  closedFigures,
  entryIntents,
  type FeeEstimateRates,
  feeRates,
  legsOf,
  netPerp,
  netSpot,
  type PositionLegs,
  syncPositionFills,
} from './accounting.ts';
import { liveBackstops, placeBackstop } from './backstop.ts';
import type { ExecContext } from './context.ts';
import { Deadline } from './deadline.ts';
import { startRead } from './deferred.ts';
import type { OrderOutcome } from './gateway.ts';
import { type LegSpec, runLegs } from './legs.ts';
import { guardFor, type PairMarket, pairMarket } from './market.ts';
import { type QuoteBalances, quoteBalancesOf, TransferError } from './rebalancer.ts';
import { reconcileWithReads } from './reconciler.ts';
import type { OpenOutcome, OpenRequest, OpenSkipReason, ReadBasis } from './types.ts';

const REPAIR_WINDOW_SHARE = 0.6;

/**
 * How old (engine ms) the decision's reads may be for the open to use them. The loop reads right before it
 * decides, so a fresh decision is milliseconds old; a few seconds cover a slow scan (MA histories, retried
 * reads). Prices older than that would size the legs on a book that may have moved.
 */
export const OPEN_BASIS_MAX_AGE_MS = 10_000;

function skip(reason: OpenSkipReason, message: string): OpenOutcome {
  return { status: 'skipped', reason, message };
}

/** What the open sizes on. */
interface OpenReads {
  snapshot: ScanSnapshot;
  balances: QuoteBalances;
  /** Every perp position row: they say which account settings are in place. */
  perpPositions: readonly PerpPosition[];
}

/** The decision's reads, when they may stand in for the pre-trade reconcile and the open's own reads. */
function usableBasis(ctx: ExecContext, request: OpenRequest, reconciledAtMs: number | null): ReadBasis | null {
  const basis = request.basis;
  if (basis === undefined || reconciledAtMs === null) return null;
  // Read after the last reconcile (which nothing has traded since), and recently.
  const ageMs = ctx.clock.nowMs() - basis.readAtMs;
  if (basis.readAtMs < reconciledAtMs || ageMs < 0 || ageMs > OPEN_BASIS_MAX_AGE_MS) return null;
  const { store } = ctx;
  if (
    store.intents.unresolved().length > 0 ||
    store.orders.unresolved().length > 0 ||
    store.transfers.unresolved().length > 0
  ) {
    return null;
  }
  // The store holds nothing, so any position on the exchange is one the reconciler must look at first.
  if (basis.account.perpPositions.some((p) => !p.positionAmt.isZero())) return null;
  return basis;
}

/** The fee rates of the pair: the decision's when it had both, else the cached or freshly read ones. */
function ratesFor(
  ctx: ExecContext,
  spotSymbol: string,
  symbol: string,
  view: FeeRatesView | null,
): Promise<FeeEstimateRates> {
  if (view !== null && view.spotTaker !== null && view.perpTaker !== null) {
    return Promise.resolve({
      spotTaker: view.spotTaker,
      perpTaker: view.perpTaker,
      fallback: ctx.params.fallbackFeeRate,
    });
  }
  return feeRates(ctx, spotSymbol, symbol);
}

export async function openPosition(
  ctx: ExecContext,
  decision: OpenRequest,
  signal?: AbortSignal,
): Promise<OpenOutcome> {
  const { store, venue, params, execution, clock, logger } = ctx;
  const pair = decision.pair;
  const symbol = pair.symbol;
  const leverage = decision.leverage;
  const skipped = (reason: OpenSkipReason, message: string) => {
    logger.info({ symbol, reason, message }, 'open skipped');
    return skip(reason, `${symbol}: ${message}`);
  };
  // Whatever happens below, the last reconcile stops describing the account once this open trades.
  const reconciledAtMs = ctx.reconciledAtMs;
  ctx.reconciledAtMs = null;
  if (signal?.aborted) return skipped('aborted', 'stopping');
  const active = store.positions.active();
  if (active !== null)
    return skipped('position_active', `position ${active.id} (${active.symbol}) is ${active.status}`);

  const basis = usableBasis(ctx, decision, reconciledAtMs);
  let reads: OpenReads;
  let rates: Promise<FeeEstimateRates>;
  if (basis !== null) {
    reads = {
      snapshot: basis.snapshot,
      balances: quoteBalancesOf(pair.quoteAsset, basis.account.spotBalances, basis.account.perpBalances),
      perpPositions: basis.account.perpPositions,
    };
    rates = ratesFor(ctx, pair.spotSymbol, symbol, basis.feeRates);
  } else {
    // The pre-trade reconcile, with the open's other reads in the same round trip. They are used only if nothing
    // was sent meanwhile (then they are as current as the reconcile's own reads).
    const writesBefore = ctx.writes;
    const perpBalances = startRead(venue.perpBalances());
    rates = ratesFor(ctx, pair.spotSymbol, symbol, null);
    const { report, reads: seen } = await reconcileWithReads(ctx, 'pre-trade');
    ctx.reconciledAtMs = null;
    if (report.blocking) {
      const why = report.findings.filter((f) => f.severity !== 'info').map((f) => f.message);
      return skipped('unresolved', `not opening while unresolved: ${why.join('; ') || 'see reconcile report'}`);
    }
    const adopted = store.positions.active();
    if (adopted !== null)
      return skipped('position_active', `position ${adopted.id} (${adopted.symbol}) was found on the exchange`);
    try {
      if (seen !== null && ctx.writes === writesBefore) {
        reads = {
          snapshot: seen.snapshot,
          balances: quoteBalancesOf(pair.quoteAsset, seen.spotBalances, await perpBalances()),
          perpPositions: seen.perpPositions,
        };
      } else {
        const [snapshot, balances, perpPositions] = await Promise.all([
          venue.scanSnapshot(),
          ctx.rebalancer.readBalances(pair.quoteAsset),
          venue.perpPositions(),
        ]);
        reads = { snapshot, balances, perpPositions };
      }
    } catch (error) {
      return skipped('exchange_unavailable', `market data unavailable: ${describeError(error)}`);
    }
  }

  // Funding guard and prices, before any transfer.
  const market = pairMarket(reads.snapshot, symbol, pair.spotSymbol, params.defaultFundingIntervalHours);
  if (market === null) return skipped('market_missing', `no exchange info for ${pair.spotSymbol} / ${symbol}`);
  const guard = guardFor(ctx, market);
  if (guard.blocked) return skipped('funding_guard', guard.message);
  if (market.spotAsk === null || market.perpMark === null) {
    return skipped('price_missing', `no usable ${market.spotAsk === null ? 'spot ask' : 'perp mark price'}`);
  }

  // The wallet transfer and the perp account settings do not depend on each other: both go out at once.
  const [moved, setup] = await Promise.allSettled([
    ctx.rebalancer.rebalance(leverage, pair.quoteAsset, reads.balances),
    ctx.setup.ensure(symbol, leverage, reads.perpPositions),
  ]);
  if (moved.status === 'rejected') {
    const error: unknown = moved.reason;
    if (error instanceof TransferError) return skipped('transfer_failed', error.message);
    return skipped('exchange_unavailable', `balances unavailable: ${describeError(error)}`);
  }
  if (setup.status === 'rejected') return skipped('setup_failed', describeError(setup.reason));
  const balances = moved.value.balances;
  const estimateRates = await rates;
  if (signal?.aborted) return skipped('aborted', 'stopping');
  // The transfer took a round trip: the guard is checked again on the clock (the funding time is known).
  const freshGuard = guardFor(ctx, market);
  if (freshGuard.blocked) return skipped('funding_guard', freshGuard.message);

  const sizing = sizeOpen({
    spotUsdt: balances.spotFree,
    perpUsdt: balances.perpAvailable,
    leverage,
    capitalFraction: params.capitalFraction,
    spotPrice: market.spotAsk,
    perpMarkPrice: market.perpMark,
    spotFilters: market.spot.filters,
    perpFilters: market.perp.filters,
    spotTakerRate: estimateRates.spotTaker ?? params.fallbackFeeRate,
    // Aster takes a spot buy's commission from the base asset received; sizing buys it on top.
    spotCommissionInBase: true,
  });
  if (!sizing.ok) return skipped('sizing_failed', sizing.message);
  if (signal?.aborted) return skipped('aborted', 'stopping');

  const legs: PlannedOrder[] = [
    { leg: 'spot', market: 'spot', symbol: pair.spotSymbol, side: 'BUY', type: 'MARKET', quantity: sizing.spotBuyQty },
    { leg: 'perp', market: 'perp', symbol, side: 'SELL', type: 'MARKET', quantity: sizing.perpQty },
  ];
  const startMs = clock.nowMs();
  const repairDeadline = Deadline.at(clock, startMs + Math.floor(execution.legTimeoutMs * REPAIR_WINDOW_SHARE));
  let positionId = 0;
  // The position, the intent, both client ids and the legs' SENT marks are one commit, before anything is sent
  // (or none of them exists). Both legs leave right after it, together.
  const inFlight = ctx.gateway.planAndSubmit(() => {
    const p = store.positions.create({
      symbol,
      spotSymbol: pair.spotSymbol,
      baseAsset: pair.baseAsset,
      quoteAsset: pair.quoteAsset,
      leverage,
      notionalUsdt: sizing.perpNotionalUsdt,
      entryAprPct: decision.candidate.rankingAprPct,
      entryFundingRate: decision.candidate.currentRate,
      fundingIntervalHours: decision.candidate.fundingInterval.hours,
      openReason: decision.message,
    });
    const created = store.intents.create({
      kind: 'open',
      positionId: p.id,
      payload: {
        symbol,
        spotSymbol: pair.spotSymbol,
        leverage,
        notionalUsdt: sizing.notionalUsdt.toFixed(),
        spotBuyQty: sizing.spotBuyQty.toFixed(),
        perpQty: sizing.perpQty.toFixed(),
        commonStep: sizing.commonStep.toFixed(),
        spotAsk: market.spotAsk?.toFixed() ?? null,
        perpMark: market.perpMark?.toFixed() ?? null,
      },
      orders: legs,
    });
    store.intents.markSent(created.intent.id);
    // The transfer's confirmation and the settings cache, recorded in this same commit.
    ctx.flushWrites();
    positionId = p.id;
    return created.orders.map((o) => o.clientOrderId);
  }, repairDeadline);
  ctx.emit({
    type: 'open_started',
    symbol,
    leverage,
    notionalUsdt: sizing.notionalUsdt,
    spotBuyQty: sizing.spotBuyQty,
    perpQty: sizing.perpQty,
    aprPct: decision.candidate.rankingAprPct,
  });
  return settleOpen(ctx, positionId, {
    market,
    rates: estimateRates,
    repairDeadline,
    finalDeadline: Deadline.at(clock, startMs + execution.legTimeoutMs),
    inFlight,
  });
}

export interface SettleEnv {
  market: PairMarket;
  rates: FeeEstimateRates;
  /** Missing legs may be re-sent until then; null: no repairs, only resolution. */
  repairDeadline: Deadline | null;
  /** The end of the leg timeout: the unwind gets at least what remains of it. */
  finalDeadline: Deadline;
  /** The open intent's legs, already sent: followed instead of sent. */
  inFlight?: Promise<OrderOutcome>[];
}

function legSpecs(ctx: ExecContext, position: Position, openIntentId: number, market: PairMarket): LegSpec[] {
  const first = (leg: string) => ctx.store.orders.byIntent(openIntentId).find((o) => o.leg === leg && o.attempt === 0);
  const spot = first('spot');
  const perp = first('perp');
  const specs: LegSpec[] = [];
  if (spot !== undefined) {
    specs.push({
      leg: 'spot',
      market: 'spot',
      symbol: position.spotSymbol,
      side: 'BUY',
      reduceOnly: false,
      targetQty: spot.quantity,
      filters: market.spot.filters,
      referencePrice: market.spotAsk ?? ZERO,
    });
  }
  if (perp !== undefined) {
    specs.push({
      leg: 'perp',
      market: 'perp',
      symbol: position.symbol,
      side: 'SELL',
      reduceOnly: false,
      targetQty: perp.quantity,
      filters: market.perp.filters,
      referencePrice: market.perpMark ?? ZERO,
    });
  }
  return specs;
}

/** Queries every order of the position's entry intents that is not final yet. False if one stays unknown. */
async function resolveEntryOrders(ctx: ExecContext, positionId: number, deadline: Deadline): Promise<boolean> {
  const pending = entryIntents(ctx.store, positionId).flatMap((intent) =>
    ctx.store.orders.byIntent(intent.id).filter((o) => !isFinalOrderStatus(o.status)),
  );
  const outcomes = await Promise.all(pending.map((o) => ctx.gateway.submit(o.clientOrderId, deadline)));
  return outcomes.every((o) => o.state !== 'unknown' && o.state !== 'live');
}

function closeIntentsOfEntry(ctx: ExecContext, positionId: number): void {
  for (const intent of entryIntents(ctx.store, positionId)) {
    if (intent.status === 'pending' || intent.status === 'sent') ctx.store.intents.complete(intent.id);
  }
}

/**
 * Brings an `opening` position to `open` (hedged) or `failed` (flat), or leaves it `opening` when an outcome
 * cannot be established (returned as `unresolved`). Idempotent: it reads everything from the store and the
 * exchange, so the reconciler calls it after a crash as the open itself does.
 */
export async function settleOpen(ctx: ExecContext, positionId: number, env: SettleEnv): Promise<OpenOutcome> {
  const { store, execution, clock, logger } = ctx;
  const position = store.positions.require(positionId);
  const symbol = position.symbol;
  const openIntent = store.intents.byPosition(positionId).find((i) => i.kind === 'open');
  const unresolved = (message: string): OpenOutcome => {
    logger.error({ positionId, symbol, message }, 'open left unresolved');
    if (openIntent !== undefined) store.intents.recordError(openIntent.id, message);
    ctx.emit({ type: 'open_failed', symbol, positionId, message, unresolved: true });
    return { status: 'unresolved', positionId, symbol, message: `${symbol}: ${message}` };
  };

  if (openIntent !== undefined) {
    const specs = legSpecs(ctx, position, openIntent.id, env.market);
    const repairing = env.repairDeadline !== null && !env.repairDeadline.expired();
    await runLegs(ctx, openIntent.id, specs, {
      deadline: repairing && env.repairDeadline !== null ? env.repairDeadline : env.finalDeadline,
      maxRepairs: repairing ? execution.maxLegRepairAttempts : 0,
      purpose: 'entry',
      ...(env.inFlight === undefined ? {} : { inFlight: env.inFlight }),
    });
  }
  // Whatever is still unknown gets one more full window of queries before anything else is decided.
  if (!(await resolveEntryOrders(ctx, positionId, Deadline.after(clock, Math.max(execution.legTimeoutMs, 1000))))) {
    return unresolved('an order outcome is still unknown; it will be queried again before anything else');
  }
  // When both legs filled at their first attempt, the commissions (read from the trades) only refine the figures:
  // the position is recorded and protected on estimates at the taker rate, and the trades are read right after.
  // Anything else (a repair, a partial fill, a trim the estimate already calls for) is decided on the real ones.
  let fillsPending = cleanEntry(ctx, positionId);
  if (!fillsPending) {
    closeIntentsOfEntry(ctx, positionId);
    await syncPositionFills(ctx, position);
  }
  let plan = hedgePlan(ctx, position, env);
  if (fillsPending && (!plan.viable || plan.trims.length > 0)) {
    closeIntentsOfEntry(ctx, positionId);
    await syncPositionFills(ctx, position);
    fillsPending = false;
    plan = hedgePlan(ctx, position, env);
  }
  const refs = { spotRef: plan.spotRef, perpRef: plan.perpRef };

  if (plan.viable) {
    if (plan.trims.length > 0) {
      logger.warn(
        { positionId, symbol, trims: plan.trims.map((t) => `${t.leg} ${t.side} ${t.quantity.toFixed()}`) },
        'trimming legs to the hedge',
      );
      const done = await runFollowUp(ctx, position, plan.trims, 'trim', env, refs);
      if (!done) return unresolved('trimming the larger leg did not complete');
      await syncPositionFills(ctx, position);
    }
    const trimmed = plan.trims.length > 0;
    // Without a trim, the legs the plan was made from are still the entry's.
    const legs = trimmed ? null : plan.legs;
    return finishOpen(ctx, position, env, trimmed || repairsHappened(ctx, openIntent?.id), fillsPending, legs);
  }

  // Not a valid position: unwind whatever filled.
  if (plan.unwind.length > 0) {
    logger.warn(
      { positionId, symbol, unwind: plan.unwind.map((u) => `${u.leg} ${u.side} ${u.quantity.toFixed()}`) },
      'unwinding the filled leg',
    );
    const done = await runFollowUp(ctx, position, plan.unwind, 'unwind', env, refs);
    if (!done) return unresolved('unwinding the filled leg did not complete');
    await syncPositionFills(ctx, position);
  }
  return failOpen(ctx, position, env.rates);
}

/** Both legs filled completely at their first attempt, and nothing else was sent for the entry. */
function cleanEntry(ctx: ExecContext, positionId: number): boolean {
  const intents = entryIntents(ctx.store, positionId);
  const only = intents[0];
  if (intents.length !== 1 || only === undefined || only.kind !== 'open') return false;
  const orders = ctx.store.orders.byIntent(only.id);
  const legsPresent = ['spot', 'perp'].every((leg) => orders.some((o) => o.leg === leg));
  return (
    legsPresent &&
    orders.every((o) => o.attempt === 0 && o.status === 'FILLED' && o.executedQty.greaterThanOrEqualTo(o.quantity))
  );
}

interface HedgePlan {
  legs: PositionLegs;
  /** The hedge is a valid position on both markets. */
  viable: boolean;
  /** When viable: orders bringing the larger leg down to the hedge. */
  trims: PlannedOrder[];
  /** When not viable: orders bringing both legs back to flat. */
  unwind: PlannedOrder[];
  spotRef: Decimal;
  perpRef: Decimal;
}

/** What the entry's fills make of the position (commissions not yet recorded count at the taker rate). */
function hedgePlan(ctx: ExecContext, position: Position, env: SettleEnv): HedgePlan {
  const { symbol } = position;
  const legs = legsOf(ctx.store, entryIntents(ctx.store, position.id), position.baseAsset, env.rates);
  const spotNet = netSpot(legs);
  const perpNet = netPerp(legs);
  const { spot, perp } = env.market;
  const step = commonStep(spot.filters.marketStepSize, perp.filters.marketStepSize);
  const hedge = quantizeDown(
    minDec(spotNet.isNegative() ? ZERO : spotNet, perpNet.isNegative() ? ZERO : perpNet),
    step,
  );
  const spotRef = env.market.spotBid ?? env.market.spotMid ?? avgOr(legs.spotBuy.quoteUsdt, legs.spotBuy.qty);
  const perpRef = env.market.perpMark ?? avgOr(legs.perpSell.quoteUsdt, legs.perpSell.qty);
  const viable =
    hedge.isPositive() &&
    !hedge.isZero() &&
    checkMarketOrder(perp.filters, { quantity: hedge, referencePrice: perpRef }).ok &&
    checkMarketOrder(spot.filters, { quantity: hedge, referencePrice: spotRef }).ok;
  const trims: PlannedOrder[] = [];
  const unwind: PlannedOrder[] = [];
  if (viable) {
    const perpExcess = quantizeDown(perpNet.minus(hedge), perp.filters.marketStepSize);
    if (perpExcess.isPositive() && !perpExcess.isZero()) {
      trims.push({
        leg: 'perp',
        market: 'perp',
        symbol,
        side: 'BUY',
        type: 'MARKET',
        quantity: perpExcess,
        reduceOnly: true,
      });
    }
    // Spot beyond one common step over the hedge is sold back when the exchange accepts such a small order.
    const spotExcess = spotNet.minus(hedge);
    if (spotExcess.greaterThan(step)) {
      const qty = quantizeDown(spotExcess, spot.filters.marketStepSize);
      if (checkMarketOrder(spot.filters, { quantity: qty, referencePrice: spotRef }).ok) {
        trims.push({
          leg: 'spot',
          market: 'spot',
          symbol: position.spotSymbol,
          side: 'SELL',
          type: 'MARKET',
          quantity: qty,
        });
      }
    }
    return { legs, viable, trims, unwind, spotRef, perpRef };
  }
  const spotSell = quantizeDown(spotNet.isNegative() ? ZERO : spotNet, spot.filters.marketStepSize);
  if (
    spotSell.isPositive() &&
    !spotSell.isZero() &&
    checkMarketOrder(spot.filters, { quantity: spotSell, referencePrice: spotRef }).ok
  ) {
    unwind.push({
      leg: 'spot',
      market: 'spot',
      symbol: position.spotSymbol,
      side: 'SELL',
      type: 'MARKET',
      quantity: spotSell,
    });
  }
  if (perpNet.isPositive() && !perpNet.isZero()) {
    unwind.push({
      leg: 'perp',
      market: 'perp',
      symbol,
      side: 'BUY',
      type: 'MARKET',
      quantity: perpNet,
      reduceOnly: true,
    });
  }
  return { legs, viable, trims, unwind, spotRef, perpRef };
}

function avgOr(quote: Decimal, qty: Decimal): Decimal {
  return qty.isZero() ? ZERO : quote.div(qty);
}

function repairsHappened(ctx: ExecContext, openIntentId: number | undefined): boolean {
  if (openIntentId === undefined) return false;
  return ctx.store.orders.byIntent(openIntentId).some((o) => o.attempt > 0);
}

/** Sends trims or unwind orders under their own intent and follows them to completion. */
async function runFollowUp(
  ctx: ExecContext,
  position: Position,
  orders: PlannedOrder[],
  purpose: 'trim' | 'unwind',
  env: SettleEnv,
  refs: { spotRef: Decimal; perpRef: Decimal },
): Promise<boolean> {
  const { store, execution, clock } = ctx;
  const { intent } = store.intents.create({ kind: 'unwind', positionId: position.id, payload: { purpose }, orders });
  store.intents.markSent(intent.id);
  const specs: LegSpec[] = orders.map((o) => ({
    leg: o.leg,
    market: o.market,
    symbol: o.symbol,
    side: o.side,
    reduceOnly: o.reduceOnly ?? false,
    targetQty: o.quantity,
    filters: o.market === 'spot' ? env.market.spot.filters : env.market.perp.filters,
    referencePrice: o.market === 'spot' ? refs.spotRef : refs.perpRef,
  }));
  // The unwind always gets a full attempt budget: flat is the only acceptable end state.
  const deadline = Deadline.at(
    clock,
    Math.max(env.finalDeadline.atMs, clock.nowMs() + Math.floor(execution.legTimeoutMs / 2)),
  );
  const results = await runLegs(ctx, intent.id, specs, {
    deadline,
    maxRepairs: Math.max(2, execution.maxLegRepairAttempts),
    purpose: 'unwind',
  });
  const perpOk = results.filter((r) => r.spec.market === 'perp').every((r) => r.complete && !r.unknown);
  const spotOk = results.filter((r) => r.spec.market === 'spot').every((r) => !r.unknown);
  if (perpOk && spotOk) {
    store.intents.complete(intent.id);
    return true;
  }
  store.intents.recordError(
    intent.id,
    results
      .map((r) => r.lastError ?? '')
      .filter(Boolean)
      .join('; ') || 'incomplete',
  );
  return false;
}

/**
 * Records a hedged entry `open` and protects it with the exchange-side stop, in one commit (unless a stop is
 * already working, e.g. placed before a crash). The stop needs only the short's size and entry price, both known
 * from the order answers. `fillsPending`: the commissions are still estimates at the taker rate; the trades are
 * read right after (`completeEntry`), off the open's path, and the figures corrected from them.
 */
async function finishOpen(
  ctx: ExecContext,
  position: Position,
  env: SettleEnv,
  repaired: boolean,
  fillsPending: boolean,
  known: PositionLegs | null,
): Promise<OpenOutcome> {
  const { store, clock } = ctx;
  const legs = known ?? legsOf(store, entryIntents(store, position.id), position.baseAsset, env.rates);
  const figures = entryFigures(legs);
  let opened = false;
  const markOpen = () => {
    store.transaction(() => {
      closeIntentsOfEntry(ctx, position.id);
      store.positions.markOpen(position.id, { openedAtMs: clock.nowMs(), ...figures });
    });
    opened = true;
  };
  let backstop: 'placed' | 'disabled' | 'failed' = 'placed';
  if (ctx.execution.exchangeStopBackstop && liveBackstops(ctx, position.id).length > 0) markOpen();
  else backstop = await placeBackstop(ctx, { ...position, ...figures }, env.market.perp.filters, markOpen);
  if (!opened) markOpen();
  if (fillsPending) {
    const operation = ctx.operations;
    ctx.later(() => completeEntry(ctx, position.id, env, operation));
  }
  return openedOutcome(ctx, position, env, legs, repaired, backstop);
}

function entryFigures(legs: PositionLegs) {
  const perpQty = netPerp(legs);
  const perpAvgPrice = avgOr(legs.perpSell.quoteUsdt, legs.perpSell.qty);
  return {
    spotQtyGross: legs.spotBuy.qty,
    spotQtyNet: netSpot(legs),
    perpQty,
    spotAvgPrice: avgOr(legs.spotBuy.quoteUsdt, legs.spotBuy.qty),
    perpAvgPrice,
    notionalUsdt: perpQty.times(perpAvgPrice),
    entryFeesUsdt: legs.feesUsdt,
    volumeUsdt: legs.volumeUsdt,
  };
}

function openedOutcome(
  ctx: ExecContext,
  position: Position,
  env: SettleEnv,
  legs: PositionLegs,
  repaired: boolean,
  backstop: 'placed' | 'disabled' | 'failed',
): OpenOutcome {
  const figures = entryFigures(legs);
  const deltaQty = figures.spotQtyNet.minus(figures.perpQty);
  warnOnDelta(ctx, position, env, figures.spotQtyNet, figures.perpQty);
  ctx.emit({
    type: 'open_completed',
    positionId: position.id,
    symbol: position.symbol,
    leverage: position.leverage,
    spotQty: figures.spotQtyNet,
    perpQty: figures.perpQty,
    spotAvgPrice: figures.spotAvgPrice,
    perpAvgPrice: figures.perpAvgPrice,
    entryFeesUsdt: figures.entryFeesUsdt,
    notionalUsdt: figures.notionalUsdt,
  });
  return {
    status: 'opened',
    positionId: position.id,
    symbol: position.symbol,
    spotQty: figures.spotQtyNet,
    perpQty: figures.perpQty,
    spotAvgPrice: figures.spotAvgPrice,
    perpAvgPrice: figures.perpAvgPrice,
    entryFeesUsdt: figures.entryFeesUsdt,
    notionalUsdt: figures.notionalUsdt,
    deltaQty,
    repaired,
    backstop,
  };
}

function warnOnDelta(ctx: ExecContext, position: Position, env: SettleEnv, spotNet: Decimal, perpQty: Decimal): void {
  const step = commonStep(env.market.spot.filters.marketStepSize, env.market.perp.filters.marketStepSize);
  if (spotNet.minus(perpQty).abs().greaterThan(step)) {
    ctx.emit({
      type: 'warning',
      code: 'delta_check',
      message: `${position.symbol}: spot ${spotNet.toFixed()} vs short ${perpQty.toFixed()} differ by more than one step (${step.toFixed()})`,
    });
  }
}

/**
 * Right after an open whose fills were not read yet: records the entry's trades, then, if nothing else has run
 * since the open, replaces the estimated figures with the real ones; should the real commissions leave a leg
 * more than a step over the hedge (the account's rates changed, or it pays fees in another asset), that leg is
 * trimmed as the open would have. The stop is reduce-only, so a trim after it cannot overshoot. Trades not
 * visible yet are left to the next accounting refresh (recording is idempotent per trade id).
 */
async function completeEntry(ctx: ExecContext, positionId: number, env: SettleEnv, operation: number): Promise<void> {
  const { store } = ctx;
  const position = store.positions.get(positionId);
  if (position === null) return;
  await syncPositionFills(ctx, position);
  // Another operation (a stop-loss close, a reconcile) may have changed the record: then its figures stand.
  const current = store.positions.require(positionId);
  if (current.status !== 'open' || ctx.operations !== operation) return;
  let legs = legsOf(store, entryIntents(store, positionId), position.baseAsset, env.rates);
  if (legs.estimatedFeeOrders > 0) return;
  const plan = hedgePlan(ctx, current, env);
  if (plan.viable && plan.trims.length > 0) {
    ctx.logger.warn(
      {
        positionId,
        symbol: position.symbol,
        trims: plan.trims.map((t) => `${t.leg} ${t.side} ${t.quantity.toFixed()}`),
      },
      'trimming legs to the hedge after the real commissions',
    );
    const done = await runFollowUp(ctx, current, plan.trims, 'trim', env, {
      spotRef: plan.spotRef,
      perpRef: plan.perpRef,
    });
    await syncPositionFills(ctx, current);
    if (!done) return;
    legs = legsOf(store, entryIntents(store, positionId), position.baseAsset, env.rates);
  }
  const figures = entryFigures(legs);
  store.positions.update(positionId, figures);
  warnOnDelta(ctx, current, env, figures.spotQtyNet, figures.perpQty);
}

async function failOpen(ctx: ExecContext, position: Position, rates: FeeEstimateRates): Promise<OpenOutcome> {
  const { store, clock } = ctx;
  const legs = legsOf(store, entryIntents(store, position.id), position.baseAsset, rates);
  const anyFill = !legs.spotBuy.qty.isZero() || !legs.perpSell.qty.isZero();
  const message = anyFill ? 'the legs could not both be established; what filled was unwound' : 'no leg filled';
  // Spot below the lot step (or below the minimum order) stays in the wallet: recorded as dust, not lost.
  const dustQty = netSpot(legs);
  const figures = anyFill ? closedFigures(store, position, rates) : null;
  store.transaction(() => {
    if (dustQty.isPositive() && !dustQty.isZero()) store.positions.update(position.id, { dustQty });
    store.positions.markFailed(position.id, {
      closedAtMs: clock.nowMs(),
      reason: message,
      ...(figures === null ? {} : { pnl: figures.pnl, volumeUsdt: figures.volumeUsdt }),
    });
  });
  ctx.emit({ type: 'open_failed', symbol: position.symbol, positionId: position.id, message, unresolved: false });
  return {
    status: 'failed',
    positionId: position.id,
    symbol: position.symbol,
    message: `${position.symbol}: ${message}`,
  };
}
