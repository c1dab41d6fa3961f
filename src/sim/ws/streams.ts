/**
 * Market stream names the simulator publishes (symbols lowercase, as on Aster):
 *   futures: `<symbol>@markPrice` (every 3 s), `<symbol>@markPrice@1s`, `!markPrice@arr`, `!markPrice@arr@1s`,
 *            `<symbol>@bookTicker`, `!bookTicker`
 *   spot:    `<symbol>@bookTicker`, `!bookTicker`
 */
import type { MarketKind } from '../../domain/market.ts';

export type StreamSpec =
  | { kind: 'markPrice'; symbol: string | null; everyMs: 1000 | 3000 }
  | { kind: 'bookTicker'; symbol: string | null };

const SYMBOL = '[a-z0-9]{1,30}';
const MARK = new RegExp(`^(${SYMBOL})@markPrice(@1s)?$`);
const MARK_ALL = /^!markPrice@arr(@1s)?$/;
const BOOK = new RegExp(`^(${SYMBOL})@bookTicker$`);

/** The stream `name` describes on `market`, or null when it is not a stream the simulator serves there. */
export function parseStream(name: string, market: MarketKind): StreamSpec | null {
  const book = BOOK.exec(name);
  if (book) return { kind: 'bookTicker', symbol: (book[1] as string).toUpperCase() };
  if (name === '!bookTicker') return { kind: 'bookTicker', symbol: null };
  if (market === 'spot') return null;
  const mark = MARK.exec(name);
  if (mark) return { kind: 'markPrice', symbol: (mark[1] as string).toUpperCase(), everyMs: mark[2] ? 1000 : 3000 };
  const all = MARK_ALL.exec(name);
  if (all) return { kind: 'markPrice', symbol: null, everyMs: all[1] ? 1000 : 3000 };
  return null;
}
