/** Number formatting for the human-readable messages that accompany every machine reason. */
import type { Decimal } from '../domain/decimal.ts';

/** Fixed decimals, rounded half-even like the rest of the code base, never exponent notation. */
export function fixed(value: Decimal, decimals: number): string {
  return value.toFixed(decimals);
}

/** A percentage with two decimals: "12.34%". */
export function pctText(value: Decimal): string {
  return `${value.toFixed(2)}%`;
}

/** A USDT amount with two decimals: "$1234.57". */
export function usdText(value: Decimal): string {
  return `$${value.toFixed(2)}`;
}

/** A per-interval funding rate as a percentage with four decimals: 0.0001 → "0.0100%". */
export function rateText(rate: Decimal): string {
  return `${rate.times(100).toFixed(4)}%`;
}

/** Hours with one decimal: "4.5h". */
export function hoursText(hours: number): string {
  return `${hours.toFixed(1)}h`;
}
