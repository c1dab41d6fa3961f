/**
 * Seeded random markets for the audits: symbols with different intervals (1, 4 and 8 h, and one that changes from
 * 8 h to 2 h for a while, as SOL did), different start and end dates (listings and delistings), gaps, negative
 * spells and price jumps. Not realistic on purpose: they exercise every path of the replay.
 */
import type { PreparedSeries } from '../../../../src/backtest/series.ts';
import { prepareSeries } from '../../../../src/backtest/series.ts';
import { dec } from '../../../../src/domain/decimal.ts';
import type { HistoricalFundingRow } from '../../../../src/sim/market/historical-csv.ts';
import { Rng } from '../../../../src/sim/random.ts';
import { HOUR_MS, START_MS } from './series.ts';

export function randomMarket(seed: number, symbols: number, days: number, volatility = 0.02): PreparedSeries[] {
  const out: PreparedSeries[] = [];
  for (let k = 0; k < symbols; k++) {
    const rng = new Rng(seed * 1000 + k);
    const interval = k === 0 ? 8 : rng.pick([1, 4, 8]);
    const shifting = k === 0;
    const startHour = rng.int(0, 48);
    const endHour = days * 24 - rng.int(0, 48);
    let rate = rng.range(-0.00005, 0.0003) * (interval / 8);
    let price = rng.logRange(0.5, 5000);
    const rows: HistoricalFundingRow[] = [];
    for (let h = startHour - (startHour % interval) + interval; h <= endHour; ) {
      if (!rng.chance(0.02)) {
        rate = Math.max(-0.001, Math.min(0.002, rate + rng.normal() * 0.00004 + (rng.chance(0.03) ? -0.0004 : 0)));
        price *= Math.exp(rng.normal() * volatility + (rng.chance(0.01) ? 0.3 : 0));
        rows.push({
          fundingTimeMs: START_MS + h * HOUR_MS + rng.int(0, 44),
          fundingRate: dec(rate.toFixed(8)),
          price: dec(price.toPrecision(6)),
        });
      }
      const inShift = shifting && h > (days * 24) / 3 && h < (days * 24) / 2;
      h += inShift ? 2 : interval;
    }
    out.push(prepareSeries({ symbol: `R${k}USDT`, layout: 'binance-multi', rows }, 'random'));
  }
  return out;
}
