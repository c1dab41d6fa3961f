import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import type { SimOrderEvent } from '../../../../src/sim/engine/index.ts';
import { book, errorOf, setup, value } from './harness.ts';

const BTC_BOOK = book(
  [
    [99990, '0.02'],
    [99980, '0.05'],
  ],
  [
    [100010, '0.02'],
    [100020, '0.03'],
    [100050, '0.05'],
  ],
);

function withBook() {
  const h = setup();
  h.source.setBook('spot', 'BTCUSDT', BTC_BOOK);
  h.tick();
  return h;
}

describe('spot market orders', () => {
  it('walks the ask side level by level: the average price is the volume-weighted fill price', () => {
    const { engine } = withBook();
    const order = value(
      engine.placeOrder('alice', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.04' }),
    );
    expect(order.status).toBe('FILLED');
    expect(order.executedQty.toFixed()).toBe('0.04');
    // 0.02 @ 100010 + 0.02 @ 100020
    expect(order.cumQuote.toFixed()).toBe('4000.6');
    expect(order.avgPrice.toFixed()).toBe('100015');
    const trades = value(engine.userTrades('alice', 'spot', { symbol: 'BTCUSDT' }));
    expect(trades.map((t) => [t.price.toFixed(), t.qty.toFixed()])).toEqual([
      ['100010', '0.02'],
      ['100020', '0.02'],
    ]);
  });

  it('a BUY pays its commission in the base asset; the quote side pays exactly the fill value', () => {
    const { engine } = withBook();
    value(engine.placeOrder('alice', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.04' }));
    const balances = new Map(engine.spotAccount('alice').balances.map((b) => [b.asset, b.free.toFixed()]));
    // taker 0.04 % of 0.02 BTC per fill = 0.000008 BTC, twice
    expect(balances.get('BTC')).toBe('0.039984');
    expect(balances.get('USDT')).toBe('5999.4');
    const trades = value(engine.userTrades('alice', 'spot', {}));
    expect(trades.every((t) => t.commissionAsset === 'BTC' && t.commission.toFixed() === '0.000008')).toBe(true);
    expect(engine.houseFees().get('BTC')?.toFixed()).toBe('0.000016');
  });

  it('a SELL pays its commission in the quote asset', () => {
    const { engine } = withBook();
    engine.deposit('bob', 'spot', 'BTC', dec('0.03'));
    value(engine.placeOrder('bob', 'spot', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.03' }));
    const balances = new Map(engine.spotAccount('bob').balances.map((b) => [b.asset, b.free.toFixed()]));
    // 0.02 @ 99990 + 0.01 @ 99980 = 2999.6 less 0.04 % (0.79992 + 0.39992)
    expect(balances.get('BTC')).toBe('0');
    expect(balances.get('USDT')).toBe(dec(10_000).plus('2999.6').minus('1.19984').toFixed());
    const trades = value(engine.userTrades('bob', 'spot', {}));
    expect(trades.map((t) => t.commissionAsset)).toEqual(['USDT', 'USDT']);
  });

  it('fills what the book holds when depth runs out, then the rest expires', () => {
    const { engine, events } = withBook();
    engine.deposit('alice', 'spot', 'USDT', dec(5_000));
    const order = value(
      engine.placeOrder('alice', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.09' }),
    );
    expect(order.status).toBe('FILLED');
    const partial = value(
      engine.placeOrder('alice', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.05' }),
    );
    // The first order took 0.09 of the 0.10 on offer; until the market updates only 0.01 is left.
    expect(partial.status).toBe('EXPIRED');
    expect(partial.executedQty.toFixed()).toBe('0.01');
    expect(partial.avgPrice.toFixed()).toBe('100050');
    const updates = events.filter((e): e is SimOrderEvent => e.type === 'order' && e.order.orderId === partial.orderId);
    expect(updates.map((e) => [e.execType, e.order.status])).toEqual([
      ['NEW', 'NEW'],
      ['TRADE', 'PARTIALLY_FILLED'],
      ['EXPIRED', 'EXPIRED'],
    ]);
    expect(updates[1]?.lastFillQty.toFixed()).toBe('0.01');
    expect(updates[1]?.commissionAsset).toBe('BTC');
  });

  it('an order the book can absorb fills completely, even when it takes every level', () => {
    const { engine } = withBook();
    engine.deposit('alice', 'spot', 'USDT', dec(5_000));
    const order = value(
      engine.placeOrder('alice', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.1' }),
    );
    expect(order.status).toBe('FILLED');
  });

  it('taken depth comes back with the next market update', () => {
    const h = withBook();
    h.engine.deposit('alice', 'spot', 'USDT', dec(5_000));
    value(h.engine.placeOrder('alice', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.1' }));
    expect(value(h.engine.depth('spot', 'BTCUSDT')).asks).toEqual([]);
    h.tick();
    expect(value(h.engine.depth('spot', 'BTCUSDT')).asks.map((l) => l.qty.toFixed())).toEqual(['0.02', '0.03', '0.05']);
  });

  it('quoteOrderQty spends at most the budget, in whole steps', () => {
    const { engine } = withBook();
    const order = value(
      engine.placeOrder('alice', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quoteOrderQty: '3000.3' }),
    );
    expect(order.status).toBe('FILLED');
    expect(order.cumQuote.lessThanOrEqualTo('3000.3')).toBe(true);
    // 0.02 @ 100010 = 2000.2; the remaining 1000.1 buys 0.00999 @ 100020 (step 0.00001)
    expect(order.executedQty.toFixed()).toBe('0.02999');
    expect(order.origQty.toFixed()).toBe('0.02999');
    expect(order.quoteOrderQty.toFixed()).toBe('3000.3');
    const usdt = engine.spotAccount('alice').balances.find((b) => b.asset === 'USDT');
    expect(usdt?.free.toFixed()).toBe(dec(10_000).minus(order.cumQuote).toFixed());
  });

  it('rejects with the error codes and messages Aster uses', () => {
    const { engine } = withBook();
    const place = (params: Record<string, string>) =>
      errorOf(engine.placeOrder('alice', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', ...params }));
    expect(place({ symbol: 'NOPEUSDT', quantity: '1' })).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    expect(place({ side: '', quantity: '1' })).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'side' was not sent, was empty/null, or malformed.",
    });
    expect(place({}).code).toBe(-1102);
    expect(place({ quantity: 'abc' }).code).toBe(-1102);
    expect(place({ quantity: '1e-3' }).code).toBe(-1102);
    expect(place({ side: 'HOLD', quantity: '0.01' }).code).toBe(-1117);
    expect(place({ type: 'LIMIT', quantity: '0.01' }).code).toBe(-1116);
    expect(place({ quantity: '0.01', reduceOnly: 'true' }).code).toBe(-1106);
    expect(place({ quantity: '0.01', quoteOrderQty: '100' }).code).toBe(-1128);
    expect(place({ quantity: '0' }).code).toBe(-4003);
    expect(place({ quantity: '0.000001' }).code).toBe(-4004);
    expect(place({ quantity: '101' }).code).toBe(-4005);
    expect(place({ quantity: '0.000015' })).toEqual({
      code: -1111,
      msg: 'Precision is over the maximum defined for this asset.',
    });
    expect(place({ quantity: '0.00004' })).toEqual({
      code: -5076,
      msg: 'Total order value should be more than 5 USDT',
    });
    expect(place({ quoteOrderQty: '4.99' }).code).toBe(-5076);
    expect(
      errorOf(
        engine.placeOrder('alice', 'spot', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' }),
      ),
    ).toEqual({ code: -2018, msg: 'Balance is insufficient.' });
    expect(place({ quoteOrderQty: '10000.01' }).code).toBe(-2018);
    // Nothing was traded by any of the rejected orders.
    expect(value(engine.userTrades('alice', 'spot', {}))).toEqual([]);
    expect(engine.spotAccount('alice').balances.map((b) => [b.asset, b.free.toFixed()])).toEqual([['USDT', '10000']]);
  });

  it('refuses an order worth more than the symbol publishes as its maxNotional, by quantity or by quote', () => {
    const h = setup();
    h.source.setBook('spot', 'BTCUSDT', book([[99990, 200]], [[100010, 200]]));
    h.tick();
    const def = h.engine.definition('spot', 'BTCUSDT');
    expect(def?.filters.maxNotional.toFixed()).toBe('9000000');
    h.engine.deposit('whale', 'spot', 'USDT', dec(20_000_000));
    const buy = (params: Record<string, string>) =>
      h.engine.placeOrder('whale', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', ...params });
    // 95 BTC passes MARKET_LOT_SIZE (max 100) but is worth 9 500 950 USDT at the best ask.
    expect(errorOf(buy({ quantity: '95' }))).toEqual({
      code: -5076,
      msg: 'Total order value should be less than 9000000 USDT',
    });
    expect(errorOf(buy({ quoteOrderQty: '9000000.01' })).code).toBe(-5076);
    expect(value(h.engine.userTrades('whale', 'spot', {}))).toEqual([]);
    // Just under the ceiling both ways.
    expect(value(buy({ quantity: '89.99' })).status).toBe('FILLED');
    expect(value(buy({ quoteOrderQty: '9000000' })).executedQty.greaterThan(0)).toBe(true);
  });

  it('a buy the wallet cannot pay for is rejected before anything fills', () => {
    const h = setup();
    h.source.setBook('spot', 'BTCUSDT', book([[99990, 1]], [[100010, 1]]));
    h.tick();
    expect(
      errorOf(h.engine.placeOrder('carol', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.1' }))
        .code,
    ).toBe(-2018);
    expect(h.engine.ledger('carol').map((e) => e.reason)).toEqual(['deposit']);
  });
});
