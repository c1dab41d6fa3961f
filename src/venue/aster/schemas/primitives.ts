/**
 * Lenient leaf parsers for Aster response fields, as plain converters and as zod schemas.
 *
 * Aster is loose about types: decimals arrive as JSON strings (and a few as JSON numbers, e.g. fundingInfo caps),
 * integers the docs type as numbers come back as strings in live responses (orderId, time, updateTime, feeTier,
 * count, serverTime), and booleans are sometimes the strings "true"/"false" (positionRisk `isAutoAddMargin`).
 * Every converter accepts all of these forms and nothing else: an empty string, null, NaN, hex, "Infinity" or a
 * missing value where a number is required is a problem, never a silent zero.
 *
 * The converters return a `Conversion` instead of throwing so that the zod wrappers can report the problem at the
 * exact path inside the body, and so hand-written walkers (exchangeInfo filters) can reuse them.
 */
import { z } from 'zod';
import { Decimal } from '../../../domain/decimal.ts';

export type Conversion<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Conversion<T> => ({ ok: true, value });
const fail = <T>(problem: string): Conversion<T> => ({ ok: false, problem });

/** Plain decimal notation, optionally signed, optionally with an exponent. Rejects hex, binary, "NaN", "Infinity". */
const DECIMAL_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER_TEXT = /^[+-]?\d+$/;

export type DecimalBound = 'any' | 'nonNegative' | 'positive';

const DECIMAL_EXPECTATION: Record<DecimalBound, string> = {
  any: 'expected a decimal (number or numeric string)',
  nonNegative: 'expected a non-negative decimal (number or numeric string)',
  positive: 'expected a positive decimal (number or numeric string)',
};

export function toDecimal(value: unknown, bound: DecimalBound = 'any'): Conversion<Decimal> {
  let d: Decimal;
  if (typeof value === 'string') {
    if (!DECIMAL_TEXT.test(value)) return fail(DECIMAL_EXPECTATION[bound]);
    d = new Decimal(value);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail(DECIMAL_EXPECTATION[bound]);
    d = new Decimal(value);
  } else {
    return fail(DECIMAL_EXPECTATION[bound]);
  }
  if (bound === 'nonNegative' && d.isNegative() && !d.isZero()) return fail('must not be negative');
  if (bound === 'positive' && !d.greaterThan(0)) return fail('must be greater than zero');
  return ok(d);
}

/** A decimal, or null when the exchange sends null or omits the key (fundingInfo caps on symbols without one). */
export function toDecimalOrNull(value: unknown): Conversion<Decimal | null> {
  if (value === null || value === undefined) return ok(null);
  return toDecimal(value, 'any');
}

export interface IntegerBounds {
  min?: number;
  max?: number;
}

export function toInteger(value: unknown, bounds: IntegerBounds = {}): Conversion<number> {
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string' && INTEGER_TEXT.test(value)) {
    n = Number(value);
  } else {
    return fail('expected an integer (number or digit string)');
  }
  if (!Number.isSafeInteger(n)) return fail('expected an integer within ±2^53');
  if (bounds.min !== undefined && n < bounds.min) return fail(`must be at least ${bounds.min}`);
  if (bounds.max !== undefined && n > bounds.max) return fail(`must be at most ${bounds.max}`);
  return ok(n);
}

/*
 * Epoch timestamps are normalised to milliseconds by magnitude. Aster sends milliseconds almost everywhere, but the
 * spot account `updateTime` is a 19-digit nanosecond count (e.g. "1767810156430279925"), and other endpoints may
 * follow. A millisecond timestamp stays below 1e14 until the year 5138, so anything from 1e14 up is a finer unit:
 * below 1e17 microseconds, below 1e20 nanoseconds. Converting big values through BigInt keeps the division exact;
 * a value that already lost digits in JSON.parse is off by far less than a millisecond, so it is still usable.
 */
const MICROS_FROM = 100_000_000_000_000n; // 1e14
const NANOS_FROM = 100_000_000_000_000_000n; // 1e17
const TOO_LARGE_FROM = 100_000_000_000_000_000_000n; // 1e20

