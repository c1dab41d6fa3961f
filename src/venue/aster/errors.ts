/**
 * Errors raised by the Aster client.
 *
 * `AsterApiError` carries what the caller needs to decide what to do next without parsing text: the HTTP status,
 * the Aster error code (always a number, even though Aster sometimes sends it as a string), the endpoint as
 * `METHOD /path` (never the query string: it carries the signature), how long the exchange asked us to wait,
 * and the client order id to reconcile by when the outcome is unknown.
 */
import { DnfarmError, type ErrorKind } from '../../errors.ts';

/** Aster error codes the client and the adapter act on (aster-api.md §6.3). */
export const ASTER_CODES = {
  UNKNOWN: -1000,
  DISCONNECTED: -1001,
  TOO_MANY_REQUESTS: -1003,
  /** Timeout inside Aster: execution status unknown. */
  TIMEOUT_UNKNOWN: -1007,
  TOO_MANY_ORDERS: -1015,
  /** V1 only: `timestamp` outside `recvWindow`. */
  INVALID_TIMESTAMP: -1021,
  INVALID_SIGNATURE: -1022,
  INVALID_SYMBOL: -1121,
  CANCEL_REJECTED: -2011,
  NO_SUCH_ORDER: -2013,
  MARGIN_NOT_SUFFICIENT: -2019,
  MARGIN_TYPE_UNCHANGED: -4046,
  POSITION_SIDE_UNCHANGED: -4059,
  DUPLICATED_CLIENT_TRAN_ID: -4115,
  MIN_NOTIONAL: -4164,
  /** V3: nonce too old, too far from server time, or already used. */
  NONCE_EXPIRED: -4225,
} as const;

/**
 * Why a call failed:
 * - `network`: the connection failed (refused, reset, DNS);
 * - `timeout`: no complete answer within the request timeout;
 * - `http`: a non-2xx status without an Aster error code;
 * - `api`: an Aster error body `{code, msg}`;
 * - `invalid-response`: a 2xx whose body is not JSON;
 * - `rate-limited`: 429, or -1003 / -1015;
 * - `banned`: 418, or the host is still inside a ban or Retry-After window (the request was not sent);
 * - `stale-nonce`: the nonce or timestamp was rejected even after resynchronising the clock;
 * - `closed`: the transport was closed while the call waited.
 */
export type AsterFailureReason =
  | 'network'
  | 'timeout'
  | 'http'
  | 'api'
  | 'invalid-response'
  | 'rate-limited'
  | 'banned'
  | 'stale-nonce'
  | 'closed';

export interface AsterApiErrorInit {
  kind: ErrorKind;
  reason: AsterFailureReason;
  /** `METHOD /path`, without the query string. */
  endpoint: string;
  httpStatus?: number | undefined;
  code?: number | undefined;
  msg?: string | undefined;
  retryAfterMs?: number | undefined;
  clientOrderId?: string | undefined;
  /** Whether the request may have reached the exchange (false: it certainly did not). */
  sent: boolean;
  cause?: unknown;
}

export class AsterApiError extends DnfarmError {
  override name = 'AsterApiError';
  readonly reason: AsterFailureReason;
  readonly endpoint: string;
  readonly httpStatus: number | undefined;
  readonly code: number | undefined;
  readonly msg: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly clientOrderId: string | undefined;
  readonly sent: boolean;
  /** How many times the transport sent (or tried to send) the request before giving up. */
  attempts = 1;

  constructor(init: AsterApiErrorInit) {
    super(describe(init), { kind: init.kind, cause: init.cause });
    this.reason = init.reason;
    this.endpoint = init.endpoint;
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.msg = init.msg;
    this.retryAfterMs = init.retryAfterMs;
    this.clientOrderId = init.clientOrderId;
    this.sent = init.sent;
  }
}

function describe(init: AsterApiErrorInit): string {
  const parts = [`${init.endpoint}: ${init.reason}`];
  if (init.httpStatus !== undefined) parts.push(`HTTP ${init.httpStatus}`);
  if (init.code !== undefined) parts.push(`code ${init.code}`);
  if (init.msg !== undefined && init.msg !== '') parts.push(JSON.stringify(init.msg));
  if (init.retryAfterMs !== undefined) parts.push(`retry after ${init.retryAfterMs} ms`);
  if (init.kind === 'ambiguous') parts.push('outcome unknown');
  if (init.clientOrderId !== undefined) parts.push(`clientOrderId=${init.clientOrderId}`);
  return parts.join(', ');
}

/** A request the client refuses to send because one of its parameters is unsafe or malformed. */
export class AsterRequestError extends DnfarmError {
  override name = 'AsterRequestError';
  readonly endpoint: string;
  readonly field: string;
  readonly value: unknown;

  constructor(endpoint: string, field: string, message: string, value?: unknown) {
    super(`${endpoint}: ${field}: ${message}`, { kind: 'fatal' });
    this.endpoint = endpoint;
    this.field = field;
    this.value = value;
  }
}

export function isAsterApiError(error: unknown): error is AsterApiError {
  return error instanceof AsterApiError;
}

/** The Aster error code of a thrown value, if it is an API error that carries one. */
export function asterErrorCode(error: unknown): number | undefined {
  return error instanceof AsterApiError ? error.code : undefined;
}
