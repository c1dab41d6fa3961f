/**
 * An error the simulator answers with an Aster error body: `{"code":-1121,"msg":"Invalid symbol."}`.
 *
 * Aster (like the exchange it was forked from) reports every rejection as a negative numeric `code` plus a free-text
 * `msg`; the HTTP status carries the class: 400 for bad requests, 401 for a missing or unknown API key, 404 for an
 * unknown path, 429/418 for rate limits and bans, 5xx when the outcome is unknown.
 */
import { DnfarmError } from '../../errors.ts';

export class AsterApiError extends DnfarmError {
  override name = 'AsterApiError';
  readonly code: number;
  readonly httpStatus: number;
  /** Extra response headers (e.g. `Retry-After` on 429/418). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: number, msg: string, httpStatus = 400, headers: Record<string, string> = {}) {
    super(msg, { kind: httpStatus >= 500 ? 'ambiguous' : 'fatal' });
    this.code = code;
    this.httpStatus = httpStatus;
    this.headers = headers;
  }

  toBody(): { code: number; msg: string } {
    return { code: this.code, msg: this.message };
  }
}

/** The messages Aster's error table gives, so every rejection reads like the real one. */
export const apiErrors = {
  unknown: () => new AsterApiError(-1000, 'An unknown error occured while processing the request.', 500),
  disconnected: () =>
    new AsterApiError(-1001, 'Internal error; unable to process your request. Please try again.', 500),
  timeoutUnknown: () =>
    new AsterApiError(
      -1007,
      'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
      503,
    ),
  mandatory: (param: string) =>
    new AsterApiError(-1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`),
  eitherMandatory: (a: string, b: string) =>
    new AsterApiError(-1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  invalidParam: (param: string) => new AsterApiError(-1130, `Data sent for parameter '${param}' is not valid.`),
  duplicateParam: () => new AsterApiError(-1101, 'Duplicate values for a parameter detected.'),
  startAfterEnd: () => new AsterApiError(-1023, 'Start time is greater than end time.'),
  /** MORE_THAN_XX_HOURS: Aster's table words it "More than %s hours between startTime and endTime.". */
  windowTooLong: (hours: number) => new AsterApiError(-1127, `More than ${hours} hours between startTime and endTime.`),
  badCombination: () => new AsterApiError(-1128, 'Combination of optional parameters invalid.'),
  badSymbol: () => new AsterApiError(-1121, 'Invalid symbol.'),
  invalidSignature: () => new AsterApiError(-1022, 'Signature for this request is not valid.'),
  invalidTimestampWindow: () => new AsterApiError(-1021, 'Timestamp for this request is outside of the recvWindow.'),
  invalidTimestampAhead: () =>
    new AsterApiError(-1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  nonceExpired: () => new AsterApiError(-4225, 'Nonce Expired'),
  badApiKeyFormat: () => new AsterApiError(-2014, 'API-key format invalid.', 401),
  rejectedApiKey: () => new AsterApiError(-2015, 'Invalid API-key, IP, or permissions for action.', 401),
  unknownPath: () => new AsterApiError(-1000, 'Not Found', 404),
  noSuchOrder: () => new AsterApiError(-2013, 'Order does not exist.'),
  invalidListenKey: () => new AsterApiError(-1125, 'This listenKey does not exist.'),
} as const;
