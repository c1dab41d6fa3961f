/**
 * Deterministic randomness for the simulator: the same seed always gives the same numbers, on every platform.
 *
 * Two flavours:
 * - `Rng`, a sequential xoshiro128** generator (seeded through splitmix32), for drawing a symbol universe once;
 * - `hashUniform` / `hashNormal`, counter-based draws that are a pure function of (seed, keys). Market paths use them
 *   so that the price at time t does not depend on how often, or in which steps, the market was advanced.
 *
 * Floats are fine here: these numbers shape synthetic markets and are quantized onto tick and step grids (as
 * Decimals) before any order path sees them.
 */

const TWO_POW_32 = 4294967296;

/** A 32-bit finaliser with good avalanche (every input bit flips about half the output bits). */
export function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** FNV-1a over UTF-16 code units, then mixed: turns a name into a 32-bit seed or key. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Hash of a seed and up to three 32-bit keys (keys ≥ 2^32 are folded, negative ones wrap). */
export function hash32(seed: number, a: number, b = 0, c = 0): number {
  let h = mix32((seed ^ 0x9e3779b9) >>> 0);
  h = mix32((h ^ fold(a)) >>> 0);
  h = mix32((h + Math.imul(fold(b), 0x85ebca6b)) >>> 0);
  h = mix32((h ^ Math.imul(fold(c), 0xc2b2ae35)) >>> 0);
  return h;
}

function fold(key: number): number {
  if (key >= 0 && key < TWO_POW_32) return key >>> 0;
  const hi = Math.floor(key / TWO_POW_32);
  return (key - hi * TWO_POW_32) ^ mix32(hi >>> 0);
}

/** Uniform in the open interval (0, 1), a pure function of its arguments. */
export function hashUniform(seed: number, a: number, b = 0, c = 0): number {
  return (hash32(seed, a, b, c) + 0.5) / TWO_POW_32;
}

/** Standard normal, a pure function of its arguments (Box–Muller on two independent hashes). */
export function hashNormal(seed: number, a: number, b = 0, c = 0): number {
  const u1 = hashUniform(seed, a, b, c);
  const u2 = hashUniform(seed ^ 0x5bd1e995, a, b, c);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** xoshiro128**: a small, fast sequential generator with a 2^128 − 1 period. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    // splitmix32 expands one 32-bit seed into four non-zero state words.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      return mix32(x) || 1;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Log-uniform in [min, max): equal odds per order of magnitude, as asset prices and volumes spread. */
  logRange(min: number, max: number): number {
    return Math.exp(this.range(Math.log(min), Math.log(max)));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  normal(): number {
    const u1 = (this.nextUint32() + 0.5) / TWO_POW_32;
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
