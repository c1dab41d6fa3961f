/**
 * A fault soak: the whole engine in-process (executor, gate, protector, loop; real client, real SQLite store) on
 * the simulator with faults injected, for a number of simulated days. The simulator clock runs in real time and
 * jumps ahead while the loop sleeps, one loop wake per jump, so funding settles at every boundary crossed and the
 * strategy opens, collects, closes and rotates as it decides. Faults are drawn from the simulator's seed.
 *
 * Besides the probabilistic faults of the spec, every few iterations a scripted one is armed: a 429 burst, a
 * one-leg reject on either market, or a 418 ban of the bot's IP caused by a noisy neighbour ignoring its own 429.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, strategyParamsFromConfig } from '../../../src/config/index.ts';
import type { EngineEvent } from '../../../src/engine/events.ts';
import type { Logger } from '../../../src/engine/execution/index.ts';
import { createEngine, engineSettingsFromConfig } from '../../../src/engine/runtime.ts';
import { DEMO_V3, parseFaultSpec, type SimulatorHandle, startSimulator } from '../../../src/sim/index.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { createAsterVenue } from '../../../src/venue/aster/index.ts';
import { auditMoney, auditOrders } from './audit.ts';
import { ExposureMonitor } from './exposure.ts';
import { SeededRandom } from './random.ts';
import type { ViolationLog } from './settings.ts';

export const ACCOUNT = DEMO_V3.user.toLowerCase();
const HOUR_MS = 3_600_000;
/** 2025-06-01 03:00 UTC: away from funding boundaries. */
const START_MS = Date.UTC(2025, 5, 1, 3, 0, 0);

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface SoakOptions {
  days: number;
  /** Simulated time per loop wake. */
  stepMs: number;
  seed: number;
  /** The background faults, on for the whole run. */
  faults: string;
  violations: ViolationLog;
  /** Called every few iterations with the simulated day reached. */
  onProgress?: (day: number) => void;
}

export interface SoakReport {
  iterations: number;
  /** Requests that an injected fault hit. */
  faultsHit: number;
  scriptedFaults: number;
  /** Answers with HTTP 429 and 418 (bans), whoever received them. */
  http429: number;
  http418: number;
  opens: number;
  closes: number;
  positionsAudited: number;
  maxPnlDiffUsdt: string;
  auditedPnlUsdt: string;
  longestExposureMs: number;
}

