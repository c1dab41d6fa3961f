import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import type {
  SimEvent,
  SimFuturesAccountEvent,
  SimMarkPriceEvent,
  SimOrderEvent,
  SimSpotBalanceEvent,
} from '../../../../src/sim/engine/index.ts';
import { book, HOUR, setup, T0, value } from './harness.ts';

const ofType =
  <T extends SimEvent['type']>(type: T) =>
  (e: SimEvent): e is Extract<SimEvent, { type: T }> =>
    e.type === type;

describe('engine events', () => {
  it('a spot fill reports NEW, then TRADE with the fill and its base-asset commission, then the new balances', () => {
    const h = setup();
    h.source.setBook('spot', 'BTCUSDT', book([[99990, 1]], [[100010, 1]]));
    h.tick();
    h.events.length = 0;
    const order = value(
      h.engine.placeOrder('alice', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' }),
    );
    const orders = h.events.filter(ofType('order')) as SimOrderEvent[];
    expect(orders.map((e) => [e.execType, e.order.status, e.lastFillQty.toFixed(), e.lastFillPrice.toFixed()])).toEqual(
      [
        ['NEW', 'NEW', '0', '0'],
        ['TRADE', 'FILLED', '0.01', '100010'],
      ],
    );
    expect(orders[1]?.commission.toFixed()).toBe('0.000004');
    expect(orders[1]?.commissionAsset).toBe('BTC');
    expect(orders[1]?.tradeId).toBeGreaterThan(0);
    expect(
      orders.every((e) => e.accountId === 'alice' && e.market === 'spot' && e.order.orderId === order.orderId),
    ).toBe(true);
    const balances = h.events.filter(ofType('spotBalance')) as SimSpotBalanceEvent[];
    expect(balances.length).toBe(1);
    expect(balances[0]?.balances.map((b) => [b.asset, b.free.toFixed()])).toEqual([
      ['BTC', '0.009996'],
      ['USDT', '8999.9'],
    ]);
    // The order event is delivered before the balance event, as exchanges send them.
    expect(h.events.findIndex((e) => e.type === 'spotBalance')).toBeGreaterThan(
      h.events.findIndex((e) => e.type === 'order'),
    );
  });

  it('a perp fill reports the trade, then an ACCOUNT_UPDATE (reason ORDER) with the balance and the position', () => {
    const h = setup();
    h.engine.deposit('alice', 'futures', 'USDT', dec(5_000));
    h.events.length = 0;
    value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' }));
    const trade = (h.events.filter(ofType('order')) as SimOrderEvent[]).find((e) => e.execType === 'TRADE');
    expect(trade?.commissionAsset).toBe('USDT');
    const update = (h.events.filter(ofType('futuresAccount')) as SimFuturesAccountEvent[])[0];
    expect(update?.reason).toBe('ORDER');
    expect(update?.balances[0]?.asset).toBe('USDT');
    expect(update?.balances[0]?.walletBalance.toFixed()).toBe(
      h.engine.futuresAccount('alice').totalWalletBalance.toFixed(),
    );
    expect(update?.balances[0]?.balanceChange.toFixed()).toBe(trade?.commission.negated().toFixed());
    expect(update?.positions.map((p) => [p.symbol, p.positionAmt.toFixed(), p.marginType])).toEqual([
      ['BTCUSDT', '-0.01', 'cross'],
    ]);
  });

  it('every market update publishes a mark price per perp symbol, then a tick', () => {
    const h = setup({
      symbols: [
        { baseAsset: 'BTC', price: '100000' },
        { baseAsset: 'ETH', price: '3500', spot: false },
      ],
    });
    h.events.length = 0;
    h.source.setMarkPrice('ETHUSDT', '3600');
    h.tick(1_000);
    const marks = h.events.filter(ofType('markPrice')) as SimMarkPriceEvent[];
    expect(marks.map((e) => [e.symbol, e.markPrice.toFixed(), e.nextFundingTimeMs])).toEqual([
      ['BTCUSDT', '100000', T0 + 7 * HOUR],
      ['ETHUSDT', '3600', T0 + 7 * HOUR],
    ]);
    expect(h.events.at(-1)).toEqual({ type: 'marketTick', timeMs: T0 + 1_000 });
  });

  it('a listener may call back into the engine; its events still arrive, in order, after the current batch', () => {
    const h = setup();
    h.engine.deposit('alice', 'futures', 'USDT', dec(5_000));
    const seen: string[] = [];
    let reacted = false;
    h.engine.subscribe((e) => {
      if (e.type !== 'order') return;
      seen.push(`${e.order.clientOrderId}:${e.execType}`);
      if (!reacted && e.execType === 'TRADE') {
        reacted = true;
        value(
          h.engine.placeOrder('alice', 'perp', {
            symbol: 'BTCUSDT',
            side: 'BUY',
            type: 'MARKET',
            quantity: '0.01',
            reduceOnly: 'true',
            newClientOrderId: 'hedge',
          }),
        );
      }
    });
    value(
      h.engine.placeOrder('alice', 'perp', {
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'MARKET',
        quantity: '0.01',
        newClientOrderId: 'open',
      }),
    );
    expect(seen).toEqual(['open:NEW', 'open:TRADE', 'hedge:NEW', 'hedge:TRADE']);
  });

  it('unsubscribing stops delivery', () => {
    const h = setup();
    let count = 0;
    const stop = h.engine.subscribe(() => {
      count++;
    });
    h.tick();
    const afterFirst = count;
    expect(afterFirst).toBeGreaterThan(0);
    stop();
    h.tick();
    expect(count).toBe(afterFirst);
  });
});
