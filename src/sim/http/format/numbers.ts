/**
 * How Aster writes numbers: decimals as JSON strings padded to a fixed number of places ("23.72469206",
 * "0.00010000", "0.000350"); integers as JSON numbers, except where live responses carry them as strings.
 *
 * Padding never rounds: a value with more places than the pad is written in full, so every amount the simulator
 * reports is exactly the amount in its ledger.
 */
import type { Decimal } from '../../../domain/decimal.ts';

export function padded(value: Decimal, places: number): string {
  return value.decimalPlaces() > places ? value.toFixed() : value.toFixed(places);
}

/** Strings already made for a Decimal, by places. */
const formatted = new WeakMap<Decimal, string[]>();

/**
 * `padded`, remembered per Decimal instance. Market data is shared: within one market step every all-symbols
 * request (and every stream) formats the same price and size objects, so each is written once. Decimals are
 * immutable, so a remembered string never goes stale; it goes away with its Decimal.
 */
export function paddedOnce(value: Decimal, places: number): string {
  let byPlaces = formatted.get(value);
  if (byPlaces === undefined) {
    byPlaces = [];
    formatted.set(value, byPlaces);
  }
  let text = byPlaces[places];
  if (text === undefined) {
    text = padded(value, places);
    byPlaces[places] = text;
  }
  return text;
}

/** Plain decimal string without padding ("0.001", "100000"). */
export function plain(value: Decimal): string {
  return value.toFixed();
}

const sizePlaces = new WeakMap<Decimal, number>();

/** Decimal places of a tick or step size ("0.0100" → 2, "1" → 0); remembered per (immutable) Decimal. */
export function placesOf(size: Decimal): number {
  let places = sizePlaces.get(size);
  if (places === undefined) {
    places = size.isZero() ? 0 : size.decimalPlaces();
    sizePlaces.set(size, places);
  }
  return places;
}

/** Balances and PnL: 8 places, as Aster prints them. */
export const money = (value: Decimal): string => padded(value, 8);
/** Funding rates and interest: 8 places ("0.00010000"). */
export const rate8 = (value: Decimal): string => padded(value, 8);
/** Commission rates: 6 places ("0.000350"). */
export const rate6 = (value: Decimal): string => padded(value, 6);

/**
 * Spot account `updateTime` arrives as a 19-digit string (nanoseconds) in live responses; millisecond times are
 * scaled so clients that parse it leniently see the same instant.
 */
export function nanosString(timeMs: number): string {
  return `${Math.trunc(timeMs)}000000`;
}
