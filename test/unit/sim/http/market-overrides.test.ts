/** Price and funding overrides over a market source, and the depth cap used by the `partial` fault. */
import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import { OverridableMarketSource } from '../../../../src/sim/faults/market-overrides.ts';
import { FixedMarketSource } from '../../../e2e/sim/support/fixed-market.ts';

const T0 = Date.UTC(2025, 5, 1, 7, 59);

describe('OverridableMarketSource', () => {
  it('passes the underlying market through untouched without overrides', () => {
    const inner = new FixedMarketSource(T0);
    const source = new OverridableMarketSource(new FixedMarketSource(T0));
    expect(source.advance(T0)).toEqual(inner.advance(T0));
  });

  it('moves the mark exactly to the requested price and scales books onto the tick grid', () => {
    const source = new OverridableMarketSource(new FixedMarketSource(T0));
    source.advance(T0);
    source.setPrice('BTCUSDT', { perpMark: dec('90000.123') });
    const state = source.advance(T0 + 1);
    const perp = state.perp.get('BTCUSDT');
    expect(perp?.markPrice.toFixed()).toBe('90000.123');
    const bestBid = perp?.book.bids[0]?.price;
    const bestAsk = perp?.book.asks[0]?.price;
    expect(bestBid?.lessThan(dec('90000.123'))).toBe(true);
    expect(bestAsk?.greaterThan(dec('90000.123'))).toBe(true);
    expect(bestBid?.mod(dec('0.1')).isZero()).toBe(true);
    // Spot is untouched by a mark-only move.
    expect(state.spot.get('BTCUSDT')?.lastPrice.toFixed()).toBe('100000');
  });

  it('pins the predicted and the settled funding rate until cleared', () => {
    const source = new OverridableMarketSource(new FixedMarketSource(T0));
    source.setFundingRate('ETHUSDT', dec('-0.0005'));
    expect(source.advance(T0).perp.get('ETHUSDT')?.fundingRate.toFixed()).toBe('-0.0005');
    expect(source.settlement('ETHUSDT', Date.UTC(2025, 5, 1, 8))?.fundingRate.toFixed()).toBe('-0.0005');
    source.setFundingRate('ETHUSDT', null);
    expect(source.settlement('ETHUSDT', Date.UTC(2025, 5, 1, 8))?.fundingRate.toFixed()).toBe('0.0002');
    expect(() => source.setFundingRate('SPOTONLYUSDT', dec('0.1'))).toThrow('unknown perp symbol SPOTONLYUSDT');
  });

  it('caps the depth one side offers, best levels first', () => {
    const source = new OverridableMarketSource(new FixedMarketSource(T0));
    source.capDepth('perp', 'BTCUSDT', 'asks', dec('2.5'));
    const asks = source.advance(T0).perp.get('BTCUSDT')?.book.asks ?? [];
    expect(asks.map((l) => l.qty.toFixed())).toEqual(['2', '0.5']);
    source.clearDepthCaps();
    expect(source.advance(T0 + 1).perp.get('BTCUSDT')?.book.asks).toHaveLength(5);
  });
});
