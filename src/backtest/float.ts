/** Decimals as floats, for ranking and sizing book levels only: never for money. */
import type { Decimal } from '../domain/decimal.ts';

/**
 * The decimal as a float, from its digits: `toNumber` goes through a string, which would cost more than everything
 * else a symbol needs per interval. Exact for the short decimals funding rates are (a single correctly rounded
 * division); within a few ulps otherwise, which the ranking's band absorbs.
 */
/** Powers of ten a double holds exactly. */
const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);

function power(exponent: number): number {
  return exponent < POWERS.length ? (POWERS[exponent] as number) : 10 ** exponent;
}

export function decimalToFloat(x: Decimal): number {
  const words = x.d;
  if (words === null || words === undefined || !Number.isFinite(x.e)) return x.toNumber();
  const first = words[0] as number;
  if (first === 0) return 0;
  let mantissa = 0;
  const used = Math.min(words.length, 4);
  for (let i = 0; i < used; i++) mantissa = mantissa * 1e7 + (words[i] as number);
  // Decimal digits of the first word: `e` is the exponent of the most significant digit.
  const leading =
    first >= 1e6 ? 7 : first >= 1e5 ? 6 : first >= 1e4 ? 5 : first >= 1e3 ? 4 : first >= 100 ? 3 : first >= 10 ? 2 : 1;
  const exponent = x.e - (leading - 1) - 7 * (used - 1);
  const magnitude = exponent >= 0 ? mantissa * power(exponent) : mantissa / power(-exponent);
  return x.s < 0 ? -magnitude : magnitude;
}
