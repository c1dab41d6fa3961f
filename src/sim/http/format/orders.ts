/**
 * Order bodies in Aster's wire shapes (aster-api.md §4.5, §4.6).
 *
 * - `post` (new order) and `cancel` bodies carry `cumQty`; `query` bodies (GET order, openOrders) carry `time`.
 * - `ack` renders the order as it was on acceptance: status NEW, nothing executed. Aster's futures default
 *   (`newOrderRespType=ACK`) answers like that, and live spot MARKET orders come back `NEW` with zero fills, so a
 *   client must confirm fills by query or stream. `newOrderRespType=RESULT` (or FULL) returns the final state.
 * - Spot bodies look like futures ones (no `fills`, no `cummulativeQuoteQty`); live spot responses carry `orderId`
 *   and `updateTime` as strings plus `orderListId: "-1"`.
 */
import { ZERO } from '../../../domain/decimal.ts';
import type { SimOrder } from '../../engine/index.ts';
import type { SymbolPlaces } from './market.ts';
import { money, padded } from './numbers.ts';

export type OrderView = 'post' | 'query' | 'cancel';

function acceptedState(order: SimOrder): SimOrder {
  // Object.assign instead of a spread followed by more keys: V8 makes the latter a slow dictionary object (tens of
  // microseconds per order response).
  return Object.assign({}, order, {
    status: 'NEW' as const,
    executedQty: ZERO,
    cumQuote: ZERO,
    avgPrice: ZERO,
    origQty: order.origQty.isZero() && !order.executedQty.isZero() ? order.executedQty : order.origQty,
    updateTimeMs: order.timeMs,
  });
}

export function futuresOrderBody(order: SimOrder, places: SymbolPlaces, view: OrderView, ack = false): unknown {
  const o = ack ? acceptedState(order) : order;
  const body: Record<string, unknown> = {
    clientOrderId: o.clientOrderId,
    ...(view === 'query' ? {} : { cumQty: padded(o.executedQty, places.qty) }),
    cumQuote: money(o.cumQuote),
    executedQty: padded(o.executedQty, places.qty),
    orderId: o.orderId,
    // The documented cancel body has no avgPrice.
    ...(view === 'cancel' ? {} : { avgPrice: padded(o.avgPrice, Math.max(places.price, 5)) }),
    origQty: padded(o.origQty, places.qty),
    price: '0',
    reduceOnly: o.reduceOnly,
    side: o.side,
    positionSide: o.positionSide,
    status: o.status,
    stopPrice: o.stopPrice.isZero() ? '0' : padded(o.stopPrice, places.price),
    closePosition: o.closePosition,
    symbol: o.symbol,
    ...(view === 'query' ? { time: o.timeMs } : {}),
    timeInForce: o.timeInForce,
    type: o.type,
    origType: o.origType,
    updateTime: o.updateTimeMs,
    workingType: o.workingType,
    priceProtect: false,
  };
  return body;
}

export function spotOrderBody(order: SimOrder, places: SymbolPlaces, view: OrderView, ack = false): unknown {
  const o = ack ? acceptedState(order) : order;
  return {
    symbol: o.symbol,
    // Live spot responses carry the order id and times as strings.
    orderId: String(o.orderId),
    orderListId: '-1',
    clientOrderId: o.clientOrderId,
    ...(view === 'query' ? { time: o.timeMs } : {}),
    updateTime: String(o.updateTimeMs),
    price: '0',
    avgPrice: padded(o.avgPrice, 16),
    origQty: padded(o.origQty, places.qty),
    ...(view === 'query' ? {} : { cumQty: padded(o.executedQty, places.qty) }),
    executedQty: padded(o.executedQty, places.qty),
    cumQuote: money(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    stopPrice: o.stopPrice.isZero() ? '0' : padded(o.stopPrice, places.price),
    origType: o.origType,
    type: o.type,
    side: o.side,
  };
}

/** `DELETE allOpenOrders`: futures answer with the code as a STRING "200", spot with the number 200. */
export function cancelAllBody(market: 'spot' | 'perp'): unknown {
  const msg = 'The operation of cancel all open order is done.';
  return market === 'perp' ? { code: '200', msg } : { code: 200, msg };
}

export const SUCCESS_BODY = { code: 200, msg: 'success' } as const;
