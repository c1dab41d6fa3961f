export { type ClassifyContext, classifyFailure, classifyResponse, isMutation, type Verdict } from './classify.ts';
export { HostGate } from './host-gate.ts';
export { parseBanUntilMs, parseRetryAfterMs } from './retry-after.ts';
export { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy, resolveRetryPolicy } from './retry-policy.ts';
export { type HttpMethod, type RawResponse, SendFailure, sendOnce } from './send.ts';
export { systemClock } from './system-clock.ts';
export {
  type AsterRequest,
  AsterTransport,
  type AsterTransportOptions,
  createAsterTransport,
  DEFAULT_RATE_LIMITS,
} from './transport.ts';
