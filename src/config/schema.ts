/**
 * The one schema of dnfarm's configuration file.
 *
 * The four sections of the original bot (`capital_management`, `funding_rate_strategy`, `position_management`,
 * `leverage_settings`) keep their names and keys, so its `config_volume_farming_strategy.json` loads unchanged.
 * Everything the original bot hard-coded is a key here with the same value as default. Every leaf carries a
 * `.describe()` text: the README's configuration table is generated from it (see `describeConfigKeys`).
 *
 * The schema only checks types and ranges of each key on its own; unknown keys (with suggestions), legacy aliases,
 * cross-key rules and the values derived from `exchange.network` live in `parse.ts`.
 */
import { z } from 'zod';

export const MODES = ['sim', 'paper', 'live'] as const;
export type Mode = (typeof MODES)[number];

export const NETWORKS = ['mainnet', 'testnet'] as const;
export type Network = (typeof NETWORKS)[number];

export const SIGNING_SCHEMES = ['eip712', 'hmac', 'legacy-abi'] as const;
export type SigningScheme = (typeof SIGNING_SCHEMES)[number];

export const MARGIN_TYPES = ['CROSSED', 'ISOLATED'] as const;
export type MarginType = (typeof MARGIN_TYPES)[number];

/** pino's level names; `silent` turns the log file off. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const MIB = 1024 * 1024;

const fraction = () => z.number().gt(0).lte(1);
const nonNegative = () => z.number().gte(0);
const positive = () => z.number().gt(0);

/** A URL check that names what is wrong; credentials, query strings and fragments have no place in a base URL. */
export function urlProblem(value: string, protocols: readonly string[]): string | undefined {
  const expected = `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return expected;
  }
  if (!protocols.includes(url.protocol)) return expected;
  if (url.username !== '' || url.password !== '') return `${expected} without user name or password`;
  if (url.search !== '' || url.hash !== '') return `${expected} without query string or fragment`;
  return undefined;
}

/**
 * What a key accepts, in words, where its checks are refinements the schema cannot describe by itself.
 * Keyed by the refined schema instance; read by `describeAccepted`.
 */
export const ACCEPTED_TEXT = new WeakMap<z.ZodType, string>();

function baseUrl(protocols: readonly string[]) {
  const url = z.string().superRefine((value, ctx) => {
    const problem = urlProblem(value, protocols);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });
  ACCEPTED_TEXT.set(url, `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  return url.nullable().default(null);
}

const HTTP = ['http:', 'https:'] as const;
const WS = ['ws:', 'wss:'] as const;

const capitalManagement = z.strictObject({
  capital_fraction: fraction()
    .default(0.96)
    .describe(
      'Fraction of the limiting wallet (spot USDT, or perp USDT × leverage) deployed as notional per position.',
    ),
  min_free_usdt_when_flat: nonNegative()
    .default(30)
    .describe('When no position is open, spot + perp USDT below this amount (USDT) fails the health check.'),
  transfer_dead_band_usdt: nonNegative()
    .default(1)
    .describe(
      'Spot/perp wallet rebalancing transfers USDT only when the difference from the target exceeds this (USDT).',
    ),
});

/** Funding settles on a UTC grid, so an interval must divide the day. */
const FUNDING_INTERVALS_TEXT = '1, 2, 3, 4, 6, 8, 12 or 24 (a divisor of 24)';
const fundingIntervalHours = z
  .int()
  .gte(1)
  .lte(24)
  .refine((hours) => 24 % hours === 0, { message: `must be one of ${FUNDING_INTERVALS_TEXT}` });
ACCEPTED_TEXT.set(fundingIntervalHours, `an integer: ${FUNDING_INTERVALS_TEXT}`);

