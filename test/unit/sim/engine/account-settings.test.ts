import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import type { SimAccountConfigEvent } from '../../../../src/sim/engine/index.ts';
import { errorOf, setup, value } from './harness.ts';

describe('futures account settings', () => {
  it('accepts leverage 1..125 per symbol and rejects anything else with -4028', () => {
    const h = setup({
      symbols: [
        { baseAsset: 'BTC', price: '100000' },
        { baseAsset: 'ETH', price: '3500' },
      ],
    });
    expect(value(h.engine.setLeverage('alice', 'BTCUSDT', '3'))).toMatchObject({ symbol: 'BTCUSDT', leverage: 3 });
    expect(value(h.engine.setLeverage('alice', 'ETHUSDT', 125)).leverage).toBe(125);
    for (const bad of [0, 126, '2.5', '-1', 'x']) {
      expect(errorOf(h.engine.setLeverage('alice', 'BTCUSDT', bad)).code).toBe(-4028);
    }
    expect(errorOf(h.engine.setLeverage('alice', 'NOPE', 3)).code).toBe(-1121);
    const rows = value(h.engine.positionRisk('alice'));
    expect(rows.map((r) => [r.symbol, r.leverage])).toEqual([
      ['BTCUSDT', 3],
      ['ETHUSDT', 125],
    ]);
    const configs = h.events.filter((e): e is SimAccountConfigEvent => e.type === 'accountConfig');
    expect(configs.map((e) => [e.symbol, e.leverage])).toEqual([
      ['BTCUSDT', 3],
      ['ETHUSDT', 125],
    ]);
  });

  it('refuses a lower leverage the open position would exceed', () => {
    const h = setup();
    h.engine.deposit('alice', 'futures', 'USDT', dec(20_000));
    value(h.engine.setLeverage('alice', 'BTCUSDT', 10));
    value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.6' }));
    expect(errorOf(h.engine.setLeverage('alice', 'BTCUSDT', 125)).code).toBe(-2027);
  });

  it('changes margin type only when there is a change, no open order and no position', () => {
    const h = setup();
    h.engine.deposit('alice', 'futures', 'USDT', dec(5_000));
    expect(errorOf(h.engine.setMarginType('alice', 'BTCUSDT', 'CROSSED'))).toEqual({
      code: -4046,
      msg: 'No need to change margin type.',
    });
    expect(errorOf(h.engine.setMarginType('alice', 'BTCUSDT', 'cross')).code).toBe(-1130);
    value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' }));
    expect(errorOf(h.engine.setMarginType('alice', 'BTCUSDT', 'ISOLATED'))).toEqual({
      code: -4048,
      msg: 'Margin type cannot be changed if there exists position.',
    });
    value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' }));
    value(
      h.engine.placeOrder('alice', 'perp', {
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'STOP_MARKET',
        stopPrice: '90000',
        quantity: '0.01',
      }),
    );
    expect(errorOf(h.engine.setMarginType('alice', 'BTCUSDT', 'ISOLATED')).code).toBe(-4047);
    value(h.engine.cancelAllOrders('alice', 'perp', 'BTCUSDT'));
    value(h.engine.setMarginType('alice', 'BTCUSDT', 'ISOLATED'));
    expect(value(h.engine.positionRisk('alice', 'BTCUSDT'))[0]?.marginType).toBe('isolated');
  });

  it('changes position mode only when needed and when flat', () => {
    const h = setup();
    h.engine.deposit('alice', 'futures', 'USDT', dec(5_000));
    expect(errorOf(h.engine.setPositionMode('alice', 'false'))).toEqual({
      code: -4059,
      msg: 'No need to change position side.',
    });
    value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' }));
    expect(errorOf(h.engine.setPositionMode('alice', 'true'))).toEqual({
      code: -4068,
      msg: 'Position side cannot be changed if there exists position.',
    });
    value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' }));
    value(
      h.engine.placeOrder('alice', 'perp', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'STOP_MARKET',
        stopPrice: '110000',
        quantity: '0.01',
      }),
    );
    expect(errorOf(h.engine.setPositionMode('alice', 'true')).code).toBe(-4067);
    value(h.engine.cancelAllOrders('alice', 'perp', 'BTCUSDT'));
    value(h.engine.setPositionMode('alice', true));
    expect(h.engine.positionMode('alice')).toEqual({ dualSidePosition: true });
    expect(value(h.engine.positionRisk('alice', 'BTCUSDT')).map((r) => r.positionSide)).toEqual(['LONG', 'SHORT']);
    expect(errorOf(h.engine.setPositionMode('alice', 'maybe')).code).toBe(-1130);
  });

  it('reports each market commission rate', () => {
    const h = setup();
    const perp = value(h.engine.commissionRate('perp', 'BTCUSDT'));
    const spot = value(h.engine.commissionRate('spot', 'BTCUSDT'));
    expect([perp.makerCommissionRate.toFixed(), perp.takerCommissionRate.toFixed()]).toEqual(['0.0001', '0.00035']);
    expect([spot.makerCommissionRate.toFixed(), spot.takerCommissionRate.toFixed()]).toEqual(['0.00005', '0.0004']);
  });

  it('creates accounts on first use, funded with the configured USDT in the spot wallet', () => {
    const h = setup({ engine: { initialUsdt: dec(2_500) } });
    expect(h.engine.accountIds()).toEqual([]);
    expect(h.engine.spotAccount('0xabc').balances.map((b) => [b.asset, b.free.toFixed()])).toEqual([['USDT', '2500']]);
    expect(h.engine.futuresAccount('0xabc').totalWalletBalance.toFixed()).toBe('0');
    expect(h.engine.accountIds()).toEqual(['0xabc']);
    expect(h.engine.ledger('0xabc').map((e) => [e.wallet, e.reason, e.delta.toFixed()])).toEqual([
      ['spot', 'deposit', '2500'],
    ]);
  });
});
