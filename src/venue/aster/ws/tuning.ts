import { ConfigError } from '../../../errors.ts';
import { type BackoffOptions, DEFAULT_BACKOFF, validateBackoff } from './backoff.ts';
import { DEFAULT_RATE_WINDOW_MS, DEFAULT_ROTATE_AFTER_MS } from './limits.ts';
import type { SocketTuning } from './stream-socket.ts';

/** Every knob of a managed connection; each has a production default and tests shrink them. */
export interface ConnectionTuning extends SocketTuning {
  backoff: BackoffOptions;
  /** Age at which a connection is replaced by a fresh one (the server cuts connections at 24 h). */
  rotateAfterMs: number;
  /** Longest overlap of the old and new connection during a rotation before the new one takes over regardless. */
  handoverTimeoutMs: number;
}

export type ConnectionTuningInput = Partial<Omit<ConnectionTuning, 'backoff'>> & { backoff?: Partial<BackoffOptions> };

export const DEFAULT_CONNECTION_TUNING: Omit<ConnectionTuning, 'maxMessagesPerSecond'> = {
  connectTimeoutMs: 10_000,
  pingIntervalMs: 30_000,
  pongTimeoutMs: 10_000,
  replyTimeoutMs: 10_000,
  closeTimeoutMs: 2_000,
  rateWindowMs: DEFAULT_RATE_WINDOW_MS,
  backoff: DEFAULT_BACKOFF,
  rotateAfterMs: DEFAULT_ROTATE_AFTER_MS,
  handoverTimeoutMs: 10_000,
};

const POSITIVE_FIELDS = [
  'connectTimeoutMs',
  'pingIntervalMs',
  'pongTimeoutMs',
  'replyTimeoutMs',
  'closeTimeoutMs',
  'rateWindowMs',
  'rotateAfterMs',
  'handoverTimeoutMs',
] as const;

/** Fills defaults and rejects nonsense with an error naming the field and the value. */
export function resolveTuning(input: ConnectionTuningInput, maxMessagesPerSecond: number): ConnectionTuning {
  const { backoff, ...rest } = input;
  const tuning: ConnectionTuning = {
    ...DEFAULT_CONNECTION_TUNING,
    maxMessagesPerSecond,
    ...withoutUndefined(rest),
    backoff: validateBackoff({ ...DEFAULT_BACKOFF, ...withoutUndefined(backoff ?? {}) }),
  };
  for (const field of POSITIVE_FIELDS) {
    const value = tuning[field];
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError(field, `must be a number > 0 (ms), got ${value}`, { value });
    }
  }
  if (!Number.isInteger(tuning.maxMessagesPerSecond) || tuning.maxMessagesPerSecond < 1) {
    throw new ConfigError('maxMessagesPerSecond', `must be a positive integer, got ${tuning.maxMessagesPerSecond}`, {
      value: tuning.maxMessagesPerSecond,
    });
  }
  return tuning;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