const fundingRateStrategy = z.strictObject({
  min_funding_apr: nonNegative()
    .default(5.4)
    .describe(
      'Minimum funding APR (percent, inclusive) for a pair to be opened; APR = rate × (24 / interval h) × 365 × 100.',
    ),
  use_funding_ma: z
    .boolean()
    .default(false)
    .describe(
      'Rank pairs by the hybrid moving average of settled rates and the current rate instead of the current rate alone.',
    ),
  funding_ma_periods: z
    .int()
    .gte(2)
    .lte(1000)
    .default(10)
    .describe(
      'Number of rates in the hybrid moving average: the last (periods − 1) settled rates plus the current one.',
    ),
  default_funding_interval_hours: fundingIntervalHours
    .default(8)
    .describe('Funding interval (hours) assumed for a symbol when neither fundingInfo nor its funding history tells.'),
});

const filters = z.strictObject({
  min_volume_usdt: nonNegative()
    .default(250_000_000)
    .describe('Minimum combined spot + perp 24 h quote volume (USDT) for a pair to be considered.'),
  max_spread_pct: positive()
    .default(0.15)
    .describe('Maximum |perp mid − spot mid| / spot mid (percent); a pair with a missing book is excluded.'),
  exclude_symbols: z
    .array(
      z.string().regex(/^[A-Za-z0-9]+$/, {
        message: 'must be a symbol name made of letters and digits, e.g. "BTCUSDT"',
      }),
    )
    .default([])
    .describe('Perp symbols never traded, e.g. ["BTCUSDT"] (case-insensitive).'),
});

const positionManagement = z.strictObject({
  fee_coverage_multiplier: nonNegative()
    .default(0.2)
    .describe('Close (and reopen the best pair) once funding received ≥ this × (entry fees + estimated exit fees).'),
  max_position_age_hours: positive().default(336).describe('Close a position held longer than this (hours).'),
  // Timers cap every wait: Node fires a timer longer than 2^31 − 1 ms after 1 ms, which would spin the loop.
  loop_interval_seconds: positive()
    .lte(86_400)
    .default(300)
    .describe('Seconds between two check iterations of the bot loop (at most one day).'),
  enable_forced_rotation: z
    .boolean()
    .default(true)
    .describe('Rotate to a different pair whose APR is forced_rotation_apr_multiplier × the held pair’s current APR.'),
  forced_rotation_min_hours: nonNegative()
    .default(8)
    .describe('Forced rotation is considered only after the position has been held this long (hours).'),
  forced_rotation_apr_multiplier: z
    .number()
    .gte(1)
    .default(2)
    .describe(
      'Forced rotation needs the other pair’s APR to be at least this multiple of the held pair’s current APR.',
    ),
  rotation_min_apr_gain_points: nonNegative()
    .default(10)
    .describe('Rotate to a different pair whose APR beats the held pair’s current APR by at least this many points…'),
  rotation_min_hours: nonNegative().default(4).describe('…once the position has been held at least this long (hours).'),
});

const leverageSettings = z.strictObject({
  leverage: z
    .int()
    .gte(1)
    .lte(3)
    .default(1)
    .describe(
      'Perp leverage; USDT is split L/(L+1) spot and 1/(L+1) perp. The stop-loss follows from it. ' +
        'The legacy key risk_management.leverage is accepted as an alias.',
    ),
});

