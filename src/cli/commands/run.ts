/**
 * `dnfarm run [--once]`: the bot.
 *
 * Order of things, so that a refused start never sends a request:
 *   1. config and credentials (live mode without complete credentials: exit 2 naming the variables);
 *   2. the store and its lock (a second `run` on the same data dir: exit 1, naming the running process);
 *   3. the venue (sim mode without URLs: the embedded simulator on a free loopback port, spoken to over
 *      HTTP and WebSocket with the same client as Aster; paper mode: the same, its market fed with live
 *      Aster data, see src/cli/paper.ts);
 *   4. in sim and paper mode, a banner: simulated money, where prices come from, the clock, how to go live;
 *   5. the engine: startup reconcile, real-time protector, loop.
 *
 * The data dir is `--data-dir`, else `DNFARM_DATA_DIR`, else the config's `data_dir` (`./data`).
 *
 * Time on the embedded simulator: funding settles every 4 or 8 simulated hours and the loop checks every 300 s,
 * so a first run in real time would show nothing for hours. Speeding the whole clock up is no answer: leg
 * timeouts, request deadlines and order look-ups run on the same clock and would shrink with it. Instead, with
 * `simulator.fast_forward_idle` (the default) the clock runs at `simulator.speed` while the bot works and jumps
 * over the loop's sleep, its only idle wait, in 10-second steps: the simulator settles funding and moves prices
 * at each step, the protector still receives mark prices, and a stop-loss close started during the jump pauses it.
 *
 * SIGINT / SIGTERM stop the bot at its next safe point (never between the two legs of an open or a
 * close), release the lock, and say what stays open and how to close it (`dnfarm exit`). The process
 * exits 0 after a requested stop, an exit request served, or `--once`; 1 on a runtime failure; 2 on
 * bad usage or config.
 *
 * Crash testing: `DNFARM_CRASH_AT=<step>` makes the process SIGKILL itself at that step (see
 * src/engine/crash.ts for the steps).
 */
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import type { Credentials, DnfarmConfig } from '../../config/index.ts';
import type { Clock } from '../../domain/clock.ts';
import { bindStore, type StoreBinding } from '../../engine/binding.ts';
import { CRASH_ENV, parseCrashSpec, withCrashPoints } from '../../engine/crash.ts';
import { eventJson } from '../../engine/event-json.ts';
import { type EngineEvent, type EngineEventSink, fanOut } from '../../engine/events.ts';
import { createEngine, engineSettingsFromConfig } from '../../engine/runtime.ts';
import { ConfigError } from '../../errors.ts';
import type { SimulatorHandle } from '../../sim/server.ts';
import { openStore, type Store } from '../../store/index.ts';
import type { Palette } from '../../ui/color.ts';
import { formatUtc } from '../../ui/format.ts';
import { createConsoleRenderer } from '../../ui/index.ts';
import { systemClock } from '../../venue/aster/http/index.ts';
import { PAPER_VENUE, paperBanner } from '../paper.ts';
import {
  addCommonOptions,
  type CommandIo,
  type CommandSetup,
  type CommonOptions,
  needsEmbeddedSimulator,
  type OpenedVenue,
  openVenue,
  processIo,
  runCommand,
} from '../venue-context.ts';

export interface RunOptions extends CommonOptions {
  readonly once?: boolean | undefined;
  /** `--speed <n>`: overrides `simulator.speed`. */
  readonly speed?: string | undefined;
  /** `--fast-forward` / `--no-fast-forward`: overrides `simulator.fast_forward_idle`. */
  readonly fastForward?: boolean | undefined;
}

/**
 * The data dir when `--data-dir` is not given; it wins over the config file's `data_dir` (the container image sets
 * it to its volume).
 */
export const DATA_DIR_ENV = 'DNFARM_DATA_DIR';

/**
 * Simulated ms skipped per fast-forward step. Each step brings the simulator's market and streams along, so the
 * protector sees a mark price at least every 10 simulated seconds; a 300 s wait takes 30 steps, a few ms of real
 * time each.
 */
export const IDLE_STEP_MS = 10_000;

