import { describe, expect, it } from 'vitest';
import { Handover } from '../../../../../src/venue/aster/ws/handover.ts';

interface F {
  text: string;
}
const f = (n: number): F => ({ text: `{"n":${n}}` });
const ns = (frames: F[]) => frames.map((frame) => Number(JSON.parse(frame.text).n));

describe('rotation handover', () => {
  it('old socket ahead: the new socket copies it already delivered are swallowed', () => {
    const h = new Handover<F>();
    const out: F[] = [];
    out.push(...h.fromOld('s', f(1)), ...h.fromOld('s', f(2)), ...h.fromOld('s', f(3)));
    out.push(...h.fromNew('s', f(2)));
    expect(h.isAligned('s')).toBe(true);
    out.push(...h.promote());
    out.push(...h.fromNew('s', f(3)), ...h.fromNew('s', f(4)));
    expect(ns(out)).toEqual([1, 2, 3, 4]);
    expect(h.settled).toBe(true);
  });

  it('new socket ahead: what it has beyond the old one is delivered at promotion, once', () => {
    const h = new Handover<F>();
    const out: F[] = [];
    out.push(...h.fromOld('s', f(1)));
    out.push(...h.fromNew('s', f(2)), ...h.fromNew('s', f(3)), ...h.fromNew('s', f(4)));
    out.push(...h.fromOld('s', f(2)));
    expect(h.isAligned('s')).toBe(true);
    out.push(...h.promote());
    out.push(...h.fromOld('s', f(3)), ...h.fromNew('s', f(5)));
    expect(ns(out)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keys are independent, and an unaligned key is released by promotion in arrival order', () => {
    const h = new Handover<F>();
    const out: Array<[string, number]> = [];
    const take = (key: string, frames: F[]) => {
      for (const frame of ns(frames)) out.push([key, frame]);
    };
    take('a', h.fromOld('a', f(1)));
    take('b', h.fromNew('b', f(10)));
    take('a', h.fromNew('a', f(1)));
    take('b', h.fromNew('b', f(11)));
    expect(h.isAligned('a')).toBe(true);
    expect(h.isAligned('b')).toBe(false);
    take('b', h.promote());
    expect(out).toEqual([
      ['a', 1],
      ['b', 10],
      ['b', 11],
    ]);
  });

  it('any interleaving of two lagging copies of one sequence yields the sequence exactly once, in order', () => {
    let seed = 12_345;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let run = 0; run < 300; run++) {
      const total = 40;
      const newStartsAt = 1 + Math.floor(random() * 10);
      const promoteAfter = newStartsAt + Math.floor(random() * 25);
      // Two independent delivery queues fed with the same sequence; the new one only from newStartsAt on.
      const oldQueue: number[] = [];
      const newQueue: number[] = [];
      const h = new Handover<F>();
      const out: F[] = [];
      let promoted = false;
      let produced = 0;
      let oldAlive = true;
      while (produced < total || oldQueue.length > 0 || newQueue.length > 0) {
        const roll = random();
        if (roll < 0.4 && produced < total) {
          produced++;
          if (oldAlive) oldQueue.push(produced);
          if (produced >= newStartsAt) newQueue.push(produced);
        } else if (roll < 0.7 && oldQueue.length > 0) {
          const n = oldQueue.shift() as number;
          if (!promoted) out.push(...h.fromOld('s', f(n)));
        } else if (newQueue.length > 0) {
          out.push(...h.fromNew('s', f(newQueue.shift() as number)));
        } else if (produced >= total && oldQueue.length > 0) {
          const n = oldQueue.shift() as number;
          if (!promoted) out.push(...h.fromOld('s', f(n)));
        }
        // Promotion happens once the old socket has drained what it had (as when it has closed).
        if (!promoted && produced >= promoteAfter && oldQueue.length === 0) {
          out.push(...h.promote());
          promoted = true;
          oldAlive = false;
        }
      }
      if (!promoted) out.push(...h.promote());
      expect(ns(out)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    }
  });
});
