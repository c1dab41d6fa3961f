/** Preparing a parsed series: the hour grid, each row's own interval, prices, and the period to replay. */
import { describe, expect, it } from 'vitest';
import { prepareSeries, resolvePeriod } from '../../../src/backtest/series.ts';
import { dec } from '../../../src/domain/decimal.ts';
import { ConfigError } from '../../../src/errors.ts';
import type { HistoricalFundingRow, HistoricalFundingSeries } from '../../../src/sim/market/historical-csv.ts';
import { HOUR_MS, START_MS, series } from './support/series.ts';

function raw(
  symbol: string,
  hours: readonly number[],
  extra: Partial<HistoricalFundingRow> = {},
): HistoricalFundingSeries {
  return {
    symbol,
    layout: 'binance-multi',
    rows: hours.map((h, i) => ({ fundingTimeMs: START_MS + h * HOUR_MS + i, fundingRate: dec('0.0001'), ...extra })),
  };
}

describe('prepareSeries', () => {
  it('puts jittered settlement times on the hour and keeps the recorded times', () => {
    const s = prepareSeries(
      {
        symbol: 'BTCUSDT',
        layout: 'aster-funding',
        rows: [8, 16].map((h) => ({ fundingTimeMs: START_MS + h * HOUR_MS + 44, fundingRate: dec('0.0001') })),
      },
      'f.csv',
    );
    expect([...s.boundaryMs]).toEqual([START_MS + 8 * HOUR_MS, START_MS + 16 * HOUR_MS]);
    expect([...s.fundingTimeMs]).toEqual([START_MS + 8 * HOUR_MS + 44, START_MS + 16 * HOUR_MS + 44]);
    expect(s.baseAsset).toBe('BTC');
    expect(s.rateFloats[0]).toBe(0.0001);
  });

  it('gives every row its own interval when a series switches from 8 h to 2 h and back, on a 2 h grid', () => {
    const s = prepareSeries(raw('SOLUSDT', [8, 16, 24, 32, 34, 36, 38, 40, 48, 56]), 'sol.csv');
    expect(s.intervalHours).toBe(8);
    expect([...s.rowIntervalHours]).toEqual([8, 8, 8, 8, 2, 2, 2, 2, 8, 8]);
    expect(s.gridHours).toBe(2);
  });

  it('reads a gap longer than the usual interval as missing rows, not as a longer interval', () => {
    const s = prepareSeries(raw('BTCUSDT', [8, 16, 40, 48]), 'btc.csv');
    expect([...s.rowIntervalHours]).toEqual([8, 8, 8, 8]);
  });

  it('refuses two settlements in the same hour, naming the file and the hour', () => {
    const bad = raw('BTCUSDT', [8, 8.2]);
    expect(() => prepareSeries(bad, 'btc.csv')).toThrow(ConfigError);
    expect(() => prepareSeries(bad, 'btc.csv')).toThrow(
      /--data: btc\.csv: BTCUSDT has two settlements in the hour of 2024-01-01T08:00:00\.000Z/,
    );
  });

  it('refuses a symbol without the quote asset and a series without rows', () => {
    expect(() => prepareSeries(raw('BTCEUR', [8]), 'x.csv')).toThrow(/BTCEUR does not end with the quote asset USDT/);
    expect(() => prepareSeries({ symbol: 'BTCUSDT', layout: 'aster-funding', rows: [] }, 'x.csv')).toThrow(/no rows/);
  });

  it("uses a kline's open, not its close (which lies up to an hour after the settlement)", () => {
    const row: HistoricalFundingRow = {
      fundingTimeMs: START_MS + 8 * HOUR_MS,
      fundingRate: dec('0.0001'),
      price: dec('110'),
      ohlc: { open: dec('100'), high: dec('111'), low: dec('99'), close: dec('110') },
    };
    expect(
      prepareSeries({ symbol: 'BTCUSDT', layout: 'ohlc-funding', rows: [row] }, 'k.csv').prices[0]!.toFixed(),
    ).toBe('100');
  });

  it('carries the last price over rows without one, and replays a price-less series at a constant price', () => {
    const mixed = prepareSeries(
      {
        symbol: 'BTCUSDT',
        layout: 'binance-dated',
        rows: [
          { fundingTimeMs: START_MS + 8 * HOUR_MS, fundingRate: dec('0.0001') },
          { fundingTimeMs: START_MS + 16 * HOUR_MS, fundingRate: dec('0.0001'), price: dec('200') },
          { fundingTimeMs: START_MS + 24 * HOUR_MS, fundingRate: dec('0.0001') },
        ],
      },
      'd.csv',
    );
    expect(mixed.prices.map((p) => p.toFixed())).toEqual(['200', '200', '200']);
    expect(mixed.pricesFromData).toBe(true);
    const none = prepareSeries(raw('BTCUSDT', [8, 16]), 'n.csv');
    expect(none.prices.map((p) => p.toFixed())).toEqual(['100', '100']);
    expect(none.pricesFromData).toBe(false);
  });
});

describe('resolvePeriod', () => {
  const a = series('AUSDT', ['0.0001', '0.0001']);
  const b = series('BUSDT', ['0.0001', '0.0001', '0.0001'], { intervalHours: 4 });

  it('defaults to the earliest listing and the last settlement', () => {
    expect(resolvePeriod([a, b], {})).toEqual({ fromMs: START_MS, toMs: START_MS + 16 * HOUR_MS });
  });

  it('names the option when the period is empty or holds no settlement', () => {
    expect(() => resolvePeriod([a], { fromMs: START_MS + 20 * HOUR_MS, toMs: START_MS + 10 * HOUR_MS })).toThrow(
      /--to: the period .* is empty/,
    );
    expect(() => resolvePeriod([a], { fromMs: START_MS + 30 * HOUR_MS, toMs: START_MS + 40 * HOUR_MS })).toThrow(
      /--from: no settlement of the data lies between/,
    );
  });
});
