/**
 * Crash tests drive the real `dnfarm run` process: the simulator lives in the test process (so it
 * survives the bot), the bot talks to it over loopback with the real client, and `DNFARM_CRASH_AT`
 * makes the bot SIGKILL itself at a named step (src/engine/crash.ts). A second run, without the hook,
 * must then recover: one position at most, both legs or none, a store that opens and agrees with the
 * exchange, nothing left unresolved.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Decimal, ZERO } from '../../../../../src/domain/decimal.ts';
import { DEMO_V3, type SimulatorHandle, startSimulator } from '../../../../../src/sim/index.ts';
import { ManualMarketSource, type ManualSymbol } from '../../../../../src/sim/market/manual.ts';
import { openStore } from '../../../../../src/store/index.ts';
import { cliBundle } from '../../../../support/cli-bundle.ts';

export const ACCOUNT = DEMO_V3.user.toLowerCase();

/** Two pairs; AAA pays the most, so the bot opens it first. */
export const PRICES: Readonly<Record<string, number>> = { AAA: 100, BBB: 50 };

export async function startCrashSimulator(extra: readonly ManualSymbol[] = []): Promise<SimulatorHandle> {
  // The bot's clock is the system clock here (it talks to an external simulator), so the simulator
  // runs in real time from now: nonces and time windows agree on both sides.
  const startMs = Math.floor(Date.now() / 1000) * 1000;
  const source = new ManualMarketSource({
    startMs,
    symbols: [
      { baseAsset: 'AAA', price: PRICES['AAA'] ?? 100, fundingRate: '0.0005' },
      { baseAsset: 'BBB', price: PRICES['BBB'] ?? 50, fundingRate: '0.0001' },
      ...extra,
    ],
  });
  return startSimulator({ startMs, source, rateLimits: false, warn: () => {} });
}

/**
 * The original bot's defaults, except: `churn` closes on every iteration (fee coverage at 0×, so a
 * close, and its reopen, follow the open one second later); and no funding-settlement guard, because
 * the simulator runs on the wall clock here and a test started near 00/08/16 UTC would otherwise see
 * its open deferred to the next check.
 */
export function writeConfig(dir: string, options: { churn: boolean }): string {
  const path = join(dir, options.churn ? 'churn.json' : 'calm.json');
  const config = {
    mode: 'sim',
    position_management: options.churn
      ? { fee_coverage_multiplier: 0, loop_interval_seconds: 1 }
      : { fee_coverage_multiplier: 0.2, loop_interval_seconds: 300 },
    execution: { funding_settlement_guard_seconds: 0 },
    logging: { level: 'debug' },
  };
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export interface BotRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The `--json` event lines, parsed. */
  events: Array<Record<string, unknown> & { event: string }>;
}

/** A running `dnfarm` process with its output so far. */
export interface DnfarmProcess {
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr matches `pattern`; rejects after a generous hang guard. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<BotRun>;
}

function parseEvents(stdout: string): BotRun['events'] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{"time"'))
    .map((line) => JSON.parse(line) as BotRun['events'][number]);
}

/** Starts `dnfarm <args>` (the bundled CLI, as production runs it) with a clean environment plus `env`. */
export function spawnDnfarm(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number },
): DnfarmProcess {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...(options.env ?? {}) };
  const child = spawn(process.execPath, [cliBundle(), ...args], {
    cwd: options.cwd,
    env,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Only a hang guard: a process that never ends is a failure, not a slow test.
  const guard = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exited = new Promise<BotRun>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolvePromise({ code, signal, stdout, stderr, events: parseEvents(stdout) });
    });
  });
  return {
    pid: child.pid ?? -1,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      const start = Date.now();
      let done = false;
      void exited.then(() => {
        done = true;
      });
      while (!pattern.test(stdout) && !pattern.test(stderr)) {
        if (done) throw new Error(`process ended without printing ${pattern}:\n${stdout}\n${stderr}`);
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${pattern}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    kill: (signal) => child.kill(signal),
    exited,
  };
}

/** The exchange options pointing the CLI at `sim`. */
export function simArgs(sim: SimulatorHandle, dataDir: string): string[] {
  return ['--futures-url', sim.url, '--spot-url', sim.url, '--data-dir', dataDir];
}

export function runBot(options: {
  sim: SimulatorHandle;
  dataDir: string;
  configPath: string;
  crashAt?: string;
  once?: boolean;
  timeoutMs?: number;
  cwd: string;
}): Promise<BotRun> {
  const args = [
    'run',
    '--json',
    '--config',
    options.configPath,
    ...simArgs(options.sim, options.dataDir),
    ...(options.once === true ? ['--once'] : []),
  ];
  const env: NodeJS.ProcessEnv = {};
  if (options.crashAt !== undefined) env['DNFARM_CRASH_AT'] = options.crashAt;
  return spawnDnfarm(args, {
    cwd: options.cwd,
    env,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  }).exited;
}

