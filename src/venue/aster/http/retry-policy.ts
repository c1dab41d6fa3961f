/**
 * How reads (and idempotent control calls) are retried: exponential backoff with jitter, bounded both in attempts
 * and in total time, so a flapping exchange delays a cycle but never hangs it. Orders and transfers are never
 * retried by the transport (see transport.ts).
 */
export interface RetryPolicy {
  /** Total tries including the first. */
  maxAttempts: number;
  /** Backoff before the second try; doubles each time. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry is started once this much time has passed since the first try (waits included). */
  maxTotalMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxTotalMs: 15_000,
};

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  for (const [field, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry.${field} must be ≥ 0, got ${value}`);
  }
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be an integer ≥ 1, got ${policy.maxAttempts}`);
  }
  return policy;
}

/**
 * Delay before try number `attempt + 1` (attempt ≥ 1): half the exponential step fixed, half random ("equal
 * jitter"), so retries from many clients spread out but never collapse to zero.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const stepMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(stepMs / 2 + (stepMs / 2) * random());
}
