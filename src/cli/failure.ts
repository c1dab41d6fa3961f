import { ConfigError, describeError } from '../errors.ts';

/** Exit codes of DESIGN.md §9: 0 success, 1 runtime failure, 2 bad usage or bad config. */
export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

export function exitCodeFor(error: unknown): number {
  if (error instanceof ConfigError) return EXIT_USAGE;
  if (error instanceof Error && error.name === 'CommanderError') return EXIT_USAGE;
  return EXIT_RUNTIME;
}

export function printFailure(error: unknown): void {
  process.stderr.write(`dnfarm: ${describeError(error)}\n`);
}
