/**
 * What every data command shares: the common options, the effective config, the log file, and a venue to ask,
 * opened and closed around the command's work.
 *
 * Which exchange a command talks to follows the mode:
 * - `live`: Aster (or the URLs given), signing with the user's credentials;
 * - `paper`: Aster's public market data. A command that needs an account gets the paper market (src/cli/paper.ts):
 *   an embedded simulator fed with live prices, whose fresh account lives and dies with this process, so the
 *   account of a running paper bot is not readable from another process (`accountReadable`);
 * - `sim`: a simulator. With Aster URLs (the defaults) the embedded simulator is started on a free loopback port
 *   for the duration of the command, so sim mode never reaches the network; with other URLs (`--futures-url
 *   http://127.0.0.1:…` of a `dnfarm sim`) that simulator is used. Either way the demo identity the simulator
 *   prints is used for signing, never the user's keys.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { asterNetworkOf } from '../config/exchange.ts';
import { type Address, type DnfarmConfig, Secret, type Secrets, strategyParamsFromConfig } from '../config/index.ts';
import type { Clock } from '../domain/clock.ts';
import type { FundingRateRecord } from '../domain/market.ts';
import { ConfigError, describeError, isDnfarmError } from '../errors.ts';
import { DEMO_V1_FUTURES, DEMO_V3 } from '../sim/auth/demo.ts';
import { EXCHANGE_MARKET_STEP_MS, EXCHANGE_RETENTION } from '../sim/engine/index.ts';
import { type SimulatorHandle, startSimulator } from '../sim/server.ts';
import type { StrategyParams } from '../strategy/params.ts';
import { type Palette, paletteFor } from '../ui/color.ts';
import { createVenueFromConfig, mapWithConcurrency } from '../venue/aster/index.ts';
import type { Venue } from '../venue/port.ts';
import { addLogLevelOption, createLogger, type FileLogger, LogFileError, parseLogLevel } from './log.ts';
import { addExchangeOptions, type ExchangeOptionValues, type ResolvedConfig, resolveConfig } from './options.ts';
import { openPaperMarket, type PaperMarket } from './paper.ts';

export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** The process's streams, directory and environment; tests pass their own. */
export interface CommandIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly cwd: () => string;
  readonly env: NodeJS.ProcessEnv;
}

export const processIo: CommandIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: () => process.cwd(),
  env: process.env,
};

export interface CommonOptions extends ExchangeOptionValues {
  readonly json?: boolean | undefined;
  readonly logLevel?: string | undefined;
}

/**
 * `--config`, `--mode`, `--futures-url`, `--spot-url`, `--data-dir`, `--json`, `--log-level`. A command whose
 * `--json` output is not one document (a stream of events) says so in `jsonDescription`.
 */
export function addCommonOptions(
  command: Command,
  jsonDescription = 'print exactly one JSON document on stdout (logs go to the log file)',
): Command {
  addExchangeOptions(command);
  command.option('--json', jsonDescription);
  return addLogLevelOption(command);
}

export interface CommandSetup {
  readonly name: string;
  readonly io: CommandIo;
  readonly resolved: ResolvedConfig;
  readonly config: DnfarmConfig;
  readonly params: StrategyParams;
  readonly logger: Logger;
  /** Colours for stdout (off in a pipe, with NO_COLOR, or with --json). */
  readonly palette: Palette;
  readonly json: boolean;
  /** Absolute data dir: the store, the lock and the log file. */
  readonly dataDir: string;
}

function secretValues(secrets: Secrets): string[] {
  return [secrets.apiPrivateKey?.reveal(), secrets.apiV1PrivateKey?.reveal()].filter(
    (value): value is string => value !== undefined,
  );
}

/** The data dir as an absolute path (a relative `data_dir` is relative to the working directory). */
export function dataDirOf(io: CommandIo, config: DnfarmConfig): string {
  return resolve(io.cwd(), config.data_dir);
}

function openLogger(name: string, resolved: ResolvedConfig, options: CommonOptions, io: CommandIo): FileLogger {
  const { config } = resolved;
  const level = parseLogLevel(options.logLevel) ?? config.logging.level;
  const settings = {
    dataDir: dataDirOf(io, config),
    maxFileBytes: config.logging.max_file_bytes,
    maxFiles: config.logging.max_files,
    secrets: secretValues(resolved.secrets),
    base: { command: name, mode: config.mode },
  };
  try {
    return createLogger({ ...settings, level });
  } catch (error) {
    // A read-only data dir must not stop an operator from looking at rates or status.
    if (!(error instanceof LogFileError)) throw error;
    io.stderr.write(`dnfarm: warning: ${error.message}; continuing without a log file\n`);
    return createLogger({ ...settings, level: 'silent' });
  }
}

/** Where a container (or a shell profile) points every command: used when `--data-dir` is not given. */
export const DATA_DIR_ENV = 'DNFARM_DATA_DIR';

