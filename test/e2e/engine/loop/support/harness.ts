/**
 * The whole engine in-process against the real thing: the simulator on a loopback port over a hand-set
 * market (ManualMarketSource), the real Aster venue (signing, transport, parsing, streams), a real
 * SQLite store in a temporary directory, and `createEngine` with the original bot's shipped config.
 *
 * The simulator clock runs in real time from a fixed start (03:00 UTC, far from funding boundaries) and
 * the engine follows it, so leg timeouts and stream latencies are real milliseconds; hours pass by
 * jumping the clock while the loop sleeps (`jumpTo`), which settles funding at every boundary crossed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DnfarmConfig, parseConfigText, strategyParamsFromConfig } from '../../../../../src/config/index.ts';
import { type Decimal, dec, ZERO } from '../../../../../src/domain/decimal.ts';
import type { EngineEvent } from '../../../../../src/engine/events.ts';
import type { Logger } from '../../../../../src/engine/execution/index.ts';
import { createEngine, type Engine, engineSettingsFromConfig } from '../../../../../src/engine/runtime.ts';
import { DEMO_V3, type SimulatorHandle, startSimulator } from '../../../../../src/sim/index.ts';
import { type ManualMarketOptions, ManualMarketSource } from '../../../../../src/sim/market/manual.ts';
import { openStore, type Store } from '../../../../../src/store/index.ts';
import type { StrategyParams } from '../../../../../src/strategy/params.ts';
import { type AsterVenue, createAsterVenue } from '../../../../../src/venue/aster/adapter.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
export const SEED_CONFIG_PATH = join(root, 'test/fixtures/seed/config_volume_farming_strategy.json');

/** 2025-06-01 03:00 UTC: five hours before the 08:00 funding boundary. */
export const START_MS = Date.UTC(2025, 5, 1, 3, 0, 0);
export const HOUR_MS = 3_600_000;
export const ACCOUNT = DEMO_V3.user.toLowerCase();

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The original bot's shipped config file, with optional extra keys merged in (section by section). */
export function seedConfig(extra: Record<string, Record<string, unknown>> = {}): DnfarmConfig {
  const raw = JSON.parse(readFileSync(SEED_CONFIG_PATH, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const [section, keys] of Object.entries(extra)) raw[section] = { ...(raw[section] ?? {}), ...keys };
  return parseConfigText(JSON.stringify(raw), SEED_CONFIG_PATH).config;
}

export interface EngineHarnessOptions {
  market: Omit<ManualMarketOptions, 'startMs'>;
  config?: DnfarmConfig;
  faults?: string;
  /** Reuse a data dir (a restart). */
  dataDir?: string;
  protectorPollIntervalMs?: number;
  /** Called synchronously with every event (e.g. to stop the engine at an exact point). */
  onEvent?: (event: EngineEvent, harness: EngineHarness) => void;
}

export interface EngineHarness {
  sim: SimulatorHandle;
  source: ManualMarketSource;
  venue: AsterVenue;
  store: Store;
  engine: Engine;
  params: StrategyParams;
  config: DnfarmConfig;
  events: EngineEvent[];
  dataDir: string;
  /** Stops the engine the way SIGINT does: at its next safe point. */
  abort(reason: string): void;
  /** Starts `engine.run` in the background. */
  start(options?: { once?: boolean }): void;
  /** The promise of the running engine (resolves when it stops). */
  running: Promise<unknown> | null;
  /** Resolves with the first event (at index ≥ `from`) matching `pick`. */
  waitFor(pick: (e: EngineEvent) => boolean, from?: number, timeoutMs?: number): Promise<EngineEvent>;
  waitForType<K extends EngineEvent['type']>(
    type: K,
    from?: number,
    timeoutMs?: number,
  ): Promise<Extract<EngineEvent, { type: K }>>;
  /** Waits for the loop to finish its current iteration, jumps the clock to `atMs`, and waits for the next one. */
  jumpTo(atMs: number): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startEngineHarness(options: EngineHarnessOptions): Promise<EngineHarness> {
  const source = new ManualMarketSource({ startMs: START_MS, ...options.market });
  const sim = await startSimulator({
    startMs: START_MS,
    source,
    rateLimits: false,
    warn: () => {},
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  });
  const venue = createAsterVenue({
    futuresBaseUrl: sim.url,
    spotBaseUrl: sim.url,
    futuresWsUrl: sim.wsUrl,
    spotWsUrl: sim.spotWsUrl,
    signing: { scheme: 'eip712', chainId: 1666, ...DEMO_V3 },
    requestTimeoutMs: 2000,
    clock: sim.clock,
  });
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'dnfarm-loop-'));
  const store = openStore(dataDir, { clock: sim.clock, command: 'loop e2e' });
  const config = options.config ?? seedConfig();
  const params = strategyParamsFromConfig(config);
  const events: EngineEvent[] = [];
  const engine = createEngine({
    venue,
    store,
    clock: sim.clock,
    params,
    settings: {
      ...engineSettingsFromConfig(config),
      exitPollIntervalMs: 100,
      ...(options.protectorPollIntervalMs === undefined
        ? {}
        : { protectorPollIntervalMs: options.protectorPollIntervalMs }),
    },
    events: (e) => {
      events.push(e);
      options.onEvent?.(e, h);
    },
    logger: silentLogger,
  });
  const controller = new AbortController();

  const h: EngineHarness = {
    sim,
    source,
    venue,
    store,
    engine,
    params,
    config,
    events,
    dataDir,
    running: null,
    abort(reason) {
      controller.abort(reason);
    },
    start(runOptions = {}) {
      h.running = engine.run(controller.signal, runOptions);
      h.running.catch(() => {});
    },
    waitFor(pick, from = 0, timeoutMs = 30_000) {
      return until(() => events.slice(from).find(pick), 'an event', timeoutMs);
    },
    waitForType(type, from = 0, timeoutMs = 30_000) {
      return until(
        () =>
          events.slice(from).find((e) => e.type === type) as Extract<EngineEvent, { type: typeof type }> | undefined,
        `a ${type} event`,
        timeoutMs,
      );
    },
    async jumpTo(atMs) {
      const count = (type: EngineEvent['type']) => events.filter((e) => e.type === type).length;
      await until(
        () => {
          const started = count('iteration_started');
          return started > 0 && count('iteration_completed') === started ? true : undefined;
        },
        'the loop to sleep',
        30_000,
      );
      const mark = events.length;
      // Move the clock and the exchange together, before the loop's continuation runs: funding settles
      // at every boundary crossed, and the iteration that wakes sees it.
      sim.clock.set(atMs);
      sim.engine.advanceTo(sim.clock.nowMs());
      await h.waitForType('iteration_completed', mark);
    },
    async stop() {
      controller.abort('test stop');
      if (h.running !== null) await h.running;
    },
    async close() {
      await h.stop();
      await venue.close();
      store.close();
      await sim.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/** The account's spot holding of an asset and its signed perp position amount, as the simulator has them. */
export function exposure(h: EngineHarness, baseAsset: string, symbol: string): { spot: Decimal; perp: Decimal } {
  const spot = h.sim.engine.spotAccount(ACCOUNT).balances.find((b) => b.asset === baseAsset);
  const rows = h.sim.engine.positionRisk(ACCOUNT, symbol);
  const perp = rows.ok ? (rows.value.find((p) => !p.positionAmt.isZero())?.positionAmt ?? ZERO) : ZERO;
  return { spot: spot === undefined ? ZERO : spot.free.plus(spot.locked), perp };
}

export { dec };
