/**
 * Reading the backtest's data: funding CSV files in any layout the simulator's parsers know, given as files or as
 * directories (every `.csv` in one). Every problem becomes a ConfigError on the option that named the data, with the
 * file, the line, the column and the value, so the command exits with the usage code and says what to fix.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError, InvalidDataError } from '../errors.ts';
import type { HistoricalFundingSeries } from '../sim/market/historical-csv.ts';
import { loadFundingCsvFile } from '../sim/market/historical-file.ts';
import { type PreparedSeries, prepareSeries } from './series.ts';

export interface BacktestData {
  /** Every file read, as given or found in a directory, in order. */
  readonly files: readonly string[];
  readonly series: readonly PreparedSeries[];
}

export interface LoadOptions {
  /** Paths are relative to this directory. */
  readonly cwd: string;
  /** Keep only these symbols (case-insensitive); every one must be in the data. */
  readonly symbols?: readonly string[] | undefined;
}

function filesOf(path: string, cwd: string): string[] {
  const full = resolve(cwd, path);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (stat === undefined) throw new ConfigError('--data', `${path} does not exist`, { value: path });
  if (stat.isFile()) return [full];
  if (!stat.isDirectory())
    throw new ConfigError('--data', `${path} is neither a file nor a directory`, { value: path });
  const csvs = readdirSync(full)
    .filter((name) => name.toLowerCase().endsWith('.csv'))
    .sort()
    .map((name) => join(full, name))
    .filter((file) => statSync(file).isFile());
  if (csvs.length === 0) throw new ConfigError('--data', `directory ${path} holds no .csv file`, { value: path });
  return csvs;
}

function describeValue(value: unknown): string {
  if (value === undefined) return '';
  const text = String(value);
  return ` (got "${text.length > 80 ? `${text.slice(0, 80)}…` : text}")`;
}

function parse(file: string): HistoricalFundingSeries[] {
  try {
    return loadFundingCsvFile(file);
  } catch (error) {
    if (error instanceof InvalidDataError) {
      throw new ConfigError('--data', `${error.message}${describeValue(error.value)}`, {
        value: file,
        cause: error,
      });
    }
    throw error;
  }
}

/** Reads, parses and prepares the data; throws ConfigError naming the option, the file and the value. */
export function loadBacktestData(paths: readonly string[], options: LoadOptions): BacktestData {
  if (paths.length === 0) throw new ConfigError('--data', 'give at least one funding CSV file or directory');
  const files: string[] = [];
  for (const path of paths) {
    for (const file of filesOf(path, options.cwd)) if (!files.includes(file)) files.push(file);
  }
  const bySymbol = new Map<string, { file: string; series: HistoricalFundingSeries }>();
  for (const file of files) {
    for (const series of parse(file)) {
      const earlier = bySymbol.get(series.symbol);
      if (earlier !== undefined) {
        throw new ConfigError(
          '--data',
          `${series.symbol} is in both ${basename(earlier.file)} and ${basename(file)}; give one of them`,
          { value: file },
        );
      }
      bySymbol.set(series.symbol, { file, series });
    }
  }
  let wanted = [...bySymbol.keys()];
  if (options.symbols !== undefined && options.symbols.length > 0) {
    wanted = [];
    for (const raw of options.symbols) {
      const symbol = raw.trim().toUpperCase();
      if (symbol === '') continue;
      if (!bySymbol.has(symbol)) {
        throw new ConfigError(
          '--symbols',
          `${symbol} is not in the data (it has ${[...bySymbol.keys()].sort().join(', ')})`,
          { value: raw },
        );
      }
      if (!wanted.includes(symbol)) wanted.push(symbol);
    }
    if (wanted.length === 0)
      throw new ConfigError('--symbols', 'no symbol given', { value: options.symbols.join(',') });
  }
  const series = wanted.map((symbol) => {
    const { file, series: parsed } = bySymbol.get(symbol) as { file: string; series: HistoricalFundingSeries };
    return prepareSeries(parsed, basename(file));
  });
  return { files, series };
}
