/**
 * Every data command as a real process against a real simulator process (`dnfarm sim --port 0`), as an operator
 * would run them: `--json` validated against a schema, human output checked for its key fields, exit codes.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cliBundle } from '../../support/cli-bundle.ts';

const ESC = String.fromCharCode(27);
/** Each test spawns a few processes (1-2 s of startup each on an idle machine); the bound only catches hangs. */
const TEST_TIMEOUT_MS = 180_000;

/** The environment without anything that could change the outcome (keys, colour forcing). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(API|APIV1)_|^(NO_COLOR|FORCE_COLOR)$|^DNFARM_/.test(name)) continue;
    env[name] = value;
  }
  return env;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function dnfarm(args: readonly string[], cwd: string): Promise<Result> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [cliBundle(), ...args], { cwd, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // Generous: only a hang should ever reach it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const maybeDecimal = decimal.nullable();
const isoTime = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

const filterSchema = z.strictObject({
  filter: z.enum(['funding_rate', 'volume', 'spread', 'history', 'min_apr']),
  pass: z.boolean(),
  detail: z.string().min(1),
});
const ratesRowSchema = z.strictObject({
  symbol: z.string().regex(/^[A-Z0-9]+$/),
  spot_symbol: z.string(),
  interval_hours: z.number().int().positive(),
  interval_source: z.enum(['fundingInfo', 'history', 'default']),
  current_rate: maybeDecimal,
  current_apr_pct: maybeDecimal,
  ma_rate: maybeDecimal,
  ma_apr_pct: maybeDecimal,
  ranking_apr_pct: maybeDecimal,
  spot_volume_usdt: maybeDecimal,
  perp_volume_usdt: maybeDecimal,
  volume_usdt: maybeDecimal,
  spot_mid: maybeDecimal,
  perp_mid: maybeDecimal,
  spread_pct: maybeDecimal,
  eligible: z.boolean(),
  exclusion: z.strictObject({ reason: z.string(), message: z.string() }).nullable(),
  filters: z.array(filterSchema).min(4),
});
const ratesSchema = z.strictObject({
  ok: z.literal(true),
  command: z.literal('rates'),
  time: isoTime,
  mode: z.enum(['current', 'ma']),
  thresholds: z.strictObject({
    min_volume_usdt: decimal,
    max_spread_pct: decimal,
    min_funding_apr_pct: decimal,
    funding_ma_periods: z.number().int().nullable(),
    exclude_symbols: z.array(z.string()),
  }),
  summary: z.strictObject({
    pairs: z.number().int().positive(),
    eligible: z.number().int().nonnegative(),
    excluded: z.number().int().nonnegative(),
    excluded_by: z.record(z.string(), z.number().int().positive()),
    failed_by: z.record(z.string(), z.number().int().positive()),
  }),
  best: ratesRowSchema.nullable(),
  pairs: z.array(ratesRowSchema).min(1),
});

const spreadsSchema = z.strictObject({
  ok: z.literal(true),
  command: z.literal('spreads'),
  time: isoTime,
  max_spread_pct: decimal,
  summary: z.strictObject({
    count: z.number().int().nonnegative(),
    average_abs_spread_pct: maybeDecimal,
    largest: z.strictObject({ symbol: z.string(), spread_pct: maybeDecimal }).nullable(),
    smallest: z.strictObject({ symbol: z.string(), spread_pct: maybeDecimal }).nullable(),
    premium: z.number().int(),
    premium_share_pct: maybeDecimal,
    discount: z.number().int(),
    discount_share_pct: maybeDecimal,
    exact: z.number().int(),
    above_filter: z.number().int(),
    missing: z.number().int(),
  }),
  pairs: z
    .array(
      z.strictObject({
        symbol: z.string(),
        spot_symbol: z.string(),
        spot_mid: decimal,
        perp_mid: decimal,
        spread_abs: decimal,
        spread_pct: decimal,
      }),
    )
    .min(1),
  missing: z.array(
    z.strictObject({ symbol: z.string(), spot_symbol: z.string(), missing: z.enum(['spot', 'perp', 'both']) }),
  ),
});

const intervalsSchema = z.strictObject({
  ok: z.literal(true),
  command: z.literal('intervals'),
  time: isoTime,
  default_interval_hours: z.number().int(),
  cross_checked: z.boolean(),
  summary: z.strictObject({
    pairs: z.number().int().positive(),
    groups: z.strictObject({
      '1h': z.number(),
      '4h': z.number(),
      '8h': z.number(),
      other: z.number(),
      unknown: z.number(),
    }),
    by_source: z.strictObject({ fundingInfo: z.number(), history: z.number(), unknown: z.number() }),
    mismatches: z.number().int(),
  }),
  pairs: z.array(
    z.strictObject({
      symbol: z.string(),
      interval_hours: z.number().int().positive().nullable(),
      payments_per_day: z.number().positive().nullable(),
      source: z.enum(['fundingInfo', 'history', 'unknown']),
      group: z.enum(['1h', '4h', '8h', 'other', 'unknown']),
      next_funding_time: isoTime.nullable(),
      history_interval_hours: z.number().int().nullable(),
      history_rows: z.number().int().nullable(),
      mismatch: z.boolean(),
    }),
  ),
});

const stopLossSchema = z.strictObject({
  ok: z.literal(true),
  command: z.literal('stoploss'),
  maintenance_margin: decimal,
  safety_multiplier: decimal,
  configured_leverage: z.number().int(),
  entry_price: maybeDecimal,
  leverages: z.array(
    z.strictObject({
      leverage: z.number().int().positive(),
      configured: z.boolean(),
      liquidation_distance_pct: decimal,
      stop_loss_pct: decimal,
      stop_move_pct: decimal,
      buffer_pct: decimal,
      margin_lost_at_stop_pct: decimal,
      safe: z.boolean(),
      stop_mark_price: maybeDecimal,
      liquidation_price: maybeDecimal,
    }),
  ),
});

const healthSchema = z.strictObject({
  healthy: z.boolean(),
  reason: z.string(),
  age_seconds: z.number().int().nullable(),
  limit_seconds: z.number().int().nullable(),
});
const statusSchema = z.strictObject({
  ok: z.boolean(),
  command: z.literal('status'),
  time: isoTime,
  mode: z.enum(['sim', 'paper', 'live']),
  data_dir: z.string(),
  bot: z.strictObject({
    running: z.boolean(),
    pid: z.number().int().nullable(),
    host: z.string().nullable(),
    command: z.string().nullable(),
    since: isoTime.nullable(),
    heartbeat: z
      .strictObject({
        last_iteration: z.number().int(),
        time: isoTime,
        state: z.enum(['running', 'stopped']),
        loop_interval_seconds: z.number(),
      })
      .nullable(),
  }),
  health: healthSchema,
  store: z.strictObject({
    present: z.boolean(),
    binding: z.strictObject({ mode: z.string(), venue: z.string(), account: z.string().nullable() }).nullable(),
  }),
  account: z.strictObject({ available: z.boolean(), note: z.string().nullable(), failed: z.boolean() }),
  balances: z
    .strictObject({
      spot: z.array(z.strictObject({ asset: z.string(), free: decimal, locked: decimal })),
      perp: z.array(
        z.strictObject({
          asset: z.string(),
          wallet_balance: decimal,
          available_balance: decimal,
          unrealized_pnl: decimal,
        }),
      ),
    })
    .nullable(),
  portfolio: z
    .strictObject({
      source: z.enum(['exchange', 'last_iteration']),
      time: isoTime,
      value_usdt: decimal,
      spot_usdt: decimal,
      perp_wallet_usdt: decimal,
      unrealised_usdt: decimal,
      unpriced_assets: z.array(z.string()),
      baseline: z.strictObject({ value_usdt: decimal, time: isoTime, source: z.string() }).nullable(),
      long_term_pnl_usdt: maybeDecimal,
      long_term_pnl_pct: maybeDecimal,
    })
    .nullable(),
  position: z
    .object({
      symbol: z.string(),
      leverage: z.number().int(),
      opened_at: isoTime,
      age_hours: z.number().nonnegative(),
      spot_qty: decimal,
      perp_qty: decimal,
      pnl: z
        .strictObject({
          spot_usdt: decimal,
          perp_usdt: decimal,
          funding_usdt: decimal,
          entry_fees_usdt: decimal,
          exit_fees_estimate_usdt: decimal,
          combined_usdt: decimal,
          combined_pct: maybeDecimal,
        })
        .nullable(),
      funding_received_usdt: decimal,
      fees_paid_usdt: decimal,
      fee_coverage: z.object({ progress: decimal, covered: z.boolean() }),
      stop_loss: z.object({ stop_loss_pct: decimal, stop_mark_price: decimal }).nullable(),
      volume_usdt: decimal,
    })
    .nullable(),
  counters: z
    .strictObject({
      check_iterations: z.number().int(),
      completed_cycles: z.number().int(),
      positions_opened: z.number().int(),
      positions_closed: z.number().int(),
      realised_pnl_usdt: decimal,
      traded_volume_usdt: decimal,
      funding_received_usdt: decimal,
      commissions_usdt: decimal,
    })
    .nullable(),
  warnings: z.array(z.string()),
});
const healthReportSchema = z.strictObject({
  ok: z.boolean(),
  command: z.literal('status'),
  data_dir: z.string(),
  health: healthSchema,
});
const errorSchema = z.strictObject({
  ok: z.literal(false),
  command: z.string(),
  error: z.object({ name: z.string(), message: z.string(), field: z.string().optional() }),
});

/** Exactly one JSON document on stdout, and nothing else. */
function onlyJson(result: Result): unknown {
  expect(result.stdout.trim().startsWith('{')).toBe(true);
  return JSON.parse(result.stdout);
}

