/**
 * Exchange-filter arithmetic: quantizing quantities to lot steps and checking a MARKET order against
 * the symbol's filters before it is sent. Parsing the filters out of exchangeInfo is the venue's job;
 * everything here works on already-validated `SymbolFilters`.
 *
 * All arithmetic is exact. A step is a decimal such as 0.001 (from the zero-padded wire string
 * "0.00100000": its precision is the step's value, never the number of characters after the point).
 */
import { type Decimal, dec, ZERO } from './decimal.ts';
import type { SymbolFilters } from './market.ts';

function assertStep(step: Decimal, name: string): void {
  if (step.isNegative()) throw new RangeError(`${name} must not be negative, got ${step.toFixed()}`);
}

/**
 * The largest multiple of `step` that is ≤ `value` (toward −∞). A zero step means the rule is
 * disabled, as Aster encodes "no step": the value is returned unchanged.
 *
 * `divToInt` is exact in decimal.js (it never rounds the integer part), so 0.3 with step 0.1 stays 0.3
 * and 0.29 with step 0.01 stays 0.29, which float truncation does not guarantee.
 */
export function quantizeDown(value: Decimal, step: Decimal): Decimal {
  assertStep(step, 'step');
  if (step.isZero()) return value;
  const whole = value.divToInt(step);
  const down = whole.times(step);
  return down.greaterThan(value) ? down.minus(step) : down;
}

/** The smallest multiple of `step` that is ≥ `value`. A zero step returns the value unchanged. */
export function quantizeUp(value: Decimal, step: Decimal): Decimal {
  assertStep(step, 'step');
  if (step.isZero()) return value;
  const down = quantizeDown(value, step);
  return down.equals(value) ? down : down.plus(step);
}

/**
 * True when `value − base` is a whole number of steps. Aster states the LOT_SIZE rule like the price
 * rule, `(quantity − minQty) % stepSize == 0`, so `base` is the filter's minimum (zero by default).
 */
export function isStepMultiple(value: Decimal, step: Decimal, base: Decimal = ZERO): boolean {
  assertStep(step, 'step');
  if (step.isZero()) return true;
  return value.minus(base).mod(step).isZero();
}

function gcdInt(a: Decimal, b: Decimal): Decimal {
  let x = a.abs();
  let y = b.abs();
  while (!y.isZero()) {
    const r = x.mod(y);
    x = y;
    y = r;
  }
  return x;
}

/**
 * The smallest positive step that is a multiple of both steps: their least common multiple as decimals
 * (0.3 and 0.2 → 0.6; 0.001 and 0.01 → 0.01). A quantity that is a multiple of it is valid on both
 * markets even when neither step divides the other. A zero step imposes no rule, so the other wins.
 */
export function commonStep(a: Decimal, b: Decimal): Decimal {
  assertStep(a, 'first step');
  assertStep(b, 'second step');
  if (a.isZero()) return b;
  if (b.isZero()) return a;
  // Scale both to integers by the larger number of decimal places; the LCM of the integers, scaled back, is exact.
  const scale = dec(10).pow(Math.max(a.decimalPlaces(), b.decimalPlaces()));
  const aInt = a.times(scale);
  const bInt = b.times(scale);
  const lcm = aInt.div(gcdInt(aInt, bInt)).times(bInt);
  return lcm.div(scale);
}

/** The largest quantity ≤ `value` that both markets accept as a MARKET-order step multiple. */
export function quantizeForBoth(value: Decimal, spot: SymbolFilters, perp: SymbolFilters): Decimal {
  return quantizeDown(value, commonStep(spot.marketStepSize, perp.marketStepSize));
}

export type OrderRejectReason =
  | 'non_positive_qty'
  | 'non_positive_price'
  | 'not_step_multiple'
  | 'below_min_qty'
  | 'above_max_qty'
  | 'below_min_notional'
  | 'above_max_notional';

export type OrderCheck =
  | { ok: true; notional: Decimal }
  | {
      ok: false;
      reason: OrderRejectReason;
      /** Human-readable, naming the quantity and the limit. */
      message: string;
      /** The filter value the order broke (zero for the non-positive checks). */
      limit: Decimal;
    };

export interface MarketOrderCheckInput {
  quantity: Decimal;
  /**
   * The price the exchange checks notional against. Futures MIN_NOTIONAL is checked at the mark
   * price for MARKET orders; for spot pass the price the order is expected to fill at.
   */
  referencePrice: Decimal;
  /** Reduce-only perp orders are exempt from MIN_NOTIONAL on Aster (error -4164 says so). */
  reduceOnly?: boolean;
}

function reject(reason: OrderRejectReason, message: string, limit: Decimal): OrderCheck {
  return { ok: false, reason, message, limit };
}

/**
 * Checks a MARKET order the way the exchange will: MARKET_LOT_SIZE (`market*` fields, which the venue
 * fills from LOT_SIZE when a symbol has none), then MIN_NOTIONAL / max notional. Zero bounds are
 * disabled rules. Returns the first broken rule, so a caller can log exactly why nothing was sent.
 */
export function checkMarketOrder(filters: SymbolFilters, input: MarketOrderCheckInput): OrderCheck {
  const { quantity: qty, referencePrice: price } = input;
  if (!qty.isPositive() || qty.isZero()) {
    return reject('non_positive_qty', `quantity ${qty.toFixed()} must be positive`, ZERO);
  }
  if (!price.isPositive() || price.isZero()) {
    return reject('non_positive_price', `reference price ${price.toFixed()} must be positive`, ZERO);
  }
  const step = filters.marketStepSize;
  if (!isStepMultiple(qty, step, filters.marketMinQty)) {
    return reject(
      'not_step_multiple',
      `quantity ${qty.toFixed()} is not a multiple of step ${step.toFixed()} above min ${filters.marketMinQty.toFixed()}`,
      step,
    );
  }
  if (!filters.marketMinQty.isZero() && qty.lessThan(filters.marketMinQty)) {
    return reject(
      'below_min_qty',
      `quantity ${qty.toFixed()} is below the minimum ${filters.marketMinQty.toFixed()}`,
      filters.marketMinQty,
    );
  }
  if (!filters.marketMaxQty.isZero() && qty.greaterThan(filters.marketMaxQty)) {
    return reject(
      'above_max_qty',
      `quantity ${qty.toFixed()} is above the maximum ${filters.marketMaxQty.toFixed()}`,
      filters.marketMaxQty,
    );
  }
  const notional = qty.times(price);
  if (input.reduceOnly !== true && !filters.minNotional.isZero() && notional.lessThan(filters.minNotional)) {
    return reject(
      'below_min_notional',
      `notional ${notional.toFixed()} (${qty.toFixed()} × ${price.toFixed()}) is below the minimum ${filters.minNotional.toFixed()}`,
      filters.minNotional,
    );
  }
  if (!filters.maxNotional.isZero() && notional.greaterThan(filters.maxNotional)) {
    return reject(
      'above_max_notional',
      `notional ${notional.toFixed()} (${qty.toFixed()} × ${price.toFixed()}) is above the maximum ${filters.maxNotional.toFixed()}`,
      filters.maxNotional,
    );
  }
  return { ok: true, notional };
}
