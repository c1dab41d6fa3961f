/**
 * Parsers for historical funding CSVs. Pure: they take the file's text (reading it is the caller's job).
 *
 * Layouts, recognised by their header line:
 * - `aster-funding`   `fundingTime,fundingRate`: settlement time in ms (with the real few-ms jitter), rate per
 *                     interval. Carries no symbol: the caller names it.
 * - `ohlc-funding`    `datetime,timestamp,open,high,low,close,funding_rate`: each settlement joined to the 1 h perp
 *                     kline around it; `timestamp` is seconds with the ms jitter as decimals (`1630512000.001`).
 *                     No symbol column either.
 * - `binance-multi`   `symbol,fundingTime,fundingRate,markPrice`: many symbols in one file.
 * - `binance-dated`   `symbol,funding_date,funding_time,fundingRate,markPrice`: UTC date and time in two columns,
 *                     the time sometimes with microseconds (`16:00:00.001000`); early rows carry a markPrice of 0.0,
 *                     meaning unknown.
 * - `supervik-utc3`   `Symbol,Date,Funding Rate`: `Date` is local time of UTC+3 (settlements at 03:00/11:00/19:00),
 *                     and symbols are written `BTC-USDT`.
 *
 * Every row is validated; a bad value raises an InvalidDataError naming the line, the column and the value. Times
 * are kept exactly as recorded (jitter included); matching them to the funding grid is the consumer's job.
 */
import { type Decimal, tryDec } from '../../domain/decimal.ts';
import { InvalidDataError } from '../../errors.ts';

export type FundingCsvLayout = 'aster-funding' | 'ohlc-funding' | 'binance-multi' | 'binance-dated' | 'supervik-utc3';

export interface HistoricalFundingRow {
  /** Settlement time in UTC epoch ms, as recorded (a few ms of jitter after the boundary is normal). */
  fundingTimeMs: number;
  /** Rate per funding interval, a decimal fraction. */
  fundingRate: Decimal;
  /** A price at settlement: the mark price, or the close of the joined kline; absent when the file has none. */
  price?: Decimal;
  /** The joined kline (ohlc-funding layout only). */
  ohlc?: { open: Decimal; high: Decimal; low: Decimal; close: Decimal };
}

export interface HistoricalFundingSeries {
  symbol: string;
  layout: FundingCsvLayout;
  /** Ascending by time, strictly. */
  rows: HistoricalFundingRow[];
}

export interface ParseFundingCsvOptions {
  /** Names the data in error messages (e.g. the file name). */
  source?: string;
  /** Required for layouts without a symbol column. */
  symbol?: string;
}

const HEADERS: Record<string, FundingCsvLayout> = {
  'fundingTime,fundingRate': 'aster-funding',
  'datetime,timestamp,open,high,low,close,funding_rate': 'ohlc-funding',
  'symbol,fundingTime,fundingRate,markPrice': 'binance-multi',
  'symbol,funding_date,funding_time,fundingRate,markPrice': 'binance-dated',
  'Symbol,Date,Funding Rate': 'supervik-utc3',
};

const UTC_PLUS_3_MS = 3 * 3_600_000;

/** The layout of a CSV from its header line, or undefined when it is not one of the known layouts. */
export function detectFundingCsvLayout(headerLine: string): FundingCsvLayout | undefined {
  return HEADERS[headerLine.trim().replace(/^\uFEFF/, '')];
}

/** Parses any known layout into one series per symbol, in order of first appearance. */
export function parseFundingCsv(text: string, options: ParseFundingCsvOptions = {}): HistoricalFundingSeries[] {
  const source = options.source ?? 'funding csv';
  const lines = text.split(/\r?\n/);
  const header = lines[0] ?? '';
  const layout = detectFundingCsvLayout(header);
  if (!layout) throw new InvalidDataError(source, 'header', 'not a known funding CSV layout', { value: header });
  const needsSymbol = layout === 'aster-funding' || layout === 'ohlc-funding';
  if (needsSymbol && !options.symbol) {
    throw new InvalidDataError(source, 'symbol', `the ${layout} layout has no symbol column: pass the symbol`);
  }

  const bySymbol = new Map<string, HistoricalFundingSeries>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const where = `${source} line ${i + 1}`;
    const cells = line.split(',');
    const expected = header.split(',').length;
    if (cells.length !== expected) {
      throw new InvalidDataError(where, 'row', `expected ${expected} columns, got ${cells.length}`, { value: line });
    }
    const { symbol, row } = parseRow(layout, cells, where, options.symbol ?? '');
    let series = bySymbol.get(symbol);
    if (!series) {
      series = { symbol, layout, rows: [] };
      bySymbol.set(symbol, series);
    }
    const previous = series.rows[series.rows.length - 1];
    if (previous && row.fundingTimeMs <= previous.fundingTimeMs) {
      throw new InvalidDataError(where, 'time', `not after the previous ${symbol} row (${previous.fundingTimeMs})`, {
        value: row.fundingTimeMs,
      });
    }
    series.rows.push(row);
  }
  return [...bySymbol.values()];
}

