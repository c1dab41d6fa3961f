/**
 * Market orders take liquidity level by level from the opposite side of the book: the average price gets worse with
 * size (slippage), and when the book runs out the order is only partly filled. Each level taken is one fill (one
 * user trade), as on a real matching engine.
 */
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import type { BookLevel } from '../market/types.ts';
import { floorToStep } from './params.ts';

export interface Fill {
  price: Decimal;
  qty: Decimal;
}

export interface Walk {
  fills: Fill[];
  qty: Decimal;
  quote: Decimal;
}

/** Takes up to `qty` from `levels` (best first). */
export function walkByQty(levels: readonly BookLevel[], qty: Decimal): Walk {
  const fills: Fill[] = [];
  let remaining = qty;
  let quote = ZERO;
  for (const level of levels) {
    if (remaining.lessThanOrEqualTo(ZERO)) break;
    const take = level.qty.lessThan(remaining) ? level.qty : remaining;
    if (take.isZero()) continue;
    fills.push({ price: level.price, qty: take });
    quote = quote.plus(take.times(level.price));
    remaining = remaining.minus(take);
  }
  return { fills, qty: qty.minus(remaining), quote };
}

/**
 * Takes liquidity until `quoteBudget` is spent (spot `quoteOrderQty`), in whole steps of `stepSize`: a level is taken
 * only as far as the remaining budget buys whole steps.
 */
export function walkByQuote(levels: readonly BookLevel[], quoteBudget: Decimal, stepSize: Decimal): Walk {
  const fills: Fill[] = [];
  let remaining = quoteBudget;
  let qty = ZERO;
  for (const level of levels) {
    const affordable = floorToStep(remaining.div(level.price), stepSize);
    const take = level.qty.lessThan(affordable) ? level.qty : affordable;
    if (take.lessThanOrEqualTo(ZERO)) break;
    fills.push({ price: level.price, qty: take });
    const cost = take.times(level.price);
    remaining = remaining.minus(cost);
    qty = qty.plus(take);
  }
  return { fills, qty, quote: quoteBudget.minus(remaining) };
}

/**
 * The part of `qty` an order may trade when only `fraction` of it is available (a partial fill): floored to `step`,
 * but at least one step, so the order always trades something (an order of one step trades it whole).
 */
export function fractionOf(qty: Decimal, fraction: Decimal, step: Decimal): Decimal {
  const part = floorToStep(qty.times(fraction), step);
  if (part.greaterThan(ZERO)) return part.lessThan(qty) ? part : qty;
  return step.greaterThan(ZERO) && step.lessThan(qty) ? step : qty;
}

/** The levels left after `fills` consumed them from the front of `levels`. */
export function consume(levels: readonly BookLevel[], fills: readonly Fill[]): BookLevel[] {
  const out = levels.map((l) => ({ price: l.price, qty: l.qty }));
  for (const fill of fills) {
    const level = out.find((l) => l.price.equals(fill.price));
    if (level) level.qty = level.qty.minus(fill.qty);
  }
  return out.filter((l) => l.qty.greaterThan(ZERO));
}

export function averagePrice(walk: Walk): Decimal {
  return walk.qty.isZero() ? ZERO : walk.quote.div(walk.qty);
}
