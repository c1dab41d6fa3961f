import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import { ConfigError } from '../../../../src/errors.ts';
import { SimClock } from '../../../../src/sim/clock.ts';
import { SimEngine } from '../../../../src/sim/engine/index.ts';
import { HistoricalMarketSource } from '../../../../src/sim/market/historical.ts';
import type { HistoricalFundingSeries } from '../../../../src/sim/market/historical-csv.ts';
import { loadFundingCsvFile } from '../../../../src/sim/market/historical-file.ts';

const HISTORY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/realdata/history');
const HOUR = 3_600_000;
const load = (path: string): HistoricalFundingSeries =>
  loadFundingCsvFile(join(HISTORY, path))[0] as HistoricalFundingSeries;
const asterBtc = load('aster/aster_BTCUSDT_funding_2024-06_2026-06.csv');

describe('historical market source', () => {
  it('shows during each interval the rate that settles at its end, and settles at the recorded jittered time', () => {
    const source = new HistoricalMarketSource({ symbols: [{ series: asterBtc, referencePrice: 67_000 }] });
    expect(source.startMs).toBe(Date.UTC(2024, 5, 1));
    const [, second, third] = asterBtc.rows;
    const mid = source.advance(source.startMs + 3 * HOUR).perp.get('BTCUSDT');
    expect(mid?.fundingRate.toFixed()).toBe(second?.fundingRate.toFixed());
    expect(source.settlement('BTCUSDT', source.startMs + 8 * HOUR)).toEqual({
      fundingRate: second?.fundingRate,
      fundingTimeMs: 1717228800008,
    });
    const atBoundary = source.advance(source.startMs + 16 * HOUR).perp.get('BTCUSDT');
    expect(atBoundary?.fundingRate.toFixed()).toBe(third?.fundingRate.toFixed());
  });

  it('a missing row is a missing settlement (the 16 h gap of October 2024)', () => {
    const source = new HistoricalMarketSource({ symbols: [{ series: asterBtc, referencePrice: 67_000 }] });
    expect(source.settlement('BTCUSDT', Date.UTC(2024, 9, 13, 16))).not.toBeNull();
    expect(source.settlement('BTCUSDT', Date.UTC(2024, 9, 14, 0))).toBeNull();
    expect(source.settlement('BTCUSDT', Date.UTC(2024, 9, 14, 8))).not.toBeNull();
  });

  it('drives the engine: funding income carries the real rates and settlement times', () => {
    const startMs = Date.UTC(2024, 5, 10);
    const source = new HistoricalMarketSource({ startMs, symbols: [{ series: asterBtc, referencePrice: 67_000 }] });
    const clock = new SimClock({ startMs, manual: true });
    const engine = new SimEngine({ source, clock });
    // The moving average needs history from the first moment.
    const prior = engine.fundingRateHistory('BTCUSDT', {});
    expect(prior.ok && prior.value.length).toBe(28);
    engine.deposit('u', 'futures', 'USDT', dec(10_000));
    const opened = engine.placeOrder('u', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.1' });
    expect(opened.ok).toBe(true);
    clock.advance(3 * 24 * HOUR);
    engine.advanceTo(clock.nowMs());
    const income = engine.income('u', { incomeType: 'FUNDING_FEE' });
    if (!income.ok) throw new Error('income query failed');
    const expected = asterBtc.rows.filter(
      (r) => r.fundingTimeMs > startMs + 1_000 && r.fundingTimeMs <= startMs + 72 * HOUR,
    );
    expect(income.value.map((r) => r.timeMs)).toEqual(expected.map((r) => r.fundingTimeMs));
    expect(income.value.some((r) => r.timeMs % 1_000 !== 0)).toBe(true);
    const rates = engine.fundingRateHistory('BTCUSDT', { startTimeMs: startMs + 1_000 });
    expect(rates.ok && rates.value.map((r) => r.fundingRate.toFixed())).toEqual(
      expected.map((r) => r.fundingRate.toFixed()),
    );
    // A short receives when the rate is positive and pays when it is negative.
    for (const [i, record] of income.value.entries()) {
      expect(record.income.isPositive()).toBe((expected[i]?.fundingRate.isPositive() ?? false) as boolean);
    }
  });

  it('prices follow the series (kline close or mark), interpolated between settlements', () => {
    const apollox = load('aster-apollox/apollox_BTCUSDT_funding_8h_ohlc.csv');
    const source = new HistoricalMarketSource({ symbols: [{ series: apollox }] });
    const [first, second] = apollox.rows;
    const at = (t: number) => source.advance(t).perp.get('BTCUSDT')?.markPrice.toNumber() ?? 0;
    expect(at(first?.fundingTimeMs ?? 0)).toBeCloseTo(first?.price?.toNumber() ?? 0, 0);
    const halfway = ((first?.fundingTimeMs ?? 0) + (second?.fundingTimeMs ?? 0)) / 2;
    const expected = ((first?.price?.toNumber() ?? 0) + (second?.price?.toNumber() ?? 0)) / 2;
    expect(at(halfway)).toBeCloseTo(expected, 0);
    const state = source.advance(second?.fundingTimeMs ?? 0);
    const book = state.perp.get('BTCUSDT')?.book;
    const tick = source.definitions().perp[0]?.filters.tickSize;
    expect(book?.bids.every((l) => tick && l.price.mod(tick).isZero())).toBe(true);
    expect(state.spot.get('BTCUSDT')?.lastPrice.toNumber()).toBeCloseTo(second?.price?.toNumber() ?? 0, 0);
  });

  it('detects each symbol’s interval: the 4 h symbols of the 95-symbol file settle every 4 h', () => {
    const all = loadFundingCsvFile(join(HISTORY, 'binance-usdm/binance_usdm_95symbols_funding_2025-04_2025-09.csv'));
    const pick = all.filter((s) => ['BTCUSDT', 'TRBUSDT'].includes(s.symbol));
    const source = new HistoricalMarketSource({ symbols: pick.map((series) => ({ series })) });
    expect(source.definitions().perp.map((d) => [d.symbol, d.fundingIntervalHours])).toEqual([
      ['BTCUSDT', 8],
      ['TRBUSDT', 4],
    ]);
  });

  it('needs a reference price for a series without prices', () => {
    expect(() => new HistoricalMarketSource({ symbols: [{ series: asterBtc }] })).toThrow(ConfigError);
    try {
      new HistoricalMarketSource({ symbols: [{ series: asterBtc }] });
    } catch (error) {
      expect((error as ConfigError).field).toBe('historical.symbols[0].referencePrice');
    }
  });
});
