/**
 * Random paths that are pure functions of (seed, key, time): the value at t is computed from hashed Gaussian nodes
 * on a ladder of grids (each 4× coarser than the last), linearly interpolated and summed. Asking for t twice, or
 * for t1 < t2 in any number of steps, always gives the same numbers, so a market path depends only on its seed.
 */
import { hash32, hashNormal } from '../random.ts';

const DAY_MS = 86_400_000;
const OCTAVE_RATIO = 4;
/**
 * Summing linearly interpolated octaves yields about 3.4× the variance of true Brownian motion over a given lag
 * (each octave contributes fully below its grid spacing and quadratically above it); this brings it back to 1.
 */
const BROWNIAN_NORMALISER = 1 / Math.sqrt(3.4);

/**
 * Consecutive samples mostly fall between the same two nodes of the coarser octaves, so the last node pair of each
 * (seed, key, octave) is kept in a direct-mapped cache. A slot is trusted only when it holds exactly that
 * (seed, key, octave): the cache changes speed, never results.
 */
interface NodePair {
  seed: number;
  key: number;
  octave: number;
  i: number;
  a: number;
  b: number;
}

const CACHE_SLOTS = 1 << 14;
const nodeCache: (NodePair | undefined)[] = new Array(CACHE_SLOTS);

function nodePair(seed: number, key: number, octave: number, i: number): NodePair {
  const slot = hash32(seed, key, octave) & (CACHE_SLOTS - 1);
  const cached = nodeCache[slot];
  if (cached && cached.seed === seed && cached.key === key && cached.octave === octave) {
    if (cached.i === i) return cached;
    if (cached.i + 1 === i) {
      cached.i = i;
      cached.a = cached.b;
      cached.b = hashNormal(seed, key, octave, i + 1);
      return cached;
    }
    cached.i = i;
    cached.a = hashNormal(seed, key, octave, i);
    cached.b = hashNormal(seed, key, octave, i + 1);
    return cached;
  }
  const fresh: NodePair = {
    seed,
    key,
    octave,
    i,
    a: hashNormal(seed, key, octave, i),
    b: hashNormal(seed, key, octave, i + 1),
  };
  nodeCache[slot] = fresh;
  return fresh;
}

function octaveValue(seed: number, key: number, octave: number, tMs: number, spacingMs: number): number {
  const x = tMs / spacingMs;
  const i = Math.floor(x);
  const f = x - i;
  const { a, b } = nodePair(seed, key, octave, i);
  return a + (b - a) * f;
}

/**
 * Approximate Brownian motion with variance 1 per day, resolved down to `finestMs`, with random-walk behaviour up
 * to `finestMs × 4^(octaves−1)` (beyond that it wanders no further: prices stay in a plausible range).
 */
export function brownian(seed: number, key: number, tMs: number, finestMs: number, octaves: number): number {
  let sum = 0;
  let spacing = finestMs;
  for (let o = 0; o < octaves; o++) {
    sum += Math.sqrt(spacing / DAY_MS) * octaveValue(seed, key, o, tMs, spacing);
    spacing *= OCTAVE_RATIO;
  }
  return sum * BROWNIAN_NORMALISER;
}

/**
 * A stationary, mean-reverting signal with unit variance whose features last from `finestMs` to about
 * `finestMs × 4^(octaves−1)`: every octave weighs the same, so it reverts to zero on the coarsest scale.
 */
export function stationary(seed: number, key: number, tMs: number, finestMs: number, octaves: number): number {
  let sum = 0;
  let spacing = finestMs;
  for (let o = 0; o < octaves; o++) {
    sum += octaveValue(seed, key, o, tMs, spacing);
    spacing *= OCTAVE_RATIO;
  }
  // Linear interpolation of unit normals has variance 2/3 on average; octaves add up.
  return sum / Math.sqrt((octaves * 2) / 3);
}