/** How the command learns it must stop; the default listens to SIGINT and SIGTERM. */
export interface StopSignals {
  /** Calls `onStop(name)` on each stop request; returns a function that stops listening. */
  listen(onStop: (name: string) => void): () => void;
}

export const processSignals: StopSignals = {
  listen(onStop) {
    const onInt = () => onStop('SIGINT');
    const onTerm = () => onStop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  },
};

/** The console rendering: the terminal UI's renderer, coloured on a terminal. */
export function consoleSink(setup: CommandSetup, io: CommandIo): EngineEventSink {
  return createConsoleRenderer({
    stream: io.stdout,
    env: io.env,
    feeCoverageMultiplier: setup.params.feeCoverageMultiplier,
  });
}

/** `--json`: one JSON object per event and line. */
export function jsonLinesSink(stream: { write(text: string): unknown }): EngineEventSink {
  return (event) => {
    stream.write(`${eventJson(event)}\n`);
  };
}

/** Every event also goes to the log file; the big scan tables only at debug level. */
export function logSink(setup: CommandSetup): EngineEventSink {
  const { logger } = setup;
  return (event: EngineEvent) => {
    const record = JSON.parse(eventJson(event)) as Record<string, unknown>;
    if (event.type === 'scan' || event.type === 'decision') logger.debug(record, event.type);
    else if (event.type === 'error') logger.error(record, event.type);
    else if (event.type === 'warning' || event.type === 'close_failed' || event.type === 'open_failed') {
      logger.warn(record, event.type);
    } else logger.info(record, event.type);
  };
}

function accountIdentity(credentials: Credentials | undefined): string | null {
  if (credentials === undefined) return null;
  if (credentials.scheme === 'hmac') {
    return `v1-key-${createHash('sha256').update(credentials.apiKey).digest('hex').slice(0, 12)}`;
  }
  return credentials.user.toLowerCase();
}

/** The account this run trades, for the store's binding check. */
export function bindingFor(
  config: DnfarmConfig,
  opened: OpenedVenue,
  credentials: Credentials | undefined,
): StoreBinding {
  if (opened.simulator !== null) return { mode: config.mode, venue: 'embedded-simulator', account: null };
  return { mode: config.mode, venue: new URL(opened.futuresUrl).origin, account: accountIdentity(credentials) };
}

/** A clock the store can be opened with before the venue (and so the simulator's clock) exists. */
export class DeferredClock implements Clock {
  #target: Clock = systemClock;

  set(target: Clock): void {
    this.#target = target;
  }

  nowMs(): number {
    return this.#target.nowMs();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.#target.sleep(ms, signal);
  }
}

/** Opens the store as the data dir's one writer. Nothing has been sent to any exchange yet. */
export function openWriterStore(setup: CommandSetup, clock: Clock): Store {
  return openStore(setup.dataDir, { command: `dnfarm ${setup.name} (${setup.config.mode} mode)`, clock });
}

/** `--data-dir`, else `DNFARM_DATA_DIR` (when set and not empty), else the config file's `data_dir`. */
export function withDataDirFromEnv(options: RunOptions, env: NodeJS.ProcessEnv): RunOptions {
  const fromEnv = env[DATA_DIR_ENV];
  if (options.dataDir !== undefined || fromEnv === undefined || fromEnv.trim() === '') return options;
  return { ...options, dataDir: fromEnv };
}

function parseSpeed(text: string): number {
  const speed = Number(text);
  if (text.trim() === '' || !Number.isFinite(speed) || speed <= 0) {
    throw new ConfigError('--speed', `must be a number > 0 (simulated seconds per real second), got "${text}"`, {
      value: text,
    });
  }
  return speed;
}

