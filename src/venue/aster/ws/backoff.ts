import { ConfigError } from '../../../errors.ts';

/**
 * Reconnect delays: exponential growth with jitter, so a fleet of clients cut off at the same moment does not
 * reconnect in lockstep.
 */
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** Fraction of each delay that is randomised, in [0, 1]: 0.5 means a delay lands in [base/2, base]. */
  jitterRatio: number;
  /** A connection that stays up this long resets the sequence to `initialDelayMs`. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitterRatio: 0.5,
  resetAfterMs: 30_000,
};

/** Delay before reconnect attempt number `attempt` (0 for the first retry); `random` returns a value in [0, 1). */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt));
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * options.multiplier ** exponent);
  const jitter = Math.min(1, Math.max(0, options.jitterRatio));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}

export function validateBackoff(options: BackoffOptions): BackoffOptions {
  const positive = ['initialDelayMs', 'maxDelayMs', 'resetAfterMs'] as const;
  for (const field of positive) {
    const value = options[field];
    if (!Number.isFinite(value) || value < 0) {
      throw new ConfigError(`backoff.${field}`, `must be a number >= 0, got ${value}`, { value });
    }
  }
  if (!Number.isFinite(options.multiplier) || options.multiplier < 1) {
    throw new ConfigError('backoff.multiplier', `must be >= 1, got ${options.multiplier}`, {
      value: options.multiplier,
    });
  }
  if (!Number.isFinite(options.jitterRatio) || options.jitterRatio < 0 || options.jitterRatio > 1) {
    throw new ConfigError('backoff.jitterRatio', `must be within [0, 1], got ${options.jitterRatio}`, {
      value: options.jitterRatio,
    });
  }
  return options;
}
