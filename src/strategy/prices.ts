/** Prices derived from top-of-book quotes. Invalid books yield `null` so callers fail closed. */
import type { Decimal } from '../domain/decimal.ts';
import type { BookTop } from '../domain/market.ts';

/**
 * (bid + ask) / 2, or null when the book is absent, one side is empty (zero price) or crossed.
 * A crossed or one-sided top of book is not a price anyone can trade both ways at.
 */
export function midPrice(book: BookTop | undefined): Decimal | null {
  if (book === undefined) return null;
  const { bidPrice, askPrice } = book;
  if (!bidPrice.isPositive() || bidPrice.isZero() || !askPrice.isPositive() || askPrice.isZero()) return null;
  if (bidPrice.greaterThan(askPrice)) return null;
  return bidPrice.plus(askPrice).div(2);
}

/** |perp mid − spot mid| / spot mid × 100. */
export function spreadPct(spotMid: Decimal, perpMid: Decimal): Decimal {
  return perpMid.minus(spotMid).abs().div(spotMid).times(100);
}

/** The ask of a valid book: what a market buy is expected to pay. */
export function askPrice(book: BookTop | undefined): Decimal | null {
  return book !== undefined && midPrice(book) !== null ? book.askPrice : null;
}

/** The bid of a valid book: what a market sell is expected to receive. */
export function bidPrice(book: BookTop | undefined): Decimal | null {
  return book !== undefined && midPrice(book) !== null ? book.bidPrice : null;
}
