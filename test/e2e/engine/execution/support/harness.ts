/**
 * The execution layer against the real thing: the simulator on a loopback port, the real Aster venue (signing,
 * transport, parsing) talking to it, and a real SQLite store in a temporary directory.
 *
 * The simulator clock runs in real time from a fixed start (03:00 UTC, far from any funding boundary), and the
 * engine and the venue follow that same clock, so leg timeouts are real milliseconds while funding is reached by
 * jumping the clock (`sim.advance`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Decimal } from '../../../../../src/domain/decimal.ts';
import { dec, ZERO } from '../../../../../src/domain/decimal.ts';
import type { EngineEvent } from '../../../../../src/engine/events.ts';
import {
  createExecutor,
  type ExecutionSettings,
  type Executor,
  type Logger,
} from '../../../../../src/engine/execution/index.ts';
import type { LedgerEntry, SimOrder } from '../../../../../src/sim/engine/index.ts';
import { DEMO_V3, type SimulatorHandle, startSimulator } from '../../../../../src/sim/index.ts';
import { openStore, type Store } from '../../../../../src/store/index.ts';
import type { OpenDecision } from '../../../../../src/strategy/decision.ts';
import { DEFAULT_STRATEGY_PARAMS, type StrategyParams } from '../../../../../src/strategy/params.ts';
import { askPrice } from '../../../../../src/strategy/prices.ts';
import { scanPairs } from '../../../../../src/strategy/scan.ts';
import { planWalletSplit, sizeOpen } from '../../../../../src/strategy/sizing.ts';
import { type AsterVenue, createAsterVenue } from '../../../../../src/venue/aster/adapter.ts';

export const START_MS = Date.UTC(2025, 5, 1, 3, 0, 0);
export const HOUR_MS = 3_600_000;
export const ACCOUNT = DEMO_V3.user.toLowerCase();

export interface HarnessOptions {
  faults?: string;
  /** Simulator seed (which pairs exist). Default 7: BTC, ETH, SOL, BNB and two alts. */
  seed?: number;
  execution?: Partial<ExecutionSettings>;
  params?: Partial<StrategyParams>;
  /** Venue request timeout; short so a hanging request resolves well within the leg timeout. */
  requestTimeoutMs?: number;
  /** Reuse a data directory (a "restart" against the same store). */
  dataDir?: string;
  /** Reuse a running simulator. */
  sim?: SimulatorHandle;
}

