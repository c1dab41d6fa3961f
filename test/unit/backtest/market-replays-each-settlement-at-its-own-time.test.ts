/** The replayed market: what a symbol shows at a given time, its settlements, its books. */
import { describe, expect, it } from 'vitest';
import { ReplayMarket } from '../../../src/backtest/market.ts';
import { HOUR_MS, START_MS, series } from './support/series.ts';

function market() {
  const s = series(
    'ABCUSDT',
    [
      { rate: '0.0001', price: '100' },
      { rate: '0.0002', price: '101' },
      { rate: '0.0003', price: '102' },
      { rate: '0.0004', price: '103' },
    ],
    {
      skip: [2],
    },
  );
  return new ReplayMarket({ series: [s], startMs: START_MS });
}

describe('ReplayMarket', () => {
  it('shows the rate settling at the end of the current interval and the price of the latest settlement', () => {
    const m = market();
    const track = m.track('ABCUSDT')!;
    m.advance(START_MS + HOUR_MS);
    expect(m.premium(track).lastFundingRate.toFixed()).toBe('0.0001');
    expect(m.price(track).toFixed()).toBe('100');
    m.advance(START_MS + 8 * HOUR_MS - 1);
    expect(m.premium(track).lastFundingRate.toFixed()).toBe('0.0001');
    // At the settlement instant: the settlement's own price, and the next interval's rate (the settling rate is
    // what `settlement` reports).
    m.advance(START_MS + 8 * HOUR_MS);
    expect(m.premium(track).lastFundingRate.toFixed()).toBe('0.0002');
    expect(m.price(track).toFixed()).toBe('100');
    expect(m.premium(track).nextFundingTimeMs).toBe(START_MS + 16 * HOUR_MS);
  });

  it('keeps the last settled rate through a gap and shows the next row once its interval begins', () => {
    const m = market();
    const track = m.track('ABCUSDT')!;
    m.advance(START_MS + 17 * HOUR_MS);
    expect(m.premium(track).lastFundingRate.toFixed()).toBe('0.0002');
    expect(m.price(track).toFixed()).toBe('101');
    expect(m.nextChangeMs).toBe(START_MS + 24 * HOUR_MS);
    m.advance(START_MS + 25 * HOUR_MS);
    expect(m.premium(track).lastFundingRate.toFixed()).toBe('0.0004');
  });

  it('reports a settlement only for a symbol in the engine view, and only at its own boundary', () => {
    const m = market();
    m.advance(START_MS + 8 * HOUR_MS);
    expect(m.settlement('ABCUSDT', START_MS + 8 * HOUR_MS)).toBeNull();
    m.engage('ABCUSDT');
    expect(m.settlement('ABCUSDT', START_MS + 8 * HOUR_MS)?.fundingRate.toFixed()).toBe('0.0001');
    expect(m.settlement('ABCUSDT', START_MS + 8 * HOUR_MS)?.fundingTimeMs).toBe(START_MS + 8 * HOUR_MS + 7);
    m.advance(START_MS + 24 * HOUR_MS);
    expect(m.settlement('ABCUSDT', START_MS + 24 * HOUR_MS)).toBeNull();
  });

  it('lists a symbol from the start of its first interval to its last settlement', () => {
    const m = market();
    const track = m.track('ABCUSDT')!;
    expect(track.listedFromMs).toBe(START_MS);
    expect(track.listedUntilMs).toBe(START_MS + 32 * HOUR_MS);
    m.advance(START_MS + 33 * HOUR_MS);
    expect(m.listed(track)).toBe(false);
  });

  it('quotes spot and perp around the price, with the depth book starting at the same top', () => {
    const m = market();
    const track = m.track('ABCUSDT')!;
    m.advance(START_MS + HOUR_MS);
    const top = m.spotTop(track);
    expect(top.bidPrice.toFixed()).toBe('99.98');
    expect(top.askPrice.toFixed()).toBe('100.02');
    expect(m.perpTop(track).askPrice.toFixed()).toBe('100.02');
    m.engage('ABCUSDT');
    const state = m.advance(START_MS + HOUR_MS);
    const book = state.spot.get('ABCUSDT')!.book;
    expect(book.asks[0]!.price.toFixed()).toBe('100.02');
    expect(book.asks[0]!.qty.toFixed()).toBe(top.askQty.toFixed());
    expect(book.bids[1]!.price.lessThan(book.bids[0]!.price)).toBe(true);
  });
});
