/**
 * One benchmark figure: what was measured, against which target, and whether it met it. `value` is null when the
 * figure could not be measured in this run (the reason is in `note`); such a figure never passes.
 */
export interface FigureResult {
  name: string;
  value: number | null;
  unit: string;
  /** The target in words, e.g. `≤ 8` or `≥ 2000`. */
  target: string;
  pass: boolean;
  /** How it was measured, or why it was not. Printed under the table, kept in results.json. */
  note?: string;
}

export function atMost(name: string, value: number, limit: number, unit: string, note?: string): FigureResult {
  return { name, value, unit, target: `≤ ${limit}`, pass: value <= limit, ...(note === undefined ? {} : { note }) };
}

export function atLeast(name: string, value: number, floor: number, unit: string, note?: string): FigureResult {
  return { name, value, unit, target: `≥ ${floor}`, pass: value >= floor, ...(note === undefined ? {} : { note }) };
}

/** A figure reported for information: measured, no target of its own (it passes when it was measured). */
export function informational(name: string, value: number, unit: string, note?: string): FigureResult {
  return { name, value, unit, target: 'report', pass: true, ...(note === undefined ? {} : { note }) };
}

export function notMeasured(name: string, unit: string, target: string, reason: string): FigureResult {
  return { name, value: null, unit, target, pass: false, note: `not measured: ${reason}` };
}

/** Rounds for display and storage: figures are not more precise than this anyway. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
