import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import type { SimOrderEvent } from '../../../../src/sim/engine/index.ts';
import { errorOf, setup, value } from './harness.ts';

function shortPosition() {
  const h = setup();
  h.engine.deposit('alice', 'futures', 'USDT', dec(5_000));
  value(h.engine.setLeverage('alice', 'BTCUSDT', 3));
  value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.05' }));
  return h;
}

const stop = (stopPrice: string, extra: Record<string, string> = {}) => ({
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'STOP_MARKET',
  stopPrice,
  quantity: '0.05',
  reduceOnly: 'true',
  workingType: 'MARK_PRICE',
  newClientOrderId: 'sl-1',
  ...extra,
});

describe('STOP_MARKET orders', () => {
  it('wait as NEW until the mark price crosses the stop, then close the position at market', () => {
    const h = shortPosition();
    const placed = value(h.engine.placeOrder('alice', 'perp', stop('110000')));
    expect(placed.status).toBe('NEW');
    expect(value(h.engine.openOrders('alice', 'perp', 'BTCUSDT')).map((o) => o.clientOrderId)).toEqual(['sl-1']);

    h.source.setPrice('BTCUSDT', '109999');
    h.tick();
    expect(value(h.engine.getOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'sl-1' })).status).toBe('NEW');

    h.source.setPrice('BTCUSDT', '110000');
    h.tick();
    const fired = value(h.engine.getOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'sl-1' }));
    expect(fired.status).toBe('FILLED');
    expect(fired.executedQty.toFixed()).toBe('0.05');
    expect(value(h.engine.positionRisk('alice', 'BTCUSDT'))[0]?.positionAmt.isZero()).toBe(true);
    expect(value(h.engine.openOrders('alice', 'perp'))).toEqual([]);
    const trades = h.events.filter((e): e is SimOrderEvent => e.type === 'order' && e.order.orderId === placed.orderId);
    expect(trades[0]?.execType).toBe('NEW');
    expect(trades.at(-1)?.order.status).toBe('FILLED');
  });

  it('a SELL stop fires when the trigger falls to or below the stop price', () => {
    const h = setup();
    h.engine.deposit('bob', 'futures', 'USDT', dec(5_000));
    value(h.engine.placeOrder('bob', 'perp', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.02' }));
    value(
      h.engine.placeOrder('bob', 'perp', {
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'STOP_MARKET',
        stopPrice: '95000',
        closePosition: 'true',
        workingType: 'MARK_PRICE',
      }),
    );
    h.source.setPrice('BTCUSDT', '94000');
    h.tick();
    expect(value(h.engine.positionRisk('bob', 'BTCUSDT'))[0]?.positionAmt.isZero()).toBe(true);
    const [order] = value(h.engine.allOrders('bob', 'perp', 'BTCUSDT', {})).filter((o) => o.type === 'STOP_MARKET');
    expect(order?.origQty.toFixed()).toBe('0.02');
    expect(order?.status).toBe('FILLED');
  });

  it('is rejected with -2021 when it would trigger at once', () => {
    const h = shortPosition();
    expect(errorOf(h.engine.placeOrder('alice', 'perp', stop('100000')))).toEqual({
      code: -2021,
      msg: 'Order would immediately trigger.',
    });
  });

  it('validates the stop price and the closePosition combination', () => {
    const h = shortPosition();
    const place = (params: Record<string, string>) => errorOf(h.engine.placeOrder('alice', 'perp', params));
    expect(place(stop('', {})).code).toBe(-1102);
    expect(place(stop('110000.5')).code).toBe(-4014);
    expect(place(stop('-1')).code).toBe(-4013);
    expect(place(stop('110000', { closePosition: 'true' })).code).toBe(-1106);
    expect(place({ ...stop('110000', { closePosition: 'true' }), reduceOnly: '' }).code).toBe(-1106);
    expect(place({ ...stop('110000'), workingType: 'LAST' }).code).toBe(-1130);
    expect(
      place({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01', closePosition: 'true' }).code,
    ).toBe(-1106);
  });

  it('an open client id cannot be reused; a cancelled one can', () => {
    const h = shortPosition();
    value(h.engine.placeOrder('alice', 'perp', stop('110000')));
    expect(errorOf(h.engine.placeOrder('alice', 'perp', stop('120000'))).code).toBe(-4116);
    const cancelled = value(h.engine.cancelOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'sl-1' }));
    expect(cancelled.status).toBe('CANCELED');
    expect(errorOf(h.engine.cancelOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'sl-1' }))).toEqual({
      code: -2011,
      msg: 'Unknown order sent.',
    });
    value(h.engine.placeOrder('alice', 'perp', stop('120000')));
    h.source.setPrice('BTCUSDT', '115000');
    h.tick();
    // The cancelled stop at 110000 never fires.
    expect(value(h.engine.positionRisk('alice', 'BTCUSDT'))[0]?.positionAmt.toFixed()).toBe('-0.05');
    expect(value(h.engine.cancelAllOrders('alice', 'perp', 'BTCUSDT')).map((o) => o.status)).toEqual(['CANCELED']);
  });

  it('expires instead of opening a position when the reduce-only stop finds nothing to reduce', () => {
    const h = shortPosition();
    value(h.engine.placeOrder('alice', 'perp', stop('110000')));
    value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.05' }));
    h.source.setPrice('BTCUSDT', '111000');
    h.tick();
    expect(value(h.engine.getOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'sl-1' })).status).toBe('EXPIRED');
    expect(value(h.engine.positionRisk('alice', 'BTCUSDT'))[0]?.positionAmt.isZero()).toBe(true);
  });

  it('a CONTRACT_PRICE stop watches the last price, a MARK_PRICE stop the mark', () => {
    const h = shortPosition();
    value(h.engine.placeOrder('alice', 'perp', stop('110000', { workingType: 'CONTRACT_PRICE' })));
    value(h.engine.placeOrder('alice', 'perp', stop('111000', { newClientOrderId: 'sl-mark' })));
    h.source.setLastPrice('BTCUSDT', '100500');
    h.source.setMarkPrice('BTCUSDT', '110500');
    h.tick();
    expect(value(h.engine.getOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'sl-1' })).status).toBe('NEW');
    h.source.setLastPrice('BTCUSDT', '110000');
    h.tick();
    expect(value(h.engine.getOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'sl-1' })).status).toBe('FILLED');
    // The mark stop never reached its price, and now has nothing left to reduce once it does.
    expect(value(h.engine.getOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'sl-mark' })).status).toBe('NEW');
    h.source.setMarkPrice('BTCUSDT', '111000');
    h.tick();
    expect(value(h.engine.getOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'sl-mark' })).status).toBe(
      'EXPIRED',
    );
  });
});