const risk = z.strictObject({
  stop_loss_maintenance_margin: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.005)
    .describe('Maintenance margin rate used to compute the liquidation distance behind the stop-loss.'),
  stop_loss_safety_multiplier: fraction()
    .default(0.7)
    .describe('The stop-loss fires at this fraction of the liquidation distance (−70 / −35 / −23 % for 1× / 2× / 3×).'),
  exchange_stop_backstop: z
    .boolean()
    .default(true)
    .describe('Also place a reduce-only STOP_MARKET order on the exchange as a backstop to the bot’s own stop-loss.'),
  delta_neutral_imbalance_pct: z
    .number()
    .gt(0)
    .lte(100)
    .default(2)
    .describe('Spot and perp quantities within this imbalance (percent of the larger) count as delta-neutral.'),
  imbalance_warning_pct: z
    .number()
    .gt(0)
    .lte(100)
    .default(5)
    .describe('Leg imbalance (percent) that raises a warning.'),
  imbalance_critical_pct: z
    .number()
    .gt(0)
    .lte(100)
    .default(10)
    .describe('Leg imbalance (percent) that is critical: no new position until it is resolved.'),
  short_pnl_warning_pct: z
    .number()
    .lt(0)
    .default(-25)
    .describe('Short-leg unrealised PnL (percent of entry notional) that raises a warning.'),
  short_pnl_critical_pct: z
    .number()
    .lt(0)
    .default(-50)
    .describe('Short-leg unrealised PnL (percent of entry notional) that is critical.'),
  spot_value_warning_usdt: nonNegative()
    .default(10)
    .describe('Spot leg value (USDT) below which a warning is raised while a position is open.'),
  spot_value_critical_usdt: nonNegative()
    .default(5)
    .describe('Spot leg value (USDT) below which the position is critical.'),
  position_value_warning_usdt: nonNegative()
    .default(5)
    .describe('Perp position value (USDT) below which a warning is raised while a position is open.'),
});

const execution = z.strictObject({
  leg_timeout_ms: z
    .int()
    .gte(1)
    .lte(600_000)
    .default(5000)
    .describe('Longest time one leg may stay unhedged before it is repaired or unwound (milliseconds).'),
  max_leg_repair_attempts: z
    .int()
    .gte(0)
    .lte(20)
    .default(3)
    .describe('Attempts to place a missing leg before the filled leg is unwound instead.'),
  margin_type: z.enum(MARGIN_TYPES).default('CROSSED').describe('Margin type set on the perp symbol before opening.'),
  fallback_fee_rate: z
    .number()
    .gte(0)
    .lte(0.1)
    .default(0.001)
    .describe('Fee rate per leg assumed only when the account’s commission rates cannot be read (0.001 = 0.1 %).'),
  funding_settlement_guard_seconds: nonNegative()
    .lte(3600)
    .default(15)
    .describe(
      'No open or close within ± this many seconds of a funding timestamp (Aster settles with up to 15 s deviation).',
    ),
});

const exchange = z.strictObject({
  network: z
    .enum(NETWORKS)
    .default('mainnet')
    .describe('Aster network; picks the default URLs and the EIP-712 chain id (1666 mainnet, 714 testnet).'),
  futures_url: baseUrl(HTTP).describe(
    'Futures REST base URL; null derives it from network (testnet: https://fapi.asterdex-testnet.com).',
  ),
  spot_url: baseUrl(HTTP).describe(
    'Spot REST base URL; null derives it from network (testnet: https://sapi.asterdex-testnet.com).',
  ),
  futures_ws_url: baseUrl(WS).describe(
    'Futures WebSocket base URL; null derives it from network, or from futures_url when that is not an Aster host.',
  ),
  spot_ws_url: baseUrl(WS).describe(
    'Spot WebSocket base URL; null derives it from network, or from spot_url when that is not an Aster host.',
  ),
  signing: z
    .enum(SIGNING_SCHEMES)
    .default('eip712')
    .describe(
      'Request signing: eip712 (V3 API wallet, recommended), hmac (V1 API key), legacy-abi (the original bot’s V3 scheme).',
    ),
  recv_window_ms: z
    .int()
    .gte(1)
    .lte(60_000)
    .default(5000)
    .describe('recvWindow sent with HMAC-signed requests (milliseconds; Aster accepts at most 60000).'),
  request_timeout_ms: z
    .int()
    .gte(1)
    .lte(120_000)
    .default(2500)
    .describe(
      'Timeout of one HTTP request (milliseconds); an order that times out has an unknown outcome and is looked up by its client id, so this must leave room inside execution.leg_timeout_ms.',
    ),
});

