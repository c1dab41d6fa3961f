/** Reading the backtest's CSV files: directories, layouts, symbols, and errors that say what to fix. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBacktestData } from '../../../src/backtest/files.ts';
import { ConfigError } from '../../../src/errors.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dnfarm-backtest-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ASTER = 'fundingTime,fundingRate\n1704096000004,0.0001\n1704124800002,0.00012\n';
const MULTI =
  'symbol,fundingTime,fundingRate,markPrice\nAAAUSDT,1704096000000,0.0001,1.5\nBBBUSDT,1704096000000,-0.0002,20\n';

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('loadBacktestData', () => {
  it('reads every .csv of a directory, in name order, with symbols from the file or the rows', () => {
    write('aster_XYZUSDT_funding.csv', ASTER);
    write('multi.csv', MULTI);
    write('notes.txt', 'not data');
    const data = loadBacktestData([dir], { cwd: '/' });
    expect(data.files.map((f) => f.slice(dir.length + 1))).toEqual(['aster_XYZUSDT_funding.csv', 'multi.csv']);
    expect(data.series.map((s) => s.symbol)).toEqual(['XYZUSDT', 'AAAUSDT', 'BBBUSDT']);
    expect(data.series[0]!.source).toBe('aster_XYZUSDT_funding.csv');
  });

  it('keeps only the symbols asked for, in that order, case-insensitively', () => {
    write('multi.csv', MULTI);
    const data = loadBacktestData(['multi.csv'], { cwd: dir, symbols: ['bbbusdt', 'AAAUSDT'] });
    expect(data.series.map((s) => s.symbol)).toEqual(['BBBUSDT', 'AAAUSDT']);
  });

  it('names a path that does not exist and a directory without data', () => {
    const missing = errorOf(() => loadBacktestData(['nope/funding.csv'], { cwd: dir }));
    expect(missing.field).toBe('--data');
    expect(missing.message).toBe('--data: nope/funding.csv does not exist');
    mkdirSync(join(dir, 'empty'));
    expect(errorOf(() => loadBacktestData(['empty'], { cwd: dir })).message).toMatch(
      /directory empty holds no \.csv file/,
    );
  });

  it('names the file and the header of an unknown layout', () => {
    write('prices.csv', 'time,price\n1,2\n');
    const error = errorOf(() => loadBacktestData(['prices.csv'], { cwd: dir }));
    expect(error.field).toBe('--data');
    expect(error.message).toBe('--data: prices.csv: header: not a known funding CSV layout (got "time,price")');
  });

  it('names the file, the line, the column and the value of a bad row', () => {
    write('aster_XYZUSDT.csv', 'fundingTime,fundingRate\n1704096000004,0.0001\n1704124800002,abc\n');
    expect(errorOf(() => loadBacktestData(['aster_XYZUSDT.csv'], { cwd: dir })).message).toBe(
      '--data: aster_XYZUSDT.csv line 3: fundingRate: not a decimal number (got "abc")',
    );
  });

  it('refuses a layout without a symbol column when the file name carries none', () => {
    write('funding.csv', ASTER);
    expect(errorOf(() => loadBacktestData(['funding.csv'], { cwd: dir })).message).toMatch(
      /funding\.csv: symbol: the aster-funding layout has no symbol column/,
    );
  });

  it('refuses a symbol given by two files, and a --symbols entry not in the data', () => {
    write('a_AAAUSDT.csv', ASTER);
    write('multi.csv', MULTI);
    expect(errorOf(() => loadBacktestData([dir], { cwd: '/' })).message).toMatch(
      /AAAUSDT is in both a_AAAUSDT\.csv and multi\.csv/,
    );
    const unknown = errorOf(() => loadBacktestData(['multi.csv'], { cwd: dir, symbols: ['ZZZUSDT'] }));
    expect(unknown.field).toBe('--symbols');
    expect(unknown.message).toBe('--symbols: ZZZUSDT is not in the data (it has AAAUSDT, BBBUSDT)');
  });
});
