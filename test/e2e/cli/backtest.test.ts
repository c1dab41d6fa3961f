/**
 * `dnfarm backtest` as users run it: the bundled CLI as a process, on the real ApolloX funding files. The --json
 * document is validated against a schema and for sanity (finite numbers, totals that add up, cycles in order);
 * the human output shows its summary and table; bad input exits 2 and names the option and the value.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Decimal } from '../../../src/domain/decimal.ts';
import { cliBundle } from '../../support/cli-bundle.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const APOLLOX = join(ROOT, 'test/fixtures/realdata/history/aster-apollox');
/** The bound only catches a hang: a full replay of the five files takes seconds. */
const TEST_TIMEOUT_MS = 180_000;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(API|APIV1)_|^(NO_COLOR|FORCE_COLOR)$|^DNFARM_/.test(name)) continue;
    env[name] = value;
  }
  return env;
}

let cwd: string;

function dnfarm(args: readonly string[]): Promise<Result> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [cliBundle(), ...args], { cwd, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), TEST_TIMEOUT_MS - 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const isoTime = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const counts = z.record(z.string(), z.number().int().positive());

const cycleSchema = z.strictObject({
  id: z.number().int().positive(),
  symbol: z.string().regex(/^[A-Z0-9]+USDT$/),
  leverage: z.number().int().min(1).max(3),
  opened_at: isoTime,
  closed_at: isoTime.nullable(),
  hours_held: z.number().nonnegative(),
  close_reason: z.string().nullable(),
  entry_apr_pct: decimal.nullable(),
  notional_usdt: decimal,
  funding_usdt: decimal,
  funding_payments: z.number().int().nonnegative(),
  fees_usdt: decimal,
  spot_pnl_usdt: decimal,
  perp_pnl_usdt: decimal,
  pnl_usdt: decimal,
  volume_usdt: decimal,
  dust_qty: decimal,
});

const backtestSchema = z.strictObject({
  ok: z.literal(true),
  command: z.literal('backtest'),
  period: z.strictObject({ from: isoTime, to: isoTime, days: z.number().positive() }),
  data: z.strictObject({
    files: z.array(z.string()).min(1),
    symbols: z
      .array(
        z.strictObject({
          symbol: z.string(),
          source: z.string(),
          interval_hours: z.number().positive(),
          settlements: z.number().int().nonnegative(),
          first_settlement: isoTime,
          last_settlement: isoTime,
          prices_from_data: z.boolean(),
        }),
      )
      .min(1),
  }),
  settings: z.strictObject({
    capital_usdt: decimal,
    leverage: z.number().int(),
    loop_interval_seconds: z.number().positive(),
    spot_taker_fee: decimal,
    perp_taker_fee: decimal,
  }),
  summary: z.strictObject({
    symbol_intervals: z.number().int().positive(),
    checks: z.number().int().positive(),
    decisions: z.number().int().positive(),
    opens: z.number().int().nonnegative(),
    closes: z.number().int().nonnegative(),
    close_reasons: counts,
    skipped_opens: counts,
    failed_opens: z.number().int().nonnegative(),
    orders: z.number().int().nonnegative(),
    rejected_orders: z.number().int().nonnegative(),
    transfers: z.number().int().nonnegative(),
    funding_usdt: decimal,
    fees_usdt: decimal,
    net_pnl_usdt: decimal,
    final_equity_usdt: decimal,
    unrealised_pnl_usdt: decimal,
    return_pct: decimal,
    apr_pct: decimal,
    volume_usdt: decimal,
    spot_volume_usdt: decimal,
    perp_volume_usdt: decimal,
    time_in_position_hours: z.number().nonnegative(),
    time_in_position_pct: z.number().min(0).max(100),
    max_drawdown_usdt: decimal,
    max_drawdown_pct: decimal,
    unattributed_funding_usdt: decimal,
    unattributed_fees_usdt: decimal,
  }),
  balances: z.array(z.strictObject({ asset: z.string(), qty: decimal, value_usdt: decimal })).min(1),
  cycles: z.array(cycleSchema),
});

