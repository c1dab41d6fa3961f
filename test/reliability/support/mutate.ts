/**
 * Deterministic mutations of JSON documents: one fault per mutation, described precisely enough to rebuild it.
 *
 * Value mutations work on the parsed tree (delete a key, null, NaN, negative, huge, wrong type, unknown key…);
 * text mutations work on the serialised document (truncation, stray characters, NaN literals, an empty file), the
 * way a half-written file or a broken proxy damages it. `nonJson` value mutations put values JSON cannot carry
 * (NaN, Infinity, undefined) straight into the tree, for parsers that take an already parsed body.
 */
import type { SeededRandom } from './random.ts';

export type JsonPath = readonly (string | number)[];

export interface ValueMutation {
  value: unknown;
  description: string;
}

export interface TextMutation {
  text: string;
  description: string;
}

type Container = Record<string, unknown> | unknown[];

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const segment of path)
    out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  return out === '' ? '(root)' : out;
}

/** Every node's path, root first. Arrays longer than `maxArrayItems` contribute only their first items. */
export function allPaths(root: unknown, maxArrayItems = 6): JsonPath[] {
  const out: JsonPath[] = [];
  const walk = (node: unknown, path: JsonPath): void => {
    out.push(path);
    if (Array.isArray(node)) {
      for (const [i, item] of node.slice(0, maxArrayItems).entries()) walk(item, [...path, i]);
    } else if (isContainer(node)) {
      for (const [key, inner] of Object.entries(node)) walk(inner, [...path, key]);
    }
  };
  walk(root, []);
  return out;
}

function getAt(root: unknown, path: JsonPath): unknown {
  let node = root;
  for (const segment of path) node = (node as Record<string | number, unknown>)[segment];
  return node;
}

/** A deep copy that keeps non-JSON leaves as they are (structuredClone would too, but not across realms). */
function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isContainer(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  return value;
}

function show(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function negated(value: unknown): unknown {
  if (typeof value === 'number') return value === 0 ? -1 : -value;
  if (typeof value === 'string' && /^\d/.test(value)) return `-${value}`;
  if (typeof value === 'string' && value.startsWith('-')) return value.slice(1);
  return -1;
}

function wrongType(value: unknown, rng: SeededRandom): unknown {
  if (typeof value === 'number') return rng.pick(['abc', '12,5', '0x1f', `${value} `]);
  if (typeof value === 'string') return rng.pick([12345, true, ['x'], { value }]);
  if (typeof value === 'boolean') return rng.pick(['yes', 1, 'true ']);
  if (Array.isArray(value)) return { items: value.length };
  if (isContainer(value)) return [value];
  return { unexpected: true };
}

function huge(value: unknown, rng: SeededRandom): unknown {
  if (typeof value === 'string')
    return rng.pick(['1e400', '9'.repeat(60), '179769313486231570000000000000000000000.5']);
  return rng.pick([1e308, Number.MAX_SAFE_INTEGER * 1024, 1e21]);
}

type ValueOperator = (value: unknown, rng: SeededRandom) => unknown;

const REPLACEMENTS: Record<string, ValueOperator> = {
  null: () => null,
  'nan-string': () => 'NaN',
  'infinity-string': (_v, rng) => rng.pick(['Infinity', '-Infinity', 'inf']),
  negative: (v) => negated(v),
  huge,
  tiny: (v) => (typeof v === 'string' ? '1e-40' : 1e-40),
  zero: (v) => (typeof v === 'string' ? '0' : 0),
  'empty-string': () => '',
  whitespace: (v) => (typeof v === 'string' ? ` ${v} ` : ' '),
  'wrong-type': wrongType,
  'empty-container': (v) => (Array.isArray(v) ? [] : {}),
  'float-noise': () => 0.1 + 0.2,
};

const NON_JSON_REPLACEMENTS: Record<string, ValueOperator> = {
  'nan-number': () => Number.NaN,
  'infinity-number': (_v, rng) => rng.pick([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]),
  undefined: () => undefined,
  'negative-zero': () => -0,
};

/**
 * One mutation of `root` (which is not modified). `nonJson` adds NaN / Infinity / undefined leaves; `protect`
 * lists top-level keys never to touch (e.g. a wrapper the loader itself adds).
 */
export function mutateValue(root: unknown, rng: SeededRandom, options: { nonJson?: boolean } = {}): ValueMutation {
  const copy = clone(root);
  const paths = allPaths(copy);
  const path = paths.length > 1 && rng.chance(0.97) ? rng.pick(paths.slice(1)) : ([] as JsonPath);
  const target = getAt(copy, path);
  const where = formatJsonPath(path);

  const structural: string[] = [];
  if (path.length > 0) structural.push('delete');
  if (isContainer(target) && !Array.isArray(target)) structural.push('unknown-key');
  if (Array.isArray(target) && target.length > 0) structural.push('duplicate-item');
  const replacements = Object.keys(REPLACEMENTS);
  const extra = options.nonJson ? Object.keys(NON_JSON_REPLACEMENTS) : [];
  const operator = rng.pick([...structural, ...structural, ...replacements, ...extra]);

  if (operator === 'unknown-key') {
    const key = rng.pick(['unexpected', 'extraField', '__proto__x', 'constructor']);
    (target as Record<string, unknown>)[key] = rng.pick([1, 'x', null, { nested: true }]);
    return { value: copy, description: `${where}: add unknown key "${key}"` };
  }
  if (operator === 'duplicate-item') {
    const list = target as unknown[];
    list.push(clone(list[0]));
    return { value: copy, description: `${where}: duplicate the first item` };
  }
  if (operator === 'delete') {
    const parent = getAt(copy, path.slice(0, -1)) as Container;
    const last = path[path.length - 1] as string | number;
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last as string];
    return { value: copy, description: `${where}: delete` };
  }
  const replace = REPLACEMENTS[operator] ?? NON_JSON_REPLACEMENTS[operator];
  if (replace === undefined) throw new Error(`no mutation operator "${operator}"`);
  const replacement = replace(target, rng);
  if (path.length === 0) return { value: replacement, description: `(root): ${operator} → ${show(replacement)}` };
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = replacement;
  return { value: copy, description: `${where}: ${operator} → ${show(replacement)}` };
}

