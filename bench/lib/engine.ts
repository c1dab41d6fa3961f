/**
 * The bot's engine, assembled in the benchmark process the way `dnfarm run` assembles it (executor, trade gate,
 * real-time protector, loop; a real SQLite store in a temporary directory), trading through the real client on a
 * simulator process. Its events are kept with the wall time they were emitted at.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, strategyParamsFromConfig } from '../../src/config/index.ts';
import { dec } from '../../src/domain/decimal.ts';
import type { EngineEvent } from '../../src/engine/events.ts';
import { createExecutor, type Executor, type Logger } from '../../src/engine/execution/index.ts';
import { createEngine, type Engine, engineSettingsFromConfig } from '../../src/engine/runtime.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import type { StrategyParams } from '../../src/strategy/params.ts';
import { systemClock } from '../../src/venue/aster/http/index.ts';
import type { AsterVenue } from '../../src/venue/aster/index.ts';
import type { SimBanner } from './sim-process.ts';
import { venueFor } from './venue.ts';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface TimedEvent {
  wallMs: number;
  event: EngineEvent;
}

export interface BenchEngine {
  engine: Engine;
  venue: AsterVenue;
  store: Store;
  events: TimedEvent[];
  /** Every `executor.openPosition` call: start and end in epoch µs (comparable with the request log). */
  opens: { startUs: number; endUs: number }[];
  /** The first event of `type` at index ≥ `from` (matching `pick`), with its index; rejects after `timeoutMs`. */
  waitFor<K extends EngineEvent['type']>(
    type: K,
    from: number,
    timeoutMs?: number,
    pick?: (event: Extract<EngineEvent, { type: K }>) => boolean,
  ): Promise<{ event: Extract<EngineEvent, { type: K }>; index: number }>;
  close(): Promise<void>;
}

/**
 * The shipped defaults, with the scan filters opened up: the benchmark measures execution, so any pair with a
 * positive rate will do, and one loop iteration per hour keeps the loop out of the way between trials (the
 * benchmark wakes it).
 */
export function benchParams(): StrategyParams {
  return {
    ...strategyParamsFromConfig(defaultConfig()),
    minVolumeUsdt: dec(0),
    minFundingAprPct: dec(0),
    maxSpreadPct: dec(5),
  };
}

export interface BenchEngineOptions {
  params?: StrategyParams;
  /** The exchange-side STOP_MARKET after each open (on by default, as shipped). */
  backstop?: boolean;
}

/** Epoch µs from the high-resolution timer, the clock of the simulator's request log. */
export function epochUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

export function startBenchEngine(banner: SimBanner, options: BenchEngineOptions = {}): BenchEngine {
  const params = options.params ?? benchParams();
  const venue = venueFor(banner, { requestTimeoutMs: 5_000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'dnfarm-bench-engine-'));
  // The simulator process runs its clock in real time from now, so the bot's clock is the system clock,
  // exactly as `dnfarm run --futures-url <a dnfarm sim>` runs.
  const clock = systemClock;
  const store = openStore(dataDir, { clock, command: 'bench engine' });
  const events: TimedEvent[] = [];
  const sink = (event: EngineEvent) => events.push({ wallMs: performance.now(), event });
  const shipped = engineSettingsFromConfig(defaultConfig());
  const settings = {
    ...shipped,
    execution: {
      ...shipped.execution,
      exchangeStopBackstop: options.backstop ?? shipped.execution.exchangeStopBackstop,
    },
    loopIntervalMs: 3_600_000,
    exitPollIntervalMs: 200,
  };
  const opens: { startUs: number; endUs: number }[] = [];
  const inner = createExecutor({
    venue,
    store,
    params,
    execution: settings.execution,
    clock,
    events: sink,
    logger: silentLogger,
  });
  const executor: Executor = {
    ...inner,
    async openPosition(decision, signal) {
      const startUs = epochUs();
      try {
        return await inner.openPosition(decision, signal);
      } finally {
        opens.push({ startUs, endUs: epochUs() });
      }
    },
  };
  const engine = createEngine({ venue, store, clock, params, settings, events: sink, logger: silentLogger, executor });
  const controller = new AbortController();
  const running = engine.run(controller.signal);
  running.catch(() => {});
  return {
    engine,
    venue,
    store,
    events,
    opens,
    async waitFor(type, from, timeoutMs = 60_000, pick = () => true) {
      type Wanted = Extract<EngineEvent, { type: typeof type }>;
      const started = Date.now();
      for (;;) {
        for (let index = from; index < events.length; index++) {
          const event = (events[index] as TimedEvent).event;
          if (event.type === type && pick(event as Wanted)) return { event: event as Wanted, index };
        }
        if (Date.now() - started > timeoutMs) throw new Error(`no ${type} event within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      controller.abort('bench done');
      await running.catch(() => {});
      await venue.close();
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
