/**
 * The engine assembled: executor, trade gate, real-time protector and loop over one venue, one store
 * and one clock, with the startup and shutdown sequences around the loop.
 *
 * The command line (src/cli/commands/run.ts) is the composition root that reads the config, takes the
 * store's lock, opens the venue (starting the embedded simulator in sim mode) and then hands those to
 * `createEngine`; tests build the same engine in-process against a simulator on loopback.
 *
 * Startup: reconcile with the exchange (the truth) → protector on → loop.
 * Shutdown (an aborted signal): the loop stops at its next safe point: never between the two legs of
 * an open or a close (the executor settles them, hedged or flat, within `leg_timeout_ms`); the
 * protector lets a stop-loss close in progress finish; the heartbeat is marked stopped. Open positions
 * stay open: the bot never closes on exit (`dnfarm exit` does).
 */
import type { DnfarmConfig } from '../config/index.ts';
import type { Clock } from '../domain/clock.ts';
import { describeError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import type { StrategyParams } from '../strategy/params.ts';
import type { Venue } from '../venue/port.ts';
import type { EngineEventSink, ShutdownEvent } from './events.ts';
import { createExecutor, type ExecutionSettings, type Executor, type Logger } from './execution/index.ts';
import { readHeartbeat, writeHeartbeat } from './heartbeat.ts';
import { EngineLoop, type LoopStopReason } from './loop.ts';
import { Protector } from './protector.ts';
import { TradeGate } from './trade-gate.ts';

export interface EngineSettings {
  /** Period between the starts of two check iterations (engine-clock ms). */
  loopIntervalMs: number;
  execution: ExecutionSettings;
  /** Protector REST polling period while its stream is down (wall ms). Default 5000. */
  protectorPollIntervalMs?: number;
  /** Wall ms between exit-request checks while the loop sleeps. Default 1000. */
  exitPollIntervalMs?: number;
}

/** The engine's settings from the effective config. */
export function engineSettingsFromConfig(config: DnfarmConfig): EngineSettings {
  return {
    loopIntervalMs: Math.round(config.position_management.loop_interval_seconds * 1000),
    execution: {
      legTimeoutMs: config.execution.leg_timeout_ms,
      maxLegRepairAttempts: config.execution.max_leg_repair_attempts,
      marginType: config.execution.margin_type,
      fundingSettlementGuardSeconds: config.execution.funding_settlement_guard_seconds,
      exchangeStopBackstop: config.risk.exchange_stop_backstop,
    },
  };
}

export interface EngineParts {
  venue: Venue;
  store: Store;
  clock: Clock;
  params: StrategyParams;
  settings: EngineSettings;
  events: EngineEventSink;
  logger: Logger;
  /** Use this executor instead of building one (tests of the loop alone). */
  executor?: Executor;
  /**
   * Replaces the loop's sleep between iterations (e.g. the simulator's fast-forward). `tradingNow()` tells it
   * whether a trading step holds the gate (a stop-loss close started by the protector during the wait): such work
   * must run at the clock's normal pace.
   */
  idleWait?: (ms: number, signal: AbortSignal, tradingNow: () => boolean) => Promise<void>;
}

export interface EngineRunResult {
  stopReason: LoopStopReason;
  /** The position left open on the exchange, if any. */
  openPosition: ShutdownEvent['openPosition'];
}

export interface Engine {
  readonly executor: Executor;
  readonly gate: TradeGate;
  readonly protector: Protector;
  readonly loop: EngineLoop;
  /** Startup reconcile, protector, loop; resolves when the loop stops (signal, `once`, exit request). */
  run(signal: AbortSignal, options?: { once?: boolean }): Promise<EngineRunResult>;
}

export function createEngine(parts: EngineParts): Engine {
  const { venue, store, clock, params, settings, events, logger, idleWait } = parts;
  const executor =
    parts.executor ?? createExecutor({ venue, store, params, execution: settings.execution, clock, events, logger });
  const gate = new TradeGate();
  let loop: EngineLoop | null = null;
  const protector = new Protector({
    venue,
    store,
    executor,
    gate,
    params,
    clock,
    events,
    logger,
    onExchangeChange: (why) => loop?.wake(why),
    replaceBackstop: async (positionId) => {
      await executor.replaceBackstop(positionId);
    },
    ...(settings.protectorPollIntervalMs === undefined ? {} : { pollIntervalMs: settings.protectorPollIntervalMs }),
  });
  loop = new EngineLoop({
    venue,
    store,
    executor,
    gate,
    params,
    clock,
    events,
    logger,
    protector,
    loopIntervalMs: settings.loopIntervalMs,
    ...(settings.exitPollIntervalMs === undefined ? {} : { exitPollIntervalMs: settings.exitPollIntervalMs }),
    ...(idleWait === undefined ? {} : { idleWait: (ms, signal) => idleWait(ms, signal, () => gate.holder !== null) }),
  });
  const theLoop = loop;

  return {
    executor,
    gate,
    protector,
    loop: theLoop,
    async run(signal, options = {}) {
      let stopReason: LoopStopReason = 'signal';
      try {
        await gate.run('startup reconcile', 'normal', () => executor.reconcile('startup'));
        await protector.start();
        stopReason = await theLoop.run(signal, options);
      } finally {
        await protector.stop().catch((error: unknown) => {
          logger.warn({ err: describeError(error) }, 'protector did not stop cleanly');
        });
        // Work an operation left for right after it (an open's fills) finishes before the caller closes the
        // venue and the store.
        await executor.settled().catch((error: unknown) => {
          logger.warn({ err: describeError(error) }, 'executor did not settle cleanly');
        });
        const previous = readHeartbeat(store);
        writeHeartbeat(store, {
          wallMs: Date.now(),
          engineMs: clock.nowMs(),
          iteration: previous?.iteration ?? 0,
          pid: process.pid,
          loopIntervalSeconds: settings.loopIntervalMs / 1000,
          state: 'stopped',
        });
      }
      const active = store.positions.active();
      const openPosition =
        active === null
          ? null
          : { positionId: active.id, symbol: active.symbol, spotQty: active.spotQtyNet, perpQty: active.perpQty };
      const reason =
        stopReason === 'signal'
          ? signal.reason instanceof Error
            ? 'stop'
            : String(signal.reason ?? 'stop')
          : stopReason;
      events({ type: 'shutdown', reason, openPosition });
      return { stopReason, openPosition };
    },
  };
}
