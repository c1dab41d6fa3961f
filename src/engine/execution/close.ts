/**
 * Closing a position: the mirror image of the open.
 *
 * - Orders of the position whose outcome is unknown are resolved first (query by client id); nothing is sized
 *   while one may still execute.
 * - The funding guard delays ordinary closes; urgent ones (stop-loss, naked leg, manual exit) never wait.
 * - The backstop is cancelled first (it fired already? then its fills are the position's and the short is smaller).
 * - Quantities: the short still recorded for the position, capped by the short on the exchange (reduce-only can
 *   never overshoot anyway); the POSITION's own spot (the net quantity the open received, less what earlier close
 *   attempts sold), capped by the free balance, floored to the spot step. The user's other holdings are never
 *   sold, and what is below one step stays as recorded dust.
 * - Both legs go out concurrently; failures are retried under the next attempt's client id, bounded.
 * - Anything incomplete leaves the position `closing`: it blocks every open, and the next call resumes with the
 *   remaining quantities. Once both legs are done, funding and fills are refreshed and the realised PnL recorded.
 */

import type { PerpPosition, SpotBalance } from '../../domain/account.ts';
import { type Decimal, minDec, ZERO } from '../../domain/decimal.ts';
import { checkMarketOrder, quantizeDown } from '../../domain/filters.ts';
import { describeError } from '../../errors.ts';
import { isFinalOrderStatus, type PlannedOrder, type Position } from '../../store/index.ts';
import {
  closedFigures,
  exitIntents,
  type FeeEstimateRates,
  feeRates,
  legsOf,
  refreshAccounting,
} from './accounting.ts';
import { cancelBackstops } from './backstop.ts';
import type { ExecContext } from './context.ts';
import { Deadline } from './deadline.ts';
import { type LegSpec, runLegs } from './legs.ts';
import { guardFor, type PairMarket, pairMarket } from './market.ts';
import { type CloseOutcome, type ExecCloseReason, URGENT_CLOSE_REASONS } from './types.ts';

const CLOSABLE = new Set(['open', 'closing', 'adopted']);

/** Resolves every non-final order of the position except a working backstop. False if one stays unknown. */
async function resolveOpenOrders(ctx: ExecContext, position: Position): Promise<boolean> {
  const pending = ctx.store.orders
    .byPosition(position.id)
    .filter((o) => !isFinalOrderStatus(o.status) && o.type !== 'STOP_MARKET');
  const deadline = Deadline.after(ctx.clock, ctx.execution.legTimeoutMs);
  const outcomes = await Promise.all(pending.map((o) => ctx.gateway.resolve(o.clientOrderId, deadline)));
  // Close intents whose orders are all final are finished, whatever they achieved: the remainder is re-planned.
  for (const intent of exitIntents(ctx.store, position.id)) {
    if (intent.kind !== 'close' || (intent.status !== 'pending' && intent.status !== 'sent')) continue;
    if (ctx.store.orders.byIntent(intent.id).every((o) => isFinalOrderStatus(o.status)))
      ctx.store.intents.complete(intent.id);
  }
  return outcomes.every((o) => o.state !== 'unknown' && o.state !== 'live');
}

interface CloseQuantities {
  perpToBuy: Decimal;
  spotToSell: Decimal;
  /** Position spot not sold and not sellable (below the step or the minimum order). */
  spotLeft: Decimal;
}

function quantities(
  position: Position,
  rates: FeeEstimateRates,
  ctx: ExecContext,
  market: PairMarket,
  spotBalances: readonly SpotBalance[],
  perpPositions: readonly PerpPosition[],
): CloseQuantities {
  const exits = legsOf(ctx.store, exitIntents(ctx.store, position.id), position.baseAsset, rates);
  const row = perpPositions.find((p) => p.symbol === position.symbol && p.positionAmt.isNegative());
  const short = row === undefined ? ZERO : row.positionAmt.abs();
  const perpRemaining = position.perpQty.minus(exits.perpBuy.qty);
  let perpToBuy = perpRemaining.isPositive() ? minDec(perpRemaining, short) : ZERO;
  perpToBuy = quantizeDown(perpToBuy, market.perp.filters.marketStepSize);
  if (
    !perpToBuy.isZero() &&
    !checkMarketOrder(market.perp.filters, {
      quantity: perpToBuy,
      referencePrice: market.perpMark ?? ZERO,
      reduceOnly: true,
    }).ok
  ) {
    perpToBuy = ZERO;
  }

  const free = spotBalances.find((b) => b.asset === position.baseAsset)?.free ?? ZERO;
  const spotRemaining = position.spotQtyNet.minus(exits.spotSell.qty);
  const own = spotRemaining.isPositive() ? minDec(spotRemaining, free) : ZERO;
  let spotToSell = quantizeDown(own, market.spot.filters.marketStepSize);
  if (
    !spotToSell.isZero() &&
    !checkMarketOrder(market.spot.filters, { quantity: spotToSell, referencePrice: market.spotBid ?? ZERO }).ok
  ) {
    spotToSell = ZERO;
  }
  const spotLeft = spotRemaining.minus(spotToSell);
  return { perpToBuy, spotToSell, spotLeft: spotLeft.isNegative() ? ZERO : spotLeft };
}

