/**
 * `placeOrder(..., { fillFraction })`: a market order finds only part of its quantity, trades it, and the rest
 * expires, as an order does when the book runs out. The book itself is untouched for every other order.
 */
import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import type { SimOrderEvent } from '../../../../src/sim/engine/index.ts';
import { book, type Harness, setup, value } from './harness.ts';

const DEEP = book(
  [
    [99990, '5'],
    [99980, '5'],
  ],
  [
    [100010, '5'],
    [100020, '5'],
  ],
);

function deepBooks(): Harness {
  const h = setup();
  h.source.setBook('spot', 'BTCUSDT', DEEP);
  h.source.setBook('perp', 'BTCUSDT', DEEP);
  h.engine.refreshMarket();
  h.engine.deposit('alice', 'futures', 'USDT', dec(50_000));
  return h;
}

function orderEvents(h: Harness, orderId: number): [string, string][] {
  return h.events
    .filter((e): e is SimOrderEvent => e.type === 'order' && e.order.orderId === orderId)
    .map((e) => [e.execType, e.order.status]);
}

describe('fillFraction', () => {
  it('a perp market order trades the fraction, floored to the step, and its remainder expires', () => {
    const h = deepBooks();
    const order = value(
      h.engine.placeOrder(
        'alice',
        'perp',
        { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.1' },
        { fillFraction: dec('0.35678') },
      ),
    );
    // 0.1 × 0.35678 = 0.035678, floored to the 0.0001 market step.
    expect(order.status).toBe('EXPIRED');
    expect(order.origQty.toFixed()).toBe('0.1');
    expect(order.executedQty.toFixed()).toBe('0.0356');
    expect(orderEvents(h, order.orderId)).toEqual([
      ['NEW', 'NEW'],
      ['TRADE', 'PARTIALLY_FILLED'],
      ['EXPIRED', 'EXPIRED'],
    ]);
    expect(value(h.engine.positionRisk('alice', 'BTCUSDT'))[0]?.positionAmt.toFixed()).toBe('-0.0356');
    // The book lost only what traded: the next order at the same instant finds the rest of the level.
    const bids = value(h.engine.depth('perp', 'BTCUSDT')).bids.map((l) => l.qty.toFixed());
    expect(bids).toEqual(['4.9644', '5']);
    const next = value(
      h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.1' }),
    );
    expect(next.status).toBe('FILLED');
  });

  it('a spot order sized in base trades the fraction; one sized in quote the fraction of what its budget buys', () => {
    const h = deepBooks();
    const byQty = value(
      h.engine.placeOrder(
        'alice',
        'spot',
        { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.02' },
        { fillFraction: dec('0.5') },
      ),
    );
    expect([byQty.status, byQty.executedQty.toFixed(), byQty.origQty.toFixed()]).toEqual(['EXPIRED', '0.01', '0.02']);
    const byQuote = value(
      h.engine.placeOrder(
        'alice',
        'spot',
        { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quoteOrderQty: '2000.2' },
        { fillFraction: dec('0.25') },
      ),
    );
    // 2000.2 buys 0.02 at 100010; a quarter of it is 0.005.
    expect([byQuote.status, byQuote.executedQty.toFixed()]).toEqual(['EXPIRED', '0.005']);
    expect(byQuote.cumQuote.toFixed()).toBe('500.05');
    expect(orderEvents(h, byQuote.orderId).at(-1)).toEqual(['EXPIRED', 'EXPIRED']);
    const usdt = h.engine.spotAccount('alice').balances.find((b) => b.asset === 'USDT');
    expect(usdt?.free.toFixed()).toBe(dec(10_000).minus('1000.1').minus('500.05').toFixed());
  });

  it('always trades at least one step, and an order of one step trades whole', () => {
    const h = deepBooks();
    const tiny = value(
      h.engine.placeOrder(
        'alice',
        'perp',
        { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.0003' },
        { fillFraction: dec('0.2') },
      ),
    );
    expect([tiny.status, tiny.executedQty.toFixed()]).toEqual(['EXPIRED', '0.0001']);
    const one = value(
      h.engine.placeOrder(
        'alice',
        'perp',
        { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.0001' },
        { fillFraction: dec('0.2') },
      ),
    );
    expect([one.status, one.executedQty.toFixed()]).toEqual(['FILLED', '0.0001']);
  });

  it('a fraction of 1 changes nothing, and a fraction outside (0, 1] is a programming error', () => {
    const h = deepBooks();
    const whole = value(
      h.engine.placeOrder(
        'alice',
        'perp',
        { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.1' },
        { fillFraction: dec(1) },
      ),
    );
    expect(whole.status).toBe('FILLED');
    const params = { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.1' };
    expect(() => h.engine.placeOrder('alice', 'perp', params, { fillFraction: dec(0) })).toThrow(/fillFraction/);
    expect(() => h.engine.placeOrder('alice', 'perp', params, { fillFraction: dec('1.5') })).toThrow(/fillFraction/);
  });
});
