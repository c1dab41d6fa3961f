/**
 * Public market data of both markets: server time, 24 h tickers, best bid/ask and order-book depth.
 * V1 and V3 paths return the same bodies; spot and futures differ only where noted.
 */
import { z } from 'zod';
import type { Decimal } from '../../../domain/decimal.ts';
import type { BookTop, Ticker24h } from '../../../domain/market.ts';
import { parseWith } from './parse.ts';
import { epochMsField, integerField, nonEmptyStringField, nonNegativeDecimalField } from './primitives.ts';

const serverTimeSchema = z.object({ serverTime: epochMsField });

/** `GET time` → server time in ms (futures sends a number, some captures a digit string). */
export function parseServerTime(body: unknown, source = 'time'): number {
  return parseWith(serverTimeSchema, body, source).serverTime;
}

const tickerSchema = z
  .object({ symbol: nonEmptyStringField, quoteVolume: nonNegativeDecimalField })
  .transform((r): Ticker24h => ({ symbol: r.symbol, quoteVolume: r.quoteVolume }));

/** `GET ticker/24hr?symbol=X` (either market). Only what the scan uses is kept. */
export function parseTicker24h(body: unknown, source = 'ticker/24hr'): Ticker24h {
  return parseWith(tickerSchema, body, source);
}

/** `GET ticker/24hr` without a symbol (either market). */
export function parseTicker24hList(body: unknown, source = 'ticker/24hr'): Ticker24h[] {
  return parseWith(z.array(tickerSchema), body, source);
}

/**
 * The spot 24 h ticker also carries the best bid and ask (the futures one does not). `book` is null when a row
 * has none of the four fields; a row with only some of them is invalid.
 */
export interface SpotTicker24h extends Ticker24h {
  book: BookTop | null;
}

const BOOK_KEYS = ['bidPrice', 'bidQty', 'askPrice', 'askQty'] as const;

const bookFieldsSchema = z.object({
  bidPrice: nonNegativeDecimalField,
  bidQty: nonNegativeDecimalField,
  askPrice: nonNegativeDecimalField,
  askQty: nonNegativeDecimalField,
});

const spotTickerSchema = z
  .looseObject({
    symbol: nonEmptyStringField,
    quoteVolume: nonNegativeDecimalField,
  })
  .transform((r, ctx): SpotTicker24h => {
    const present = BOOK_KEYS.filter((k) => r[k] !== undefined);
    if (present.length === 0) return { symbol: r.symbol, quoteVolume: r.quoteVolume, book: null };
    const book = bookFieldsSchema.safeParse(r);
    if (!book.success) {
      for (const issue of book.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
      return z.NEVER;
    }
    return { symbol: r.symbol, quoteVolume: r.quoteVolume, book: { symbol: r.symbol, ...book.data } };
  });

export function parseSpotTicker24h(body: unknown, source = 'spot ticker/24hr'): SpotTicker24h {
  return parseWith(spotTickerSchema, body, source);
}

export function parseSpotTicker24hList(body: unknown, source = 'spot ticker/24hr'): SpotTicker24h[] {
  return parseWith(z.array(spotTickerSchema), body, source);
}

/*
 * An empty side of the book is reported as "0" price and quantity, so zero is accepted; the spread filter must
 * treat a zero bid or ask as missing data. Futures rows add `time` and `lastUpdateId`, which are not needed.
 */
const bookTickerSchema = z
  .object({
    symbol: nonEmptyStringField,
    bidPrice: nonNegativeDecimalField,
    bidQty: nonNegativeDecimalField,
    askPrice: nonNegativeDecimalField,
    askQty: nonNegativeDecimalField,
  })
  .transform((r): BookTop => r);

/** `GET ticker/bookTicker?symbol=X` (either market). */
export function parseBookTicker(body: unknown, source = 'ticker/bookTicker'): BookTop {
  return parseWith(bookTickerSchema, body, source);
}

/** `GET ticker/bookTicker` without a symbol (either market). */
export function parseBookTickerList(body: unknown, source = 'ticker/bookTicker'): BookTop[] {
  return parseWith(z.array(bookTickerSchema), body, source);
}

export interface DepthLevel {
  price: Decimal;
  qty: Decimal;
}

export interface DepthSnapshot {
  lastUpdateId: number;
  /** Message output time (`E`); null when absent. */
  eventTimeMs: number | null;
  /** Matching-engine time (`T`); null when absent. */
  transactionTimeMs: number | null;
  /** Best first. */
  bids: DepthLevel[];
  /** Best first. */
  asks: DepthLevel[];
}

/** `[price, qty]`; extra trailing entries are ignored. */
const levelSchema = z
  .tuple([nonNegativeDecimalField, nonNegativeDecimalField], z.unknown())
  .transform(([price, qty]): DepthLevel => ({ price, qty }));

const depthSchema = z
  .object({
    lastUpdateId: integerField({ min: 0 }),
    E: epochMsField.optional(),
    T: epochMsField.optional(),
    bids: z.array(levelSchema),
    asks: z.array(levelSchema),
  })
  .transform(
    (r): DepthSnapshot => ({
      lastUpdateId: r.lastUpdateId,
      eventTimeMs: r.E ?? null,
      transactionTimeMs: r.T ?? null,
      bids: r.bids,
      asks: r.asks,
    }),
  );

/** `GET depth` (either market). */
export function parseDepth(body: unknown, source = 'depth'): DepthSnapshot {
  return parseWith(depthSchema, body, source);
}