export async function closePosition(
  ctx: ExecContext,
  positionId: number,
  reason: ExecCloseReason,
  signal?: AbortSignal,
): Promise<CloseOutcome> {
  const { store, venue, params, execution, clock, logger } = ctx;
  const found = store.positions.get(positionId);
  if (found === null || !CLOSABLE.has(found.status)) {
    return {
      status: 'skipped',
      positionId,
      reason: 'not_active',
      message: `position ${positionId} is ${found?.status ?? 'unknown'}`,
    };
  }
  let position: Position = found;
  const symbol = position.symbol;
  const incomplete = (message: string): CloseOutcome => {
    logger.warn({ positionId, symbol, reason, message }, 'close incomplete');
    ctx.emit({ type: 'close_failed', positionId, symbol, reason, message });
    return { status: 'incomplete', positionId, symbol, message: `${symbol}: ${message}` };
  };
  const skipped = (why: 'aborted' | 'funding_guard' | 'exchange_unavailable', message: string): CloseOutcome => {
    logger.info({ positionId, symbol, reason, why, message }, 'close not started');
    return { status: 'skipped', positionId, reason: why, message: `${symbol}: ${message}` };
  };
  if (signal?.aborted) return skipped('aborted', 'stopping');

  if (!(await resolveOpenOrders(ctx, position))) {
    return incomplete('an earlier order of this position is still unknown; it is queried again first');
  }

  let market: PairMarket | null;
  let spotBalances: SpotBalance[];
  let perpPositions: PerpPosition[];
  let rates: FeeEstimateRates;
  try {
    const [snapshot, s, p, r] = await Promise.all([
      venue.scanSnapshot(),
      venue.spotBalances(),
      venue.perpPositions(),
      feeRates(ctx, position.spotSymbol, symbol),
    ]);
    market = pairMarket(snapshot, symbol, position.spotSymbol, params.defaultFundingIntervalHours);
    spotBalances = s;
    perpPositions = p;
    rates = r;
  } catch (error) {
    if (position.status === 'closing') return incomplete(`exchange unavailable: ${describeError(error)}`);
    return skipped('exchange_unavailable', describeError(error));
  }
  if (market === null) return incomplete(`no exchange info for ${position.spotSymbol} / ${symbol}`);

  if (!URGENT_CLOSE_REASONS.includes(reason)) {
    const guard = guardFor(ctx, market);
    if (guard.blocked) {
      if (position.status === 'closing') return incomplete(`waiting: ${guard.message}`);
      return skipped('funding_guard', guard.message);
    }
  }
  if (signal?.aborted && position.status !== 'closing') return skipped('aborted', 'stopping');
  if (position.status !== 'closing') position = store.positions.markClosing(positionId, reason);

  if (!(await cancelBackstops(ctx, position))) {
    // Not a reason to keep the exposure: the reconciler cancels a stop left working once the position is gone.
    ctx.emit({
      type: 'warning',
      code: 'backstop_cancel_unknown',
      message: `${symbol}: the exchange-side stop could not be confirmed cancelled; closing anyway`,
    });
  }
  // The backstop may have fired: read the short again after its fills were recorded.
  try {
    perpPositions = await venue.perpPositions(symbol);
  } catch (error) {
    return incomplete(`positions unavailable: ${describeError(error)}`);
  }

  const qty = quantities(position, rates, ctx, market, spotBalances, perpPositions);
  const orders: PlannedOrder[] = [];
  if (!qty.spotToSell.isZero()) {
    orders.push({
      leg: 'spot',
      market: 'spot',
      symbol: position.spotSymbol,
      side: 'SELL',
      type: 'MARKET',
      quantity: qty.spotToSell,
    });
  }
  if (!qty.perpToBuy.isZero()) {
    orders.push({
      leg: 'perp',
      market: 'perp',
      symbol,
      side: 'BUY',
      type: 'MARKET',
      quantity: qty.perpToBuy,
      reduceOnly: true,
    });
  }
  if (orders.length > 0) {
    const { intent } = store.intents.create({ kind: 'close', positionId, payload: { reason }, orders });
    store.intents.markSent(intent.id);
    const specs: LegSpec[] = orders.map((o) => ({
      leg: o.leg,
      market: o.market,
      symbol: o.symbol,
      side: o.side,
      reduceOnly: o.reduceOnly ?? false,
      targetQty: o.quantity,
      filters: o.market === 'spot' ? market.spot.filters : market.perp.filters,
      referencePrice: (o.market === 'spot' ? market.spotBid : market.perpMark) ?? ZERO,
    }));
    const results = await runLegs(ctx, intent.id, specs, {
      deadline: Deadline.after(clock, execution.legTimeoutMs),
      maxRepairs: execution.maxLegRepairAttempts,
      purpose: 'exit',
    });
    for (const r of results) {
      for (const o of r.orders) {
        if (!o.executedQty.isZero()) {
          await ctx.fills.recordOrder(o, { baseAsset: position.baseAsset, quoteAsset: position.quoteAsset });
        }
      }
    }
    const failed = results.filter((r) => r.unknown || !r.complete);
    if (failed.length > 0) {
      store.intents.recordError(
        intent.id,
        failed.map((r) => `${r.spec.leg}: ${r.lastError ?? 'incomplete'}`).join('; '),
      );
      return incomplete(
        failed
          .map(
            (r) =>
              `${r.spec.leg} ${r.executedQty.toFixed()}/${r.spec.targetQty.toFixed()}${r.unknown ? ' (unknown)' : ''}`,
          )
          .join(', '),
      );
    }
    store.intents.complete(intent.id);
  }
  return finishClose(ctx, positionId, reason, rates);
}

