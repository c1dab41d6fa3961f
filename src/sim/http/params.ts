/**
 * Request parameters as Aster reads them: from the query string and/or an `application/x-www-form-urlencoded` body.
 *
 * The raw strings are kept untouched because both signing schemes sign the bytes that were sent, not a re-encoding:
 * V1 HMAC signs `query + body` concatenated, V3 EIP-712 signs the parameter string minus `&signature=...`.
 */
import { apiErrors } from './api-error.ts';

export interface RequestParams {
  /** Query string as received, without the leading `?`. */
  readonly rawQuery: string;
  /** Form body as received ('' when there is none). */
  readonly rawBody: string;
  /** Decoded values; a key present in both places takes the query-string value, as Aster documents. */
  readonly values: ReadonlyMap<string, string>;
}

function decodeInto(raw: string, into: Map<string, string>, seen: Set<string>): void {
  if (raw === '') return;
  for (const [key, value] of new URLSearchParams(raw)) {
    if (seen.has(key)) throw apiErrors.duplicateParam();
    seen.add(key);
    if (!into.has(key)) into.set(key, value);
  }
}

export function parseRequestParams(rawQuery: string, rawBody: string): RequestParams {
  const values = new Map<string, string>();
  decodeInto(rawQuery, values, new Set());
  decodeInto(rawBody, values, new Set());
  return { rawQuery, rawBody, values };
}

/** `raw` with every `signature=...` pair removed, pairs otherwise kept byte for byte in their order. */
export function withoutSignature(raw: string): string {
  if (!raw.includes('signature=')) return raw;
  return raw
    .split('&')
    .filter((pair) => !pair.startsWith('signature='))
    .join('&');
}

/** A parameter that must be present and non-empty, else Aster's -1102. */
export function required(params: RequestParams, name: string): string {
  const value = params.values.get(name);
  if (value === undefined || value === '') throw apiErrors.mandatory(name);
  return value;
}

export function optional(params: RequestParams, name: string): string | undefined {
  const value = params.values.get(name);
  return value === undefined || value === '' ? undefined : value;
}

/** An optional non-negative integer parameter (times in ms, limits, ids), else Aster's -1130. */
export function optionalInt(params: RequestParams, name: string): number | undefined {
  const value = optional(params, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value)) throw apiErrors.invalidParam(name);
  return Number(value);
}

/** `"true"`/`"false"` as Aster's boolean-string parameters (reduceOnly, dualSidePosition). */
export function optionalBool(params: RequestParams, name: string): boolean | undefined {
  const value = optional(params, name);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw apiErrors.invalidParam(name);
}
