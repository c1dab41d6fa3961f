import { describe, expect, it } from 'vitest';
import {
  type AsterUserEvent,
  isPortUserEvent,
  parseUserStreamEvent,
} from '../../../../../src/venue/aster/schemas/user-stream.ts';
import { clone, expectInvalid } from './expect-invalid.ts';
import { streamData } from './fixtures.ts';

type Rec = Record<string, unknown>;

function only<T extends AsterUserEvent['type']>(
  events: AsterUserEvent[],
  type: T,
): Extract<AsterUserEvent, { type: T }> {
  expect(events).toHaveLength(1);
  const [event] = events;
  expect(event?.type).toBe(type);
  return event as Extract<AsterUserEvent, { type: T }>;
}

describe('futures ORDER_TRADE_UPDATE', () => {
  it('becomes an order event with the order as the engine sees it', () => {
    const e = only(parseUserStreamEvent(streamData('Futures/OrderUpdate.txt'), 'perp'), 'order');
    expect(e.eventTimeMs).toBe(1568879465651);
    expect(e.order).toMatchObject({
      market: 'perp',
      symbol: 'BTCUSDT',
      orderId: '8886774',
      clientOrderId: 'TEST',
      side: 'SELL',
      type: 'TRAILING_STOP_MARKET',
      status: 'NEW',
      reduceOnly: false,
      updateTimeMs: 1568879465651,
    });
    expect(e.order.origQty.toFixed()).toBe('0.001');
    expect(e.order.stopPrice.toFixed()).toBe('7103.04');
    expect(e.executionType).toBe('NEW');
    expect(e.tradeId).toBe('');
    expect(e.commissionAsset).toBe('USDT');
    expect(e.commission.isZero()).toBe(true);
  });

  it('reports a fill: last fill, cumulative quote from the average, positive commission', () => {
    const data = clone(streamData('Futures/OrderUpdate.txt')) as Rec & { o: Rec };
    Object.assign(data.o, {
      o: 'MARKET',
      x: 'TRADE',
      X: 'FILLED',
      q: '0.010',
      z: '0.010',
      l: '0.004',
      L: '117936.3',
      ap: '117936.31',
      n: '-0.0165',
      N: 'USDT',
      t: 5561,
      m: true,
      R: true,
      rp: '1.25',
    });
    const e = only(parseUserStreamEvent(data, 'perp'), 'order');
    expect(e.order.status).toBe('FILLED');
    expect(e.order.executedQty.toFixed()).toBe('0.01');
    expect(e.order.cumQuote.toFixed()).toBe('1179.3631');
    expect(e.order.reduceOnly).toBe(true);
    expect(e.lastFillQty.toFixed()).toBe('0.004');
    expect(e.lastFillPrice.toFixed()).toBe('117936.3');
    expect(e.commission.toFixed()).toBe('0.0165');
    expect(e.tradeId).toBe('5561');
    expect(e.maker).toBe(true);
    expect(e.realizedPnl.toFixed()).toBe('1.25');
  });

  it('accepts a NEW event without commission fields', () => {
    const data = clone(streamData('Futures/OrderUpdate.txt')) as Rec & { o: Rec };
    delete data.o['n'];
    delete data.o['N'];
    const e = only(parseUserStreamEvent(data, 'perp'), 'order');
    expect(e.commissionAsset).toBe('');
    expect(e.commission.isZero()).toBe(true);
  });

  it('rejects a fill without its filled quantity, naming the nested field', () => {
    const data = clone(streamData('Futures/OrderUpdate.txt')) as Rec & { o: Rec };
    delete data.o['z'];
    expectInvalid(
      () => parseUserStreamEvent(data, 'perp'),
      'o.z',
      'nothing (field absent)',
      'perp user stream ORDER_TRADE_UPDATE',
    );
  });
});

describe('futures ACCOUNT_UPDATE', () => {
  it('turns balances into perpBalance events and positions into position events', () => {
    const events = parseUserStreamEvent(streamData('Futures/AccountUpdate.txt'), 'perp');
    expect(events.map((e) => e.type)).toEqual(['perpBalance', 'perpBalance', 'position', 'position', 'position']);
    const [usdt, , flat, long, short] = events;
    expect(usdt).toMatchObject({ type: 'perpBalance', reason: 'ORDER', asset: 'USDT', eventTimeMs: 1564745798939 });
    if (usdt?.type !== 'perpBalance') throw new Error('unreachable');
    expect(usdt.walletBalance.toFixed()).toBe('122624.12345678');
    expect(usdt.crossWalletBalance.toFixed()).toBe('100.12345678');
    expect(usdt.balanceChange?.toFixed()).toBe('50.12345678');
    expect(flat).toMatchObject({ type: 'position', symbol: 'BTCUSDT', positionSide: 'BOTH', marginType: 'isolated' });
    if (long?.type !== 'position' || short?.type !== 'position') throw new Error('unreachable');
    expect(long.positionAmt.toFixed()).toBe('20');
    expect(long.entryPrice.toFixed()).toBe('6563.665');
    expect(short.positionAmt.toFixed()).toBe('-10');
    expect(short.unrealizedPnl.toFixed()).toBe('-1423.156');
    expect(short.reason).toBe('ORDER');
  });

  it('turns a FUNDING_FEE update carrying only the balance into a funding event', () => {
    const data = {
      e: 'ACCOUNT_UPDATE',
      E: 1750176000123,
      T: 1750176000120,
      a: { m: 'FUNDING_FEE', B: [{ a: 'USDT', wb: '1001.25', cw: '1001.25', bc: '1.25' }] },
    };
    const e = only(parseUserStreamEvent(data, 'perp'), 'funding');
    expect(e.asset).toBe('USDT');
    expect(e.walletBalance.toFixed()).toBe('1001.25');
    expect(e.balanceChange?.toFixed()).toBe('1.25');
    expect(e.eventTimeMs).toBe(1750176000123);
  });

  it('rejects a balance row with an empty wallet balance', () => {
    const data = clone(streamData('Futures/AccountUpdate.txt')) as Rec & { a: { B: Rec[] } };
    (data.a.B[1] as Rec)['wb'] = '';
    expectInvalid(() => parseUserStreamEvent(data, 'perp'), 'a.B[1].wb', '""');
  });
});

