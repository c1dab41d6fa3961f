/**
 * Single corrective orders: the strategy's `repair` decisions (trim an imbalanced leg, close an unrecorded naked
 * short or long perp) and the reconciler's own fixes. Each is an intent with one leg, persisted before it is sent,
 * retried like any leg, and applied to the position's record once its fills are known.
 *
 * A repair never adds risk: perp orders that shrink a position are reduce-only; the only growing order the
 * strategy may ask for (extending a short to match a spot leg too small to sell) is sized by the strategy.
 */
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import type { MarketInfo } from '../../domain/market.ts';
import { describeError } from '../../errors.ts';
import type { Position } from '../../store/index.ts';
import type { RepairDecision, RepairOrder } from '../../strategy/decision.ts';
import { closedFigures, feeRates } from './accounting.ts';
import type { ExecContext } from './context.ts';
import { Deadline } from './deadline.ts';
import { commissionIn } from './fills.ts';
import { runLegs } from './legs.ts';
import { pairMarket } from './market.ts';
import type { RepairOutcome } from './types.ts';

export interface RepairResult {
  executedQty: Decimal;
  complete: boolean;
  unknown: boolean;
  message: string;
}

/** Sends one corrective order and follows it; updates the linked position's quantities by what executed. */
export async function sendRepairOrder(
  ctx: ExecContext,
  order: RepairOrder,
  position: Position | null,
  market: MarketInfo,
  referencePrice: Decimal,
  reason: string,
): Promise<RepairResult> {
  const filters = market.filters;
  const { store, execution, clock } = ctx;
  const { intent } = store.intents.create({
    kind: 'repair',
    positionId: position?.id ?? null,
    payload: {
      reason,
      symbol: order.symbol,
      market: order.market,
      side: order.side,
      quantity: order.quantity.toFixed(),
    },
    orders: [
      {
        leg: order.market,
        market: order.market,
        symbol: order.symbol,
        side: order.side,
        type: 'MARKET',
        quantity: order.quantity,
        reduceOnly: order.reduceOnly,
      },
    ],
  });
  store.intents.markSent(intent.id);
  const [result] = await runLegs(
    ctx,
    intent.id,
    [
      {
        leg: order.market,
        market: order.market,
        symbol: order.symbol,
        side: order.side,
        reduceOnly: order.reduceOnly,
        targetQty: order.quantity,
        filters,
        referencePrice,
      },
    ],
    {
      deadline: Deadline.after(clock, execution.legTimeoutMs),
      maxRepairs: execution.maxLegRepairAttempts,
      purpose: 'repair',
    },
  );
  if (result === undefined) return { executedQty: ZERO, complete: false, unknown: false, message: 'nothing sent' };
  const executed = result.executedQty;
  for (const o of result.orders) {
    if (!o.executedQty.isZero())
      await ctx.fills.recordOrder(o, { baseAsset: market.baseAsset, quoteAsset: market.quoteAsset });
  }
  if (position !== null && !executed.isZero())
    applyToPosition(
      ctx,
      position,
      order,
      result.orders.map((o) => o.clientOrderId),
      executed,
    );
  if (result.unknown) {
    store.intents.recordError(intent.id, 'outcome unknown');
  } else if (executed.isZero()) {
    store.intents.fail(intent.id, result.lastError ?? 'not executed');
  } else {
    store.intents.complete(intent.id);
  }
  const message = `${order.market} ${order.side} ${order.symbol} ${executed.toFixed()}/${order.quantity.toFixed()}${
    result.unknown ? ' (outcome unknown)' : ''
  }`;
  return { executedQty: executed, complete: result.complete && !result.unknown, unknown: result.unknown, message };
}

