/**
 * Depth books around a mid price: best bid and ask at least one tick apart, a few ticks between levels, and more
 * size deeper in the book. Level sizes vary with a hash of (seed, key, second), so a book is stable within a second
 * and reproducible from the seed.
 */
import type { Decimal } from '../../domain/decimal.ts';
import { hashUniform } from '../random.ts';
import { quantize } from './grid.ts';
import type { BookLevel, DepthBook } from './types.ts';

export interface BookShape {
  /** Half the bid–ask spread as a fraction of mid (0.0001 = 1 bp). */
  halfSpread: number;
  /** Distance between consecutive levels as a fraction of mid. */
  levelGap: number;
  /** Quote value of the best level; deeper levels grow from it. */
  topLevelNotional: number;
  levels: number;
  tickSize: Decimal;
  stepSize: Decimal;
}

export function buildBook(mid: number, shape: BookShape, seed: number, key: number, tMs: number): DepthBook {
  const tick = shape.tickSize.toNumber();
  const second = Math.floor(tMs / 1000);
  const bestBid = quantize(mid * (1 - shape.halfSpread), shape.tickSize, 'floor');
  let bestAsk = quantize(mid * (1 + shape.halfSpread), shape.tickSize, 'ceil');
  if (!bestAsk.greaterThan(bestBid)) bestAsk = bestBid.plus(shape.tickSize);
  const gapTicks = Math.max(1, Math.round((mid * shape.levelGap) / tick));
  const gap = shape.tickSize.times(gapTicks);
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  for (let i = 0; i < shape.levels; i++) {
    const bidPrice = bestBid.minus(gap.times(i));
    if (bidPrice.greaterThan(0))
      bids.push({ price: bidPrice, qty: levelQty(shape, bidPrice, i, seed, key * 2, second) });
    const askPrice = bestAsk.plus(gap.times(i));
    asks.push({ price: askPrice, qty: levelQty(shape, askPrice, i, seed, key * 2 + 1, second) });
  }
  return { bids, asks };
}

function levelQty(shape: BookShape, price: Decimal, level: number, seed: number, key: number, second: number): Decimal {
  const jitter = 0.5 + hashUniform(seed, key, second, level);
  const notional = shape.topLevelNotional * (1 + 0.35 * level) * jitter;
  const qty = quantize(notional / price.toNumber(), shape.stepSize, 'round');
  return qty.greaterThan(0) ? qty : shape.stepSize;
}
