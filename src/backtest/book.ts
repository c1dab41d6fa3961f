/**
 * The replayed market's order books. The data has one price per settlement and no depth, so the books are a model:
 * best bid and ask `halfSpread` around the price (at least one tick apart), levels `levelGap` apart, each level
 * worth `topLevelNotional × (1 + 0.35 × level)`. Deterministic: the same price gives the same book, so a backtest
 * replays exactly. Spot and perp of a symbol share the price and the tick, so they quote the same bid and ask
 * (the data has no basis) with sizes on their own lot steps.
 *
 * A book costs a few decimal operations per level, and books are built for every order, so the number of levels
 * follows the account: enough for twice the capital on each side (at least three), never the full ladder of a
 * real exchange that no backtest order would reach.
 */
import type { Decimal } from '../domain/decimal.ts';
import type { BookTop, SymbolFilters } from '../domain/market.ts';
import type { BookLevel, DepthBook } from '../sim/market/types.ts';
import { decimalToFloat } from './float.ts';

export interface BookModel {
  /** Half the bid–ask spread as a fraction of the price. */
  readonly halfSpread: number;
  /** Distance between levels as a fraction of the price. */
  readonly levelGap: number;
  /** Quote value of the best level. */
  readonly topLevelNotional: number;
  readonly levels: number;
}

/** Levels whose depth adds up to at least `notional` (3 to 60). */
export function levelsFor(model: Pick<BookModel, 'topLevelNotional'>, notional: number): number {
  let depth = 0;
  let levels = 0;
  while (levels < 60 && (levels < 3 || depth < notional)) {
    depth += model.topLevelNotional * (1 + 0.35 * levels);
    levels++;
  }
  return levels;
}

/** A symbol's grid as floats, read once (converting a Decimal is not free). */
export interface Grid {
  readonly tick: Decimal;
  readonly tickValue: number;
  readonly step: Decimal;
  readonly stepValue: number;
}

export function gridOf(filters: SymbolFilters): Grid {
  return {
    tick: filters.tickSize,
    tickValue: filters.tickSize.toNumber(),
    step: filters.stepSize,
    stepValue: filters.stepSize.toNumber(),
  };
}

/** Best bid and ask of a price on a tick grid. */
export interface Quote {
  readonly bid: Decimal;
  readonly ask: Decimal;
  /** The price as a float, for sizing levels. */
  readonly mid: number;
}

// A hair of tolerance keeps 2.9999999999 from flooring to 2 after float division.
const EPSILON = 1e-9;

export function quoteOf(price: Decimal, grid: Grid, model: BookModel): Quote {
  const mid = decimalToFloat(price);
  const bidTicks = Math.floor((mid * (1 - model.halfSpread)) / grid.tickValue + EPSILON);
  let askTicks = Math.ceil((mid * (1 + model.halfSpread)) / grid.tickValue - EPSILON);
  if (askTicks <= bidTicks) askTicks = bidTicks + 1;
  return { bid: grid.tick.times(bidTicks), ask: grid.tick.times(askTicks), mid };
}

function levelQty(model: BookModel, grid: Grid, mid: number, level: number): Decimal {
  const steps = Math.round((model.topLevelNotional * (1 + 0.35 * level)) / mid / grid.stepValue);
  return grid.step.times(Math.max(1, steps));
}

/** The best bid and ask with their sizes. */
export function bookTop(symbol: string, quote: Quote, grid: Grid, model: BookModel): BookTop {
  const qty = levelQty(model, grid, quote.mid, 0);
  return { symbol, bidPrice: quote.bid, bidQty: qty, askPrice: quote.ask, askQty: qty };
}

/** Every level of both sides; the best levels equal `bookTop`. */
export function depthBook(quote: Quote, grid: Grid, model: BookModel): DepthBook {
  const gapTicks = Math.max(1, Math.round((quote.mid * model.levelGap) / grid.tickValue));
  const gap = grid.tick.times(gapTicks);
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  let bid = quote.bid;
  let ask = quote.ask;
  for (let i = 0; i < model.levels; i++) {
    const qty = levelQty(model, grid, quote.mid, i);
    if (bid.isPositive() && !bid.isZero()) bids.push({ price: bid, qty });
    asks.push({ price: ask, qty });
    bid = bid.minus(gap);
    ask = ask.plus(gap);
  }
  return { bids, asks };
}
