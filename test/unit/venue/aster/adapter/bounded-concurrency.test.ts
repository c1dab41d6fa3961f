/** The helper that fetches MA-mode funding histories a few at a time. */
import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../../../../src/venue/aster/index.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('mapWithConcurrency', () => {
  it('never has more than the limit in flight and keeps the results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const gates = Array.from({ length: 10 }, deferred);
    const run = mapWithConcurrency([...gates.keys()], 3, async (i) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await gates[i]?.promise;
      inFlight -= 1;
      return `r${i}`;
    });
    // Release in reverse order: completion order must not leak into the result order.
    for (const gate of [...gates].reverse()) {
      gate.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await run).toEqual(gates.map((_, i) => `r${i}`));
    expect(peak).toBe(3);
  });

  it('starts no further call after a failure and rejects with it', async () => {
    const started: number[] = [];
    const run = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      if (i === 1) throw new Error('boom 1');
      await new Promise((resolve) => setImmediate(resolve));
      return i;
    });
    await expect(run).rejects.toThrow('boom 1');
    expect(started).toEqual([0, 1]);
  });

  it('handles an empty list and refuses a non-positive limit', async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
    await expect(mapWithConcurrency([1], 0, async () => 1)).rejects.toThrow(/concurrency must be a positive integer/);
  });
});