function applyToPosition(
  ctx: ExecContext,
  position: Position,
  order: RepairOrder,
  clientOrderIds: string[],
  executed: Decimal,
): void {
  const { store } = ctx;
  const current = store.positions.require(position.id);
  if (order.market === 'perp') {
    const perpQty = order.side === 'BUY' ? current.perpQty.minus(executed) : current.perpQty.plus(executed);
    store.positions.update(position.id, { perpQty: perpQty.isNegative() ? ZERO : perpQty });
    return;
  }
  const fills = clientOrderIds.flatMap((id) => store.fills.byOrder(id));
  const received = order.side === 'BUY' ? executed.minus(commissionIn(fills, current.baseAsset)) : executed.negated();
  const spotQtyNet = current.spotQtyNet.plus(received);
  store.positions.update(position.id, { spotQtyNet: spotQtyNet.isNegative() ? ZERO : spotQtyNet });
}

/** Records a position the exchange no longer holds as closed, with the PnL its recorded fills support. */
export async function closeVanished(ctx: ExecContext, position: Position, reason: string): Promise<void> {
  const { store, clock } = ctx;
  if (position.status === 'adopted') {
    store.positions.markFailed(position.id, { closedAtMs: clock.nowMs(), reason });
    return;
  }
  const rates = await feeRates(ctx, position.spotSymbol, position.symbol);
  let current = position;
  if (current.status === 'open') current = store.positions.markClosing(position.id, reason);
  const figures = closedFigures(store, current, rates);
  store.positions.markClosed(position.id, {
    closedAtMs: clock.nowMs(),
    exitSpotQty: figures.exitSpotQty,
    exitPerpQty: figures.exitPerpQty,
    exitSpotAvgPrice: figures.exitSpotAvgPrice,
    exitPerpAvgPrice: figures.exitPerpAvgPrice,
    exitFeesUsdt: figures.exitFeesUsdt,
    volumeUsdt: figures.volumeUsdt,
    pnl: figures.pnl,
    closeReason: reason,
  });
  ctx.emit({
    type: 'warning',
    code: 'position_gone',
    message: `${position.symbol}: position ${position.id} is no longer on the exchange; recorded as closed (${reason})`,
  });
}

export async function executeRepair(
  ctx: ExecContext,
  decision: RepairDecision,
  signal?: AbortSignal,
): Promise<RepairOutcome> {
  const { store, venue, params } = ctx;
  const symbol = decision.symbol;
  if (signal?.aborted) return { status: 'skipped', symbol, message: `${symbol}: stopping` };
  const active = store.positions.active();
  const position = active !== null && active.symbol === symbol ? active : null;
  if (decision.order === null) {
    if (position === null) return { status: 'skipped', symbol, message: `${symbol}: no recorded position to update` };
    await closeVanished(ctx, position, decision.reason);
    return { status: 'done', symbol, message: decision.message };
  }
  let snapshot: Awaited<ReturnType<typeof venue.scanSnapshot>>;
  try {
    snapshot = await venue.scanSnapshot();
  } catch (error) {
    return { status: 'skipped', symbol, message: `${symbol}: market data unavailable: ${describeError(error)}` };
  }
  const perpMarket = snapshot.perpMarkets.find((m) => m.symbol === symbol);
  const spotSymbol = position?.spotSymbol ?? (decision.order.market === 'spot' ? decision.order.symbol : undefined);
  const spotMarket =
    spotSymbol !== undefined
      ? snapshot.spotMarkets.find((m) => m.symbol === spotSymbol)
      : snapshot.spotMarkets.find(
          (m) => m.baseAsset === perpMarket?.baseAsset && m.quoteAsset === perpMarket?.quoteAsset,
        );
  const market =
    perpMarket !== undefined && spotMarket !== undefined
      ? pairMarket(snapshot, symbol, spotMarket.symbol, params.defaultFundingIntervalHours)
      : null;
  const orderMarket = decision.order.market === 'perp' ? perpMarket : spotMarket;
  if (orderMarket === undefined)
    return { status: 'skipped', symbol, message: `${symbol}: no exchange info for ${decision.order.symbol}` };
  const ref =
    decision.order.market === 'perp'
      ? (market?.perpMark ?? ZERO)
      : ((decision.order.side === 'BUY' ? market?.spotAsk : market?.spotBid) ?? ZERO);
  const result = await sendRepairOrder(ctx, decision.order, position, orderMarket, ref, decision.reason);
  if (result.complete) return { status: 'done', symbol, message: result.message };
  return { status: 'failed', symbol, message: result.message };
}