/** `--speed` and `--fast-forward` on top of the config's `simulator` section; they only steer an embedded simulator. */
export function withSimulatorOverrides(setup: CommandSetup, options: RunOptions): CommandSetup {
  const given = [
    ...(options.speed === undefined ? [] : ['--speed']),
    ...(options.fastForward === undefined ? [] : [options.fastForward ? '--fast-forward' : '--no-fast-forward']),
  ];
  if (given.length === 0) return setup;
  const { config } = setup;
  if (config.mode !== 'sim' || !needsEmbeddedSimulator(config)) {
    throw new ConfigError(
      given[0] ?? '--speed',
      `${given.join(' and ')} steer the embedded simulator, which only runs in sim mode without --futures-url / ` +
        `--spot-url (mode is "${config.mode}")`,
    );
  }
  const simulator = {
    ...config.simulator,
    ...(options.speed === undefined ? {} : { speed: parseSpeed(options.speed) }),
    ...(options.fastForward === undefined ? {} : { fast_forward_idle: options.fastForward }),
  };
  return { ...setup, config: { ...config, simulator } };
}

/**
 * The loop's idle wait in fast-forward: the simulator's clock jumps over it in steps (funding settles, prices move,
 * mark prices stream out at every step), pausing while a trading step runs so that its budgets stay real.
 */
export function simulatorIdleWait(
  sim: SimulatorHandle,
): (ms: number, signal: AbortSignal, tradingNow: () => boolean) => Promise<void> {
  return async (ms, signal, tradingNow) => {
    await sim.clock.fastForward(ms, {
      signal,
      stepMs: IDLE_STEP_MS,
      busy: tradingNow,
      afterStep: () => sim.advance(0),
    });
  };
}

function clockDescription(config: DnfarmConfig, opened: OpenedVenue): string {
  if (opened.simulator === null) return 'real time (the bot follows the system clock; the simulator keeps its own)';
  const { speed, fast_forward_idle: fastForward } = config.simulator;
  const pace = speed === 1 ? 'real time' : `×${speed} real time`;
  const from = `simulated, from ${formatUtc(opened.simulator.clock.nowMs())}`;
  return fastForward
    ? `${from}; trading runs at ${pace} and the idle wait between checks is skipped (fast-forward), so a simulated ` +
        'hour passes in seconds (--no-fast-forward waits in full, --speed N runs N× faster)'
    : `${from}, at ${pace}; every wait runs in full (--fast-forward skips the idle waits)`;
}

/** What a first-time user must know before anything else: none of this is real money, and how to go live. */
export function simulationBanner(config: DnfarmConfig, opened: OpenedVenue, palette: Palette): string[] {
  const sim = config.simulator;
  const what =
    opened.simulator === null
      ? 'simulated money on the simulator at'
      : `simulated money on the built-in Aster simulator (seed ${sim.seed}, ${sim.pairs} synthetic pairs, ` +
        `${sim.initial_usdt} USDT to start) at`;
  return [
    palette.yellow(palette.bold('SIMULATION: no real orders, no real money, no keys, no network.')),
    palette.yellow(`  ${what} ${opened.futuresUrl}`),
    palette.yellow(`  clock: ${clockDescription(config, opened)}`),
    palette.yellow(
      '  to trade for real: set "mode": "live" in dnfarm.config.json and put API_USER, API_SIGNER and ' +
        'API_PRIVATE_KEY in .env; try the testnet first (exchange.network "testnet"). See README.md, "Going live".',
    ),
  ];
}

