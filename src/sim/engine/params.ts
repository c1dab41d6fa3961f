/**
 * Parsing of raw request parameters into typed values, with Aster's rejection for each failure. Parsers return
 * either the value or a `SimError`; callers stop at the first error, as the exchange does.
 */
import { Decimal, ZERO } from '../../domain/decimal.ts';
import type { SymbolFilters } from '../../domain/market.ts';
import type { BooleanParam, DecimalParam, SimError } from './index.ts';
import { rejections } from './rejections.ts';

/** Plain decimal notation only: Aster does not accept exponents in numeric parameters. */
const PLAIN_DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function isSimError(value: unknown): value is SimError {
  return typeof value === 'object' && value !== null && 'code' in value && 'httpStatus' in value;
}

/** undefined when absent (undefined or ''), a Decimal when well formed, -1102 when malformed. */
export function optionalDecimal(value: DecimalParam | undefined, name: string): Decimal | undefined | SimError {
  if (value === undefined || value === '') return undefined;
  if (value instanceof Decimal) return value.isFinite() ? value : rejections.mandatory(name);
  if (!PLAIN_DECIMAL.test(value)) return rejections.mandatory(name);
  return new Decimal(value);
}

export function optionalBoolean(value: BooleanParam | undefined, name: string): boolean | undefined | SimError {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return rejections.invalidParam(name);
}

export function present(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

export function validClientOrderId(id: string): boolean {
  return CLIENT_ORDER_ID.test(id);
}

/** `(value − min) % step == 0`, the rule shape of Aster's LOT_SIZE and PRICE_FILTER; a zero step disables it. */
export function onGrid(value: Decimal, min: Decimal, step: Decimal): boolean {
  if (step.isZero()) return true;
  return value.minus(min).mod(step).isZero();
}

/** The step market quantities move in: MARKET_LOT_SIZE's, or LOT_SIZE's when the market one is unset. */
export function marketStep(filters: SymbolFilters): Decimal {
  return filters.marketStepSize.isZero() ? filters.stepSize : filters.marketStepSize;
}

export function floorToStep(value: Decimal, step: Decimal): Decimal {
  if (step.isZero()) return value;
  return value.div(step).floor().times(step);
}

/**
 * MARKET_LOT_SIZE checks of a market-executed quantity: sign, minimum, maximum, then step. The step failure is -4023
 * on futures and -1111 (precision) on spot.
 */
export function checkMarketQty(qty: Decimal, filters: SymbolFilters, market: 'spot' | 'perp'): SimError | undefined {
  if (qty.lessThanOrEqualTo(ZERO)) return rejections.qtyNotPositive();
  if (qty.lessThan(filters.marketMinQty)) return rejections.qtyBelowMin();
  if (!filters.marketMaxQty.isZero() && qty.greaterThan(filters.marketMaxQty)) return rejections.qtyAboveMax();
  if (!onGrid(qty, filters.marketMinQty, filters.marketStepSize)) {
    return market === 'spot' ? rejections.badPrecision() : rejections.qtyNotOnStep();
  }
  return undefined;
}
