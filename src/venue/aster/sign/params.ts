/**
 * Request parameters: conversion to the exact strings that are signed and sent.
 *
 * Aster's V3 server checks the EIP-712 signature against the parameter string it receives, and the sources
 * disagree on how that string is canonicalised (URL-encoded or not, aster-api.md §2.2). We sidestep the question:
 * every value of a signed request must consist of `[A-Za-z0-9._-]` only, for which URL encoding is the identity,
 * so the string we sign is byte for byte the string we send whatever the server does with it.
 */
import { Decimal } from '../../../domain/decimal.ts';

export type ParamValue = string | number | bigint | boolean | Decimal;
/** Ordered pairs keep the caller's order; a record uses insertion order and drops `undefined` values. */
export type ParamInput =
  | ReadonlyArray<readonly [string, ParamValue]>
  | Readonly<Record<string, ParamValue | undefined>>;
/** Normalised parameters: ordered `[key, value]` string pairs, exactly as they go on the wire. */
export type ParamList = ReadonlyArray<readonly [string, string]>;

/** Why a parameter was refused; the transport turns it into an `AsterRequestError` naming the endpoint. */
export class ParamError extends Error {
  override name = 'ParamError';
  constructor(
    readonly field: string,
    message: string,
    readonly value: unknown,
  ) {
    super(`${field}: ${message}`);
  }
}

const KEY = /^[A-Za-z][A-Za-z0-9]*$/;
const SAFE_VALUE = /^[A-Za-z0-9._-]*$/;
const EXPONENT_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$/;
/** Stricter than Aster's own `^[\.A-Z\:/a-z0-9_-]{1,36}$`: `.`, `:` and `/` would reopen the encoding question. */
const CLIENT_ORDER_ID = /^[A-Za-z0-9_-]{1,36}$/;
/** `clientTranId` must be shorter than 64 characters (-4114). */
const CLIENT_TRAN_ID = /^[A-Za-z0-9_-]{1,63}$/;

const CLIENT_ID_RULES: Readonly<Record<string, RegExp>> = {
  newClientOrderId: CLIENT_ORDER_ID,
  origClientOrderId: CLIENT_ORDER_ID,
  clientTranId: CLIENT_TRAN_ID,
};

/** Parameters the signers add themselves; a caller passing one would produce a request the server rejects. */
export const AUTH_PARAM_KEYS: ReadonlySet<string> = new Set([
  'signature',
  'nonce',
  'user',
  'signer',
  'timestamp',
  'recvWindow',
]);

export function isValidClientOrderId(id: string): boolean {
  return CLIENT_ORDER_ID.test(id);
}

/** One value as the plain string Aster expects: decimals never in exponent form, floats refused. */
export function paramValueToString(key: string, value: ParamValue): string {
  if (value instanceof Decimal) {
    if (!value.isFinite()) throw new ParamError(key, 'is not a finite decimal', value.toString());
    return value.toFixed();
  }
  switch (typeof value) {
    case 'string':
      if (EXPONENT_NUMBER.test(value)) {
        throw new ParamError(key, 'is a number in exponent notation; pass a plain decimal string', value);
      }
      return value;
    case 'number':
      // Money is never a JS float; integers (leverage, limit, times in ms) are fine.
      if (!Number.isSafeInteger(value)) {
        throw new ParamError(key, 'is not a safe integer; pass prices and quantities as Decimal', value);
      }
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      throw new ParamError(key, `has unsupported type ${typeof value}`, String(value));
  }
}

/**
 * Normalises caller parameters into wire pairs and validates them. `signed` requests get the strict value alphabet
 * and may not carry the parameters the signer adds.
 */
export function normalizeParams(input: ParamInput | undefined, options: { signed: boolean }): ParamList {
  const pairs: Array<readonly [string, ParamValue]> = [];
  if (input === undefined) return [];
  if (isPairArray(input)) {
    pairs.push(...input);
  } else {
    for (const [key, value] of Object.entries(input)) {
      if (value !== undefined) pairs.push([key, value]);
    }
  }
  const seen = new Set<string>();
  const out: Array<readonly [string, string]> = [];
  for (const [key, raw] of pairs) {
    if (!KEY.test(key)) throw new ParamError(key, 'is not a valid parameter name', key);
    if (seen.has(key)) throw new ParamError(key, 'is given twice', key);
    seen.add(key);
    if (options.signed && AUTH_PARAM_KEYS.has(key)) {
      throw new ParamError(key, 'is added by the signer and must not be passed by the caller', key);
    }
    const value = paramValueToString(key, raw);
    const idRule = CLIENT_ID_RULES[key];
    if (idRule !== undefined && !idRule.test(value)) {
      throw new ParamError(key, `must match ${idRule.source}`, value);
    }
    if (options.signed && !SAFE_VALUE.test(value)) {
      throw new ParamError(key, 'may only contain A-Z a-z 0-9 . _ - in a signed request', value);
    }
    out.push([key, value]);
  }
  return out;
}

function isPairArray(input: ParamInput): input is ReadonlyArray<readonly [string, ParamValue]> {
  return Array.isArray(input);
}

/**
 * `k1=v1&k2=v2` in the given order. Encoding is the identity for the values signed requests allow, so for them the
 * result is also the exact message that gets signed.
 */
export function encodeParams(params: ParamList): string {
  return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}
