import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidDataError } from '../../../../src/errors.ts';
import {
  detectIntervalHours,
  type HistoricalFundingSeries,
  parseFundingCsv,
} from '../../../../src/sim/market/historical-csv.ts';
import { loadFundingCsvFile } from '../../../../src/sim/market/historical-file.ts';

const HISTORY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/realdata/history');
const file = (path: string) => join(HISTORY, path);
const only = (series: HistoricalFundingSeries[]): HistoricalFundingSeries => {
  expect(series.length).toBe(1);
  return series[0] as HistoricalFundingSeries;
};
const iso = (ms: number | undefined) => new Date(ms ?? Number.NaN).toISOString();

describe('historical funding CSV parsers', () => {
  it('read every CSV under the history fixtures, one row per data line', () => {
    const files = readdirSync(HISTORY, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.csv'));
    expect(files.length).toBe(15);
    for (const name of files) {
      const lines = readFileSync(file(name), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '').length;
      const series = loadFundingCsvFile(file(name));
      expect(
        series.reduce((n, s) => n + s.rows.length, 0),
        name,
      ).toBe(lines - 1);
    }
  });

  it('Aster BTC (fundingTime,fundingRate): 2201 settlements with their real jitter and one 16 h gap', () => {
    const series = only(loadFundingCsvFile(file('aster/aster_BTCUSDT_funding_2024-06_2026-06.csv')));
    expect(series.symbol).toBe('BTCUSDT');
    expect(series.layout).toBe('aster-funding');
    expect(series.rows.length).toBe(2201);
    const [first, second] = series.rows;
    const last = series.rows.at(-1);
    expect([first?.fundingTimeMs, first?.fundingRate.toFixed()]).toEqual([1717200000000, '0.00030842']);
    expect(second?.fundingTimeMs).toBe(1717228800008);
    expect([last?.fundingTimeMs, last?.fundingRate.toFixed()]).toEqual([1780588800001, '-0.0000022']);
    expect(series.rows.every((r) => r.price === undefined)).toBe(true);
    const gaps = series.rows
      .slice(1)
      .map((r, i) => Math.round((r.fundingTimeMs - (series.rows[i]?.fundingTimeMs ?? 0)) / 3_600_000));
    expect(gaps.filter((h) => h !== 8)).toEqual([16]);
    expect(detectIntervalHours(series.rows)).toBe(8);
    const atFloor = series.rows.filter((r) => r.fundingRate.equals('0.0001')).length;
    expect(atFloor / series.rows.length).toBeCloseTo(0.548, 2);
  });

  it('ApolloX / Binance 8 h OHLC (datetime,timestamp,open,high,low,close,funding_rate): times to the ms, kline kept', () => {
    const apollox = only(loadFundingCsvFile(file('aster-apollox/apollox_BTCUSDT_funding_8h_ohlc.csv')));
    expect(apollox.layout).toBe('ohlc-funding');
    expect(apollox.rows.length).toBe(2782);
    const [first, second] = apollox.rows;
    expect(iso(first?.fundingTimeMs)).toBe('2021-09-01T08:00:00.000Z');
    expect(first?.fundingRate.toFixed()).toBe('0.00031703');
    expect(first?.ohlc && Object.values(first.ohlc).map((d) => d.toFixed())).toEqual([
      '47214.4',
      '47450.1',
      '47168.8',
      '47401.3',
    ]);
    expect(first?.price?.toFixed()).toBe('47401.3');
    expect(second?.fundingTimeMs).toBe(1630512000001);
    const last = apollox.rows.at(-1);
    expect([iso(last?.fundingTimeMs), last?.fundingRate.toFixed(), last?.price?.toFixed()]).toEqual([
      '2024-03-16T08:00:00.000Z',
      '0.00076481',
      '69220',
    ]);
    // `1710547200.01` is 10 ms, not 1 ms.
    expect(apollox.rows.at(-2)?.fundingTimeMs).toBe(1710547200010);
    // Exponent notation in the rate column (`1.493e-05`).
    const eth = only(loadFundingCsvFile(file('aster-apollox/apollox_ETHUSDT_funding_8h_ohlc.csv')));
    expect(eth.rows[1]?.fundingRate.toFixed()).toBe('0.00001493');

    const binance = only(loadFundingCsvFile(file('binance-usdm/binance_SOLUSDT_funding_8h_ohlc.csv')));
    expect(binance.symbol).toBe('SOLUSDT');
    expect(binance.rows.length).toBe(3848);
    expect(binance.rows[0]?.fundingTimeMs).toBe(1600070400008);
  });

  it('Binance 95 symbols (symbol,fundingTime,fundingRate,markPrice): one series per symbol, nine of them 4 h', () => {
    const all = loadFundingCsvFile(file('binance-usdm/binance_usdm_95symbols_funding_2025-04_2025-09.csv'));
    expect(all.length).toBe(95);
    expect(all.reduce((n, s) => n + s.rows.length, 0)).toBe(19_018);
    const first = all[0];
    expect(first?.symbol).toBe('1INCHUSDT');
    expect([
      first?.rows[0]?.fundingTimeMs,
      first?.rows[0]?.fundingRate.toFixed(),
      first?.rows[0]?.price?.toFixed(),
    ]).toEqual([1751644800001, '0.0001', '0.17325324']);
    const zrx = all.at(-1);
    expect([zrx?.symbol, zrx?.rows.at(-1)?.fundingTimeMs, zrx?.rows.at(-1)?.price?.toFixed()]).toEqual([
      'ZRXUSDT',
      1757376000000,
      '0.28325048',
    ]);
    const fourHour = all.filter((s) => detectIntervalHours(s.rows) === 4).map((s) => s.symbol.replace(/USDT$/, ''));
    expect(fourHour.sort()).toEqual(['BLZ', 'FLM', 'NKN', 'REEF', 'RVN', 'STMX', 'TRB', 'UNFI', 'XTZ']);
  });

  it('Binance BTC dated (symbol,funding_date,funding_time,fundingRate,markPrice): a zero mark price means unknown', () => {
    const series = only(loadFundingCsvFile(file('binance-usdm/binance_BTCUSDT_funding_2019-09_2025-09.csv')));
    expect(series.layout).toBe('binance-dated');
    expect(series.rows.length).toBe(6579);
    expect(iso(series.rows[0]?.fundingTimeMs)).toBe('2019-09-10T08:00:00.000Z');
    expect(series.rows[0]?.price).toBeUndefined();
    // `16:00:00.001000`: the time column sometimes carries microseconds.
    expect(iso(series.rows[13]?.fundingTimeMs)).toBe('2019-09-14T16:00:00.001Z');
    const last = series.rows.at(-1);
    expect([iso(last?.fundingTimeMs), last?.fundingRate.toFixed(), last?.price?.toFixed()]).toEqual([
      '2025-09-11T00:00:00.000Z',
      '0.00005843',
      '113899.89001087',
    ]);
  });

  it('supervik (Symbol,Date,Funding Rate): Date is UTC+3, so 03:00 local is 00:00 UTC; jitter survives', () => {
    const series = only(loadFundingCsvFile(file('binance-usdm/supervik_binance_BTC-USDT_funding_2020-2023.csv')));
    expect(series.symbol).toBe('BTCUSDT');
    expect(series.rows.length).toBe(4383);
    expect(iso(series.rows[0]?.fundingTimeMs)).toBe('2020-01-01T00:00:00.000Z');
    expect(series.rows[0]?.fundingRate.toFixed()).toBe('-0.00012359');
    expect(iso(series.rows.at(-2)?.fundingTimeMs)).toBe('2023-12-31T08:00:00.001Z');
    expect(iso(series.rows.at(-1)?.fundingTimeMs)).toBe('2023-12-31T16:00:00.000Z');
    expect(series.rows.every((r) => new Date(r.fundingTimeMs).getUTCHours() % 8 === 0)).toBe(true);
    expect(only(loadFundingCsvFile(file('binance-usdm/supervik_binance_ETH-USDT_funding_2020-2023.csv'))).symbol).toBe(
      'ETHUSDT',
    );
  });

  it('rejects bad input with an error naming the line, the column and the value', () => {
    const error = (text: string, symbol?: string): InvalidDataError => {
      try {
        parseFundingCsv(text, symbol === undefined ? { source: 'x.csv' } : { source: 'x.csv', symbol });
      } catch (e) {
        if (e instanceof InvalidDataError) return e;
        throw e;
      }
      throw new Error('expected a parse error');
    };
    expect(error('time,rate\n1,2').field).toBe('header');
    expect(error('fundingTime,fundingRate\n1717200000000,0.0001').field).toBe('symbol');
    const bad = error('fundingTime,fundingRate\n1717200000000,0.0001\n1717228800008,abc', 'BTCUSDT');
    expect(bad.message).toContain('line 3');
    expect([bad.field, bad.value]).toEqual(['fundingRate', 'abc']);
    expect(error('fundingTime,fundingRate\n1717200000000,0.0001\n1717200000000,0.0002', 'BTCUSDT').field).toBe('time');
    expect(error('Symbol,Date,Funding Rate\nBTC-USDT,2020-02-30 03:00:00.000,0.0001').field).toBe('Date');
    expect(error('Symbol,Date,Funding Rate\nBTC-USDT,2020-02-01 03:00:00.000500,0.0001').field).toBe('Date');
    expect(error('symbol,fundingTime,fundingRate,markPrice\nBTCUSDT,1,0.1').field).toBe('row');
    expect(
      error(
        'datetime,timestamp,open,high,low,close,funding_rate\n2021-09-01 08:00:00.000,1630483201.0,1,1,1,1,0.0001',
        'BTCUSDT',
      ).field,
    ).toBe('timestamp');
  });

  it('accepts CRLF line ends and a trailing blank line', () => {
    const series = parseFundingCsv('fundingTime,fundingRate\r\n1717200000000,0.0001\r\n1717228800008,-0.0002\r\n\r\n', {
      symbol: 'BTCUSDT',
    });
    expect(series[0]?.rows.map((r) => r.fundingRate.toFixed())).toEqual(['0.0001', '-0.0002']);
  });
});