export function toEpochMs(value: unknown): Conversion<number> {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < 1e14) return ok(value);
  let big: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return fail('expected an epoch timestamp (integer number or digit string)');
    big = BigInt(value);
  } else if (typeof value === 'string' && INTEGER_TEXT.test(value)) {
    big = BigInt(value);
  } else {
    return fail('expected an epoch timestamp (integer number or digit string)');
  }
  if (big < 0n) return fail('must not be negative');
  if (big < MICROS_FROM) return ok(Number(big));
  if (big < NANOS_FROM) return ok(Number(big / 1000n));
  if (big < TOO_LARGE_FROM) return ok(Number(big / 1_000_000n));
  return fail('too large for an epoch timestamp in ms, µs or ns');
}

/**
 * Identifiers (orderId, trade id, tranId) as strings. Futures sends them as JSON numbers, spot and income sometimes
 * as strings, and some are 19 digits long: a number beyond 2^53 has already been rounded by JSON.parse, so it is
 * rejected rather than stored wrong (parse the body with `parseJsonText`, which keeps such numbers as strings).
 */
export function toId(value: unknown): Conversion<string> {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) return fail('expected a non-negative integer id');
    if (!Number.isSafeInteger(value)) {
      return fail('integer id beyond 2^53 lost precision in JSON parsing (parse the text with parseJsonText)');
    }
    return ok(String(value));
  }
  if (typeof value === 'string') {
    if (value === '' || /\s/.test(value)) return fail('expected a non-empty id without whitespace');
    return ok(value);
  }
  return fail('expected an id (integer number or string)');
}

/** An id that the exchange leaves empty when it does not apply (income `tradeId: ""`, spot `tradeId: null`). */
export function toOptionalId(value: unknown): Conversion<string> {
  if (value === undefined || value === null || value === '') return ok('');
  return toId(value);
}

export function toBoolean(value: unknown): Conversion<boolean> {
  if (value === true || value === 'true') return ok(true);
  if (value === false || value === 'false') return ok(false);
  return fail('expected a boolean (true/false or "true"/"false")');
}

export function toNonEmptyString(value: unknown): Conversion<string> {
  if (typeof value === 'string' && value.trim() !== '') return ok(value);
  return fail('expected a non-empty string');
}

export function toText(value: unknown): Conversion<string> {
  if (typeof value === 'string') return ok(value);
  return fail('expected a string');
}

export function toOneOf<const T extends string>(allowed: readonly T[]): (value: unknown) => Conversion<T> {
  const expectation = `expected one of ${allowed.join(', ')}`;
  return (value) => ((allowed as readonly unknown[]).includes(value) ? ok(value as T) : fail(expectation));
}

/**
 * Wraps a converter as a zod schema whose failures are reported at the field's path.
 *
 * Zod rejects an absent key whose schema turns `undefined` into a value ("nonoptional"), so converters that give
 * absence a meaning (`toDecimalOrNull`, `toOptionalId`) must be used with `.optional()` and a `??` default.
 */
export function field<T>(convert: (value: unknown) => Conversion<T>) {
  return z.unknown().transform((value, ctx): T => {
    const result = convert(value);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  });
}

export const decimalField = field((v) => toDecimal(v, 'any'));
export const nonNegativeDecimalField = field((v) => toDecimal(v, 'nonNegative'));
export const positiveDecimalField = field((v) => toDecimal(v, 'positive'));
export const decimalOrNullField = field(toDecimalOrNull);
export const integerField = (bounds: IntegerBounds = {}) => field((v) => toInteger(v, bounds));
export const epochMsField = field(toEpochMs);
export const idField = field(toId);
export const optionalIdField = field(toOptionalId);
export const booleanField = field(toBoolean);
export const nonEmptyStringField = field(toNonEmptyString);
export const textField = field(toText);

export const orderSideField = field(toOneOf(['BUY', 'SELL']));
export const positionSideField = field(toOneOf(['BOTH', 'LONG', 'SHORT']));

/**
 * Margin type as the domain spells it. positionRisk says "isolated"/"cross", the margin-call stream "CROSSED", and
 * the request parameter is "ISOLATED"/"CROSSED": accept every casing of the three.
 */
export function toMarginType(value: unknown): Conversion<'cross' | 'isolated'> {
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'cross' || lower === 'crossed') return ok('cross');
    if (lower === 'isolated') return ok('isolated');
  }
  return fail('expected a margin type (cross, crossed or isolated)');
}

export const marginTypeField = field(toMarginType);
