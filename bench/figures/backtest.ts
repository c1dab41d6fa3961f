/**
 * Backtest throughput (DESIGN.md §7: ≥ 1,000,000 symbol-intervals per second; one year × 100 symbols at 1 h data in
 * ≤ 3 s). A symbol-interval is one symbol's data for one funding interval, processed by the backtest.
 *
 * The data: one year of hourly settlements for 100 symbols, generated in memory from a seed and handed to the
 * backtest as parsed series (Decimal rates and prices, as the CSV parsers produce them). Each symbol's rate follows a
 * mean-reverting walk around its own level (most near Aster's 0.00125 %/h floor, some paying more, some negative),
 * its price a random walk with 60 % annual volatility. The backtest runs with the default strategy settings and
 * loop interval (300 s) on 10,000 USDT: it opens, collects, closes on fee coverage and rotates as the strategy
 * decides, and the note says how much of that it did.
 *
 * Timed: from the parsed series (what the CSV parsers hand over) to the finished report: preparing the series,
 * setting up the market and the account engine, every check, decision and order, the report. Not timed: generating
 * the data (reading CSV files is the CLI's job, and its cost depends on the files, not on the backtest). The run is
 * repeated and the median is reported, with the CPU time of the process beside the wall time (the machine is shared:
 * the CPU time shows what the backtest itself cost when others compete for the cores).
 */
import { loadavg } from 'node:os';
import { runBacktest } from '../../src/backtest/run.ts';
import { prepareSeries } from '../../src/backtest/series.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import type { HistoricalFundingRow, HistoricalFundingSeries } from '../../src/sim/market/historical-csv.ts';
import { Rng } from '../../src/sim/random.ts';
import { DEFAULT_STRATEGY_PARAMS } from '../../src/strategy/params.ts';
import { atLeast, atMost, type FigureResult, round } from '../lib/figure.ts';
import { progress } from '../lib/progress.ts';
import { median } from '../lib/stats.ts';

const SYMBOLS = 100;
const HOURS = 365 * 24;
const SEED = 20_251_125;
const RUNS = 3;
const START_MS = Date.UTC(2025, 0, 1);
const HOUR_MS = 3_600_000;
const TARGET_PER_SECOND = 1_000_000;
const TARGET_SECONDS = 3;

/** One year of hourly funding and prices for `symbols` symbols, reproducible from `seed`. */
export function syntheticFundingYear(symbols: number, hours: number, seed: number): HistoricalFundingSeries[] {
  const out: HistoricalFundingSeries[] = [];
  for (let k = 0; k < symbols; k++) {
    const rng = new Rng(seed + k * 7919);
    const kind = rng.next();
    // Aster's interest floor is 0.01 % per 8 h, i.e. 0.00125 % per hour.
    const level =
      kind < 0.6 ? 0.0000125 : kind < 0.9 ? rng.logRange(0.00002, 0.00008) : -rng.logRange(0.000002, 0.00002);
    const reversion = 0.03;
    const noise = 0.000004;
    const hourlyVolatility = 0.6 / Math.sqrt(HOURS);
    let rate = level;
    let price = rng.logRange(0.05, 50_000);
    const rows: HistoricalFundingRow[] = [];
    for (let h = 1; h <= hours; h++) {
      rate += reversion * (level - rate) + noise * rng.normal();
      price *= Math.exp(hourlyVolatility * rng.normal());
      rows.push({
        // Real settlement times arrive a few ms late.
        fundingTimeMs: START_MS + h * HOUR_MS + rng.int(0, 40),
        fundingRate: new Decimal(rate.toFixed(8)),
        price: new Decimal(price.toPrecision(6)),
      });
    }
    out.push({ symbol: `SYN${String(k).padStart(3, '0')}USDT`, layout: 'binance-multi', rows });
  }
  return out;
}

export async function measureBacktest(): Promise<FigureResult[]> {
  progress(`backtest: generating ${SYMBOLS} symbols × ${HOURS} hourly settlements (seed ${SEED})`);
  const parsed = syntheticFundingYear(SYMBOLS, HOURS, SEED);
  const options = {
    params: DEFAULT_STRATEGY_PARAMS,
    capitalUsdt: new Decimal(10_000),
    loopIntervalSeconds: 300,
    fundingGuardSeconds: 15,
  };
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  let report: ReturnType<typeof runBacktest> | null = null;
  for (let run = 1; run <= RUNS; run++) {
    const load = loadavg()[0]?.toFixed(1) ?? '?';
    const started = performance.now();
    const cpu = process.cpuUsage();
    const series = parsed.map((s) => prepareSeries(s, 'generated'));
    report = runBacktest(series, options);
    const used = process.cpuUsage(cpu);
    const elapsed = (performance.now() - started) / 1000;
    seconds.push(elapsed);
    cpuSeconds.push((used.user + used.system) / 1e6);
    progress(
      `backtest run ${run}/${RUNS}: ${elapsed.toFixed(2)} s wall, ${cpuSeconds[cpuSeconds.length - 1]?.toFixed(2)} s CPU (load average ${load})`,
    );
  }
  if (report === null) throw new Error('no run');
  const wall = median(seconds);
  const perSecond = report.symbolIntervals / wall;
  const note =
    `${report.symbolIntervals} symbol-intervals, median of ${RUNS} runs (${seconds.map((s) => s.toFixed(2)).join(', ')} s wall; ` +
    `${cpuSeconds.map((s) => s.toFixed(2)).join(', ')} s CPU); ` +
    `${report.checks} checks, ${report.decisions} decisions, ${report.opens} opens, ${report.closes} closes, ` +
    `${report.orders} orders; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`;
  return [
    atLeast('backtest symbol-intervals per second', round(perSecond, 0), TARGET_PER_SECOND, 'per s', note),
    atMost('backtest, 1 year × 100 symbols at 1 h', round(wall, 2), TARGET_SECONDS, 's', note),
  ];
}
