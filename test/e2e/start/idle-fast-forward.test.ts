/**
 * Fast-forward over idle time: the clock jumps ahead in bounded steps instead of running faster, so work keeps
 * its real-time budgets while the waits between checks cost almost nothing.
 *
 * - on the clock alone: steps are bounded, timers fire at their own due time, a busy spell lets the clock run at
 *   its own pace (no jump), an abort ends the wait;
 * - with the simulator, through the idle wait `dnfarm run` uses: one simulated hour across a funding boundary
 *   settles the funding at its instant and streams mark prices all along the way, in far less than an hour.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { simulatorIdleWait } from '../../../src/cli/commands/run.ts';
import { SimClock } from '../../../src/sim/clock.ts';
import { DEMO_V3, type SimulatorHandle, startSimulator } from '../../../src/sim/index.ts';
import { type AsterVenue, createAsterVenue } from '../../../src/venue/aster/adapter.ts';
import type { MarkPriceUpdate } from '../../../src/venue/port.ts';

const START_MS = Date.parse('2025-06-01T07:01:00Z');
const FUNDING_MS = Date.parse('2025-06-01T08:00:00Z');
const HOUR_MS = 3_600_000;

describe('SimClock.fastForward', () => {
  it('jumps in bounded steps, firing each timer at its own due time', async () => {
    const clock = new SimClock({ startMs: START_MS, manual: true });
    const fired: number[] = [];
    clock.setTimer(15_000, () => fired.push(clock.nowMs()));
    clock.setTimer(29_999, () => fired.push(clock.nowMs()));
    const steps: number[] = [];
    const skipped = await clock.fastForward(35_000, {
      stepMs: 10_000,
      afterStep: () => void steps.push(clock.nowMs()),
    });
    expect(skipped).toBe(35_000);
    expect(steps).toEqual([START_MS + 10_000, START_MS + 20_000, START_MS + 30_000, START_MS + 35_000]);
    expect(fired).toEqual([START_MS + 15_000, START_MS + 29_999]);
    expect(clock.nowMs()).toBe(START_MS + 35_000);
  });

  it('ends early, without jumping further, when its signal aborts', async () => {
    const clock = new SimClock({ startMs: START_MS, manual: true });
    const controller = new AbortController();
    const skipped = await clock.fastForward(HOUR_MS, {
      stepMs: 10_000,
      signal: controller.signal,
      afterStep: () => controller.abort(),
    });
    expect(skipped).toBe(10_000);
    expect(clock.nowMs()).toBe(START_MS + 10_000);
    expect(await clock.fastForward(HOUR_MS, { signal: controller.signal })).toBe(0);
  });

  it('takes no step while busy: the clock runs at its own pace until the work is done, then skips the rest', async () => {
    const clock = new SimClock({ startMs: START_MS, speed: 1 });
    let busy = true;
    let stepsWhileBusy = 0;
    setTimeout(() => {
      busy = false;
    }, 150);
    const wallStart = Date.now();
    const skipped = await clock.fastForward(HOUR_MS, {
      stepMs: 60_000,
      busy: () => busy,
      busyPollRealMs: 10,
      afterStep: () => {
        if (busy) stepsWhileBusy += 1;
      },
    });
    expect(stepsWhileBusy).toBe(0);
    // Real time passed at ×1 while busy and counted towards the wait; the rest was jumped over.
    expect(skipped).toBeLessThan(HOUR_MS);
    expect(skipped).toBeGreaterThan(HOUR_MS - (Date.now() - wallStart) - 1000);
    expect(clock.nowMs()).toBeGreaterThanOrEqual(START_MS + HOUR_MS);
    clock.close();
  });

  it('rejects a step that is not a positive duration', async () => {
    const clock = new SimClock({ startMs: START_MS, manual: true });
    await expect(clock.fastForward(1000, { stepMs: 0 })).rejects.toThrow(/stepMs must be a positive number, got 0/);
    await expect(clock.fastForward(-1)).rejects.toThrow(/got -1/);
  });
});

describe('the idle wait of `dnfarm run` on the embedded simulator', () => {
  let sim: SimulatorHandle | null = null;
  let venue: AsterVenue | null = null;
  afterEach(async () => {
    await venue?.close();
    await sim?.close();
    venue = null;
    sim = null;
  });

  it('skips an hour across a funding boundary: funding settles at its instant, mark prices stream all along', async () => {
    sim = await startSimulator({ startMs: START_MS, seed: 42, pairs: 30, warn: () => {} });
    venue = createAsterVenue({
      futuresBaseUrl: sim.url,
      spotBaseUrl: sim.url,
      futuresWsUrl: sim.wsUrl,
      spotWsUrl: sim.spotWsUrl,
      signing: { scheme: 'eip712', chainId: 1666, ...DEMO_V3 },
      clock: sim.clock,
    });
    const updates: MarkPriceUpdate[] = [];
    const subscription = await venue.subscribeMarkPrice('BTCUSDT', { onEvent: (u) => updates.push(u) });
    const settledBefore = (await venue.fundingHistory('BTCUSDT', 5)).map((r) => r.fundingTimeMs);
    expect(Math.max(...settledBefore)).toBeLessThan(FUNDING_MS);

    const wait = simulatorIdleWait(sim);
    const wallStart = Date.now();
    await wait(HOUR_MS, new AbortController().signal, () => false);
    // Only a hang guard: an hour of simulated time is skipped, not lived.
    expect(Date.now() - wallStart).toBeLessThan(HOUR_MS / 10);
    expect(sim.clock.nowMs()).toBeGreaterThanOrEqual(START_MS + HOUR_MS);

    const settled = await venue.fundingHistory('BTCUSDT', 5);
    const at8 = settled.find((r) => r.fundingTimeMs >= FUNDING_MS && r.fundingTimeMs < FUNDING_MS + 1000);
    expect(at8).toBeDefined();

    // A mark price at least every few simulated minutes over the whole hour (the protector's view).
    const deadline = Date.now() + 10_000;
    while ((updates.at(-1)?.eventTimeMs ?? 0) < START_MS + HOUR_MS - 60_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const times = updates.map((u) => u.eventTimeMs);
    expect(times.length).toBeGreaterThan(60);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5 * 60_000);
    expect(times.at(-1)).toBeGreaterThanOrEqual(START_MS + HOUR_MS - 60_000);
    expect(updates.some((u) => u.nextFundingTimeMs > FUNDING_MS)).toBe(true);
    await subscription.close();
  }, 60_000);
});
