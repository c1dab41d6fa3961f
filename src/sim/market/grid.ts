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

/**
 * A step that is a power of ten (every synthetic tick and lot size, and real ones), kept with its float value and
 * exponent so that prices and quantities can be computed as integer multiples in float arithmetic and turned into
 * Decimals only when read. Values are exactly those of `quantize`: the same float ratio and rounding pick the same
 * multiple, and a multiple's float (`gridNumber`) is the correctly rounded value of the exact decimal, as
 * `Decimal.toNumber()` is.
 */
export interface PowerGrid {
  step: Decimal;
  value: number;
  exponent: number;
}

const grids = new WeakMap<Decimal, PowerGrid | null>();

/** The grid of `step` when it is 10^k for |k| ≤ 22 (so 10^|k| is an exact float), else null. */
export function powerGrid(step: Decimal): PowerGrid | null {
  let grid = grids.get(step);
  if (grid === undefined) {
    const exponent = step.isZero() ? 0 : step.e;
    grid =
      !step.isZero() && Math.abs(exponent) <= 22 && step.equals(powerOfTen(exponent))
        ? { step, value: step.toNumber(), exponent }
        : null;
    grids.set(step, grid);
  }
  return grid;
}

/** The multiple of the grid step that `quantize(value, step, rounding)` picks. */
export function gridUnits(value: number, grid: PowerGrid, rounding: Rounding): number {
  const ratio = value / grid.value;
  return rounding === 'floor'
    ? Math.floor(ratio + 1e-9)
    : rounding === 'ceil'
      ? Math.ceil(ratio - 1e-9)
      : Math.round(ratio);
}

/** units × step as an exact Decimal. */
export function gridDecimal(units: number, grid: PowerGrid): Decimal {
  return new Decimal(`${units}e${grid.exponent}`);
}

/**
 * units × step as the nearest float: one correctly rounded IEEE operation on two exact floats (an integer below
 * 2^53 and 10^|k|), hence the same float as parsing the exact decimal.
 */
export function gridNumber(units: number, grid: PowerGrid): number {
  return grid.exponent >= 0 ? units * 10 ** grid.exponent : units / 10 ** -grid.exponent;
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
