/**
 * What an error thrown while SENDING an order or a transfer says about its outcome.
 *
 * - `rejected`: the exchange answered with a definite refusal (insufficient balance, filter failure, bad symbol):
 *   nothing executed, the same request would fail again;
 * - `not_sent`: the request provably never left (refused locally, connection never opened, host inside a ban
 *   window): nothing executed;
 * - `unknown`: it may have executed (timeout, reset, 5xx, Aster's -1007/-1000/-1001, a 2xx we could not read, a
 *   429 after the request was sent, anything unexpected). Only a query by client id may settle it.
 *
 * Retryable errors count as `unknown` unless the transport proves the request was not sent: a rate-limit answer
 * most probably means "not executed", but treating it as unknown costs one query and never risks a duplicate.
 */
import { DnfarmError, InvalidDataError } from '../../errors.ts';

export type SendVerdict = 'rejected' | 'not_sent' | 'unknown';

/** The transport's own statement, when it makes one, of whether the request may have reached the exchange. */
function sentFlag(error: unknown): boolean | undefined {
  if (typeof error !== 'object' || error === null || !('sent' in error)) return undefined;
  const sent = (error as { sent: unknown }).sent;
  return typeof sent === 'boolean' ? sent : undefined;
}

export function classifySendError(error: unknown): SendVerdict {
  if (!(error instanceof DnfarmError)) return 'unknown';
  const sent = sentFlag(error);
  if (sent === false) return 'not_sent';
  // A response that failed validation is still a response: the order may well exist.
  if (error instanceof InvalidDataError) return 'unknown';
  if (error.kind === 'fatal') return 'rejected';
  return 'unknown';
}

/** The exchange's numeric error code, when the error carries one. */
export function errorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}
