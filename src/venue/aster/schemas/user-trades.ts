/**
 * `GET userTrades` of both markets: the account's fills.
 *
 * - `commission` is the fee paid. The futures docs show it negative ("-0.07819010"), live captures positive; the
 *   sign carries no information, so the absolute value is kept.
 * - Spot rows have no `realizedPnl` (zero) and, like futures, carry `side`; when `side` is missing it is derived
 *   from `buyer`.
 * - `quoteQty` is price × qty when absent.
 */
import { z } from 'zod';
import type { UserTrade } from '../../../domain/account.ts';
import { ZERO } from '../../../domain/decimal.ts';
import type { MarketKind } from '../../../domain/market.ts';
import { parseWith } from './parse.ts';
import {
  booleanField,
  decimalField,
  epochMsField,
  idField,
  nonEmptyStringField,
  nonNegativeDecimalField,
  orderSideField,
  positiveDecimalField,
  textField,
} from './primitives.ts';

const tradeFields = z.object({
  symbol: nonEmptyStringField,
  id: idField,
  orderId: idField,
  side: orderSideField.optional(),
  buyer: booleanField.optional(),
  price: positiveDecimalField,
  qty: nonNegativeDecimalField,
  quoteQty: nonNegativeDecimalField.optional(),
  commission: decimalField,
  commissionAsset: textField,
  realizedPnl: decimalField.optional(),
  maker: booleanField,
  time: epochMsField,
});

function tradeSchema(market: MarketKind) {
  return tradeFields.transform((r, ctx): UserTrade => {
    const side = r.side ?? (r.buyer === undefined ? undefined : r.buyer ? 'BUY' : 'SELL');
    if (side === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected one of BUY, SELL (and no buyer flag)', path: ['side'] });
      return z.NEVER;
    }
    return {
      market,
      symbol: r.symbol,
      id: r.id,
      orderId: r.orderId,
      side,
      price: r.price,
      qty: r.qty,
      quoteQty: r.quoteQty ?? r.price.times(r.qty),
      commission: r.commission.abs(),
      commissionAsset: r.commissionAsset,
      realizedPnl: r.realizedPnl ?? ZERO,
      maker: r.maker,
      timeMs: r.time,
    };
  });
}

const LIST_SCHEMAS = { spot: z.array(tradeSchema('spot')), perp: z.array(tradeSchema('perp')) } as const;

export function parseUserTrades(body: unknown, market: MarketKind, source = `${market} userTrades`): UserTrade[] {
  return parseWith(LIST_SCHEMAS[market], body, source);
}
