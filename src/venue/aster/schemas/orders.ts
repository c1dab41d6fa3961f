/**
 * Order bodies of both markets: new / query / cancel return one order, openOrders (and allOrders) a list.
 *
 * The spot bodies look like the futures ones (aster-api.md §8 item 5): `executedQty`, `cumQuote`, `avgPrice`,
 * `updateTime`, no `fills` array. Differences handled here:
 * - futures `orderId` is a JSON number, spot's may be a string ("456720177");
 * - the futures cancel answer has no `avgPrice`, and the spot new-order example reports `avgPrice` "0" for a FILLED
 *   order; the average is then `cumQuote / executedQty`, the definition of an average fill price;
 * - spot orders have no `reduceOnly`; `stopPrice` may be absent on plain market orders;
 * - query answers add `time` (creation); `updateTime` is preferred, `time` used when it is missing.
 */
import { z } from 'zod';
import type { OrderRecord } from '../../../domain/account.ts';
import { type Decimal, ZERO } from '../../../domain/decimal.ts';
import type { MarketKind } from '../../../domain/market.ts';
import { parseWith } from './parse.ts';
import {
  booleanField,
  epochMsField,
  idField,
  nonEmptyStringField,
  nonNegativeDecimalField,
  orderSideField,
} from './primitives.ts';

/** Average fill price: the reported one when positive, else derived from the quote filled; zero when nothing filled. */
export function averageFillPrice(avgPrice: Decimal | undefined, executedQty: Decimal, cumQuote: Decimal): Decimal {
  if (avgPrice?.greaterThan(0)) return avgPrice;
  if (executedQty.greaterThan(0) && cumQuote.greaterThan(0)) return cumQuote.dividedBy(executedQty);
  return ZERO;
}

const orderFields = z.object({
  symbol: nonEmptyStringField,
  orderId: idField,
  clientOrderId: nonEmptyStringField,
  side: orderSideField,
  type: nonEmptyStringField,
  status: nonEmptyStringField,
  origQty: nonNegativeDecimalField,
  executedQty: nonNegativeDecimalField,
  cumQuote: nonNegativeDecimalField,
  avgPrice: nonNegativeDecimalField.optional(),
  stopPrice: nonNegativeDecimalField.optional(),
  reduceOnly: booleanField.optional(),
  updateTime: epochMsField.optional(),
  time: epochMsField.optional(),
});

function orderSchema(market: MarketKind) {
  return orderFields.transform((r, ctx): OrderRecord => {
    const updateTimeMs = r.updateTime ?? r.time;
    if (updateTimeMs === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected an epoch timestamp (no updateTime or time)',
        path: ['updateTime'],
      });
      return z.NEVER;
    }
    return {
      market,
      symbol: r.symbol,
      orderId: r.orderId,
      clientOrderId: r.clientOrderId,
      side: r.side,
      type: r.type,
      status: r.status,
      origQty: r.origQty,
      executedQty: r.executedQty,
      avgPrice: averageFillPrice(r.avgPrice, r.executedQty, r.cumQuote),
      cumQuote: r.cumQuote,
      reduceOnly: r.reduceOnly ?? false,
      stopPrice: r.stopPrice ?? ZERO,
      updateTimeMs,
    };
  });
}

const SCHEMAS = { spot: orderSchema('spot'), perp: orderSchema('perp') } as const;
const LIST_SCHEMAS = { spot: z.array(SCHEMAS.spot), perp: z.array(SCHEMAS.perp) } as const;

/** `POST order`, `GET order`, `DELETE order`, `GET openOrder`. */
export function parseOrder(body: unknown, market: MarketKind, source = `${market} order`): OrderRecord {
  return parseWith(SCHEMAS[market], body, source);
}

/** `GET openOrders` (and `GET allOrders`, which has the same rows). */
export function parseOrderList(body: unknown, market: MarketKind, source = `${market} openOrders`): OrderRecord[] {
  return parseWith(LIST_SCHEMAS[market], body, source);
}
