import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../../src/sim/clock.ts';

const START = Date.UTC(2025, 0, 1);

describe('simulator clock', () => {
  it('in manual mode, time moves only by hand and timers fire in order, each at its due time', () => {
    const clock = new SimClock({ startMs: START, manual: true });
    const fired: [string, number][] = [];
    clock.setTimer(300, () => fired.push(['b', clock.nowMs()]));
    clock.setTimer(100, () => fired.push(['a', clock.nowMs()]));
    clock.at(START + 300, () => fired.push(['c', clock.nowMs()]));
    expect(clock.nowMs()).toBe(START);
    clock.advance(299);
    expect(fired).toEqual([['a', START + 100]]);
    clock.advance(1);
    expect(fired.map(([n]) => n)).toEqual(['a', 'b', 'c']);
    expect(clock.nowMs()).toBe(START + 300);
    expect(() => clock.set(START)).toThrow(RangeError);
  });

  it('periodic work follows clock time, aligned to the period when asked', () => {
    const clock = new SimClock({ startMs: START + 250, manual: true });
    const ticks: number[] = [];
    const handle = clock.every(1_000, () => ticks.push(clock.nowMs()), { aligned: true });
    clock.advance(3_000);
    expect(ticks).toEqual([START + 1_000, START + 2_000, START + 3_000]);
    handle.cancel();
    clock.advance(5_000);
    expect(ticks.length).toBe(3);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('sleep resolves after that much clock time, or at once when aborted', async () => {
    const clock = new SimClock({ startMs: START, manual: true });
    let woke = false;
    const sleeping = clock.sleep(60_000).then(() => {
      woke = true;
    });
    clock.advance(59_999);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);

    const controller = new AbortController();
    const aborted = clock.sleep(3_600_000, controller.signal);
    controller.abort();
    await aborted;
    expect(clock.nowMs()).toBe(START + 60_000);
    expect(clock.pendingTimers()).toBe(0);
    await clock.sleep(1, controller.signal);
  });

  it('advanceAsync lets a chain of sleeps run as it would in real time', async () => {
    const clock = new SimClock({ startMs: START, manual: true });
    const wakes: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(1_000);
        wakes.push(clock.nowMs() - START);
      }
    })();
    await clock.advanceAsync(10_000);
    await loop;
    expect(wakes).toEqual([1_000, 2_000, 3_000, 4_000, 5_000]);
    expect(clock.nowMs()).toBe(START + 10_000);
  });

  it('in real-time mode, clock time is real elapsed time × speed, and a speed change causes no jump', () => {
    let real = 1_000;
    const clock = new SimClock({ startMs: START, speed: 60, realNowMs: () => real });
    real += 1_000;
    expect(clock.nowMs()).toBe(START + 60_000);
    clock.setSpeed(1);
    expect(clock.nowMs()).toBe(START + 60_000);
    real += 500;
    expect(clock.nowMs()).toBe(START + 60_500);
    clock.advance(1_000);
    expect(clock.nowMs()).toBe(START + 61_500);
    expect(() => new SimClock({ startMs: START, speed: 0 })).toThrow(RangeError);
    clock.close();
  });

  it('in real-time mode, timers fire on real timers scaled by the speed', async () => {
    const clock = new SimClock({ startMs: START, speed: 1_000 });
    const began = performance.now();
    // 20 s of clock time at ×1000 is 20 ms of real time; the bound only catches a hang.
    await clock.sleep(20_000);
    expect(clock.nowMs()).toBeGreaterThanOrEqual(START + 20_000);
    expect(performance.now() - began).toBeLessThan(10_000);
    const ticks: number[] = [];
    await new Promise<void>((resolve) => {
      const handle = clock.every(5_000, () => {
        ticks.push(clock.nowMs());
        if (ticks.length === 3) {
          handle.cancel();
          resolve();
        }
      });
    });
    expect(ticks.every((t, i) => i === 0 || t > (ticks[i - 1] ?? 0))).toBe(true);
    clock.close();
  });

  it('a throwing timer does not stop the others', () => {
    const errors: unknown[] = [];
    const clock = new SimClock({ startMs: START, manual: true, onTimerError: (e) => errors.push(e) });
    let ran = false;
    clock.setTimer(10, () => {
      throw new Error('boom');
    });
    clock.setTimer(10, () => {
      ran = true;
    });
    clock.advance(10);
    expect(ran).toBe(true);
    expect(errors.length).toBe(1);
  });
});
