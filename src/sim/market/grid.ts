/**
 * From model numbers to exchange numbers: market models work in floats, but every price and quantity they publish is
 * a Decimal on the symbol's tick or step grid, and filters follow the conventions of real listings.
 */
import { Decimal } from '../../domain/decimal.ts';
import type { SymbolFilters } from '../../domain/market.ts';

export type Rounding = 'floor' | 'ceil' | 'round';

/** `value` as an exact multiple of `step` (the multiplier is an integer, so the result is exact). */
export function quantize(value: number, step: Decimal, rounding: Rounding): Decimal {
  const ratio = value / step.toNumber();
  // A hair of tolerance keeps 2.9999999999 from flooring to 2 after float division.
  const n =
    rounding === 'floor' ? Math.floor(ratio + 1e-9) : rounding === 'ceil' ? Math.ceil(ratio - 1e-9) : Math.round(ratio);
  return step.times(n);
}

/** 10^exponent, exactly. */
export function powerOfTen(exponent: number): Decimal {
  return new Decimal(10).pow(exponent);
}

export interface FilterConventions {
  /** Significant digits a price is quoted with (tick = 10^(⌊log10 p⌋ − digits + 1)). */
  priceDigits: number;
  /** Roughly the quote value of one quantity step. */
  stepValue: number;
  minNotional: Decimal;
  /**
   * Largest order value in quote (spot MAX_NOTIONAL / NOTIONAL `maxNotional`); zero means unlimited, as on perps,
   * whose size is bounded by the leverage bracket instead. Default zero.
   */
  maxNotional?: Decimal;
}

/** Aster's spot listings publish a 9 000 000 USDT order-value ceiling (MAX_NOTIONAL and NOTIONAL `maxNotional`). */
export const SPOT_MAX_NOTIONAL = new Decimal(9_000_000);

/** Realistic filters for a symbol trading around `referencePrice`. */
export function filtersFor(referencePrice: number, conventions: FilterConventions): SymbolFilters {
  const magnitude = Math.floor(Math.log10(referencePrice));
  const tickSize = powerOfTen(magnitude - conventions.priceDigits + 1);
  const stepSize = powerOfTen(Math.ceil(Math.log10(conventions.stepValue / referencePrice)));
  const maxQty = powerOfTen(Math.ceil(Math.log10(50_000_000 / referencePrice)));
  return {
    tickSize,
    minPrice: tickSize,
    maxPrice: powerOfTen(Math.ceil(Math.log10(referencePrice * 1000))),
    stepSize,
    minQty: stepSize,
    maxQty,
    marketStepSize: stepSize,
    marketMinQty: stepSize,
    // Market orders may be a tenth the size of limit orders, as on real listings.
    marketMaxQty: maxQty.div(10),
    minNotional: conventions.minNotional,
    maxNotional: conventions.maxNotional ?? new Decimal(0),
  };
}
