/**
 * What a successful parse must never contain: NaN or infinite numbers, non-finite decimals, and — compared with the
 * parse of the unmutated input — a decimal field that silently became undefined. (`null` is allowed where the
 * domain type says `Decimal | null`: that is an explicit "the exchange sent none", not a lost value.)
 */
import { Decimal } from '../../../src/domain/decimal.ts';

function isDecimalLike(value: unknown): value is Decimal {
  if (value instanceof Decimal) return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { isFinite?: unknown; toFixed?: unknown; isNaN?: unknown };
  return typeof v.isFinite === 'function' && typeof v.isNaN === 'function' && typeof v.toFixed === 'function';
}

function child(node: unknown, key: string | number): { present: boolean; value: unknown } {
  if (node instanceof Map) return { present: node.has(key), value: node.get(key) };
  if (Array.isArray(node)) return { present: typeof key === 'number' && key < node.length, value: node[key as number] };
  if (typeof node === 'object' && node !== null) {
    return { present: Object.hasOwn(node, key), value: (node as Record<string | number, unknown>)[key] };
  }
  return { present: false, value: undefined };
}

function entries(node: unknown): [string | number, unknown][] {
  if (node instanceof Map) return [...node.entries()] as [string | number, unknown][];
  if (node instanceof Set) return [...node.values()].map((v, i) => [i, v]);
  if (Array.isArray(node)) return node.map((v, i) => [i, v]);
  if (typeof node === 'object' && node !== null && !isDecimalLike(node)) return Object.entries(node);
  return [];
}

/** Lists can mix item kinds (user-stream events); items are compared only with an item of the same kind. */
function sameKind(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return true;
  for (const tag of ['type', 'kind', 'e', 'market']) {
    const x = (a as Record<string, unknown>)[tag];
    const y = (b as Record<string, unknown>)[tag];
    if (x !== y && (typeof x === 'string' || typeof y === 'string')) return false;
  }
  return true;
}

const label = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`);

/** NaN / infinite numbers and decimals anywhere in `value`. */
export function nonFiniteLeaves(value: unknown, path = '$', seen = new Set<unknown>()): string[] {
  if (isDecimalLike(value)) return value.isFinite() ? [] : [`${path} is ${value.toString()}`];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path} is ${value}`];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  return entries(value).flatMap(([k, v]) => nonFiniteLeaves(v, label(path, k), seen));
}

/** Decimal fields of `baseline` that are undefined or absent at the same place in `candidate` (same parent). */
export function lostDecimals(baseline: unknown, candidate: unknown, path = '$'): string[] {
  if (typeof baseline !== 'object' || baseline === null || isDecimalLike(baseline)) return [];
  if (typeof candidate !== 'object' || candidate === null) return [];
  const out: string[] = [];
  for (const [key, base] of entries(baseline)) {
    const { present, value } = child(candidate, key);
    if (isDecimalLike(base)) {
      // Arrays and maps shrink when an item is deleted; only records keep their decimal keys.
      const keyed = !(candidate instanceof Map) && !Array.isArray(candidate);
      if (keyed && (!present || value === undefined)) out.push(`${label(path, key)} is undefined`);
    } else if (present && sameKind(base, value)) {
      out.push(...lostDecimals(base, value, label(path, key)));
    }
  }
  return out;
}

/** Everything wrong with a successful parse; empty when it is sound. */
export function parseProblems(output: unknown, baseline?: unknown): string[] {
  return [...nonFiniteLeaves(output), ...(baseline === undefined ? [] : lostDecimals(baseline, output))];
}
