/**
 * `dnfarm status`: the bot's state from its store (read-only: it works while a bot holds the data dir) joined with
 * a fresh read of the exchange. `status --health` is the container health check: it reads only the data dir.
 */
import type { Command } from 'commander';
import { BINDING_META_KEY } from '../../engine/binding.ts';
import { readHeartbeat } from '../../engine/heartbeat.ts';
import { describeError } from '../../errors.ts';
import { inspectLock, openStore, type Store, StoreMissingError } from '../../store/index.ts';
import type { StoreStatus } from '../../store/store.ts';
import type { TakerRates } from '../../strategy/fees.ts';
import { evaluateHealth, type HeartbeatView } from '../../ui/status/health.ts';
import { healthReportJson, statusReportJson } from '../../ui/status/json.ts';
import { type AccountRead, buildStatusReport, type StatusInputs } from '../../ui/status/model.ts';
import { renderHealth, renderStatusReport } from '../../ui/status/render.ts';
import type { Venue } from '../../venue/port.ts';
import {
  accountReadable,
  addCommonOptions,
  type CommandIo,
  type CommandSetup,
  type CommonOptions,
  processIo,
  runCommand,
  withVenue,
  writeJson,
} from '../venue-context.ts';

interface StatusOptions extends CommonOptions {
  readonly health?: boolean;
}

/** Every pair the bot trades quotes USDT; the portfolio is valued in it. */
const QUOTE_ASSET = 'USDT';

const EXAMPLES = `
Examples:
  $ dnfarm status                              # store + exchange (live mode, or a simulator given by URL)
  $ dnfarm status --json
  $ dnfarm status --health --data-dir /data    # exit 0 when the bot's loop is alive, 1 otherwise (no exchange call)
  $ dnfarm status --futures-url http://127.0.0.1:8080 --spot-url http://127.0.0.1:8080

The store is opened read-only, so status works while the bot runs. Balances, prices and PnL come from the
exchange; in paper mode, or in sim mode with the embedded simulator, the simulated account lives inside the
running bot and status shows the store's figures (portfolio as of the bot's last iteration). Run \`dnfarm sim\` and
point both \`dnfarm run\` and \`dnfarm status\` at it with --futures-url/--spot-url to see a simulated account live.

--health is healthy when a process holds the data dir and its loop started an iteration within the last
3 loop intervals.
`;

interface StoreRead {
  status: StoreStatus;
  heartbeat: HeartbeatView | null;
  binding: StatusInputs['binding'];
}

function readBinding(store: Store): StatusInputs['binding'] {
  try {
    const value = store.meta.getJson(BINDING_META_KEY) as Record<string, unknown> | null;
    if (value === null || typeof value['mode'] !== 'string' || typeof value['venue'] !== 'string') return null;
    return {
      mode: value['mode'],
      venue: value['venue'],
      account: typeof value['account'] === 'string' ? value['account'] : null,
    };
  } catch {
    return null;
  }
}

/** The store's view, or null when the data dir has none yet. Read-only: no lock, no write. */
function readStore(dataDir: string): StoreRead | null {
  let store: Store;
  try {
    store = openStore(dataDir, { readOnly: true });
  } catch (error) {
    if (error instanceof StoreMissingError) return null;
    throw error;
  }
  try {
    return { status: store.status(), heartbeat: readHeartbeat(store), binding: readBinding(store) };
  } finally {
    store.close();
  }
}

async function takerRates(venue: Venue, store: StoreStatus | null): Promise<TakerRates> {
  const position = store?.position?.position;
  if (position === undefined) return { spotTaker: null, perpTaker: null };
  // The estimate falls back to the configured fee rate for a rate that cannot be read.
  const [spot, perp] = await Promise.all([
    venue.commissionRates('spot', position.spotSymbol).catch(() => null),
    venue.commissionRates('perp', position.symbol).catch(() => null),
  ]);
  return { spotTaker: spot?.taker ?? null, perpTaker: perp?.taker ?? null };
}

