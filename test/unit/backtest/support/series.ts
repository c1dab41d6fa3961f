/** Hand-made funding series and the settings the backtest tests share. */
import { type BacktestOptions, replayBacktest } from '../../../../src/backtest/run.ts';
import { type PreparedSeries, prepareSeries } from '../../../../src/backtest/series.ts';
import { type Decimal, dec } from '../../../../src/domain/decimal.ts';
import type { HistoricalFundingRow } from '../../../../src/sim/market/historical-csv.ts';
import { DEFAULT_STRATEGY_PARAMS, type StrategyParams } from '../../../../src/strategy/params.ts';

export const HOUR_MS = 3_600_000;
/** 2024-01-01T00:00:00Z: the series below settle after it. */
export const START_MS = Date.UTC(2024, 0, 1);

export interface RowSpec {
  rate: string;
  /** Default: the previous row's price (100 for the first row). */
  price?: string;
}

/**
 * A series settling every `intervalHours` from START_MS (the first settlement one interval after it), with a few
 * ms of jitter like real data. `skip` leaves those settlements (0-based) out: a gap in the data.
 */
export function series(
  symbol: string,
  rows: readonly (RowSpec | string)[],
  options: { intervalHours?: number; skip?: readonly number[]; jitterMs?: number } = {},
): PreparedSeries {
  const interval = (options.intervalHours ?? 8) * HOUR_MS;
  const out: HistoricalFundingRow[] = [];
  let price = '100';
  rows.forEach((spec, i) => {
    const row = typeof spec === 'string' ? { rate: spec } : spec;
    price = row.price ?? price;
    if (options.skip?.includes(i)) return;
    out.push({
      fundingTimeMs: START_MS + (i + 1) * interval + (options.jitterMs ?? 7),
      fundingRate: dec(row.rate),
      price: dec(price),
    });
  });
  return prepareSeries({ symbol, layout: 'binance-multi', rows: out }, `${symbol}.csv`);
}

/** `count` rows of the same rate. */
export function constant(rate: string, count: number): string[] {
  return Array.from({ length: count }, () => rate);
}

export function params(overrides: Partial<StrategyParams> = {}): StrategyParams {
  return { ...DEFAULT_STRATEGY_PARAMS, ...overrides };
}

export function options(overrides: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    params: params(),
    capitalUsdt: dec(10_000),
    loopIntervalSeconds: 300,
    fundingGuardSeconds: 15,
    ...overrides,
  };
}

export function run(data: readonly PreparedSeries[], overrides: Partial<BacktestOptions> = {}) {
  return replayBacktest(data, options(overrides));
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = dec(0);
  for (const v of values) total = total.plus(v);
  return total;
}
