/**
 * Structural comparison of JSON documents: same keys, same JSON types, recursively. Values are ignored.
 *
 * Arrays are compared element by element against the example's element with the same discriminator (`filterType`,
 * `rateLimitType`) when there is one, else against the example's first element. `null` is compatible with any type:
 * Aster sends null for some values it usually fills (funding caps, auto-exchange thresholds).
 */
import { readFileSync } from 'node:fs';

export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonType;
}

const DISCRIMINATORS = ['filterType', 'rateLimitType'];

function discriminated(expected: unknown[], actual: unknown): unknown {
  if (typeof actual === 'object' && actual !== null) {
    for (const key of DISCRIMINATORS) {
      const value = (actual as Record<string, unknown>)[key];
      if (value === undefined) continue;
      const match = expected.find(
        (e) => typeof e === 'object' && e !== null && (e as Record<string, unknown>)[key] === value,
      );
      if (match !== undefined) return match;
    }
  }
  return expected[0];
}

/** Differences as `path: description` strings; empty when the shapes agree. */
export function shapeDiff(expected: unknown, actual: unknown, path = '$'): string[] {
  const te = jsonType(expected);
  const ta = jsonType(actual);
  if (te === 'null' || ta === 'null') return [];
  if (te !== ta) return [`${path}: expected ${te}, got ${ta}`];
  if (te === 'array') {
    const e = expected as unknown[];
    const a = actual as unknown[];
    if (e.length === 0) return [];
    if (a.length === 0) return [`${path}: expected a non-empty array, got []`];
    const diffs = new Set<string>();
    for (const item of a) for (const d of shapeDiff(discriminated(e, item), item, `${path}[]`)) diffs.add(d);
    return [...diffs];
  }
  if (te === 'object') {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const diffs: string[] = [];
    for (const key of Object.keys(e)) {
      if (!(key in a)) diffs.push(`${path}.${key}: missing`);
      else diffs.push(...shapeDiff(e[key], a[key], `${path}.${key}`));
    }
    for (const key of Object.keys(a)) if (!(key in e)) diffs.push(`${path}.${key}: extra`);
    return diffs;
  }
  return [];
}

/**
 * Parses the docs' example blocks: JSON with `//` comments, trailing commas, non-breaking spaces as indentation
 * and, in a few blocks, a missing comma at the end of a line (documentation typos).
 */
export function parseJsonc(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c === '\u00a0' ? ' ' : c;
  }
  const fixed = out.replace(/([}\]"\d]|true|false|null)(\s*\n\s*)(?=")/g, '$1,$2').replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(fixed);
}

export function loadExample(file: string): unknown {
  return parseJsonc(readFileSync(file, 'utf8'));
}
