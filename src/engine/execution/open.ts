/**
 * Opening a delta-neutral position, and settling one whose legs did not both fill.
 *
 * Order of steps (each one can stop the open before anything is sent, leaving the account as it was):
 * reconcile → funding guard → rebalance (settled transfer) → account setup → fresh book, balances and rates →
 * sizing (common step, filters, spot sized up for a base-asset commission) → position + intent + both legs'
 * client ids in ONE transaction → both legs sent concurrently → settle.
 *
 * Settling (`settleOpen`) makes an opening position either hedged or flat, from what the exchange confirms:
 * 1. missing quantity on a leg is re-sent (next attempt's client id) while the repair window lasts;
 * 2. any outcome still unknown is queried again; if it stays unknown the position is left `opening` (blocking)
 *    for the reconciler: nothing is sent on a guess;
 * 3. the hedge is the smaller of net spot and short, floored to the common step; if it is a valid position on
 *    both markets, the excess of the larger leg is trimmed; otherwise both legs are unwound (spot sold, short
 *    bought back reduce-only) and the position is recorded `failed` with what the attempt cost.
 * The repair window is the first 60 % of `legTimeoutMs`, leaving the rest for an unwind, so no leg stays
 * unhedged longer than the timeout.
 */
import type { CommissionRates } from '../../domain/account.ts';
import { type Decimal, minDec, ZERO } from '../../domain/decimal.ts';
import { checkMarketOrder, commonStep, quantizeDown } from '../../domain/filters.ts';
import { describeError } from '../../errors.ts';
import { isFinalOrderStatus, type PlannedOrder, type Position } from '../../store/index.ts';
import type { OpenDecision } from '../../strategy/decision.ts';
import { sizeOpen } from '../../strategy/sizing.ts';
import {
  closedFigures,
  entryIntents,
  type FeeEstimateRates,
  feeRates,
  legsOf,
  netPerp,
  netSpot,
  syncPositionFills,
} from './accounting.ts';
import { placeBackstop } from './backstop.ts';
import type { ExecContext } from './context.ts';
import { Deadline } from './deadline.ts';
import { type LegSpec, runLegs } from './legs.ts';
import { guardFor, type PairMarket, pairMarket } from './market.ts';
import { type QuoteBalances, TransferError } from './rebalancer.ts';
import { reconcile } from './reconciler.ts';
import type { OpenOutcome, OpenSkipReason } from './types.ts';

const REPAIR_WINDOW_SHARE = 0.6;

function skip(reason: OpenSkipReason, message: string): OpenOutcome {
  return { status: 'skipped', reason, message };
}

