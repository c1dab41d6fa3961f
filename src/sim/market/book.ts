/**
 * Depth books around a mid price: best bid and ask at least one tick apart, a few ticks between levels, and more
 * size deeper in the book. Level sizes vary with a hash of (seed, key, second), so a book is stable within a second
 * and reproducible from the seed.
 *
 * Every quote endpoint and every fill reads books, and an all-symbols ticker reads one per symbol, so books are
 * built cheaply: on power-of-ten grids (all synthetic and real tick and lot sizes) prices and sizes are computed as
 * integer multiples in float arithmetic, and each level turns them into Decimals only when read. An all-symbols
 * book ticker reads the top level of each side and never pays for the other 38 levels' Decimals. The values are
 * exactly those of the plain Decimal construction (`buildBookExact`, used for any other grid).
 */
import type { Decimal } from '../../domain/decimal.ts';
import { hashUniform } from '../random.ts';
import { gridDecimal, gridNumber, gridUnits, type PowerGrid, powerGrid, quantize } from './grid.ts';
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
  const tick = powerGrid(shape.tickSize);
  const step = powerGrid(shape.stepSize);
  if (tick === null || step === null) return buildBookExact(mid, shape, seed, key, tMs);
  const second = Math.floor(tMs / 1000);
  const bestBid = gridUnits(mid * (1 - shape.halfSpread), tick, 'floor');
  let bestAsk = gridUnits(mid * (1 + shape.halfSpread), tick, 'ceil');
  if (bestAsk <= bestBid) bestAsk = bestBid + 1;
  const gapTicks = Math.max(1, Math.round((mid * shape.levelGap) / tick.value));
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  for (let i = 0; i < shape.levels; i++) {
    const bidUnits = bestBid - gapTicks * i;
    if (bidUnits > 0) {
      bids.push(new GridLevel(bidUnits, tick, levelUnits(shape, bidUnits, tick, step, i, seed, key * 2, second), step));
    }
    const askUnits = bestAsk + gapTicks * i;
    asks.push(
      new GridLevel(askUnits, tick, levelUnits(shape, askUnits, tick, step, i, seed, key * 2 + 1, second), step),
    );
  }
  return { bids, asks };
}

/** Lot multiples of a level (at least one lot), as `levelQty` computes them. */
function levelUnits(
  shape: BookShape,
  priceUnits: number,
  tick: PowerGrid,
  step: PowerGrid,
  level: number,
  seed: number,
  key: number,
  second: number,
): number {
  const jitter = 0.5 + hashUniform(seed, key, second, level);
  const notional = shape.topLevelNotional * (1 + 0.35 * level) * jitter;
  const units = gridUnits(notional / gridNumber(priceUnits, tick), step, 'round');
  return units > 0 ? units : 1;
}

/**
 * A level whose Decimals are made on first read. A small class (no closures) costs about a tenth of a level with
 * two Decimals. Its fields are getters on the prototype, so a copy must name them (`{ price: l.price, qty: l.qty }`);
 * spreading it copies nothing.
 */
class GridLevel implements BookLevel {
  #price: Decimal | undefined;
  #qty: Decimal | undefined;

  constructor(
    private readonly priceUnits: number,
    private readonly tick: PowerGrid,
    private readonly qtyUnits: number,
    private readonly step: PowerGrid,
  ) {}

  get price(): Decimal {
    this.#price ??= gridDecimal(this.priceUnits, this.tick);
    return this.#price;
  }

  get qty(): Decimal {
    this.#qty ??= gridDecimal(this.qtyUnits, this.step);
    return this.#qty;
  }
}

/** The same book with Decimal arithmetic throughout: for grids that are not powers of ten. */
export function buildBookExact(mid: number, shape: BookShape, seed: number, key: number, tMs: number): DepthBook {
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