async function finishClose(
  ctx: ExecContext,
  positionId: number,
  reason: ExecCloseReason,
  rates: FeeEstimateRates,
): Promise<CloseOutcome> {
  const { store, clock } = ctx;
  const position = store.positions.require(positionId);
  try {
    await refreshAccounting(ctx, positionId);
  } catch (error) {
    // Both legs are closed; only the books are missing. Stay `closing` until the funding can be read.
    const message = `legs closed; funding income unavailable: ${describeError(error)}`;
    ctx.emit({ type: 'close_failed', positionId, symbol: position.symbol, reason, message });
    return { status: 'incomplete', positionId, symbol: position.symbol, message: `${position.symbol}: ${message}` };
  }
  const figures = closedFigures(store, store.positions.require(positionId), rates);
  const spotLeft = position.spotQtyNet.minus(figures.exitSpotQty);
  const dustQty = spotLeft.isPositive() ? spotLeft : ZERO;
  const closed = store.positions.markClosed(positionId, {
    closedAtMs: clock.nowMs(),
    exitSpotQty: figures.exitSpotQty,
    exitPerpQty: figures.exitPerpQty,
    exitSpotAvgPrice: figures.exitSpotAvgPrice,
    exitPerpAvgPrice: figures.exitPerpAvgPrice,
    exitFeesUsdt: figures.exitFeesUsdt,
    volumeUsdt: figures.volumeUsdt,
    pnl: figures.pnl,
    closeReason: reason,
    dustQty,
  });
  const pnl = closed.pnl;
  if (pnl === null) throw new Error(`position ${positionId}: closed without a PnL`);
  ctx.emit({
    type: 'close_completed',
    positionId,
    symbol: closed.symbol,
    reason,
    pnl,
    volumeUsdt: closed.volumeUsdt,
    completedCycles: store.counters.get().completedCycles,
  });
  ctx.logger.info(
    { positionId, symbol: closed.symbol, reason, pnlUsdt: pnl.totalUsdt.toFixed(), dustQty: dustQty.toFixed() },
    'position closed',
  );
  return { status: 'closed', positionId, symbol: closed.symbol, pnl, volumeUsdt: closed.volumeUsdt, dustQty };
}
