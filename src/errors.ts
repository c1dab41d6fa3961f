/**
 * One error hierarchy for the whole project.
 *
 * Every error says how the caller must treat it:
 * - `retryable`: nothing happened on the exchange (or it was a read); trying again later is safe;
 * - `ambiguous`: an order or transfer may or may not have been executed; reconcile by client id first;
 * - `fatal`: retrying the same request cannot succeed (bad input, rejected order, bad config).
 */
export type ErrorKind = 'retryable' | 'ambiguous' | 'fatal';

export interface DnfarmErrorOptions {
  kind?: ErrorKind;
  cause?: unknown;
}

export class DnfarmError extends Error {
  override name = 'DnfarmError';
  readonly kind: ErrorKind;

  constructor(message: string, options: DnfarmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind ?? 'fatal';
  }
}

/** The configuration file or environment is invalid. `field` is the dotted path of the offending key. */
export class ConfigError extends DnfarmError {
  override name = 'ConfigError';
  readonly field: string;
  readonly value: unknown;

  constructor(field: string, message: string, options: { value?: unknown; cause?: unknown } = {}) {
    super(field ? `${field}: ${message}` : message, { kind: 'fatal', cause: options.cause });
    this.field = field;
    this.value = options.value;
  }
}

/** Data from outside (an exchange response, a state file) failed validation. Nothing may be traded on it. */
export class InvalidDataError extends DnfarmError {
  override name = 'InvalidDataError';
  readonly source: string;
  readonly field: string;
  readonly value: unknown;

  constructor(source: string, field: string, message: string, options: { value?: unknown; cause?: unknown } = {}) {
    super(`${source}: ${field}: ${message}`, { kind: 'fatal', cause: options.cause });
    this.source = source;
    this.field = field;
    this.value = options.value;
  }
}

export function isDnfarmError(error: unknown): error is DnfarmError {
  return error instanceof DnfarmError;
}

/** A short, single-line description of any thrown value, for logs and the console. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
