/**
 * Crash recovery (DESIGN.md §4 invariant 5, §8): `dnfarm run` is killed with SIGKILL in the middle of open, close
 * and rotate cycles — at the engine's named crash points (`DNFARM_CRASH_AT`: between the legs, after the fills,
 * after a transfer…) and at random moments — against a simulator that outlives it. Then `dnfarm run --once`
 * restarts on the same data dir. After that one iteration: no exposure beyond one lot step, at most one perp
 * position, no order duplicated or over-executed, and a store that opens, passes its full integrity check, has
 * nothing unresolved and agrees with the exchange.
 *
 * Random kills are aimed by the exchange's request log, not by wall time, so they land inside the cycle whatever
 * the machine's speed: the bot is killed when the simulator has received the k-th state-changing request of the
 * cycle (an order, a cancel, a transfer, an account setting, a fill query), k drawn at random, after a random pause
 * of a few ms, so the kill falls before or after the bot has read that answer. A cycle that ends before its k-th
 * request is killed while idle. The figures line says where each random kill landed (`killedInOpen`,
 * `killedInClose`, `killedBetween`).
 *
 * Trials: 50 in CI (each named crash point once, the rest random), 200 in the full setting. Each trial runs the
 * bundled CLI twice, as production does (≈ 4 s per trial).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.ts';
import { CRASH_STEPS } from '../../src/engine/crash.ts';
import { type SimulatorHandle, startSimulator } from '../../src/sim/index.ts';
import { openExitChannel, openStore } from '../../src/store/index.ts';
import { cliBundle } from '../support/cli-bundle.ts';
import { auditOrders } from './support/audit.ts';
import { BotChild } from './support/bot-child.ts';
import { ExposureMonitor } from './support/exposure.ts';
import { SeededRandom } from './support/random.ts';
import { FULL, figuresLine, suiteSeed, ViolationLog } from './support/settings.ts';
import { ACCOUNT } from './support/soak.ts';
import { removeTempDirs, tempDir } from './support/temp-dirs.ts';

const SEED = suiteSeed(1304);
const NAMED_ROUNDS = FULL ? 3 : 1;
const TRIALS = FULL ? 200 : 50;
const RANDOM_KILLS = TRIALS - CRASH_STEPS.length * NAMED_ROUNDS;

/** Requests that change or confirm the account's state: the points inside a cycle a crash can fall between. */
const CYCLE_REQUEST = /order\.|transfer|leverage|marginType|positionMode\.set|userTrades|allOpenOrders\.cancel/;

/** How many cycle requests each kind of cycle sends, about: the range the random k is drawn from. */
const CYCLE_REQUESTS: Record<Cycle, number> = { open: 8, close: 6, rotate: 14 };

/** A random kill whose k-th cycle request never comes (the cycle ended sooner) happens this long after the trigger. */
const IDLE_KILL_AFTER_MS = 4000;

type Cycle = 'open' | 'close' | 'rotate';

interface Trial {
  cycle: Cycle;
  /** A named crash point, or null for a SIGKILL aimed by `killAt`. */
  crashAt: string | null;
  /** For a random kill: after the cycle's `request`-th cycle request, plus `pauseMs`. */
  killAt: { request: number; pauseMs: number };
}

const NO_KILL = { request: 0, pauseMs: 0 };

/** Which cycle reaches a crash point: opens (and their transfer) in an open, closes in a close or a rotation. */
function trialsFor(rng: SeededRandom): Trial[] {
  const trials: Trial[] = [];
  for (let round = 0; round < NAMED_ROUNDS; round++) {
    for (const step of CRASH_STEPS) {
      if (step.startsWith('close:'))
        trials.push({ cycle: rng.pick(['close', 'rotate'] as const), crashAt: step, killAt: NO_KILL });
      else if (round % 2 === 1) trials.push({ cycle: 'rotate', crashAt: `${step}#2`, killAt: NO_KILL });
      else trials.push({ cycle: 'open', crashAt: step, killAt: NO_KILL });
    }
  }
  for (let i = 0; i < RANDOM_KILLS; i++) {
    const cycle = rng.pick(['open', 'close', 'rotate'] as const);
    trials.push({
      cycle,
      crashAt: null,
      killAt: { request: 1 + rng.int(CYCLE_REQUESTS[cycle]), pauseMs: rng.int(15) },
    });
  }
  return trials;
}