const until = async (probe: () => boolean, what: string, timeoutMs: number): Promise<void> => {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** Makes 127.0.0.1 ignore a 429 on the futures market until it is banned (418) for a short while. */
async function noisyNeighbourBan(sim: SimulatorHandle): Promise<void> {
  sim.faults.set({ ...structuredClone(sim.faults.config), burst429: [{ count: 1, target: { kind: 'public' } }] });
  for (let i = 0; i < 8; i++) {
    // The background faults apply to the neighbour too (a hang, a 5xx): it neither waits nor cares.
    await fetch(`${sim.url}/fapi/v3/time`, { signal: AbortSignal.timeout(1_000) })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
  }
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { violations } = options;
  const rng = new SeededRandom(options.seed);
  const sim = await startSimulator({
    seed: options.seed,
    pairs: 8,
    startMs: START_MS,
    faults: options.faults,
    // Bans as short as a leg timeout: long enough to be felt, short enough that a repair can still go out.
    rateLimits: { firstBanMs: 2_000, maxBanMs: 2_000 },
    warn: () => {},
  });
  const venue = createAsterVenue({
    futuresBaseUrl: sim.url,
    spotBaseUrl: sim.url,
    futuresWsUrl: sim.wsUrl,
    spotWsUrl: sim.spotWsUrl,
    signing: { scheme: 'eip712', chainId: 1666, ...DEMO_V3 },
    requestTimeoutMs: 1_000,
    clock: sim.clock,
    transport: { retry: { baseDelayMs: 50, maxDelayMs: 200 } },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'dnfarm-soak-'));
  const store: Store = openStore(dataDir, { clock: sim.clock, command: 'reliability soak' });
  const config = defaultConfig();
  const params = strategyParamsFromConfig(config);
  const settings = engineSettingsFromConfig(config);
  const events: EngineEvent[] = [];
  const engine = createEngine({
    venue,
    store,
    clock: sim.clock,
    params,
    settings: { ...settings, exitPollIntervalMs: 100, protectorPollIntervalMs: 500 },
    events: (e) => events.push(e),
    logger: silent,
  });
  const monitor = new ExposureMonitor(sim, ACCOUNT);
  const count = (type: EngineEvent['type']) => events.filter((e) => e.type === type).length;
  const idle = () =>
    until(
      () => count('iteration_started') > 0 && count('iteration_completed') === count('iteration_started'),
      'the loop to sleep',
      120_000,
    );

  const controller = new AbortController();
  const running = engine.run(controller.signal);
  running.catch(() => {});
  monitor.start();
  let faultsHit = 0;
  let http429 = 0;
  let http418 = 0;
  let lastSeq = 0;
  let scripted = 0;
  let iterations = 0;
  try {
    const steps = Math.round((options.days * 24 * HOUR_MS) / options.stepMs);
    for (let step = 0; step < steps; step++) {
      await idle();
      for (const e of monitor.settle()) {
        violations.add(
          `step ${step}: ${e.symbol} exposed while the loop sleeps: spot ${e.spotAboveDust.toFixed()} against short ${e.perpShort.toFixed()}`,
        );
      }
      const requests = sim.requests(lastSeq);
      lastSeq = requests.at(-1)?.seq ?? lastSeq;
      faultsHit += requests.filter((r) => (r.faults?.length ?? 0) > 0).length;
      http429 += requests.filter((r) => r.status === 429).length;
      http418 += requests.filter((r) => r.status === 418).length;
      if (step % 6 === 3) {
        scripted++;
        const kind = rng.pick(['429', 'reject-spot', 'reject-perp', '418'] as const);
        if (kind === '429')
          sim.faults.set({ ...structuredClone(sim.faults.config), burst429: [{ count: 3, target: { kind: 'any' } }] });
        else if (kind === 'reject-spot')
          sim.faults.set({ ...structuredClone(sim.faults.config), rejectNext: [{ market: 'spot', code: -2010 }] });
        else if (kind === 'reject-perp')
          sim.faults.set({ ...structuredClone(sim.faults.config), rejectNext: [{ market: 'perp', code: -2019 }] });
        else await noisyNeighbourBan(sim);
      }
      const before = count('iteration_started');
      await sim.advance(options.stepMs);
      await until(() => count('iteration_started') > before, 'the woken iteration', 60_000);
      iterations++;
      if (step % 24 === 0) options.onProgress?.((step * options.stepMs) / (24 * HOUR_MS));
    }
    await idle();
    controller.abort('soak done');
    await running;
    monitor.stop();
    monitor.sample();

    // Flat at the end, with the faults off, so every position's money can be audited.
    sim.faults.set(parseFaultSpec(''));
    const active = store.positions.active();
    if (active !== null) {
      const outcome = await engine.executor.closePosition(active.id, 'manual');
      if (outcome.status !== 'closed') violations.add(`the final close of ${active.symbol} ended ${outcome.status}`);
    }
    for (const [symbol, ms] of monitor.longestMs) {
      if (ms > settings.execution.legTimeoutMs + 250) {
        violations.add(
          `${symbol} stayed exposed for ${Math.round(ms)} ms (leg timeout ${settings.execution.legTimeoutMs} ms)`,
        );
      }
    }
    for (const problem of auditOrders(sim, ACCOUNT)) violations.add(problem);
    const money = auditMoney(sim, store, ACCOUNT);
    for (const problem of money.problems) violations.add(problem);
    return {
      iterations,
      faultsHit,
      scriptedFaults: scripted,
      http429,
      http418,
      opens: count('open_completed'),
      closes: count('close_completed'),
      positionsAudited: money.positionsChecked,
      maxPnlDiffUsdt: money.maxDiffUsdt.toFixed(6),
      auditedPnlUsdt: money.auditedPnlUsdt.toFixed(4),
      longestExposureMs: Math.round(Math.max(0, ...monitor.longestMs.values())),
    };
  } finally {
    monitor.stop();
    controller.abort('soak cleanup');
    await running.catch(() => {});
    await venue.close();
    store.close();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
