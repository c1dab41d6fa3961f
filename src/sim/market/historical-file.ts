/**
 * Reads a historical funding CSV from disk and parses it. Kept apart from the pure parsers so that everything else
 * in the simulator stays free of I/O.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidDataError } from '../../errors.ts';
import { type HistoricalFundingSeries, parseFundingCsv } from './historical-csv.ts';

/**
 * Parses `path`. For layouts without a symbol column the symbol comes from `symbol`, or else from the file name
 * (the first `XXXUSDT`-like token, e.g. `aster_BTCUSDT_funding_2024-06_2026-06.csv` → BTCUSDT).
 */
export function loadFundingCsvFile(path: string, options: { symbol?: string } = {}): HistoricalFundingSeries[] {
  const name = basename(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidDataError(name, 'file', `cannot be read (${path})`, { cause: error });
  }
  const symbol = options.symbol ?? /([A-Z0-9]+(?:USDT|USDC|USD))/.exec(name)?.[1];
  return parseFundingCsv(text, symbol === undefined ? { source: name } : { source: name, symbol });
}