export async function runRun(
  options: RunOptions,
  io: CommandIo = processIo,
  signals: StopSignals = processSignals,
): Promise<void> {
  await runCommand('run', withDataDirFromEnv(options, io.env), io, async (commandSetup) => {
    const setup = withSimulatorOverrides(commandSetup, options);
    const { config, params, logger } = setup;
    const crash = parseCrashSpec(io.env[CRASH_ENV]);
    const clock = new DeferredClock();
    const store = openWriterStore(setup, clock);
    try {
      const opened = await openVenue(setup, 'account');
      try {
        if (opened.simulator !== null) clock.set(opened.simulator.clock);
        bindStore(store, bindingFor(config, opened, setup.resolved.credentials));
        const ui = setup.json ? jsonLinesSink(io.stdout) : consoleSink(setup, io);
        const events = fanOut(ui, logSink(setup));
        const settings = engineSettingsFromConfig(config);
        // Paper runs on the real clock: its funding and prices are live, so there is nothing to skip.
        const fastForward = config.mode === 'sim' && opened.simulator !== null && config.simulator.fast_forward_idle;
        const banner =
          opened.paper !== undefined
            ? paperBanner(config, opened.paper, setup.palette)
            : config.mode === 'sim'
              ? simulationBanner(config, opened, setup.palette)
              : [];
        if (banner.length > 0) (setup.json ? io.stderr : io.stdout).write(`${banner.join('\n')}\n`);
        events({
          type: 'started',
          mode: config.mode,
          venue: opened.paper !== undefined ? PAPER_VENUE : opened.simulator === null ? 'aster' : 'embedded simulator',
          futuresUrl: opened.futuresUrl,
          dataDir: setup.dataDir,
          leverage: params.leverage,
          loopIntervalSeconds: config.position_management.loop_interval_seconds,
          once: options.once === true,
          recoveredFromCrash: (store.lock?.previousHolder ?? null) !== null,
        });
        for (const warning of setup.resolved.warnings) {
          events({ type: 'warning', code: 'config', message: `${warning.field}: ${warning.message}` });
        }
        const engine = createEngine({
          venue: withCrashPoints(opened.venue, crash),
          store,
          clock,
          params,
          settings,
          events,
          logger: logger.child({ component: 'engine' }),
          ...(fastForward && opened.simulator !== null ? { idleWait: simulatorIdleWait(opened.simulator) } : {}),
        });
        const unlinkPaper = opened.paper?.link(engine.gate, events);
        const controller = new AbortController();
        let stops = 0;
        const unlisten = signals.listen((name) => {
          stops += 1;
          if (stops === 1) {
            io.stderr.write(
              `dnfarm: ${name} received: stopping after the current step (a trade in progress is settled first)\n`,
            );
            controller.abort(name);
          } else {
            io.stderr.write(
              'dnfarm: still settling the current step; it ends within the leg timeout. ' +
                'A kill -9 is safe too: the next start reconciles with the exchange.\n',
            );
          }
        });
        try {
          const result = await engine.run(controller.signal, { once: options.once === true });
          if (opened.simulator !== null && result.openPosition !== null && !setup.json) {
            io.stdout.write(
              `${setup.palette.dim(
                '(Simulation: the embedded simulator and its account end with this process; the next run starts a fresh one ' +
                  'and records this position as gone.)',
              )}\n`,
            );
          }
        } finally {
          unlisten();
          unlinkPaper?.();
        }
      } finally {
        await opened.close();
      }
    } finally {
      store.close();
    }
  });
}

export function registerRunCommand(program: Command, io: CommandIo = processIo, signals?: StopSignals): Command {
  const command = program
    .command('run')
    .description('run the bot: scan, open the best pair, collect funding, rotate (sim mode by default)')
    .option('--once', 'run one check iteration, then exit')
    .option('--speed <n>', 'embedded simulator: simulated seconds per real second (overrides simulator.speed)')
    .option('--fast-forward', 'embedded simulator: skip the idle wait between checks (simulator.fast_forward_idle)')
    .option('--no-fast-forward', 'embedded simulator: wait between checks in full (real-time simulation)');
  addCommonOptions(command);
  command.addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  dnfarm run                      # sim mode: embedded simulator, no keys, no network',
      '  dnfarm run --speed 1 --no-fast-forward   # the simulation in real time',
      '  dnfarm run --once --json        # one iteration, one JSON event per line',
      '  dnfarm run --mode paper         # live Aster prices, simulated account: no keys, no real orders',
      '  dnfarm run --mode live          # real orders; needs API_USER, API_SIGNER, API_PRIVATE_KEY',
      '  dnfarm run --futures-url http://127.0.0.1:4000 --spot-url http://127.0.0.1:4000   # a `dnfarm sim`',
      '',
      'Ctrl-C (SIGINT) or SIGTERM stops after the current step; an open position stays open',
      '(close it with `dnfarm exit`). Only one bot may run per data dir: a second one exits with code 1.',
      'Exit codes: 0 stopped as asked, 1 runtime failure (including a data dir in use), 2 bad usage or config.',
    ].join('\n'),
  );
  return command.action(async (opts: RunOptions) => {
    await runRun(opts, io, signals ?? processSignals);
  });
}