const GARBAGE = ['}', '{', ']', ',', ':', '"', 'x', '\u0000', '\\', 'NaN', '-', '.', 'e'];

/** One text-level fault of a JSON document. */
export function mutateText(text: string, rng: SeededRandom): TextMutation {
  const operator = rng.pick(['truncate', 'truncate', 'stray', 'nan-literal', 'infinity-literal', 'trailing', 'empty']);
  switch (operator) {
    case 'truncate': {
      const at = rng.int(Math.max(text.length - 1, 1));
      return { text: text.slice(0, at), description: `text truncated at ${at} of ${text.length}` };
    }
    case 'stray': {
      const at = rng.int(text.length);
      const char = rng.pick(GARBAGE);
      return { text: text.slice(0, at) + char + text.slice(at), description: `text: ${JSON.stringify(char)} at ${at}` };
    }
    case 'nan-literal':
    case 'infinity-literal': {
      const literal = operator === 'nan-literal' ? 'NaN' : 'Infinity';
      const numbers = [...text.matchAll(/(?<=[:[,]\s*)-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)];
      if (numbers.length === 0) return { text: `${text}${literal}`, description: `text: ${literal} appended` };
      const match = rng.pick(numbers);
      const at = match.index ?? 0;
      return {
        text: text.slice(0, at) + literal + text.slice(at + match[0].length),
        description: `text: number at ${at} replaced by ${literal}`,
      };
    }
    case 'trailing':
      return { text: `${text}\n{"again": 1}`, description: 'text: a second document appended' };
    default:
      return {
        text: rng.pick(['', '   ', 'null', '[]', '"text"', '0']),
        description: 'text: replaced by an empty or scalar document',
      };
  }
}

/** A value mutation serialised (most of the time) or a text mutation of the serialised document. */
export function mutateDocument(root: unknown, rng: SeededRandom, textShare = 0.25): TextMutation {
  if (rng.chance(textShare)) return mutateText(JSON.stringify(root, null, 2), rng);
  const { value, description } = mutateValue(root, rng);
  return { text: JSON.stringify(value, null, 2) ?? 'undefined', description };
}