function total(values: readonly string[]): Decimal {
  return values.reduce((sum, v) => sum.plus(v), new Decimal(0));
}

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dnfarm-backtest-cli-'));
  cliBundle();
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe('dnfarm backtest', () => {
  it(
    'replays the real ApolloX files and prints one JSON document whose figures add up',
    async () => {
      const result = await dnfarm(['backtest', '--data', APOLLOX, '--json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const doc = backtestSchema.parse(JSON.parse(result.stdout));
      const s = doc.summary;

      // The data: five 8 h series, every row of each file a symbol-interval.
      expect(doc.data.files).toHaveLength(5);
      expect(doc.data.symbols.map((x) => x.symbol).sort()).toEqual([
        'BNBUSDT',
        'BTCUSDT',
        'ETHUSDT',
        'SOLUSDT',
        'XRPUSDT',
      ]);
      for (const symbol of doc.data.symbols) {
        expect(symbol.interval_hours).toBe(8);
        expect(symbol.prices_from_data).toBe(true);
        const rows = readFileSync(join(APOLLOX, symbol.source), 'utf8').trim().split('\n').length - 1;
        expect(symbol.settlements).toBe(rows);
      }
      expect(s.symbol_intervals).toBe(doc.data.symbols.reduce((n, x) => n + x.settlements, 0));
      expect(doc.period.from).toBe('2021-09-01T00:00:00.000Z');

      // The strategy traded, and every total is the sum of its cycles.
      expect(s.opens).toBeGreaterThan(100);
      expect(s.closes).toBeGreaterThanOrEqual(s.opens - 1);
      expect(doc.cycles).toHaveLength(s.opens + s.failed_opens);
      expect(
        total(doc.cycles.map((c) => c.funding_usdt))
          .plus(s.unattributed_funding_usdt)
          .toFixed(),
      ).toBe(new Decimal(s.funding_usdt).toFixed());
      expect(
        total(doc.cycles.map((c) => c.fees_usdt))
          .plus(s.unattributed_fees_usdt)
          .toFixed(),
      ).toBe(new Decimal(s.fees_usdt).toFixed());
      expect(total(doc.cycles.map((c) => c.volume_usdt)).toFixed()).toBe(new Decimal(s.volume_usdt).toFixed());
      expect(new Decimal(s.spot_volume_usdt).plus(s.perp_volume_usdt).toFixed()).toBe(
        new Decimal(s.volume_usdt).toFixed(),
      );
      expect(new Decimal(s.final_equity_usdt).minus(doc.settings.capital_usdt).toFixed()).toBe(
        new Decimal(s.net_pnl_usdt).toFixed(),
      );
      expect(
        total(doc.balances.map((b) => b.value_usdt))
          .plus(s.unrealised_pnl_usdt)
          .toFixed(),
      ).toBe(new Decimal(s.final_equity_usdt).toFixed());
      const closes = Object.values(s.close_reasons).reduce((a, b) => a + b, 0);
      expect(closes).toBe(s.closes);
      expect(new Decimal(s.funding_usdt).isPositive()).toBe(true);
      expect(new Decimal(s.fees_usdt).isPositive()).toBe(true);
      expect(new Decimal(s.max_drawdown_pct).lessThanOrEqualTo(100)).toBe(true);

      // Cycles follow each other: one position at a time.
      for (let i = 1; i < doc.cycles.length; i++) {
        const previous = doc.cycles[i - 1]!;
        const cycle = doc.cycles[i]!;
        expect(previous.closed_at).not.toBeNull();
        expect(Date.parse(cycle.opened_at)).toBeGreaterThanOrEqual(Date.parse(previous.closed_at!));
      }
      for (const cycle of doc.cycles) {
        const pnl = new Decimal(cycle.spot_pnl_usdt)
          .plus(cycle.perp_pnl_usdt)
          .plus(cycle.funding_usdt)
          .minus(cycle.fees_usdt);
        expect(pnl.toFixed()).toBe(new Decimal(cycle.pnl_usdt).toFixed());
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'prints the summary and the per-cycle table for a chosen period and symbols',
    async () => {
      const result = await dnfarm([
        'backtest',
        '--data',
        APOLLOX,
        '--symbols',
        'BTCUSDT,ETHUSDT',
        '--from',
        '2023-01-01',
        '--to',
        '2023-01-31',
        '--capital',
        '25000',
      ]);
      expect(result.code).toBe(0);
      const out = result.stdout;
      expect(out).toContain('Backtest 2023-01-01 00:00 UTC → 2023-02-01 00:00 UTC (31.0 days)');
      expect(out).toContain('BTCUSDT (8h, 93), ETHUSDT (8h, 93)');
      expect(out).toContain('$25,000.00 capital, 1x');
      for (const label of ['Net PnL:', 'Funding earned:', 'Fees paid:', 'Volume traded:', 'Max drawdown:']) {
        expect(out).toContain(label);
      }
      expect(out).toMatch(/│ Symbol +│ Opened \(UTC\) +│ Closed \(UTC\)/);
      expect(out).toMatch(/│ (BTC|ETH)USDT │ 2023-01-/);
      // Not a terminal: no colour codes, no progress line.
      expect(out).not.toContain(String.fromCharCode(27));
      expect(result.stderr).toBe('');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'exits 2 and names the option and the value for bad input',
    async () => {
      const missing = await dnfarm(['backtest', '--data', 'no/such/file.csv']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('--data: no/such/file.csv does not exist');
      expect(missing.stdout).toBe('');

      writeFileSync(join(cwd, 'prices_BTCUSDT.csv'), 'time,price\n1700000000000,37000\n');
      const layout = await dnfarm(['backtest', '--data', 'prices_BTCUSDT.csv']);
      expect(layout.code).toBe(2);
      expect(layout.stderr).toContain('--data: prices_BTCUSDT.csv: header: not a known funding CSV layout');
      expect(layout.stderr).toContain('time,price');

      const date = await dnfarm(['backtest', '--data', APOLLOX, '--from', '2023-13-01']);
      expect(date.code).toBe(2);
      expect(date.stderr).toContain('--from: must be a UTC date like 2024-01-31');
      expect(date.stderr).toContain('"2023-13-01"');

      const json = await dnfarm(['backtest', '--data', APOLLOX, '--symbols', 'DOGEUSDT', '--json']);
      expect(json.code).toBe(2);
      const doc = JSON.parse(json.stdout) as { ok: boolean; error: { field: string; message: string } };
      expect(doc.ok).toBe(false);
      expect(doc.error.field).toBe('--symbols');
      expect(doc.error.message).toContain('DOGEUSDT is not in the data');

      const none = await dnfarm(['backtest']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain("required option '--data <path...>' not specified");
    },
    TEST_TIMEOUT_MS,
  );
});
