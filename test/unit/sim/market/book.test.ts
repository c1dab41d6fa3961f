/**
 * Books on power-of-ten grids are built from integer multiples with Decimals made on read; they hold exactly the
 * prices and sizes of the plain Decimal construction, for any mid, spread, depth and grid. A level is copied by
 * naming its fields. Grids that are not powers of ten take the plain construction.
 */
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../../src/domain/decimal.ts';
import { type BookShape, buildBook, buildBookExact } from '../../../../src/sim/market/book.ts';
import { gridDecimal, gridNumber, gridUnits, powerGrid, quantize } from '../../../../src/sim/market/grid.ts';
import type { DepthBook } from '../../../../src/sim/market/types.ts';
import { hashUniform } from '../../../../src/sim/random.ts';

const text = (book: DepthBook) => [
  ...book.bids.map((l) => `b ${l.price.toFixed()} ${l.qty.toFixed()}`),
  ...book.asks.map((l) => `a ${l.price.toFixed()} ${l.qty.toFixed()}`),
];

describe('books on power-of-ten grids', () => {
  it('hold exactly the levels of the Decimal construction', () => {
    let books = 0;
    for (let k = 0; k < 400; k++) {
      const magnitude = Math.floor(hashUniform(7, k) * 12) - 5;
      const mid = (1 + hashUniform(7, k, 1) * 9) * 10 ** magnitude;
      const shape: BookShape = {
        halfSpread: 0.00001 + hashUniform(7, k, 2) * 0.002,
        levelGap: 0.0003 + hashUniform(7, k, 3) * 0.001,
        topLevelNotional: 2_000 + hashUniform(7, k, 4) * 200_000,
        levels: 1 + Math.floor(hashUniform(7, k, 5) * 25),
        tickSize: new Decimal(10).pow(magnitude - 5),
        stepSize: new Decimal(10).pow(Math.floor(Math.log10(2 / mid))),
      };
      const tMs = 1_780_000_000_000 + k * 1_234;
      expect(text(buildBook(mid, shape, 42, k, tMs)), `book ${k}`).toEqual(
        text(buildBookExact(mid, shape, 42, k, tMs)),
      );
      books++;
    }
    expect(books).toBe(400);
  });

  it('make a level’s Decimals when read, and a copy by fields carries them', () => {
    const shape: BookShape = {
      halfSpread: 0.0002,
      levelGap: 0.0005,
      topLevelNotional: 10_000,
      levels: 3,
      tickSize: new Decimal('0.01'),
      stepSize: new Decimal('0.001'),
    };
    const book = buildBook(123.456, shape, 1, 2, 0);
    const best = book.asks[0];
    // 123.456 × (1 + 0.0002) = 123.4807, up to the next cent.
    expect(best?.price.toFixed()).toBe('123.49');
    // Made once, then the same object on every read.
    expect(best?.price).toBe(best?.price);
    const copy = book.asks.map((l) => ({ price: l.price, qty: l.qty }));
    expect(copy.map((l) => l.price.toFixed())).toEqual(book.asks.map((l) => l.price.toFixed()));
    expect(copy.every((l) => l.qty.greaterThan(0))).toBe(true);
  });

  it('take the Decimal construction on other grids', () => {
    const shape: BookShape = {
      halfSpread: 0.0002,
      levelGap: 0.0005,
      topLevelNotional: 10_000,
      levels: 5,
      tickSize: new Decimal('0.5'),
      stepSize: new Decimal('0.25'),
    };
    expect(powerGrid(shape.tickSize)).toBeNull();
    expect(text(buildBook(1000.3, shape, 3, 4, 5))).toEqual(text(buildBookExact(1000.3, shape, 3, 4, 5)));
    for (const level of buildBook(1000.3, shape, 3, 4, 5).bids) expect(level.price.mod('0.5').isZero()).toBe(true);
  });
});

describe('power-of-ten grids', () => {
  it('pick the multiple quantize picks, and its float is the Decimal’s', () => {
    for (const exponent of [-12, -8, -3, -1, 0, 1, 3]) {
      const step = new Decimal(10).pow(exponent);
      const grid = powerGrid(step);
      expect(grid?.exponent).toBe(exponent);
      for (let k = 0; k < 300; k++) {
        const value = hashUniform(11, k, exponent + 20) * 10 ** (exponent + 6);
        for (const rounding of ['floor', 'ceil', 'round'] as const) {
          const units = gridUnits(value, grid!, rounding);
          const exact = quantize(value, step, rounding);
          expect(gridDecimal(units, grid!).equals(exact)).toBe(true);
          expect(gridNumber(units, grid!)).toBe(exact.toNumber());
        }
      }
    }
    expect(powerGrid(new Decimal('0.02'))).toBeNull();
    expect(powerGrid(new Decimal(0))).toBeNull();
  });
});
