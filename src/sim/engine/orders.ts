/** Order records shared by both markets: creation, client-id rules, fill bookkeeping and order events. */
import type { PositionSide } from '../../domain/account.ts';
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import type { MarketKind } from '../../domain/market.ts';
import type { AccountState } from './account.ts';
import type { EngineCore } from './core.ts';
import type { SimError, SimOrder, SimOrderEvent, SimOrderType } from './index.ts';
import { present, validClientOrderId } from './params.ts';
import { rejections } from './rejections.ts';

export interface NewOrderFields {
  market: MarketKind;
  symbol: string;
  side: 'BUY' | 'SELL';
  positionSide: PositionSide;
  type: SimOrderType;
  timeInForce: string;
  origQty: Decimal;
  quoteOrderQty: Decimal;
  stopPrice: Decimal;
  reduceOnly: boolean;
  closePosition: boolean;
  workingType: 'MARK_PRICE' | 'CONTRACT_PRICE';
  isLiquidation: boolean;
}

/**
 * The client id to use: the caller's, checked, or a generated one. A client id may be reused once the earlier order
 * with it is final; reusing the id of an order that is still open is rejected.
 */
export function resolveClientOrderId(
  account: AccountState,
  market: MarketKind,
  requested: string | undefined,
): string | SimError | undefined {
  if (!present(requested)) return undefined;
  if (!validClientOrderId(requested)) return rejections.invalidClientOrderId();
  const previousId = account.byClientId[market].get(requested);
  const previous = previousId === undefined ? undefined : account.orders[market].get(previousId);
  if (previous && (previous.status === 'NEW' || previous.status === 'PARTIALLY_FILLED')) {
    return rejections.duplicateClientOrderId();
  }
  return requested;
}

/** Creates, stores and announces (execType NEW) an order. */
export function createOrder(
  core: EngineCore,
  account: AccountState,
  fields: NewOrderFields,
  clientOrderId: string | undefined,
): SimOrder {
  const orderId = core.nextOrderId(fields.market);
  const order: SimOrder = {
    accountId: account.id,
    ...fields,
    orderId,
    clientOrderId: clientOrderId ?? (fields.isLiquidation ? `autoclose-${orderId}` : `sim-${orderId}`),
    origType: fields.type,
    status: 'NEW',
    executedQty: ZERO,
    cumQuote: ZERO,
    avgPrice: ZERO,
    price: ZERO,
    timeMs: core.nowMs,
    updateTimeMs: core.nowMs,
  };
  account.orders[fields.market].set(orderId, order);
  account.byClientId[fields.market].set(order.clientOrderId, orderId);
  emitOrder(core, order, 'NEW');
  return order;
}

export function snapshot(order: SimOrder): SimOrder {
  return { ...order };
}

export interface FillReport {
  qty: Decimal;
  price: Decimal;
  commission: Decimal;
  commissionAsset: string;
  realizedPnl: Decimal;
  tradeId: number;
}

/** Adds a fill to the order's totals and announces it. */
export function recordOrderFill(
  core: EngineCore,
  order: SimOrder,
  fill: FillReport,
  execType: 'TRADE' | 'CALCULATED',
): void {
  order.executedQty = order.executedQty.plus(fill.qty);
  order.cumQuote = order.cumQuote.plus(fill.qty.times(fill.price));
  order.avgPrice = order.cumQuote.div(order.executedQty).toDecimalPlaces(8);
  order.status = order.executedQty.greaterThanOrEqualTo(order.origQty) ? 'FILLED' : 'PARTIALLY_FILLED';
  order.updateTimeMs = core.nowMs;
  emitOrder(core, order, execType, fill);
}

/**
 * Ends a market order: whatever was not filled expires, as an IOC order's remainder does. `bookExhausted` expires
 * a quote-sized order whose computed quantity filled but whose budget the book could not absorb.
 */
export function finishMarketOrder(core: EngineCore, order: SimOrder, bookExhausted = false): void {
  if (order.status === 'FILLED' && !bookExhausted) return;
  order.status = 'EXPIRED';
  order.updateTimeMs = core.nowMs;
  emitOrder(core, order, 'EXPIRED');
}

export function cancelOrder(core: EngineCore, account: AccountState, order: SimOrder): void {
  order.status = 'CANCELED';
  order.updateTimeMs = core.nowMs;
  account.stops.delete(order.orderId);
  emitOrder(core, order, 'CANCELED');
}

export function emitOrder(
  core: EngineCore,
  order: SimOrder,
  execType: SimOrderEvent['execType'],
  fill?: FillReport,
): void {
  core.emit({
    type: 'order',
    accountId: order.accountId,
    market: order.market,
    timeMs: core.nowMs,
    execType,
    order: snapshot(order),
    lastFillQty: fill?.qty ?? ZERO,
    lastFillPrice: fill?.price ?? ZERO,
    commission: fill?.commission ?? ZERO,
    commissionAsset: fill && !fill.commission.isZero() ? fill.commissionAsset : '',
    realizedPnl: fill?.realizedPnl ?? ZERO,
    tradeId: fill?.tradeId ?? 0,
    maker: false,
  });
}
