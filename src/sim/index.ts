/**
 * The Aster exchange simulator: start it with `startSimulator`, point an Aster client at `url` / `wsUrl`, and drive
 * prices, funding, time and faults through the handle or the `/_sim/` control API (docs/simulator.md).
 */

export { DEMO_CREDENTIALS, DEMO_V1_FUTURES, DEMO_V1_SPOT, DEMO_V3, type DemoCredentials } from './auth/demo.ts';
export { type ApiKeyCredential, Authenticator, type Identity } from './auth/index.ts';
export { SimClock, type SimClockOptions } from './clock.ts';
export {
  emptyFaultConfig,
  type FaultConfig,
  FaultInjector,
  formatFaultSpec,
  parseFaultSpec,
} from './faults/index.ts';
export { OverridableMarketSource } from './faults/market-overrides.ts';
export type { SimulatorState, StateQuery } from './http/control-state.ts';
export { DEFAULT_RATE_LIMITS, type RateLimitConfig, type RateLimitRule } from './http/rate-limit.ts';
export type { RequestLogEntry } from './http/request-log.ts';
export { type SimulatorHandle, type SimulatorOptions, startSimulator } from './server.ts';