const figures = {
  trials: 0,
  faults: 0,
  violations: 0,
  namedPoints: 0,
  randomKills: 0,
  killedInOpen: 0,
  killedInClose: 0,
  killedBetween: 0,
  notReached: 0,
  restarts: 0,
};
const violations = new ViolationLog();
let sim: SimulatorHandle;
let configPath: string;
let cliPath: string;

beforeAll(async () => {
  cliPath = cliBundle();
  sim = await startSimulator({ seed: SEED, pairs: 6, rateLimits: false, warn: () => {} });
  const dir = tempDir();
  configPath = join(dir, 'dnfarm.config.json');
  // One check per second, and rotation allowed at once: a cycle takes seconds instead of hours.
  writeFileSync(
    configPath,
    JSON.stringify({
      position_management: { loop_interval_seconds: 1, forced_rotation_min_hours: 0, rotation_min_hours: 0 },
      logging: { level: 'warn' },
    }),
  );
});

afterAll(async () => {
  await sim?.close();
  removeTempDirs();
  console.log(figuresLine('crash-recovery', { ...figures, violations: violations.count, seed: SEED }));
});

async function pinRates(best: 'BTCUSDT' | 'ETHUSDT'): Promise<void> {
  await sim.setFundingRate('BTCUSDT', dec(best === 'BTCUSDT' ? '0.0008' : '0.00005'));
  await sim.setFundingRate('ETHUSDT', dec(best === 'ETHUSDT' ? '0.004' : '0.00005'));
}

/** The sequence number of the newest request the simulator has logged (0 when none). */
function lastRequestSeq(): number {
  return sim.requests().at(-1)?.seq ?? 0;
}

/**
 * SIGKILLs the bot `pauseMs` after the simulator received the `request`-th cycle request logged after `afterSeq`,
 * or `IDLE_KILL_AFTER_MS` after the call when that request never comes.
 */
