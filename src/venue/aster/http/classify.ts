/**
 * Turns one HTTP exchange into a result or a classified error. Pure: the transport acts on the verdict.
 *
 * The central question is what the caller may assume about an order or a transfer ("mutation"):
 * - it certainly did not execute (connection never opened, 418/429, -1003/-1015, a nonce/timestamp rejection,
 *   any other definite Aster rejection) → `retryable` or `fatal`;
 * - it may have executed (timeout or reset after the connection opened, 5xx — Aster documents 503 as "execution
 *   status UNKNOWN" — or -1007/-1000/-1001, or a 2xx whose body we cannot read) → `ambiguous`: the caller must
 *   look the order up by its client id before doing anything else, and the transport never repeats it.
 * Reads and control calls (idempotent: setting leverage twice, cancelling twice) are retried on anything transient.
 */
import type { CallKind } from '../endpoints.ts';
import { ASTER_CODES, AsterApiError, type AsterApiErrorInit } from '../errors.ts';
import { quoteLongNumbers } from '../schemas/json-text.ts';
import { parseBanUntilMs, parseRetryAfterMs } from './retry-after.ts';
import type { RawResponse, SendFailure } from './send.ts';

export interface ClassifyContext {
  /** `METHOD /path`. */
  endpoint: string;
  kind: CallKind;
  clientOrderId: string | undefined;
  /** Codes that mean "nonce/timestamp out of window" for the signer used; empty for unsigned calls. */
  staleTimeCodes: readonly number[];
  /** Local time (ms) when the response arrived. */
  nowMs: number;
  /** Server time minus local time, to convert a ban end stated in server time. */
  serverOffsetMs: number;
  /** 418 without `Retry-After`: the shortest documented ban. */
  defaultBanMs: number;
  /** Removes secrets from exchange-supplied text. */
  scrub: (text: string) => string;
}

export type Verdict =
  | { ok: true; body: unknown }
  | {
      ok: false;
      error: AsterApiError;
      /** The transport may send the same call again (after backoff). */
      retry: boolean;
      /** Resynchronise the clock and sign again, once. */
      staleTime: boolean;
      /** Every request to this host must wait this long. */
      blockHostMs: number | undefined;
    };

const UNKNOWN_OUTCOME_CODES: ReadonlySet<number> = new Set([
  ASTER_CODES.TIMEOUT_UNKNOWN,
  ASTER_CODES.UNKNOWN,
  ASTER_CODES.DISCONNECTED,
]);
const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([ASTER_CODES.TOO_MANY_REQUESTS, ASTER_CODES.TOO_MANY_ORDERS]);
/** Error text from a non-JSON body (an HTML error page) is cut to this length. */
const MAX_MSG_CHARS = 200;

export function isMutation(kind: CallKind): boolean {
  return kind === 'order' || kind === 'transfer';
}

export function classifyResponse(raw: RawResponse, ctx: ClassifyContext): Verdict {
  const mutation = isMutation(ctx.kind);
  const parsed = parseJson(raw.bodyText);
  const code = parsed.ok ? errorCodeOf(parsed.value) : undefined;
  const msg = parsed.ok ? messageOf(parsed.value, ctx) : snippet(raw.bodyText, ctx);
  const retryAfterMs = parseRetryAfterMs(raw.headers['retry-after'], ctx.nowMs);
  const status = raw.status;
  const base = { endpoint: ctx.endpoint, httpStatus: status, code, msg, clientOrderId: ctx.clientOrderId, sent: true };

  if (status >= 200 && status < 300) {
    // `{code: 200, msg: "success"}` and `{code: "200"}` are successes; only negative codes are errors.
    if (parsed.ok && (code === undefined || code >= 0)) return { ok: true, body: parsed.value };
    if (!parsed.ok) {
      // The exchange accepted the request; for an order that means it probably exists, so never "fatal".
      return failure({ ...base, kind: mutation ? 'ambiguous' : 'fatal', reason: 'invalid-response' }, false);
    }
  }

  if (code !== undefined && ctx.staleTimeCodes.includes(code)) {
    // Rejected on arrival, before any execution: safe to sign again even for an order.
    return failure({ ...base, kind: 'retryable', reason: 'stale-nonce' }, false, { staleTime: true });
  }

  if (status === 418 || status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
    const banUntilServerMs = parseBanUntilMs(msg);
    const banMs =
      banUntilServerMs === undefined ? undefined : Math.max(0, banUntilServerMs - ctx.serverOffsetMs - ctx.nowMs);
    const waitMs = retryAfterMs ?? banMs ?? (status === 418 ? ctx.defaultBanMs : undefined);
    const reason = status === 418 || banMs !== undefined ? 'banned' : 'rate-limited';
    return failure({ ...base, kind: 'retryable', reason, retryAfterMs: waitMs }, !mutation, { blockHostMs: waitMs });
  }

  if (status >= 500 || (code !== undefined && UNKNOWN_OUTCOME_CODES.has(code))) {
    const reason = code === undefined ? 'http' : 'api';
    if (mutation) return failure({ ...base, kind: 'ambiguous', reason, retryAfterMs }, false);
    return failure({ ...base, kind: 'retryable', reason, retryAfterMs }, true);
  }

  if (status === 403 && code === undefined) {
    // Aster's WAF answers 403 when a request-rate rule trips: nothing was processed.
    return failure({ ...base, kind: 'retryable', reason: 'rate-limited', retryAfterMs }, !mutation, {
      blockHostMs: retryAfterMs,
    });
  }

  return failure({ ...base, kind: 'fatal', reason: code === undefined ? 'http' : 'api' }, false);
}

export function classifyFailure(sendFailure: SendFailure, ctx: ClassifyContext): Verdict {
  const reason = sendFailure.timedOut ? 'timeout' : 'network';
  const init = {
    endpoint: ctx.endpoint,
    clientOrderId: ctx.clientOrderId,
    reason,
    sent: sendFailure.sent,
    cause: sendFailure,
  } as const;
  if (!sendFailure.sent) return failure({ ...init, kind: 'retryable' }, true);
  if (isMutation(ctx.kind)) return failure({ ...init, kind: 'ambiguous' }, false);
  return failure({ ...init, kind: 'retryable' }, true);
}

function failure(
  init: AsterApiErrorInit,
  retry: boolean,
  extra: { staleTime?: boolean; blockHostMs?: number | undefined } = {},
): Verdict {
  return {
    ok: false,
    error: new AsterApiError(init),
    retry,
    staleTime: extra.staleTime ?? false,
    blockHostMs: extra.blockHostMs,
  };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: false };
  try {
    // Long number tokens (19-digit ids and nanosecond times) are quoted first so they arrive exact.
    return { ok: true, value: JSON.parse(quoteLongNumbers(text)) };
  } catch {
    return { ok: false };
  }
}

/** Aster sends `code` as a number or a numeric string; anything else is not an error code. */
function errorCodeOf(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('code' in body)) return undefined;
  const raw = (body as { code: unknown }).code;
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return Number(raw.trim());
  return undefined;
}

function messageOf(body: unknown, ctx: ClassifyContext): string | undefined {
  if (typeof body !== 'object' || body === null || !('msg' in body)) return undefined;
  const raw = (body as { msg: unknown }).msg;
  return typeof raw === 'string' ? ctx.scrub(raw).slice(0, 2 * MAX_MSG_CHARS) : undefined;
}

function snippet(text: string, ctx: ClassifyContext): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' ? undefined : ctx.scrub(flat).slice(0, MAX_MSG_CHARS);
}