export interface Harness {
  sim: SimulatorHandle;
  venue: AsterVenue;
  store: Store;
  executor: Executor;
  events: EngineEvent[];
  /** Every event with the engine-clock time it was emitted at. */
  timeline: { atMs: number; event: EngineEvent }[];
  params: StrategyParams;
  execution: ExecutionSettings;
  dataDir: string;
  /** Closes the venue and the store (and the simulator and data dir unless `keep`). */
  close(keep?: { sim?: boolean; dataDir?: boolean }): Promise<void>;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export const DEFAULT_TEST_EXECUTION: ExecutionSettings = {
  legTimeoutMs: 5000,
  maxLegRepairAttempts: 3,
  marginType: 'CROSSED',
  fundingSettlementGuardSeconds: 15,
  exchangeStopBackstop: true,
};

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim =
    options.sim ??
    (await startSimulator({
      pairs: 6,
      seed: options.seed ?? 7,
      startMs: START_MS,
      rateLimits: false,
      warn: () => {},
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    }));
  const venue = createAsterVenue({
    futuresBaseUrl: sim.url,
    spotBaseUrl: sim.url,
    futuresWsUrl: sim.wsUrl,
    spotWsUrl: sim.spotWsUrl,
    signing: { scheme: 'eip712', chainId: 1666, ...DEMO_V3 },
    requestTimeoutMs: options.requestTimeoutMs ?? 1000,
    clock: sim.clock,
    // Reads are retried as in production, only faster, so fault scenarios do not take seconds of backoff.
    transport: { retry: { baseDelayMs: 50, maxDelayMs: 200 } },
  });
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'dnfarm-exec-'));
  const store = openStore(dataDir, { clock: sim.clock, command: 'execution e2e' });
  const events: EngineEvent[] = [];
  const timeline: { atMs: number; event: EngineEvent }[] = [];
  const params: StrategyParams = { ...DEFAULT_STRATEGY_PARAMS, ...(options.params ?? {}) };
  const execution: ExecutionSettings = { ...DEFAULT_TEST_EXECUTION, ...(options.execution ?? {}) };
  const executor = createExecutor({
    venue,
    store,
    params,
    execution,
    clock: sim.clock,
    events: (e) => {
      events.push(e);
      timeline.push({ atMs: sim.clock.nowMs(), event: e });
    },
    logger: silentLogger,
  });
  return {
    sim,
    venue,
    store,
    executor,
    events,
    timeline,
    params,
    execution,
    dataDir,
    async close(keep = {}) {
      // An open records its fills right after it returns: let that finish before the venue and store go.
      await executor.settled();
      await venue.close();
      store.close();
      if (keep.sim !== true && options.sim === undefined) await sim.close();
      if (keep.dataDir !== true && options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The strategy's open decision for `symbol`, built the way `decide` builds it (filters aside). */
export async function openDecisionFor(h: Harness, symbol: string, leverage: 1 | 2 | 3 = 1): Promise<OpenDecision> {
  const snapshot = await h.venue.scanSnapshot();
  const scan = scanPairs(snapshot, h.params);
  const candidate = scan.rows.find((r) => r.symbol === symbol);
  if (candidate === undefined) throw new Error(`no scan row for ${symbol}`);
  const pair = candidate.pair;
  const spotAsk = askPrice(snapshot.spotBooks.get(pair.spotSymbol));
  const mark = snapshot.premiumIndex.get(symbol)?.markPrice;
  if (spotAsk === null || mark === undefined) throw new Error(`no prices for ${symbol}`);
  const [spot, perp] = await Promise.all([h.venue.spotBalances(), h.venue.perpBalances()]);
  const spotUsdt = spot.find((b) => b.asset === 'USDT')?.free ?? ZERO;
  const perpUsdt = perp.find((b) => b.asset === 'USDT')?.availableBalance ?? ZERO;
  const walletPlan = planWalletSplit(spotUsdt, perpUsdt, leverage, h.params.transferDeadBandUsdt);
  const sizing = sizeOpen({
    spotUsdt: walletPlan.targetSpotUsdt,
    perpUsdt: walletPlan.targetPerpUsdt,
    leverage,
    capitalFraction: h.params.capitalFraction,
    spotPrice: spotAsk,
    perpMarkPrice: mark,
    spotFilters: pair.spot.filters,
    perpFilters: pair.perp.filters,
    spotTakerRate: h.params.fallbackFeeRate,
    spotCommissionInBase: true,
  });
  if (!sizing.ok) throw new Error(`cannot size ${symbol}: ${sizing.message}`);
  return {
    kind: 'open',
    reason: 'best_opportunity',
    pair,
    candidate,
    leverage,
    walletPlan,
    sizing,
    spotPrice: spotAsk,
    perpMarkPrice: mark,
    message: `${symbol}: test open`,
    issues: [],
    scan,
  };
}

export function simOrders(h: Harness, market: 'spot' | 'perp', symbol: string): SimOrder[] {
  const r = h.sim.engine.allOrders(ACCOUNT, market, symbol, {});
  if (!r.ok) throw new Error(r.error.msg);
  return r.value;
}

export function ledger(h: Harness): readonly LedgerEntry[] {
  return h.sim.engine.ledger(ACCOUNT);
}

/** The account's spot holding of an asset and its perp position amount on a symbol, as the simulator has them. */
export function exposure(h: Harness, baseAsset: string, symbol: string): { spot: Decimal; perp: Decimal } {
  const spot = h.sim.engine.spotAccount(ACCOUNT).balances.find((b) => b.asset === baseAsset);
  const rows = h.sim.engine.positionRisk(ACCOUNT, symbol);
  const perp = rows.ok ? (rows.value.find((p) => !p.positionAmt.isZero())?.positionAmt ?? ZERO) : ZERO;
  return { spot: spot === undefined ? ZERO : spot.free.plus(spot.locked), perp };
}

/** Sum of ledger deltas matching a filter. */
export function ledgerSum(entries: readonly LedgerEntry[], pick: (e: LedgerEntry) => boolean): Decimal {
  return entries.filter(pick).reduce((sum, e) => sum.plus(e.delta), dec(0));
}

/** Waits until `fn` is true (polling), failing after a generous bound that only catches hangs. */
export async function eventually(fn: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!fn()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
