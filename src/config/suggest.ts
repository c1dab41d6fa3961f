/**
 * "Did you mean …?" for unknown config keys. A key is matched against every known key of every section, so a key
 * written in the wrong section (`position_management.min_funding_apr`) points to the right one, and a typo
 * (`loop_intervall_seconds`) points to the closest spelling.
 */
import { configKeys, SECTION_NAMES } from './keys.ts';

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prevPrev: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (prevPrev[j - 2] as number) + 1);
      }
      row.push(best);
    }
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length] as number;
}

/** camelCase, kebab-case and spaces all map onto the file's snake_case. */
function normalise(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function acceptableDistance(name: string): number {
  return Math.max(2, Math.min(4, Math.floor(name.length / 3)));
}

interface Candidate {
  /** What the user should write, as a dotted path. */
  path: string;
  /** The name compared with the unknown key. */
  name: string;
  /** Same section as the unknown key: wins ties. */
  local: boolean;
}

function score(unknown: string, candidate: string): number | undefined {
  const a = normalise(unknown);
  const b = normalise(candidate);
  const distance = editDistance(a, b);
  if (distance <= acceptableDistance(a)) return distance;
  // A truncated or extended name ("loop_interval" for "loop_interval_seconds") is still a clear intent.
  const shorter = a.length < b.length ? a : b;
  const longer = a.length < b.length ? b : a;
  if (shorter.length >= 5 && longer.includes(shorter)) return acceptableDistance(a) + 1;
  return undefined;
}

function best(unknown: string, candidates: readonly Candidate[]): string | undefined {
  let winner: { path: string; score: number; local: boolean } | undefined;
  for (const candidate of candidates) {
    const s = score(unknown, candidate.name);
    if (s === undefined) continue;
    const better = winner === undefined || s < winner.score || (s === winner.score && candidate.local && !winner.local);
    if (better) winner = { path: candidate.path, score: s, local: candidate.local };
  }
  return winner?.path;
}

/**
 * The known dotted key closest to an unknown one, or undefined when nothing is close.
 * `path` is the unknown key's path: `['position_management', 'min_funding_apr']` or `['leverage']`.
 */
export function suggestKey(path: readonly string[]): string | undefined {
  const leafName = path[path.length - 1];
  if (leafName === undefined) return undefined;
  const section = path.length > 1 ? path[0] : undefined;
  const leaves: Candidate[] = configKeys().map((k) => ({
    path: k.key,
    name: k.name,
    local: (k.section ?? undefined) === section,
  }));
  if (section === undefined) {
    // A top-level name may be a misspelt section or a leaf that lost its section.
    const sections: Candidate[] = SECTION_NAMES.map((name) => ({ path: name, name, local: true }));
    return best(leafName, [...sections, ...leaves]);
  }
  return best(leafName, leaves);
}

/** The full "unknown key" message, with a suggestion or, failing one, the keys that section accepts. */
export function unknownKeyMessage(path: readonly string[]): string {
  const suggestion = suggestKey(path);
  if (suggestion !== undefined) return `unknown key; did you mean ${suggestion}?`;
  const section = path.length > 1 ? path[0] : undefined;
  const known = configKeys()
    .filter((k) => (section === undefined ? k.section === null : k.section === section))
    .map((k) => k.name);
  if (section === undefined) return `unknown key; top-level keys are ${[...known, ...SECTION_NAMES].join(', ')}`;
  if (known.length === 0) return 'unknown key';
  return `unknown key; ${section} accepts ${known.join(', ')}`;
}
