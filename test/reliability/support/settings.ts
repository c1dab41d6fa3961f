/**
 * CI-sized or full runs of the reliability suites, and the one-line figures each suite prints.
 *
 * `RELIABILITY_FULL=1` selects the full setting; `RELIABILITY_SEED=<n>` replays a run with another seed (the seed
 * is part of every figures line, so a failure seen in a CI log can be replayed exactly).
 */
export const FULL = process.env['RELIABILITY_FULL'] === '1';

export function suiteSeed(fallback: number): number {
  const text = process.env['RELIABILITY_SEED'];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw new Error(`RELIABILITY_SEED must be a whole number, got "${text}"`);
  return Number(text);
}

/** `ci` trials normally, `full` with RELIABILITY_FULL=1. */
export function trials(ci: number, full: number): number {
  return FULL ? full : ci;
}

export interface Figures {
  trials: number;
  faults: number;
  violations: number;
  [extra: string]: string | number;
}

/** The suite's single figures line, e.g. `reliability bad-input/config: trials=400 faults=371 violations=0 seed=7`. */
export function figuresLine(suite: string, figures: Figures): string {
  const { trials: t, faults, violations, ...extra } = figures;
  const rest = Object.entries(extra).map(([k, v]) => ` ${k}=${v}`);
  return `reliability ${suite}: trials=${t} faults=${faults} violations=${violations}${rest.join('')} setting=${FULL ? 'full' : 'ci'}`;
}

/** Collects violations with enough context to reproduce each one, and fails the test with the first few. */
export class ViolationLog {
  readonly entries: string[] = [];

  add(description: string): void {
    this.entries.push(description);
  }

  get count(): number {
    return this.entries.length;
  }

  summary(max = 8): string {
    const shown = this.entries.slice(0, max).join('\n  ');
    const more = this.entries.length > max ? `\n  (and ${this.entries.length - max} more)` : '';
    return this.entries.length === 0 ? 'none' : `\n  ${shown}${more}`;
  }
}
