/**
 * `dnfarm run [--once]`: the bot.
 *
 * Order of things, so that a refused start never sends a request:
 *   1. config and credentials (live mode without complete credentials: exit 2 naming the variables);
 *   2. the store and its lock (a second `run` on the same data dir: exit 1, naming the running process);
 *   3. the venue (sim mode without URLs: the embedded simulator on a free loopback port, spoken to over
 *      HTTP and WebSocket with the same client as Aster);
 *   4. the engine: startup reconcile, real-time protector, loop.
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
import { openStore, type Store } from '../../store/index.ts';
import { createConsoleRenderer } from '../../ui/index.ts';
import { systemClock } from '../../venue/aster/http/index.ts';
import {
  addCommonOptions,
  type CommandIo,
  type CommandSetup,
  type CommonOptions,
  type OpenedVenue,
  openVenue,
  processIo,
  runCommand,
} from '../venue-context.ts';

export interface RunOptions extends CommonOptions {
  readonly once?: boolean | undefined;
}

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

export async function runRun(
  options: RunOptions,
  io: CommandIo = processIo,
  signals: StopSignals = processSignals,
): Promise<void> {
  await runCommand('run', options, io, async (setup) => {
    const { config, params, logger } = setup;
    if (config.mode === 'paper') {
      throw new ConfigError(
        'mode',
        'paper trading is not available in `run`: the simulator has no live market feed to price its account; ' +
          'use "sim" to try a config offline, or "live"',
        { value: config.mode },
      );
    }
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
        events({
          type: 'started',
          mode: config.mode,
          venue: opened.simulator === null ? 'aster' : 'embedded simulator',
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
        });
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
          await engine.run(controller.signal, { once: options.once === true });
        } finally {
          unlisten();
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
    .option('--once', 'run one check iteration, then exit');
  addCommonOptions(command);
  command.addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  dnfarm run                      # sim mode: embedded simulator, no keys, no network',
      '  dnfarm run --once --json        # one iteration, one JSON event per line',
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