function parseRow(
  layout: FundingCsvLayout,
  cells: string[],
  where: string,
  givenSymbol: string,
): { symbol: string; row: HistoricalFundingRow } {
  const cell = (i: number): string => (cells[i] ?? '').trim();
  switch (layout) {
    case 'aster-funding':
      return {
        symbol: givenSymbol,
        row: {
          fundingTimeMs: integer(cell(0), where, 'fundingTime'),
          fundingRate: decimal(cell(1), where, 'fundingRate'),
        },
      };
    case 'ohlc-funding': {
      const fromSeconds = secondsToMs(cell(1), where);
      const fromDatetime = parseUtc(cell(0), where, 'datetime');
      if (Math.abs(fromSeconds - fromDatetime) > 1) {
        throw new InvalidDataError(where, 'timestamp', `disagrees with datetime ${cell(0)}`, { value: cell(1) });
      }
      const ohlc = {
        open: decimal(cell(2), where, 'open'),
        high: decimal(cell(3), where, 'high'),
        low: decimal(cell(4), where, 'low'),
        close: decimal(cell(5), where, 'close'),
      };
      return {
        symbol: givenSymbol,
        row: {
          fundingTimeMs: fromSeconds,
          fundingRate: decimal(cell(6), where, 'funding_rate'),
          price: ohlc.close,
          ohlc,
        },
      };
    }
    case 'binance-multi':
      return {
        symbol: symbolCell(cell(0), where),
        row: withPrice(
          {
            fundingTimeMs: integer(cell(1), where, 'fundingTime'),
            fundingRate: decimal(cell(2), where, 'fundingRate'),
          },
          decimal(cell(3), where, 'markPrice'),
        ),
      };
    case 'binance-dated':
      return {
        symbol: symbolCell(cell(0), where),
        row: withPrice(
          {
            fundingTimeMs: parseUtc(`${cell(1)} ${cell(2)}`, where, 'funding_date/funding_time'),
            fundingRate: decimal(cell(3), where, 'fundingRate'),
          },
          decimal(cell(4), where, 'markPrice'),
        ),
      };
    case 'supervik-utc3':
      return {
        symbol: symbolCell(cell(0).replace('-', ''), where),
        row: {
          fundingTimeMs: parseUtc(cell(1), where, 'Date') - UTC_PLUS_3_MS,
          fundingRate: decimal(cell(2), where, 'Funding Rate'),
        },
      };
  }
}

/** A zero mark price means the source did not know it. */
function withPrice(row: HistoricalFundingRow, price: Decimal): HistoricalFundingRow {
  return price.isZero() ? row : { ...row, price };
}

function symbolCell(value: string, where: string): string {
  if (!/^[A-Z0-9]{2,30}$/.test(value)) throw new InvalidDataError(where, 'symbol', 'not a symbol', { value });
  return value;
}

function decimal(value: string, where: string, field: string): Decimal {
  const d = tryDec(value);
  if (!d) throw new InvalidDataError(where, field, 'not a decimal number', { value });
  return d;
}

function integer(value: string, where: string, field: string): number {
  if (!/^\d{1,16}$/.test(value)) throw new InvalidDataError(where, field, 'not an integer', { value });
  return Number(value);
}

/** Seconds with up to 3 decimals (`1630512000.001`) to ms, exactly (no float multiplication). */
function secondsToMs(value: string, where: string): number {
  const match = /^(\d{1,13})(?:\.(\d{1,3}))?$/.exec(value);
  if (!match) throw new InvalidDataError(where, 'timestamp', 'not seconds with up to 3 decimals', { value });
  const fraction = (match[2] ?? '').padEnd(3, '0');
  return Number(match[1]) * 1000 + Number(fraction);
}

/** Fractions of a second come with up to 6 digits (`16:00:00.001000` in the dated Binance file). */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` read as UTC, to the ms; a sub-ms remainder is an error, not silently dropped. */
function parseUtc(value: string, where: string, field: string): number {
  const m = DATETIME.exec(value);
  if (!m) throw new InvalidDataError(where, field, 'not a date-time (YYYY-MM-DD HH:MM:SS[.fff])', { value });
  const [, y, mo, d, h, mi, s, fraction] = m;
  const micros = (fraction ?? '').padEnd(6, '0');
  if (!micros.endsWith('000')) throw new InvalidDataError(where, field, 'has a sub-millisecond part', { value });
  const ms = Number(micros.slice(0, 3));
  const time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(time);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) {
    throw new InvalidDataError(where, field, 'not a calendar date', { value });
  }
  return time;
}

/**
 * The funding interval of a series in hours (1, 2, 4 or 8): the most common gap between consecutive settlements,
 * rounded to the hour, so gaps from missing rows and the jitter do not matter. Undefined with fewer than two rows.
 */
export function detectIntervalHours(rows: readonly HistoricalFundingRow[]): number | undefined {
  const counts = new Map<number, number>();
  for (let i = 1; i < rows.length; i++) {
    const gapHours = Math.round(
      ((rows[i] as HistoricalFundingRow).fundingTimeMs - (rows[i - 1] as HistoricalFundingRow).fundingTimeMs) /
        3_600_000,
    );
    if (gapHours > 0) counts.set(gapHours, (counts.get(gapHours) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestCount = 0;
  for (const [gap, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && gap < best)) {
      best = gap;
      bestCount = count;
    }
  }
  return best;
}