/** `--data-dir`, else `DNFARM_DATA_DIR` when set and not empty, else (undefined) the config file's `data_dir`. */
export function withEnvDataDir<T extends CommonOptions>(options: T, env: NodeJS.ProcessEnv): T {
  const fromEnv = env[DATA_DIR_ENV];
  if (options.dataDir !== undefined || fromEnv === undefined || fromEnv.trim() === '') return options;
  return { ...options, dataDir: fromEnv };
}

/** The `--json` document of a failure: the error's name, message and whatever names the cause. */
export function errorDocument(name: string, error: unknown): Record<string, unknown> {
  const detail: Record<string, unknown> = {
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
  };
  if (isDnfarmError(error)) detail['kind'] = error.kind;
  if (error instanceof ConfigError) detail['field'] = error.field;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number') detail['code'] = code;
  return { ok: false, command: name, error: detail };
}

export function writeJson(io: CommandIo, document: unknown): void {
  io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

/**
 * Resolves the config, opens the log, runs `body`, and closes the log. A failure is logged (with the exchange's
 * error code and message when there is one), printed as a JSON document with `--json`, and rethrown for the
 * exit code (2 for bad usage or config, 1 otherwise).
 */
export async function runCommand(
  name: string,
  options: CommonOptions,
  io: CommandIo,
  body: (setup: CommandSetup) => Promise<void>,
): Promise<void> {
  const json = options.json === true;
  let resolved: ResolvedConfig;
  try {
    resolved = resolveConfig(withEnvDataDir(options, io.env), { cwd: io.cwd(), env: io.env });
    parseLogLevel(options.logLevel);
  } catch (error) {
    if (json) writeJson(io, errorDocument(name, error));
    throw error;
  }
  const logger = openLogger(name, resolved, options, io);
  const palette = json ? paletteFor({ isTTY: false }, {}) : paletteFor(io.stdout, io.env);
  const setup: CommandSetup = {
    name,
    io,
    resolved,
    config: resolved.config,
    params: strategyParamsFromConfig(resolved.config),
    logger,
    palette,
    json,
    dataDir: dataDirOf(io, resolved.config),
  };
  logger.debug({ configSource: resolved.source.kind, warnings: resolved.warnings }, `${name} started`);
  try {
    await body(setup);
    logger.debug(`${name} done`);
  } catch (error) {
    logger.error({ err: error }, `${name} failed: ${describeError(error)}`);
    if (json) writeJson(io, errorDocument(name, error));
    throw error;
  } finally {
    logger.close();
  }
}

/** `public`: market data only; `account`: balances and positions too (signed requests). */
export type VenueAccess = 'public' | 'account';

export interface OpenedVenue {
  readonly venue: Venue;
  /** The embedded simulator, when sim or paper mode started one for this command. */
  readonly simulator: SimulatorHandle | null;
  /** Paper mode: the live feed behind the embedded simulator's market. */
  readonly paper?: PaperMarket;
  /** The exchange's clock as this process knows it (the simulator's in sim mode). */
  readonly clock: Pick<Clock, 'nowMs'>;
  /** Where the requests go. */
  readonly futuresUrl: string;
  readonly spotUrl: string;
  close(): Promise<void>;
}

const DEMO_SECRETS: Secrets = {
  apiUser: DEMO_V3.user as Address,
  apiSigner: DEMO_V3.signer as Address,
  apiPrivateKey: new Secret(DEMO_V3.privateKey),
  apiV1PublicKey: DEMO_V1_FUTURES.apiKey,
  apiV1PrivateKey: new Secret(DEMO_V1_FUTURES.apiSecret),
};

const systemClock: Pick<Clock, 'nowMs'> = { nowMs: () => Date.now() };

/** Whether sim mode must start its own simulator: both URLs are still Aster's (nothing else was given). */
export function needsEmbeddedSimulator(config: DnfarmConfig): boolean {
  const futuresIsAster = asterNetworkOf(config.exchange.futures_url, 'futures') !== undefined;
  const spotIsAster = asterNetworkOf(config.exchange.spot_url, 'spot') !== undefined;
  if (futuresIsAster !== spotIsAster) {
    throw new ConfigError(
      futuresIsAster ? 'exchange.futures_url' : 'exchange.spot_url',
      'in sim mode both URLs must point at the same simulator (give --futures-url and --spot-url), ' +
        `got futures ${config.exchange.futures_url} and spot ${config.exchange.spot_url}`,
    );
  }
  return futuresIsAster;
}

/**
 * Settings of a simulator embedded in the bot, which may serve it for months: the market moves in steps of an
 * exchange feed's cadence instead of being recomputed for every request, history is bounded as Aster bounds its
 * own (7-day query windows), and the request log keeps the recent requests only. Without them the process grows
 * with every simulated day.
 */
export const LONG_RUNNING_SIMULATOR = {
  marketStepMs: EXCHANGE_MARKET_STEP_MS,
  retention: EXCHANGE_RETENTION,
  requestLogCapacity: 2_000,
} as const;

/** Whether a separate process can read the account in this mode (paper keeps it inside the running bot). */
export function accountReadable(config: DnfarmConfig): boolean {
  if (config.mode === 'live') return true;
  if (config.mode === 'paper') return false;
  return !needsEmbeddedSimulator(config);
}

function withUrls(config: DnfarmConfig, sim: SimulatorHandle): DnfarmConfig {
  return {
    ...config,
    exchange: {
      ...config.exchange,
      futures_url: sim.url,
      spot_url: sim.url,
      futures_ws_url: sim.wsUrl,
      spot_ws_url: sim.spotWsUrl,
    },
  };
}

/** Opens the venue the mode calls for (see the file comment). Close it with `close()`. */
export async function openVenue(setup: CommandSetup, access: VenueAccess): Promise<OpenedVenue> {
  const { config, resolved, logger } = setup;
  const venueLogger = logger.child({ component: 'venue' });
  if (config.mode === 'paper' && access === 'account') {
    const paper = await openPaperMarket(setup);
    return onSimulator(setup, access, paper.simulator, paper);
  }
  if (config.mode !== 'sim') {
    const venue = createVenueFromConfig(config, resolved.secrets, {
      logger: venueLogger,
      publicOnly: access === 'public',
    });
    return {
      venue,
      simulator: null,
      clock: systemClock,
      futuresUrl: config.exchange.futures_url,
      spotUrl: config.exchange.spot_url,
      close: () => venue.close(),
    };
  }

  let simulator: SimulatorHandle | null = null;
  if (needsEmbeddedSimulator(config)) {
    simulator = await startSimulator({
      port: 0,
      seed: config.simulator.seed,
      pairs: config.simulator.pairs,
      speed: config.simulator.speed,
      ...(config.simulator.start_time === null ? {} : { startMs: Date.parse(config.simulator.start_time) }),
      initialUsdt: String(config.simulator.initial_usdt),
      chainId: config.exchange.chain_id,
      legacyAbi: config.exchange.signing === 'legacy-abi',
      warn: (message) => logger.warn({ component: 'simulator' }, message),
      ...LONG_RUNNING_SIMULATOR,
    });
    logger.info({ url: simulator.url, seed: config.simulator.seed }, 'embedded simulator started');
  }
  return onSimulator(setup, access, simulator, null);
}

/**
 * The bot's client on a simulator (the embedded one when `sim` is set, else the one the config's URLs name),
 * signing with the simulator's demo identity. Closing it closes what was started for it (the paper market with it).
 */
async function onSimulator(
  setup: CommandSetup,
  access: VenueAccess,
  sim: SimulatorHandle | null,
  paper: PaperMarket | null,
): Promise<OpenedVenue> {
  const effective = sim === null ? setup.config : withUrls(setup.config, sim);
  const closeStarted = async () => {
    await (paper === null ? sim?.close() : paper.close());
  };
  let venue: Venue;
  try {
    venue = createVenueFromConfig(effective, DEMO_SECRETS, {
      logger: setup.logger.child({ component: 'venue' }),
      publicOnly: access === 'public',
      ...(sim === null ? {} : { clock: sim.clock }),
    });
  } catch (error) {
    await closeStarted();
    throw error;
  }
  return {
    venue,
    simulator: sim,
    ...(paper === null ? {} : { paper }),
    clock: sim === null ? systemClock : sim.clock,
    futuresUrl: effective.exchange.futures_url,
    spotUrl: effective.exchange.spot_url,
    close: async () => {
      try {
        await venue.close();
      } finally {
        await closeStarted();
      }
    },
  };
}

/** Opens the venue, runs `work` with it, and closes it whatever happens. */
export async function withVenue<T>(
  setup: CommandSetup,
  access: VenueAccess,
  work: (opened: OpenedVenue) => Promise<T>,
): Promise<T> {
  const opened = await openVenue(setup, access);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}

/** Concurrent history requests: enough to be quick, few enough to stay far below Aster's weight limits. */
const HISTORY_CONCURRENCY = 4;

/** Settled funding history of each symbol (ascending), fetched with bounded concurrency. */
export async function fetchFundingHistories(
  venue: Venue,
  symbols: readonly string[],
  limit: number,
): Promise<Map<string, readonly FundingRateRecord[]>> {
  const histories = await mapWithConcurrency(symbols, HISTORY_CONCURRENCY, (symbol) =>
    venue.fundingHistory(symbol, limit),
  );
  return new Map(symbols.map((symbol, i) => [symbol, histories[i] ?? []]));
}

/** Parses a whole-number option, naming the flag in the error (exit code 2). */
export function integerOption(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(flag, `must be a whole number from ${min} to ${max}, got "${text}"`, { value: text });
  }
  return Number(text);
}
