/** Order entry, query and cancellation on both markets. */
import type { OrderParams, OrderRef } from '../../engine/index.ts';
import { apiErrors } from '../api-error.ts';
import { type HandlerContext, placesOf, unwrap } from '../context.ts';
import { cancelAllBody, futuresOrderBody, type OrderView, spotOrderBody } from '../format/orders.ts';
import { optional, type RequestParams, required } from '../params.ts';

const ORDER_FIELDS = [
  'symbol',
  'side',
  'type',
  'positionSide',
  'quantity',
  'quoteOrderQty',
  'stopPrice',
  'reduceOnly',
  'closePosition',
  'workingType',
  'newClientOrderId',
  'timeInForce',
  'price',
] as const;

function orderParams(params: RequestParams): OrderParams {
  const out: Record<string, string> = {};
  for (const field of ORDER_FIELDS) {
    const value = optional(params, field);
    if (value !== undefined) out[field] = value;
  }
  return out as OrderParams;
}

function orderRef(params: RequestParams): OrderRef {
  const orderId = optional(params, 'orderId');
  const origClientOrderId = optional(params, 'origClientOrderId');
  if (orderId === undefined && origClientOrderId === undefined) {
    throw apiErrors.eitherMandatory('orderId', 'origClientOrderId');
  }
  return {
    ...(orderId === undefined ? {} : { orderId }),
    ...(origClientOrderId === undefined ? {} : { origClientOrderId }),
  };
}

function body(ctx: HandlerContext, order: Parameters<typeof futuresOrderBody>[0], view: OrderView, ack = false) {
  const places = placesOf(ctx, order.symbol);
  return ctx.market === 'perp' ? futuresOrderBody(order, places, view, ack) : spotOrderBody(order, places, view, ack);
}

/**
 * `newOrderRespType`: futures take ACK (default) or RESULT; spot lists ACK, RESULT and FULL. Live spot MARKET
 * orders answer like ACK by default (status NEW, nothing executed), so ACK is the default on both markets.
 */
function wantsResult(ctx: HandlerContext): boolean {
  const type = optional(ctx.params, 'newOrderRespType') ?? 'ACK';
  const allowed = ctx.market === 'perp' ? ['ACK', 'RESULT'] : ['ACK', 'RESULT', 'FULL'];
  if (!allowed.includes(type)) throw apiErrors.invalidParam('newOrderRespType');
  return type !== 'ACK';
}

export function newOrder(ctx: HandlerContext): unknown {
  const result = wantsResult(ctx);
  const options = ctx.partialFraction === undefined ? {} : { fillFraction: ctx.partialFraction };
  const order = unwrap(ctx.engine.placeOrder(ctx.account, ctx.market, orderParams(ctx.params), options));
  return body(ctx, order, 'post', !result);
}

export function queryOrder(ctx: HandlerContext): unknown {
  const symbol = required(ctx.params, 'symbol');
  return body(ctx, unwrap(ctx.engine.getOrder(ctx.account, ctx.market, symbol, orderRef(ctx.params))), 'query');
}

export function cancelOrder(ctx: HandlerContext): unknown {
  const symbol = required(ctx.params, 'symbol');
  return body(ctx, unwrap(ctx.engine.cancelOrder(ctx.account, ctx.market, symbol, orderRef(ctx.params))), 'cancel');
}

export function openOrders(ctx: HandlerContext): unknown {
  const orders = unwrap(ctx.engine.openOrders(ctx.account, ctx.market, optional(ctx.params, 'symbol')));
  return orders.map((o) => body(ctx, o, 'query'));
}

/** `GET openOrder`: the order if it is still open, else "Order does not exist." */
export function openOrder(ctx: HandlerContext): unknown {
  const symbol = required(ctx.params, 'symbol');
  const order = unwrap(ctx.engine.getOrder(ctx.account, ctx.market, symbol, orderRef(ctx.params)));
  if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') throw apiErrors.noSuchOrder();
  return body(ctx, order, 'query');
}

export function cancelAllOpenOrders(ctx: HandlerContext): unknown {
  unwrap(ctx.engine.cancelAllOrders(ctx.account, ctx.market, required(ctx.params, 'symbol')));
  return cancelAllBody(ctx.market);
}
