import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import { errorOf, HOUR, setup, value } from './harness.ts';

const usdt = (h: ReturnType<typeof setup>, id: string) => ({
  spot: h.engine
    .spotAccount(id)
    .balances.find((b) => b.asset === 'USDT')
    ?.free.toFixed(),
  futures: h.engine.futuresAccount(id).totalWalletBalance.toFixed(),
});

describe('spot ↔ futures transfers', () => {
  it('moves USDT both ways, recorded as TRANSFER income on the futures side', () => {
    const h = setup();
    const to = value(
      h.engine.transfer('alice', { asset: 'USDT', amount: '2500.5', kindType: 'SPOT_FUTURE', clientTranId: 'in-1' }),
    );
    expect(to.status).toBe('SUCCESS');
    expect(usdt(h, 'alice')).toEqual({ spot: '7499.5', futures: '2500.5' });
    const back = value(
      h.engine.transfer('alice', { asset: 'USDT', amount: '500', kindType: 'FUTURE_SPOT', clientTranId: 'out-1' }),
    );
    expect(back.tranId).not.toBe(to.tranId);
    expect(usdt(h, 'alice')).toEqual({ spot: '7999.5', futures: '2000.5' });
    const income = value(h.engine.income('alice', { incomeType: 'TRANSFER' }));
    expect(income.map((r) => [r.income.toFixed(), r.tranId])).toEqual([
      ['2500.5', String(to.tranId)],
      ['-500', String(back.tranId)],
    ]);
  });

  it('is idempotent on clientTranId: a replay is -4115 and moves nothing', () => {
    const h = setup();
    const params = { asset: 'USDT', amount: '1000', kindType: 'SPOT_FUTURE', clientTranId: 'rebalance-42' };
    value(h.engine.transfer('alice', params));
    expect(errorOf(h.engine.transfer('alice', params))).toEqual({
      code: -4115,
      msg: 'Client tran id should be unique within 7 days',
    });
    expect(errorOf(h.engine.transfer('alice', { ...params, kindType: 'FUTURE_SPOT' })).code).toBe(-4115);
    expect(usdt(h, 'alice')).toEqual({ spot: '9000', futures: '1000' });
    // Another account may use the same id; after seven days the id is free again.
    value(h.engine.transfer('bob', params));
    h.tick(7 * 24 * HOUR);
    value(h.engine.transfer('alice', params));
    expect(usdt(h, 'alice')).toEqual({ spot: '8000', futures: '2000' });
  });

  it('cannot take out margin that open positions need, nor more than the wallet holds', () => {
    const h = setup();
    value(h.engine.transfer('alice', { asset: 'USDT', amount: '2000', kindType: 'SPOT_FUTURE', clientTranId: 'a' }));
    value(h.engine.setLeverage('alice', 'BTCUSDT', 2));
    value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.02' }));
    const { maxWithdrawAmount } = h.engine.futuresAccount('alice');
    expect(maxWithdrawAmount.lessThan(1001)).toBe(true);
    const tooMuch = {
      asset: 'USDT',
      amount: maxWithdrawAmount.plus('0.01').toFixed(),
      kindType: 'FUTURE_SPOT',
      clientTranId: 'b',
    };
    expect(errorOf(h.engine.transfer('alice', tooMuch))).toEqual({ code: -2018, msg: 'Balance is insufficient.' });
    value(h.engine.transfer('alice', { ...tooMuch, amount: maxWithdrawAmount.toFixed(), clientTranId: 'c' }));
    const spot = h.engine.spotAccount('alice').balances.find((b) => b.asset === 'USDT')?.free ?? dec(0);
    const overdraw = { asset: 'USDT', amount: spot.plus('0.01').toFixed(), kindType: 'SPOT_FUTURE', clientTranId: 'd' };
    expect(errorOf(h.engine.transfer('alice', overdraw)).code).toBe(-2018);
  });

  it('validates its parameters with Aster codes', () => {
    const h = setup();
    const base = { asset: 'USDT', amount: '10', kindType: 'SPOT_FUTURE', clientTranId: 'x' };
    expect(errorOf(h.engine.transfer('alice', { ...base, clientTranId: '' })).code).toBe(-1102);
    expect(errorOf(h.engine.transfer('alice', { ...base, clientTranId: 'x'.repeat(64) })).code).toBe(-4114);
    expect(errorOf(h.engine.transfer('alice', { ...base, kindType: 'MAIN_UMFUTURE' })).code).toBe(-1130);
    expect(errorOf(h.engine.transfer('alice', { ...base, amount: '0' })).code).toBe(-1130);
    expect(errorOf(h.engine.transfer('alice', { ...base, amount: '1.123456789' })).code).toBe(-1111);
    expect(errorOf(h.engine.transfer('alice', { ...base, amount: 'ten' })).code).toBe(-1102);
    expect(errorOf(h.engine.transfer('alice', { ...base, asset: '' })).code).toBe(-1102);
    // None of those moved anything, and none burnt the client id.
    value(h.engine.transfer('alice', base));
    expect(usdt(h, 'alice')).toEqual({ spot: '9990', futures: '10' });
  });

  it('transfers other assets too (spot BTC into the futures wallet and back)', () => {
    const h = setup();
    h.engine.deposit('alice', 'spot', 'BTC', dec('0.5'));
    value(h.engine.transfer('alice', { asset: 'BTC', amount: '0.2', kindType: 'SPOT_FUTURE', clientTranId: 'btc-1' }));
    expect(
      h.engine
        .futuresAccount('alice')
        .assets.find((a) => a.asset === 'BTC')
        ?.walletBalance.toFixed(),
    ).toBe('0.2');
    value(h.engine.transfer('alice', { asset: 'BTC', amount: '0.2', kindType: 'FUTURE_SPOT', clientTranId: 'btc-2' }));
    expect(
      h.engine
        .spotAccount('alice')
        .balances.find((b) => b.asset === 'BTC')
        ?.free.toFixed(),
    ).toBe('0.5');
  });
});