export interface Consistency {
  /** Non-zero perp positions on the exchange. */
  perpPositions: { symbol: string; positionAmt: Decimal }[];
  activeSymbol: string | null;
  problems: string[];
}

function spotOf(sim: SimulatorHandle, asset: string): Decimal {
  const b = sim.engine.spotAccount(ACCOUNT).balances.find((x) => x.asset === asset);
  return b === undefined ? ZERO : b.free.plus(b.locked);
}

/**
 * Everything a recovered bot must have made true. Returns the problems found (empty when sound).
 * Opening the store as a writer runs its full integrity check.
 */
export function checkConsistency(sim: SimulatorHandle, dataDir: string): Consistency {
  const problems: string[] = [];
  const rows = sim.engine.positionRisk(ACCOUNT);
  const perpPositions = (rows.ok ? rows.value : [])
    .filter((p) => !p.positionAmt.isZero())
    .map((p) => ({ symbol: p.symbol, positionAmt: p.positionAmt }));
  if (perpPositions.length > 1) problems.push(`${perpPositions.length} perp positions open`);
  for (const p of perpPositions)
    if (!p.positionAmt.isNegative()) problems.push(`${p.symbol}: long perp ${p.positionAmt}`);

  const store = openStore(dataDir, { command: 'crash test check', integrityCheck: 'full' });
  try {
    const active = store.positions.active();
    const status = store.status();
    if (status.unresolvedIntents.length > 0) {
      problems.push(
        `unresolved intents: ${status.unresolvedIntents.map((i) => `${i.id}:${i.kind}:${i.status}`).join(', ')}`,
      );
    }
    // A working exchange-side stop is meant to stay open; anything else unfinished is a problem.
    const unresolved = status.unresolvedOrders.filter((o) => !(o.type === 'STOP_MARKET' && o.status === 'NEW'));
    if (unresolved.length > 0) {
      problems.push(`unresolved orders: ${unresolved.map((o) => `${o.clientOrderId}:${o.status}`).join(', ')}`);
    }
    const activeCount = store.positions
      .list()
      .filter((p) => ['opening', 'open', 'closing', 'adopted'].includes(p.status)).length;
    if (activeCount > 1) problems.push(`${activeCount} active positions in the store`);

    for (const [asset, price] of Object.entries(PRICES)) {
      const symbol = `${asset}USDT`;
      const short = perpPositions.find((p) => p.symbol === symbol)?.positionAmt.negated() ?? ZERO;
      const spot = spotOf(sim, asset);
      const working = sim.engine.openOrders(ACCOUNT, 'perp', symbol);
      const stops = (working.ok ? working.value : []).filter((o) => o.type === 'STOP_MARKET');
      if (active !== null && active.symbol === symbol) {
        if (stops.length !== 1) problems.push(`${symbol}: ${stops.length} exchange-side stops for the position`);
        if (active.status !== 'open') problems.push(`${symbol}: store position is ${active.status}`);
        if (!short.equals(active.perpQty)) problems.push(`${symbol}: exchange short ${short}, store ${active.perpQty}`);
        // The hedge: the position's spot is held (within the base-asset commission of the buy).
        if (spot.lessThan(active.perpQty.times('0.995')))
          problems.push(`${symbol}: spot ${spot} for a short of ${short}`);
      } else {
        if (!short.isZero()) problems.push(`${symbol}: short ${short} that the store does not hold`);
        if (stops.length > 0) problems.push(`${symbol}: ${stops.length} stray stop order(s) without a position`);
        // Without a position only dust may remain: less than the minimum order value.
        if (spot.times(price).greaterThanOrEqualTo(5)) problems.push(`${symbol}: naked spot ${spot}`);
      }
    }
    return { perpPositions, activeSymbol: active?.symbol ?? null, problems };
  } finally {
    store.close();
  }
}

/** Client order ids the simulator executed more than once (a blind resend would show up here). */
export function duplicatedOrders(sim: SimulatorHandle): string[] {
  const seen = new Map<string, number>();
  for (const market of ['spot', 'perp'] as const) {
    for (const symbol of Object.keys(PRICES).map((a) => `${a}USDT`)) {
      const orders = sim.engine.allOrders(ACCOUNT, market, symbol, {});
      if (!orders.ok) continue;
      for (const o of orders.value) {
        if (o.executedQty.isZero()) continue;
        seen.set(o.clientOrderId, (seen.get(o.clientOrderId) ?? 0) + 1);
      }
    }
  }
  return [...seen.entries()].filter(([, n]) => n > 1).map(([id]) => id);
}
