export {
  FaultInjector,
  type RequestFacts,
  type RequestFaults,
  seededRandom,
  targetMatches,
} from './injector.ts';
export {
  type CountRule,
  emptyFaultConfig,
  type FaultConfig,
  type FaultTarget,
  formatFaultSpec,
  type ProbabilisticRule,
  parseDurationMs,
  parseFaultSpec,
  type RejectRule,
} from './spec.ts';