export async function openPosition(
  ctx: ExecContext,
  decision: OpenDecision,
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
  if (signal?.aborted) return skipped('aborted', 'stopping');
  const active = store.positions.active();
  if (active !== null)
    return skipped('position_active', `position ${active.id} (${active.symbol}) is ${active.status}`);

  const report = await reconcile(ctx, 'pre-trade');
  if (report.blocking) {
    const why = report.findings.filter((f) => f.severity !== 'info').map((f) => f.message);
    return skipped('unresolved', `not opening while unresolved: ${why.join('; ') || 'see reconcile report'}`);
  }
  const adopted = store.positions.active();
  if (adopted !== null)
    return skipped('position_active', `position ${adopted.id} (${adopted.symbol}) was found on the exchange`);

  // Funding guard on a fresh premium index, before any transfer.
  let market: PairMarket | null;
  try {
    market = pairMarket(await venue.scanSnapshot(), symbol, pair.spotSymbol, params.defaultFundingIntervalHours);
  } catch (error) {
    return skipped('exchange_unavailable', `market data unavailable: ${describeError(error)}`);
  }
  if (market === null) return skipped('market_missing', `no exchange info for ${pair.spotSymbol} / ${symbol}`);
  const guard = guardFor(ctx, market);
  if (guard.blocked) return skipped('funding_guard', guard.message);

  try {
    await ctx.rebalancer.rebalance(leverage, pair.quoteAsset);
  } catch (error) {
    if (error instanceof TransferError) return skipped('transfer_failed', error.message);
    return skipped('exchange_unavailable', `balances unavailable: ${describeError(error)}`);
  }
  try {
    await ctx.setup.ensure(symbol, leverage);
  } catch (error) {
    return skipped('setup_failed', describeError(error));
  }
  if (signal?.aborted) return skipped('aborted', 'stopping');

  // Fresh book, balances and rates: the sizing never uses the decision's numbers.
  let balances: QuoteBalances;
  let spotRates: CommissionRates | null;
  let rates: FeeEstimateRates;
  try {
    const [snapshot, b, sr, r] = await Promise.all([
      venue.scanSnapshot(),
      ctx.rebalancer.readBalances(pair.quoteAsset),
      ctx.commissionRates('spot', pair.spotSymbol),
      feeRates(ctx, pair.spotSymbol, symbol),
    ]);
    market = pairMarket(snapshot, symbol, pair.spotSymbol, params.defaultFundingIntervalHours);
    balances = b;
    spotRates = sr;
    rates = r;
  } catch (error) {
    return skipped('exchange_unavailable', `market data unavailable: ${describeError(error)}`);
  }
  if (market === null) return skipped('market_missing', `no exchange info for ${pair.spotSymbol} / ${symbol}`);
  const freshGuard = guardFor(ctx, market);
  if (freshGuard.blocked) return skipped('funding_guard', freshGuard.message);
  if (market.spotAsk === null || market.perpMark === null) {
    return skipped('price_missing', `no usable ${market.spotAsk === null ? 'spot ask' : 'perp mark price'}`);
  }
  const sizing = sizeOpen({
    spotUsdt: balances.spotFree,
    perpUsdt: balances.perpAvailable,
    leverage,
    capitalFraction: params.capitalFraction,
    spotPrice: market.spotAsk,
    perpMarkPrice: market.perpMark,
    spotFilters: market.spot.filters,
    perpFilters: market.perp.filters,
    spotTakerRate: spotRates?.taker ?? params.fallbackFeeRate,
    // Aster takes a spot buy's commission from the base asset received; sizing buys it on top.
    spotCommissionInBase: true,
  });
  if (!sizing.ok) return skipped('sizing_failed', sizing.message);
  if (signal?.aborted) return skipped('aborted', 'stopping');

  const legs: PlannedOrder[] = [
    { leg: 'spot', market: 'spot', symbol: pair.spotSymbol, side: 'BUY', type: 'MARKET', quantity: sizing.spotBuyQty },
    { leg: 'perp', market: 'perp', symbol, side: 'SELL', type: 'MARKET', quantity: sizing.perpQty },
  ];
  // The position, the intent and both client ids exist before anything is sent, or none of them does.
  const { position, intentId } = store.transaction(() => {
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
    return { position: p, intentId: created.intent.id };
  });
  ctx.emit({
    type: 'open_started',
    symbol,
    leverage,
    notionalUsdt: sizing.notionalUsdt,
    spotBuyQty: sizing.spotBuyQty,
    perpQty: sizing.perpQty,
    aprPct: decision.candidate.rankingAprPct,
  });
  store.intents.markSent(intentId);
  const startMs = clock.nowMs();
  return settleOpen(ctx, position.id, {
    market,
    rates,
    repairDeadline: Deadline.at(clock, startMs + Math.floor(execution.legTimeoutMs * REPAIR_WINDOW_SHARE)),
    finalDeadline: Deadline.at(clock, startMs + execution.legTimeoutMs),
  });
}