async function killAtRequest(bot: BotChild, afterSeq: number, killAt: Trial['killAt']): Promise<void> {
  const deadline = Date.now() + IDLE_KILL_AFTER_MS;
  while (bot.running && Date.now() < deadline) {
    const seen = sim.requests(afterSeq).filter((r) => CYCLE_REQUEST.test(r.endpoint)).length;
    if (seen >= killAt.request) {
      await new Promise((resolve) => setTimeout(resolve, killAt.pauseMs));
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  bot.kill();
}

/**
 * Where a kill landed, from the events the bot printed before it: inside an open's legs, inside a close, or between
 * them (transfers and account settings before an open, the loop's own reads, idle).
 */
function killPhase(bot: BotChild): 'open' | 'close' | 'idle' {
  const count = (type: string) => bot.events.filter((e) => e.event === type).length;
  if (count('close_started') > count('close_completed')) return 'close';
  if (count('open_started') > count('open_completed')) return 'open';
  return 'idle';
}

/** Runs the bot until the crash; returns whether the kill happened where the trial meant it to. */
async function crashRun(trial: Trial, dataDir: string): Promise<boolean> {
  const bot = new BotChild({
    cliPath,
    simUrl: sim.url,
    dataDir,
    configPath,
    ...(trial.crashAt === null ? {} : { crashAt: trial.crashAt }),
  });
  const random = trial.crashAt === null;
  if (trial.cycle === 'open') {
    if (random) await killAtRequest(bot, 0, trial.killAt);
  } else if (await bot.waitFor('open_completed', 30_000)) {
    // Let the open's own requests (fill queries, the backstop) arrive before counting the cycle's.
    await bot.waitFor('iteration_completed', 30_000);
    const afterSeq = lastRequestSeq();
    if (trial.cycle === 'close') {
      const channel = openExitChannel(dataDir);
      channel.request({ reason: 'crash-recovery trial', requestedBy: 'reliability suite' });
      channel.close();
    } else {
      await pinRates('ETHUSDT');
    }
    if (random) await killAtRequest(bot, afterSeq, trial.killAt);
  }
  const end = await bot.exit(30_000);
  if (trial.crashAt === null) {
    const phase = killPhase(bot);
    if (phase === 'open') figures.killedInOpen++;
    else if (phase === 'close') figures.killedInClose++;
    else figures.killedBetween++;
    return end.signal === 'SIGKILL';
  }
  return (
    !end.timedOut &&
    end.signal === 'SIGKILL' &&
    bot.stderr.includes(`crash point ${trial.crashAt.split('#')[0]} reached`)
  );
}

/** Client ids of the account's orders resting on the exchange. */
function openOrderIds(simulator: SimulatorHandle): string[] {
  const state = simulator.state({ include: new Set(['accounts']), account: ACCOUNT });
  const accounts = (state['accounts'] ?? []) as { orders: { clientOrderId: string; status: string }[] }[];
  return accounts.flatMap((a) =>
    a.orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED').map((o) => o.clientOrderId),
  );
}

function checkAfterRestart(where: string, dataDir: string, monitor: ExposureMonitor): void {
  for (const e of monitor.exposures()) {
    violations.add(
      `${where}: ${e.symbol} exposed after the restart: spot ${e.spotAboveDust.toFixed()} against short ${e.perpShort.toFixed()}`,
    );
  }
  const positions = sim.engine.positionRisk(ACCOUNT);
  const open = positions.ok ? positions.value.filter((p) => !p.positionAmt.isZero()) : [];
  if (open.length > 1) violations.add(`${where}: ${open.length} perp positions on the exchange`);
  for (const problem of auditOrders(sim, ACCOUNT)) violations.add(`${where}: ${problem}`);

  let store: ReturnType<typeof openStore>;
  try {
    store = openStore(dataDir, { command: 'crash-recovery check', integrityCheck: 'full' });
  } catch (error) {
    violations.add(`${where}: the store does not open: ${String(error)}`);
    return;
  }
  try {
    const status = store.status();
    // Outcome unknown: planned or sent and never confirmed. A resting order (the backstop) is known, not unresolved,
    // but it must really rest on the exchange.
    const unknown = status.unresolvedOrders.filter((o) => o.status === 'PLANNED' || o.status === 'SENT');
    if (status.unresolvedIntents.length + unknown.length + status.unresolvedTransfers.length > 0) {
      violations.add(
        `${where}: unresolved after one iteration: ${status.unresolvedIntents.length} intents, ${unknown.length} orders, ${status.unresolvedTransfers.length} transfers`,
      );
    }
    const resting = new Set(openOrderIds(sim));
    for (const o of status.unresolvedOrders) {
      if ((o.status === 'NEW' || o.status === 'PARTIALLY_FILLED') && !resting.has(o.clientOrderId)) {
        violations.add(`${where}: the store has ${o.clientOrderId} open, the exchange does not`);
      }
    }
    const active = store.positions.active();
    const held = open[0];
    if (held === undefined && active !== null) {
      violations.add(`${where}: the store holds ${active.symbol} (${active.status}) but the exchange is flat`);
    } else if (held !== undefined) {
      if (active === null) violations.add(`${where}: the exchange holds ${held.symbol} but the store nothing`);
      else if (active.symbol !== held.symbol || !active.perpQty.equals(held.positionAmt.abs())) {
        violations.add(
          `${where}: store ${active.symbol} ${active.perpQty.toFixed()} vs exchange ${held.symbol} ${held.positionAmt.toFixed()}`,
        );
      }
    }
  } finally {
    store.close();
  }
}

describe('crash recovery', () => {
  it(
    'a bot killed at any point of open, close and rotate recovers in one iteration without exposure or duplicates',
    async () => {
      const rng = new SeededRandom(SEED);
      for (const [index, trial] of trialsFor(rng).entries()) {
        const aim = trial.crashAt ?? `SIGKILL ${trial.killAt.pauseMs} ms after cycle request ${trial.killAt.request}`;
        const where = `trial ${index} (${trial.cycle}, ${aim})`;
        sim.reset();
        await pinRates('BTCUSDT');
        const monitor = new ExposureMonitor(sim, ACCOUNT);
        const dataDir = mkdtempSync(join(tempDir(), 'data-'));
        figures.trials++;
        if (trial.crashAt === null) figures.randomKills++;
        else figures.namedPoints++;
        const reached = await crashRun(trial, dataDir);
        if (reached) figures.faults++;
        else figures.notReached++;

        const restart = new BotChild({ cliPath, simUrl: sim.url, dataDir, configPath, once: true });
        const end = await restart.exit(90_000);
        figures.restarts++;
        if (end.timedOut || end.code !== 0) {
          violations.add(
            `${where}: the restart ended with code ${end.code} (${end.timedOut ? 'timed out' : end.signal}): ${restart.stderr.slice(-400)}`,
          );
          continue;
        }
        checkAfterRestart(where, dataDir, monitor);
      }
      expect(violations.count, violations.summary()).toBe(0);
      // Most crashes must land where they were aimed, or the suite tests nothing.
      expect(figures.faults).toBeGreaterThan(figures.trials / 2);
    },
    FULL ? 7_200_000 : 900_000,
  );
});
