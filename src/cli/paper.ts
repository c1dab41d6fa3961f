/**
 * Paper mode's composition: live Aster market data, a simulated account, no real orders, no keys.
 *
 *   live Aster (public REST + mark-price stream) ──> LiveFeed ──> ManualMarketSource ──> embedded simulator
 *                                                                                           ▲
 *   the bot's own Aster client (signing with the simulator's demo identity) ─── orders ────┘
 *
 * The simulator runs in real time (no fast-forward: funding settles at the real boundaries), its account starts
 * with `simulator.initial_usdt`, and the bot talks to it over loopback with the same client it uses for Aster. The
 * live side is read without credentials from the configured Aster hosts, or from `--futures-url` / `--spot-url`
 * (a testnet, or a simulator playing Aster in tests). The user's keys are never handed to either client.
 *
 * The account lives inside this process: it starts fresh on every start and ends with the process (a position of
 * an earlier paper run is found gone and closed out in the store by the startup reconcile, as in sim mode).
 */
import type { DnfarmConfig, Secrets } from '../config/index.ts';
import type { EngineEventSink } from '../engine/events.ts';
import { LiveFeed, linkFeedToEngine } from '../engine/paper/index.ts';
import type { TradeGate } from '../engine/trade-gate.ts';
import { type SimulatorHandle, startSimulator } from '../sim/server.ts';
import type { Palette } from '../ui/color.ts';
import { type AsterVenue, createVenueFromConfig } from '../venue/aster/index.ts';
import { type CommandSetup, LONG_RUNNING_SIMULATOR } from './venue-context.ts';

/** No credentials: the live side is public data only. */
const NO_SECRETS: Secrets = {};

export interface PaperMarket {
  readonly feed: LiveFeed;
  /** The embedded simulator whose account the bot trades; its market is the feed's. */
  readonly simulator: SimulatorHandle;
  /** Where live market data comes from. */
  readonly liveFuturesUrl: string;
  readonly liveSpotUrl: string;
  /** Pauses trading while the live prices are stale and reports the feed's notices; returns the undo. */
  link(gate: TradeGate, events: EngineEventSink): () => void;
  close(): Promise<void>;
}

/** The perp symbols any account of the simulator holds a position in. */
export function heldSymbols(simulator: SimulatorHandle): string[] {
  const held = new Set<string>();
  const engine = simulator.engine;
  for (const account of engine.accountIds()) {
    const rows = engine.positionRisk(account);
    if (!rows.ok) continue;
    for (const row of rows.value) if (!row.positionAmt.isZero()) held.add(row.symbol);
  }
  return [...held];
}

/** Reads the live market, builds the paper market from it and starts the simulator on it. */
export async function openPaperMarket(setup: CommandSetup): Promise<PaperMarket> {
  const { config, logger } = setup;
  const live: AsterVenue = createVenueFromConfig(config, NO_SECRETS, {
    logger: logger.child({ component: 'paper-feed' }),
    publicOnly: true,
  });
  let feed: LiveFeed | null = null;
  try {
    const strategy = config.funding_rate_strategy;
    feed = await LiveFeed.open({
      live,
      clock: { nowMs: () => Date.now() },
      logger: logger.child({ component: 'paper-feed' }),
      settings: { fundingHistoryLimit: strategy.use_funding_ma ? strategy.funding_ma_periods : 0 },
    });
    const simulator = await startSimulator({
      port: 0,
      source: feed.source,
      speed: 1,
      startMs: Date.now(),
      initialUsdt: String(config.simulator.initial_usdt),
      chainId: config.exchange.chain_id,
      legacyAbi: config.exchange.signing === 'legacy-abi',
      warn: (message) => logger.warn({ component: 'simulator' }, message),
      ...LONG_RUNNING_SIMULATOR,
    });
    const started = feed;
    started.start(() => heldSymbols(simulator));
    logger.info(
      { url: simulator.url, live: config.exchange.futures_url, pairs: started.symbols.length },
      'paper market started',
    );
    return {
      feed: started,
      simulator,
      liveFuturesUrl: config.exchange.futures_url,
      liveSpotUrl: config.exchange.spot_url,
      link: (gate, events) => linkFeedToEngine(started, gate, events),
      close: async () => {
        try {
          await started.close();
          await simulator.close();
        } finally {
          await live.close();
        }
      },
    };
  } catch (error) {
    await feed?.close();
    await live.close();
    throw error;
  }
}

/** What a paper run must make plain before anything else: live prices, but no real orders and no real money. */
export function paperBanner(config: DnfarmConfig, paper: PaperMarket, palette: Palette): string[] {
  return [
    palette.yellow(palette.bold('PAPER: live prices, simulated account, no real orders, no keys.')),
    palette.yellow(
      `  market data: live from ${paper.liveFuturesUrl} (futures) and ${paper.liveSpotUrl} (spot), ` +
        `${paper.feed.symbols.length} spot/perp pairs`,
    ),
    palette.yellow(
      `  account: simulated, ${config.simulator.initial_usdt} USDT to start, on the embedded simulator at ` +
        `${paper.simulator.url}; it ends with this process`,
    ),
    palette.yellow('  clock: real time; funding is paid at the real boundaries at the rate Aster last predicted'),
    palette.yellow(
      '  to trade for real: set "mode": "live" in dnfarm.config.json and put API_USER, API_SIGNER and ' +
        'API_PRIVATE_KEY in .env; try the testnet first (exchange.network "testnet"). See README.md, "Going live".',
    ),
  ];
}

/** The `venue` of the run's `started` event. */
export const PAPER_VENUE = 'PAPER (live prices, simulated account, no real orders)';
