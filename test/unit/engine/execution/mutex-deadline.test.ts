import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../../src/domain/clock.ts';
import { Deadline } from '../../../../src/engine/execution/deadline.ts';
import { Mutex } from '../../../../src/engine/execution/mutex.ts';

function manualClock(start = 1_000): Clock & { now: number } {
  const clock = {
    now: start,
    nowMs: () => clock.now,
    sleep: async (ms: number) => {
      clock.now += ms;
    },
  };
  return clock;
}

describe('the executor mutex', () => {
  it('runs operations one at a time, in arrival order, even when one fails', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    let release: () => void = () => {};
    const first = mutex.run(async () => {
      log.push('a start');
      await new Promise<void>((r) => {
        release = r;
      });
      log.push('a end');
      throw new Error('a failed');
    });
    const second = mutex.run(async () => {
      log.push('b');
      return 2;
    });
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    release();
    await expect(first).rejects.toThrow('a failed');
    expect(await second).toBe(2);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });
});

describe('a deadline', () => {
  it('counts down on its clock and never sleeps past its end', async () => {
    const clock = manualClock();
    const d = Deadline.after(clock, 500);
    expect(d.remainingMs()).toBe(500);
    await d.sleep(200);
    expect(d.remainingMs()).toBe(300);
    await d.sleep(1_000);
    expect(clock.now).toBe(1_500);
    expect(d.expired()).toBe(true);
    expect(Deadline.at(clock, 1_400).remainingMs()).toBe(0);
  });
});