async function readAccount(
  setup: CommandSetup,
  store: StoreStatus | null,
): Promise<{ account: AccountRead; nowMs: number }> {
  return withVenue(setup, 'account', async ({ venue }) => {
    const [spotBalances, perpBalances, perpPositions, snapshot, nowMs, rates] = await Promise.all([
      venue.spotBalances(),
      venue.perpBalances(),
      venue.perpPositions(),
      venue.scanSnapshot(),
      venue.serverTimeMs(),
      takerRates(venue, store),
    ]);
    return {
      nowMs,
      account: {
        spotBalances,
        perpBalances,
        perpPositions,
        spotMarkets: snapshot.spotMarkets,
        spotBooks: snapshot.spotBooks,
        premiumIndex: snapshot.premiumIndex,
        takerRates: rates,
      },
    };
  });
}

function unreadableNote(mode: string): string {
  return mode === 'paper'
    ? 'paper mode keeps its simulated account inside the running bot'
    : 'sim mode keeps its account inside the bot’s embedded simulator; start `dnfarm sim` and point run and status at it with --futures-url/--spot-url to see it';
}

/** Runs `status`; resolves with the exit code (1 when unhealthy with --health, or when the exchange read failed). */
export async function runStatus(options: StatusOptions, io: CommandIo = processIo): Promise<number> {
  let exitCode = 0;
  await runCommand('status', options, io, async (setup) => {
    const { config, dataDir } = setup;
    const nowWallMs = Date.now();
    const lockState = inspectLock(dataDir);
    const lock = { held: lockState.held, holder: lockState.holder };
    const stored = readStore(dataDir);

    if (options.health === true) {
      const health = evaluateHealth({
        storePresent: stored !== null,
        lockHeld: lock.held,
        heartbeat: stored?.heartbeat ?? null,
        nowWallMs,
      });
      exitCode = health.healthy ? 0 : 1;
      if (setup.json) writeJson(io, healthReportJson(health, dataDir));
      else io.stdout.write(renderHealth(health, setup.palette));
      return;
    }

    let account: AccountRead | null = null;
    let accountNote: string | null = null;
    let accountFailed = false;
    let nowMs = nowWallMs;
    if (accountReadable(config)) {
      try {
        const read = await readAccount(setup, stored?.status ?? null);
        account = read.account;
        nowMs = read.nowMs;
      } catch (error) {
        accountFailed = true;
        accountNote = describeError(error);
        setup.logger.error({ err: error }, 'status: exchange read failed');
      }
    } else {
      accountNote = unreadableNote(config.mode);
      // Ages in sim mode follow the simulator's clock, as the bot last saw it.
      if (config.mode === 'sim' && stored?.status.lastEquity) nowMs = stored.status.lastEquity.timeMs;
    }
    const report = buildStatusReport({
      mode: config.mode,
      dataDir,
      nowWallMs,
      nowMs,
      params: setup.params,
      lock,
      store: stored?.status ?? null,
      heartbeat: stored?.heartbeat ?? null,
      binding: stored?.binding ?? null,
      account,
      accountNote,
      accountFailed,
      quoteAsset: QUOTE_ASSET,
    });
    exitCode = accountFailed ? 1 : 0;
    if (setup.json) writeJson(io, statusReportJson(report));
    else
      io.stdout.write(
        renderStatusReport(report, { feeCoverageMultiplier: setup.params.feeCoverageMultiplier }, setup.palette),
      );
  });
  return exitCode;
}

export function registerStatusCommand(program: Command, io: CommandIo = processIo): Command {
  const command = program
    .command('status')
    .description('balances, position and PnL, funding, fees, fee coverage, stop-loss, portfolio and counters')
    .option('--health', 'only check that the bot is alive (exit 0) or not (exit 1), without calling the exchange');
  addCommonOptions(command);
  return command.addHelpText('after', EXAMPLES).action(async (options: StatusOptions) => {
    const code = await runStatus(options, io);
    if (code !== 0) process.exitCode = code;
  });
}