/** `2025-06-01T07:01:00Z`: a UTC instant to the second (what the simulator's clock starts at). */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function utcInstant() {
  const instant = z.string().superRefine((value, ctx) => {
    if (!UTC_INSTANT.test(value) || !Number.isFinite(Date.parse(value))) {
      ctx.addIssue({ code: 'custom', message: 'must be a UTC time like "2025-06-01T07:01:00Z"', input: value });
    }
  });
  ACCEPTED_TEXT.set(instant, 'a UTC time like "2025-06-01T07:01:00Z"');
  return instant;
}

/**
 * Where the embedded simulator's clock starts. The synthetic market is a pure function of (seed, time), so a fixed
 * start makes every first run tell the same story; this one opens a pair paying ~100 % APR an hour before its
 * settlement, so the first run shows an open, a funding payment, a fee-coverage close and the reopen within about
 * a dozen checks.
 */
export const DEFAULT_SIMULATOR_START = '2025-06-01T07:01:00Z';

const simulator = z.strictObject({
  seed: z.int().gte(0).default(42).describe('Random seed of the embedded simulator’s synthetic markets.'),
  pairs: z.int().gte(1).lte(1000).default(30).describe('Number of synthetic spot/perp pairs the simulator lists.'),
  speed: positive().default(1).describe('Simulated seconds per real second (the bot’s clock follows the simulator).'),
  fast_forward_idle: z
    .boolean()
    .default(true)
    .describe(
      'Skip the bot loop’s idle wait between checks (the clock jumps ahead; funding settles and prices move across the jump) while trading runs at `speed`; false runs every wait in full.',
    ),
  initial_usdt: positive()
    .default(10_000)
    .describe(
      'USDT credited to the spot wallet of a new simulated account (the embedded simulator of sim mode, and paper mode).',
    ),
  start_time: utcInstant()
    .nullable()
    .default(DEFAULT_SIMULATOR_START)
    .describe(
      'Simulated time the embedded simulator starts at (UTC); the synthetic market follows from seed and time, so a fixed start replays the same market. null starts at the current time.',
    ),
});

const logging = z.strictObject({
  level: z.enum(LOG_LEVELS).default('info').describe('Log file level.'),
  max_file_bytes: z
    .int()
    .gte(1024)
    .default(10 * MIB)
    .describe('Size (bytes) at which the log file is rotated.'),
  max_files: z.int().gte(1).lte(1000).default(5).describe('Rotated log files kept.'),
});

/** The sections, in file order. Each section is prefaulted so a missing section gets every default. */
export const CONFIG_SECTIONS = {
  capital_management: capitalManagement.prefault({}).describe('Capital deployment and wallet balancing.'),
  funding_rate_strategy: fundingRateStrategy.prefault({}).describe('Funding-rate ranking.'),
  filters: filters.prefault({}).describe('Pair filters applied before ranking.'),
  position_management: positionManagement.prefault({}).describe('Exit and rotation rules, loop cadence.'),
  leverage_settings: leverageSettings.prefault({}).describe('Leverage.'),
  risk: risk.prefault({}).describe('Stop-loss and health-check thresholds.'),
  execution: execution.prefault({}).describe('Order execution.'),
  exchange: exchange.prefault({}).describe('Exchange endpoints and authentication.'),
  simulator: simulator
    .prefault({})
    .describe('Embedded simulator used by sim mode (and, for initial_usdt, paper mode).'),
  logging: logging.prefault({}).describe('Log file.'),
} as const;

export const configFileSchema = z.strictObject({
  mode: z
    .enum(MODES)
    .default('sim')
    .describe(
      'sim: offline against the built-in simulator; paper: live market data, simulated account; live: real orders.',
    ),
  data_dir: z.string().min(1).default('./data').describe('Directory of the SQLite store, the lock and the log files.'),
  ...CONFIG_SECTIONS,
});

/** The file after type and range checks, before values derived from the network are filled in. */
export type ConfigFile = z.output<typeof configFileSchema>;
