/** `refreshMarket()`: a market change takes effect at the current instant, without moving the engine's time. */
import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import type { SimMarkPriceEvent, SimOrderEvent } from '../../../../src/sim/engine/index.ts';
import { book, setup, T0, value } from './harness.ts';

describe('refreshMarket', () => {
  it('re-reads a replaced book and a moved mark now: time stays, events carry the current instant', () => {
    const h = setup();
    h.source.setBook('spot', 'BTCUSDT', book([[90000, '1']], [[90010, '2']]));
    h.source.setMarkPrice('BTCUSDT', '91000');
    h.events.length = 0;
    h.engine.refreshMarket();
    expect(h.engine.nowMs()).toBe(T0);
    expect(h.clock.nowMs()).toBe(T0);
    const depth = value(h.engine.depth('spot', 'BTCUSDT'));
    expect(depth.asks.map((l) => [l.price.toFixed(), l.qty.toFixed()])).toEqual([['90010', '2']]);
    expect(value(h.engine.premiumIndex('BTCUSDT'))[0]?.markPrice.toFixed()).toBe('91000');
    const marks = h.events.filter((e): e is SimMarkPriceEvent => e.type === 'markPrice');
    expect(marks.map((e) => [e.symbol, e.timeMs, e.markPrice.toFixed()])).toEqual([['BTCUSDT', T0, '91000']]);
    expect(h.events.at(-1)).toEqual({ type: 'marketTick', timeMs: T0 });
  });

  it('triggers a stop whose price the refreshed mark crossed, at the same instant', () => {
    const h = setup();
    h.engine.deposit('alice', 'futures', 'USDT', dec(5_000));
    value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.05' }));
    const stop = value(
      h.engine.placeOrder('alice', 'perp', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'STOP_MARKET',
        stopPrice: '110000',
        closePosition: 'true',
        workingType: 'MARK_PRICE',
      }),
    );
    h.source.setPrice('BTCUSDT', '110000');
    h.engine.refreshMarket();
    const fired = value(h.engine.getOrder('alice', 'perp', 'BTCUSDT', { orderId: stop.orderId }));
    expect(fired.status).toBe('FILLED');
    expect(fired.updateTimeMs).toBe(T0);
    expect(h.engine.nowMs()).toBe(T0);
  });

  it('brings the engine to the clock when the clock has moved, like advanceTo', () => {
    const h = setup();
    h.clock.advance(5_000);
    h.source.setMarkPrice('BTCUSDT', '99000');
    h.engine.refreshMarket();
    expect(h.engine.nowMs()).toBe(T0 + 5_000);
    expect(value(h.engine.premiumIndex('BTCUSDT'))[0]?.markPrice.toFixed()).toBe('99000');
  });

  it('returns the depth taken by fills, as every market update does', () => {
    const h = setup();
    h.source.setBook('spot', 'BTCUSDT', book([[99990, '1']], [[100010, '0.05']]));
    h.engine.refreshMarket();
    value(h.engine.placeOrder('alice', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.05' }));
    expect(value(h.engine.depth('spot', 'BTCUSDT')).asks).toEqual([]);
    h.engine.refreshMarket();
    expect(value(h.engine.depth('spot', 'BTCUSDT')).asks.map((l) => l.qty.toFixed())).toEqual(['0.05']);
    const orders = h.events.filter((e): e is SimOrderEvent => e.type === 'order');
    expect(orders.every((e) => e.timeMs === T0)).toBe(true);
  });
});