export interface SettleEnv {
  market: PairMarket;
  rates: FeeEstimateRates;
  /** Missing legs may be re-sent until then; null: no repairs, only resolution. */
  repairDeadline: Deadline | null;
  /** The end of the leg timeout: the unwind gets at least what remains of it. */
  finalDeadline: Deadline;
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
    });
  }
  // Whatever is still unknown gets one more full window of queries before anything else is decided.
  if (!(await resolveEntryOrders(ctx, positionId, Deadline.after(clock, Math.max(execution.legTimeoutMs, 1000))))) {
    return unresolved('an order outcome is still unknown; it will be queried again before anything else');
  }
  closeIntentsOfEntry(ctx, positionId);
  await syncPositionFills(ctx, position);

  const legs = legsOf(store, entryIntents(store, positionId), position.baseAsset, env.rates);
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

  if (viable) {
    const trims: PlannedOrder[] = [];
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
    if (trims.length > 0) {
      logger.warn(
        { positionId, symbol, trims: trims.map((t) => `${t.leg} ${t.side} ${t.quantity.toFixed()}`) },
        'trimming legs to the hedge',
      );
      const done = await runFollowUp(ctx, position, trims, 'trim', env, { spotRef, perpRef });
      if (!done) return unresolved('trimming the larger leg did not complete');
      await syncPositionFills(ctx, position);
    }
    return finishOpen(ctx, position, env, trims.length > 0 || repairsHappened(ctx, openIntent?.id));
  }

  // Not a valid position: unwind whatever filled.
  const unwind: PlannedOrder[] = [];
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
  if (unwind.length > 0) {
    logger.warn(
      { positionId, symbol, unwind: unwind.map((u) => `${u.leg} ${u.side} ${u.quantity.toFixed()}`) },
      'unwinding the filled leg',
    );
    const done = await runFollowUp(ctx, position, unwind, 'unwind', env, { spotRef, perpRef });
    if (!done) return unresolved('unwinding the filled leg did not complete');
    await syncPositionFills(ctx, position);
  }
  return failOpen(ctx, position, env.rates);
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

async function finishOpen(
  ctx: ExecContext,
  position: Position,
  env: SettleEnv,
  repaired: boolean,
): Promise<OpenOutcome> {
  const { store, clock } = ctx;
  const legs = legsOf(store, entryIntents(store, position.id), position.baseAsset, env.rates);
  const spotNet = netSpot(legs);
  const perpQty = netPerp(legs);
  const spotAvgPrice = avgOr(legs.spotBuy.quoteUsdt, legs.spotBuy.qty);
  const perpAvgPrice = avgOr(legs.perpSell.quoteUsdt, legs.perpSell.qty);
  const notionalUsdt = perpQty.times(perpAvgPrice);
  const opened = store.positions.markOpen(position.id, {
    openedAtMs: clock.nowMs(),
    spotQtyGross: legs.spotBuy.qty,
    spotQtyNet: spotNet,
    perpQty,
    spotAvgPrice,
    perpAvgPrice,
    notionalUsdt,
    entryFeesUsdt: legs.feesUsdt,
    volumeUsdt: legs.volumeUsdt,
  });
  const deltaQty = spotNet.minus(perpQty);
  const step = commonStep(env.market.spot.filters.marketStepSize, env.market.perp.filters.marketStepSize);
  if (deltaQty.abs().greaterThan(step)) {
    ctx.emit({
      type: 'warning',
      code: 'delta_check',
      message: `${position.symbol}: spot ${spotNet.toFixed()} vs short ${perpQty.toFixed()} differ by more than one step (${step.toFixed()})`,
    });
  }
  ctx.emit({
    type: 'open_completed',
    positionId: position.id,
    symbol: position.symbol,
    leverage: position.leverage,
    spotQty: spotNet,
    perpQty,
    spotAvgPrice,
    perpAvgPrice,
    entryFeesUsdt: legs.feesUsdt,
    notionalUsdt,
  });
  const backstop = await placeBackstop(ctx, opened, env.market.perp.filters);
  return {
    status: 'opened',
    positionId: position.id,
    symbol: position.symbol,
    spotQty: spotNet,
    perpQty,
    spotAvgPrice,
    perpAvgPrice,
    entryFeesUsdt: legs.feesUsdt,
    notionalUsdt,
    deltaQty,
    repaired,
    backstop,
  };
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
