/**
 * Exact decimal arithmetic for every price, quantity and balance.
 *
 * One configured Decimal class is shared by the whole code base (bot and simulator) so that
 * `instanceof` checks and rounding rules agree everywhere. 40 significant digits hold any
 * Aster balance (19-digit integers, 8-decimal quantities) without loss.
 */
import { Decimal as DecimalJs } from 'decimal.js';

export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -30,
  toExpPos: 40,
});
export type Decimal = InstanceType<typeof Decimal>;

export type DecimalInput = Decimal | string | number;

export const ZERO: Decimal = new Decimal(0);
export const ONE: Decimal = new Decimal(1);

/** Builds a Decimal; throws on NaN, Infinity or a malformed string so bad data never becomes a number. */
export function dec(value: DecimalInput): Decimal {
  const d = value instanceof Decimal ? value : new Decimal(value);
  if (!d.isFinite()) throw new RangeError(`not a finite decimal: ${String(value)}`);
  return d;
}

/** Parses a string or number into a Decimal, returning undefined instead of throwing. */
export function tryDec(value: unknown): Decimal | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  if (typeof value === 'string' && value.trim() === '') return undefined;
  try {
    const d = new Decimal(value);
    return d.isFinite() ? d : undefined;
  } catch {
    return undefined;
  }
}

/** Plain decimal string, never exponent notation: what Aster accepts in `quantity`, `amount`, `stopPrice`. */
export function toPlain(value: Decimal): string {
  return value.toFixed();
}

export function minDec(a: Decimal, b: Decimal): Decimal {
  return a.lessThan(b) ? a : b;
}

export function maxDec(a: Decimal, b: Decimal): Decimal {
  return a.greaterThan(b) ? a : b;
}

export function sumDec(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}