let sim: ChildProcessWithoutNullStreams;
let url: string;
let cwd: string;
let site: string[];

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'dnfarm-commands-'));
  sim = spawn(process.execPath, [cliBundle(), 'sim', '--port', '0', '--seed', '7'], {
    cwd,
    env: cleanEnv(),
  });
  const firstLine = await new Promise<string>((resolveLine, reject) => {
    let buffer = '';
    sim.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) resolveLine(buffer.slice(0, nl));
    });
    sim.on('exit', (code) => reject(new Error(`dnfarm sim exited early with code ${code}`)));
  });
  url = (JSON.parse(firstLine) as { url: string }).url;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  site = ['--futures-url', url, '--spot-url', url, '--data-dir', join(cwd, 'data')];
}, TEST_TIMEOUT_MS);

afterAll(async () => {
  if (sim !== undefined && sim.exitCode === null) {
    const exited = new Promise((r) => sim.once('exit', r));
    sim.kill('SIGTERM');
    await exited;
  }
  rmSync(cwd, { recursive: true, force: true });
});

describe('dnfarm data commands against `dnfarm sim`', () => {
  it('rates: one JSON document per the schema, and the human tables with the summary and best pair', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const [json, human] = await Promise.all([
      dnfarm(['rates', ...site, '--json'], cwd),
      dnfarm(['rates', ...site], cwd),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const doc = ratesSchema.parse(onlyJson(json));
    expect(doc.summary.eligible + doc.summary.excluded).toBe(doc.summary.pairs);
    if (doc.best !== null) {
      expect(doc.best.eligible).toBe(true);
      expect(doc.best.filters.every((f) => f.pass)).toBe(true);
      const bestApr = Number(doc.best.ranking_apr_pct);
      for (const row of doc.pairs.filter((p) => p.eligible))
        expect(Number(row.ranking_apr_pct)).toBeLessThanOrEqual(bestApr);
    }
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).not.toContain(ESC);
    for (const text of [
      'Pairs passing every filter',
      'Pairs filtered out',
      'Summary',
      'Thresholds:',
      'Best opportunity:',
    ]) {
      expect(human.stdout).toContain(text);
    }
    expect(human.stdout).toMatch(/Pairs scanned: +\d+/);
  });

  it('spreads: sorted by |spread| with the summary', { timeout: TEST_TIMEOUT_MS }, async () => {
    const [json, human] = await Promise.all([
      dnfarm(['spreads', ...site, '--json'], cwd),
      dnfarm(['spreads', ...site], cwd),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const doc = spreadsSchema.parse(onlyJson(json));
    const sizes = doc.pairs.map((p) => Math.abs(Number(p.spread_pct)));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(doc.summary.premium + doc.summary.discount + doc.summary.exact).toBe(doc.summary.count);
    expect(human.code, human.stderr).toBe(0);
    for (const text of [
      'Spot mid',
      'Perp mid',
      'Spread ($)',
      'Spread (%)',
      'Average |spread|',
      'Perp premium',
      'Exact matches',
    ]) {
      expect(human.stdout).toContain(text);
    }
  });

  it('intervals: every pair with its interval and source, grouped', { timeout: TEST_TIMEOUT_MS }, async () => {
    const [json, human] = await Promise.all([
      dnfarm(['intervals', ...site, '--json', '--check-history'], cwd),
      dnfarm(['intervals', ...site], cwd),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const doc = intervalsSchema.parse(onlyJson(json));
    const groups = doc.summary.groups;
    expect(groups['1h'] + groups['4h'] + groups['8h'] + groups.other + groups.unknown).toBe(doc.summary.pairs);
    expect(doc.cross_checked).toBe(true);
    expect(doc.pairs.every((p) => p.history_rows !== null)).toBe(true);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/8h funding \(3x\/day\): \d+/);
    expect(human.stdout).toMatch(/By source: +fundingInfo \d+/);
  });

  it('stoploss: -70 / -35 / -23 offline, plus any --leverage', { timeout: TEST_TIMEOUT_MS }, async () => {
    const [json, human] = await Promise.all([
      dnfarm(['stoploss', '--json', '--leverage', '5', '--data-dir', join(cwd, 'data')], cwd),
      dnfarm(['stoploss', '--entry-price', '100', '--data-dir', join(cwd, 'data')], cwd),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const doc = stopLossSchema.parse(onlyJson(json));
    expect(doc.leverages.map((l) => [l.leverage, l.stop_loss_pct])).toEqual([
      [1, '-70'],
      [2, '-35'],
      [3, '-23'],
      [5, '-14'],
    ]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/1x \(configured\) +│ +99\.00% │ +-70% │/);
    expect(human.stdout).toContain('Stop price (entry 100.0000)');
  });

  it('status: balances from the exchange before any run; --health says unhealthy (exit 1) without a store', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const [json, health] = await Promise.all([
      dnfarm(['status', ...site, '--json'], cwd),
      dnfarm(['status', '--health', '--json', '--data-dir', join(cwd, 'data')], cwd),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const doc = statusSchema.parse(onlyJson(json));
    expect(doc.store.present).toBe(false);
    expect(doc.account.available).toBe(true);
    expect(doc.balances?.spot.find((b) => b.asset === 'USDT')?.free).toBe('10000');
    expect(health.code).toBe(1);
    const verdict = healthReportSchema.parse(onlyJson(health));
    expect(verdict).toMatchObject({ ok: false, health: { healthy: false } });
  });

  it('status after `run --once`: the position, PnL, fee coverage, stop-loss and counters from store and exchange', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const run = await dnfarm(['run', '--once', ...site], cwd);
    expect(run.code, run.stderr).toBe(0);
    const [json, human, health] = await Promise.all([
      dnfarm(['status', ...site, '--json'], cwd),
      dnfarm(['status', ...site], cwd),
      dnfarm(['status', '--health', '--data-dir', join(cwd, 'data')], cwd),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const doc = statusSchema.parse(onlyJson(json));
    expect(doc.store.present).toBe(true);
    expect(doc.counters?.check_iterations).toBe(1);
    expect(doc.portfolio?.baseline).not.toBeNull();
    expect(doc.bot.heartbeat).toMatchObject({ last_iteration: 1, state: 'stopped' });
    if (doc.position !== null) {
      expect(doc.position.pnl).not.toBeNull();
      expect(doc.position.stop_loss?.stop_loss_pct).toBe('-70');
      expect(Number(doc.position.volume_usdt)).toBeGreaterThan(0);
      expect(human.stdout).toContain(`Position ${doc.position.symbol} 1x`);
      expect(human.stdout).toMatch(/Fee coverage: +\[[█-]{25}\]/);
      expect(human.stdout).toMatch(/Stop-loss: +-70% \(mark ≥ /);
    }
    expect(human.code, human.stderr).toBe(0);
    for (const label of ['Bot:', 'Loop:', 'Portfolio value:', 'Long-term PnL:', 'Check iterations:', 'Traded volume']) {
      expect(human.stdout).toContain(label);
    }
    // The bot stopped after one iteration: healthy no more.
    expect(health.code).toBe(1);
    expect(health.stdout).toMatch(/^unhealthy: the bot stopped/);
    const log = readFileSync(join(cwd, 'data', 'dnfarm.log'), 'utf8');
    expect(
      log
        .split('\n')
        .filter((l) => l !== '')
        .every((l) => JSON.parse(l) !== null),
    ).toBe(true);
  });

  it('bad usage: exit 2 with one JSON error document naming the field; --help shows examples', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const [bad, help] = await Promise.all([
      dnfarm(['rates', '--mode', 'moon', '--json', '--data-dir', join(cwd, 'data')], cwd),
      dnfarm(['spreads', '--help'], cwd),
    ]);
    expect(bad.code).toBe(2);
    const doc = errorSchema.parse(onlyJson(bad));
    expect(doc.error.field).toBe('mode');
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('--futures-url <url>');
    expect(help.stdout).toContain('--json');
  });
});
