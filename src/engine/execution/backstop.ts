/**
 * The exchange-side backstop: a reduce-only STOP_MARKET BUY on the perp at the strategy's stop price (mark-price
 * triggered). The bot's own stop-loss closes both legs well before; the backstop only matters when the bot cannot
 * act (crashed, offline), and then it closes the short alone, leaving the spot leg to be sold by the reconciler on
 * the next start. Its stop price is rounded UP to the tick, so it never fires before the bot's own stop would.
 */
import { ZERO } from '../../domain/decimal.ts';
import type { SymbolFilters } from '../../domain/market.ts';
import { isFinalOrderStatus, type Position, type StoredOrder } from '../../store/index.ts';
import { backstopStopPrice } from '../../strategy/stoploss.ts';
import type { ExecContext } from './context.ts';
import { Deadline } from './deadline.ts';

export const BACKSTOP_LEG = 'stop';

/** The position's stop orders that may still be working on the exchange. */
export function liveBackstops(ctx: ExecContext, positionId: number): StoredOrder[] {
  return ctx.store.orders
    .byPosition(positionId)
    .filter((o) => o.type === 'STOP_MARKET' && !isFinalOrderStatus(o.status));
}

export type BackstopResult = 'placed' | 'disabled' | 'failed';

export async function placeBackstop(
  ctx: ExecContext,
  position: Position,
  perpFilters: SymbolFilters,
): Promise<BackstopResult> {
  if (!ctx.execution.exchangeStopBackstop) return 'disabled';
  const entry = position.perpAvgPrice;
  if (entry === null || !entry.isPositive() || position.perpQty.isZero()) return 'failed';
  const stopPrice = backstopStopPrice(entry, position.leverage, ctx.params, perpFilters.tickSize);
  const { intent, orders } = ctx.store.intents.create({
    kind: 'stop_place',
    positionId: position.id,
    payload: { symbol: position.symbol, stopPrice: stopPrice.toFixed(), quantity: position.perpQty.toFixed() },
    orders: [
      {
        leg: BACKSTOP_LEG,
        market: 'perp',
        symbol: position.symbol,
        side: 'BUY',
        type: 'STOP_MARKET',
        quantity: position.perpQty,
        reduceOnly: true,
        stopPrice,
      },
    ],
  });
  const order = orders[0];
  if (order === undefined) return 'failed';
  ctx.store.intents.markSent(intent.id);
  const outcome = await ctx.gateway.submit(order.clientOrderId, Deadline.after(ctx.clock, ctx.execution.legTimeoutMs), {
    acceptLive: true,
  });
  if (outcome.state === 'live' || outcome.state === 'filled' || outcome.state === 'partial') {
    ctx.store.intents.complete(intent.id);
    ctx.logger.info({ symbol: position.symbol, stopPrice: stopPrice.toFixed() }, 'backstop placed');
    return 'placed';
  }
  if (outcome.state === 'none') ctx.store.intents.fail(intent.id, outcome.error ?? 'stop order not accepted');
  ctx.emit({
    type: 'warning',
    code: 'backstop_failed',
    message: `${position.symbol}: exchange-side stop at ${stopPrice.toFixed()} not placed (${outcome.error ?? outcome.state}); the bot's own stop-loss still applies`,
  });
  return 'failed';
}

/**
 * Cancels every working backstop of the position. Returns false when one could not be settled (the close must not
 * go on: a stop left working could fire on a later position of the same symbol). A stop found FILLED has already
 * closed (part of) the short; its fills belong to the position.
 */
export async function cancelBackstops(ctx: ExecContext, position: Position): Promise<boolean> {
  let ok = true;
  for (const stop of liveBackstops(ctx, position.id)) {
    const outcome = await ctx.gateway.cancel(stop.clientOrderId, Deadline.after(ctx.clock, ctx.execution.legTimeoutMs));
    if (outcome.state === 'unknown' || outcome.state === 'live') {
      ok = false;
      continue;
    }
    if (outcome.executedQty.greaterThan(ZERO)) {
      await ctx.fills.recordOrder(outcome.order, { baseAsset: position.baseAsset, quoteAsset: position.quoteAsset });
      ctx.logger.warn(
        { symbol: position.symbol, executedQty: outcome.executedQty.toFixed() },
        'the backstop had fired',
      );
    }
  }
  return ok;
}
