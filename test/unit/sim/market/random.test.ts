import { describe, expect, it } from 'vitest';
import { hash32, hashNormal, hashString, hashUniform, Rng } from '../../../../src/sim/random.ts';

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.nextUint32());

describe('seeded randomness', () => {
  it('the same seed repeats the same sequence; different seeds diverge', () => {
    expect(draw(new Rng(42), 1_000)).toEqual(draw(new Rng(42), 1_000));
    const a = draw(new Rng(42), 100);
    const b = draw(new Rng(43), 100);
    expect(a.filter((x, i) => x === b[i]).length).toBe(0);
    // Seed 0 is a valid seed, not a degenerate all-zero state.
    expect(new Set(draw(new Rng(0), 100)).size).toBe(100);
  });

  it('draws are spread evenly and stay in range', () => {
    const rng = new Rng(7);
    const n = 50_000;
    let sum = 0;
    let sumSq = 0;
    const buckets = new Array(10).fill(0) as number[];
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outOfRange++;
      buckets[Math.floor(u * 10)] = (buckets[Math.floor(u * 10)] ?? 0) + 1;
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    expect(outOfRange).toBe(0);
    for (const count of buckets) expect(Math.abs(count - n / 10)).toBeLessThan(n / 10 / 10);
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.05);
    const ints = new Set<number>();
    let badLog = 0;
    for (let i = 0; i < 1_000; i++) {
      ints.add(rng.int(3, 7));
      const v = rng.logRange(0.01, 100);
      if (!(v >= 0.01 && v < 100)) badLog++;
    }
    expect([...ints].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(badLog).toBe(0);
  });

  it('counter-based draws are pure functions of seed and keys', () => {
    expect(hashUniform(1, 2, 3, 4)).toBe(hashUniform(1, 2, 3, 4));
    expect(hashUniform(1, 2, 3, 4)).not.toBe(hashUniform(1, 2, 3, 5));
    expect(hashUniform(1, 2, 3, 4)).not.toBe(hashUniform(2, 2, 3, 4));
    // Keys beyond 32 bits (ms timestamps) still separate.
    expect(hash32(1, 1_717_200_000_000)).not.toBe(hash32(1, 1_717_200_000_001));
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    for (let i = 0; i < 20_000; i++) {
      const u = hashUniform(9, i);
      if (!(u > 0 && u < 1)) outside++;
      const z = hashNormal(9, i, 1);
      sum += z;
      sumSq += z * z;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 20_000)).toBeLessThan(0.04);
    expect(Math.abs(sumSq / 20_000 - 1)).toBeLessThan(0.06);
    expect(hashString('BTCUSDT')).toBe(hashString('BTCUSDT'));
    expect(hashString('BTCUSDT')).not.toBe(hashString('ETHUSDT'));
  });

  it('shuffle and pick only rearrange what they are given', () => {
    const rng = new Rng(3);
    const items = [1, 2, 3, 4, 5, 6];
    expect(rng.shuffle([...items]).sort()).toEqual(items);
    expect(items).toContain(rng.pick(items));
    expect(() => rng.pick([])).toThrow(RangeError);
  });
});