describe('other futures events', () => {
  it('reads a leverage change and an account setting change', () => {
    const leverage = only(parseUserStreamEvent(streamData('Futures/AccountConfig.txt'), 'perp'), 'accountConfig');
    expect(leverage).toMatchObject({ symbol: 'BTCUSDT', leverage: 25, multiAssetsMode: null, dualSidePosition: null });
    const setting = only(parseUserStreamEvent(streamData('Futures/AccountConfig2.txt'), 'perp'), 'accountConfig');
    expect(setting).toMatchObject({ symbol: null, leverage: null, multiAssetsMode: true, feeDeduction: null });
  });

  it('reads a margin call', () => {
    const e = only(parseUserStreamEvent(streamData('Futures/AccountMargin.txt'), 'perp'), 'marginCall');
    expect(e.crossWalletBalance?.toFixed()).toBe('3.16812045');
    expect(e.positions[0]).toMatchObject({ symbol: 'ETHUSDT', positionSide: 'LONG', marginType: 'cross' });
    expect(e.positions[0]?.maintMargin.toFixed()).toBe('1.614445');
  });

  it('reads listenKeyExpired on both markets', () => {
    for (const market of ['perp', 'spot'] as const) {
      const e = only(parseUserStreamEvent({ e: 'listenKeyExpired', E: '1576653824250' }, market), 'listenKeyExpired');
      expect(e.eventTimeMs).toBe(1576653824250);
    }
  });

  it('ignores event types it does not know, but rejects a payload without a type', () => {
    expect(parseUserStreamEvent({ e: 'STRATEGY_UPDATE', E: 1 }, 'perp')).toEqual([]);
    expect(parseUserStreamEvent({ e: 'toString', E: 1 }, 'perp')).toEqual([]);
    expect(parseUserStreamEvent({ e: 'executionReport', E: 1 }, 'perp')).toEqual([]);
    expectInvalid(() => parseUserStreamEvent({ E: 1 }, 'perp'), 'e', 'nothing (field absent)');
    expectInvalid(() => parseUserStreamEvent('ping', 'spot'), 'e');
  });
});

describe('spot user stream', () => {
  it('turns executionReport into an order event, using the cumulative quote', () => {
    const e = only(parseUserStreamEvent(streamData('Spot/OrderUpdate.txt'), 'spot'), 'order');
    expect(e.order).toMatchObject({
      market: 'spot',
      symbol: 'ADA25SLP25',
      orderId: '27',
      clientOrderId: 'Xzh0gnxT41PStbwqOtXnjD',
      side: 'SELL',
      status: 'PARTIALLY_FILLED',
      reduceOnly: false,
      updateTimeMs: 1649926447190,
    });
    expect(e.order.executedQty.toFixed()).toBe('8.999');
    expect(e.order.cumQuote.toFixed()).toBe('171.88089996');
    expect(e.order.avgPrice.toFixed()).toBe('19.0999999955550656');
    expect(e.lastFillQty.toFixed()).toBe('1');
    expect(e.commission.toFixed()).toBe('0.00382');
    expect(e.commissionAsset).toBe('SLP25');
    expect(e.tradeId).toBe('18');
    expect(e.executionType).toBe('TRADE');
  });

  it('derives the average from the cumulative quote when `ap` is missing', () => {
    const data = clone(streamData('Spot/OrderUpdate.txt')) as Rec;
    delete data['ap'];
    Object.assign(data, { z: '2', Z: '38.2' });
    expect(only(parseUserStreamEvent(data, 'spot'), 'order').order.avgPrice.toFixed()).toBe('19.1');
  });

  it('turns outboundAccountPosition into spot balance events', () => {
    const events = parseUserStreamEvent(streamData('Spot/AccountUpdate.txt'), 'spot');
    expect(
      events.map((e) => (e.type === 'balance' ? [e.market, e.asset, e.free.toFixed(), e.locked.toFixed()] : e.type)),
    ).toEqual([
      ['spot', 'SLP25', '10282.42029415', '653.00000001'],
      ['spot', 'ADA25', '9916.9622988', '34.0051'],
    ]);
  });

  it('rejects a negative free balance', () => {
    const data = clone(streamData('Spot/AccountUpdate.txt')) as Rec & { B: Rec[] };
    (data.B[0] as Rec)['f'] = '-1';
    expectInvalid(() => parseUserStreamEvent(data, 'spot'), 'B[0].f', '"-1"');
  });
});

describe('port compatibility', () => {
  it('tells the port events from the Aster-only extras', () => {
    const events = [
      ...parseUserStreamEvent(streamData('Futures/AccountUpdate.txt'), 'perp'),
      ...parseUserStreamEvent(streamData('Futures/AccountConfig.txt'), 'perp'),
      ...parseUserStreamEvent(streamData('Futures/OrderUpdate.txt'), 'perp'),
    ];
    expect(events.filter(isPortUserEvent).map((e) => e.type)).toEqual(['position', 'position', 'position', 'order']);
  });
});
