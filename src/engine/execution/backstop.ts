/**
 * The exchange-side backstop: a reduce-only STOP_MARKET BUY on the perp at the strategy's stop price (mark-price
 * triggered). The bot's own stop-loss closes both legs well before; the backstop only matters when the bot cannot
 * act (crashed, offline), and then it closes the short alone, leaving the spot leg to be sold by the reconciler on
 * the next start. Its stop price is rounded UP to the tick, so it never fires before the bot's own stop would.
 */
import { type Decimal, ZERO } from '../../domain/decimal.ts';
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

/**
 * Places the position's exchange-side stop under its own intent. `inCommit`: the caller's bookkeeping, written in
 * the same commit as the stop's intent (it runs only when a stop is actually sent).
 */
export async function placeBackstop(
  ctx: ExecContext,
  position: Position,
  perpFilters: SymbolFilters,
  inCommit?: () => void,
): Promise<BackstopResult> {
  if (!ctx.execution.exchangeStopBackstop) return 'disabled';
  const entry = position.perpAvgPrice;
  if (entry === null || !entry.isPositive() || position.perpQty.isZero()) return 'failed';
  const stopPrice = backstopStopPrice(entry, position.leverage, ctx.params, perpFilters.tickSize);
  let intentId = 0;
  let completed = false;
  const accepted = (state: string) => state === 'live' || state === 'filled' || state === 'partial';
  // The intent, its order and the order's SENT mark in one commit: the stop leaves after a single disk wait; the
  // answer and the intent's completion share one too.
  const [sent] = ctx.gateway.planAndSubmit(
    () => {
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
      ctx.store.intents.markSent(intent.id);
      inCommit?.();
      intentId = intent.id;
      return orders.map((o) => o.clientOrderId);
    },
    Deadline.after(ctx.clock, ctx.execution.legTimeoutMs),
    {
      acceptLive: true,
      onAnswer: (answer) => {
        if (!accepted(answer.state)) return;
        ctx.store.intents.complete(intentId);
        completed = true;
      },
    },
  );
  if (sent === undefined) return 'failed';
  const outcome = await sent;
  if (accepted(outcome.state)) {
    if (!completed) ctx.store.intents.complete(intentId);
    ctx.logger.info({ symbol: position.symbol, stopPrice: stopPrice.toFixed() }, 'backstop placed');
    return 'placed';
  }
  if (outcome.state === 'none') ctx.store.intents.fail(intentId, outcome.error ?? 'stop order not accepted');
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

/** How a backstop replacement ended. */
export type BackstopReplaceStatus =
  /** The working stops were cancelled and one was placed at the current stop price. */
  | 'replaced'
  /** A working stop already sits at the current stop price: nothing was sent. */
  | 'unchanged'
  /** Backstops are off (`risk.exchange_stop_backstop: false`), or the position is not held (closing, closed). */
  | 'skipped'
  /** A cancellation could not be confirmed, or the new stop was not accepted: the reconciler retries. */
  | 'failed'
  /** A stop had already fired: its fills are recorded and the reconciler settles the position. */
  | 'fired';

export interface BackstopReplaceOutcome {
  status: BackstopReplaceStatus;
  positionId: number;
  symbol: string;
  /** The stop price for the position's current leverage; null when it could not be computed. */
  stopPrice: Decimal | null;
  message: string;
}

const REPLACEABLE_STATUSES = new Set<Position['status']>(['open', 'adopted']);

/** The stop price the position's backstop must have at its current leverage, or null without an entry. */
export function expectedBackstopPrice(
  ctx: ExecContext,
  position: Position,
  perpFilters: SymbolFilters,
): Decimal | null {
  const entry = position.perpAvgPrice;
  if (entry === null || !entry.isPositive() || entry.isZero()) return null;
  return backstopStopPrice(entry, position.leverage, ctx.params, perpFilters.tickSize);
}

/** Whether every working stop of the position sits at the stop price of its current leverage. */
export function backstopsCurrent(ctx: ExecContext, position: Position, perpFilters: SymbolFilters): boolean {
  const expected = expectedBackstopPrice(ctx, position, perpFilters);
  if (expected === null) return true;
  return liveBackstops(ctx, position.id).every((o) => o.stopPrice?.equals(expected) === true);
}

/**
 * Moves the exchange-side stop to the stop price of the position's current leverage (a leverage change moves
 * liquidation, and with it the stop). The working stops are cancelled first, under a `stop_cancel` intent recorded
 * before any request, then a new one is placed through `placeBackstop` (its own `stop_place` intent and client id).
 * Never two stops at once: if a cancellation cannot be confirmed, no new stop is placed, and the reconciler, which
 * checks every working stop against the current leverage, tries again.
 */
export async function replaceBackstop(
  ctx: ExecContext,
  positionId: number,
  perpFilters: SymbolFilters,
): Promise<BackstopReplaceOutcome> {
  const position = ctx.store.positions.get(positionId);
  if (position === null) {
    return { status: 'skipped', positionId, symbol: '', stopPrice: null, message: `no position ${positionId}` };
  }
  const { symbol } = position;
  const result = (status: BackstopReplaceStatus, stopPrice: Decimal | null, message: string) => ({
    status,
    positionId,
    symbol,
    stopPrice,
    message: `${symbol}: ${message}`,
  });
  if (!ctx.execution.exchangeStopBackstop) return result('skipped', null, 'exchange-side stops are disabled');
  if (!REPLACEABLE_STATUSES.has(position.status)) {
    return result('skipped', null, `position ${positionId} is ${position.status}; its stop is not moved`);
  }
  const stopPrice = expectedBackstopPrice(ctx, position, perpFilters);
  if (stopPrice === null) return result('failed', null, `position ${positionId} has no entry price; no stop price`);
  const live = liveBackstops(ctx, positionId);
  if (live.length > 0 && backstopsCurrent(ctx, position, perpFilters)) {
    return result('unchanged', stopPrice, `the stop already sits at ${stopPrice.toFixed()} (${position.leverage}x)`);
  }

  if (live.length > 0) {
    const { intent } = ctx.store.intents.create({
      kind: 'stop_cancel',
      positionId,
      payload: {
        symbol,
        why: 'leverage change',
        leverage: position.leverage,
        clientOrderIds: live.map((o) => o.clientOrderId),
      },
    });
    ctx.store.intents.markSent(intent.id);
    const settled = await cancelBackstops(ctx, position);
    const fired = live.some((o) => !(ctx.store.orders.get(o.clientOrderId)?.executedQty.isZero() ?? true));
    if (!settled) {
      ctx.store.intents.fail(intent.id, 'a stop order could not be confirmed cancelled');
      return result('failed', stopPrice, 'the working stop could not be confirmed cancelled; no new stop placed');
    }
    ctx.store.intents.complete(intent.id);
    if (fired) {
      return result('fired', stopPrice, 'the exchange-side stop had fired; the position is settled by reconciliation');
    }
  }

  const placed = await placeBackstop(ctx, position, perpFilters);
  if (placed !== 'placed') return result('failed', stopPrice, `the new stop at ${stopPrice.toFixed()} was not placed`);
  return result('replaced', stopPrice, `stop moved to ${stopPrice.toFixed()} for ${position.leverage}x`);
}
