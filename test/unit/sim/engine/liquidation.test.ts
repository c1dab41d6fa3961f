import { describe, expect, it } from 'vitest';
import { dec, sumDec } from '../../../../src/domain/decimal.ts';
import type { SimOrderEvent } from '../../../../src/sim/engine/index.ts';
import { setup, value } from './harness.ts';

function leveragedShort() {
  const h = setup({
    symbols: [
      { baseAsset: 'BTC', price: '100000' },
      { baseAsset: 'ETH', price: '3500' },
    ],
  });
  h.engine.deposit('alice', 'futures', 'USDT', dec(1_000));
  value(h.engine.setLeverage('alice', 'BTCUSDT', 20));
  value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.15' }));
  return h;
}

const btcPosition = (h: ReturnType<typeof setup>, id = 'alice') => value(h.engine.positionRisk(id, 'BTCUSDT'))[0];

describe('liquidation', () => {
  it('happens when the margin balance falls below maintenance, not before', () => {
    const h = leveragedShort();
    const liquidationPrice = btcPosition(h)?.liquidationPrice;
    expect(liquidationPrice?.greaterThan(100_000)).toBe(true);
    const below = liquidationPrice?.minus(3).floor() ?? dec(0);
    h.source.setPrice('BTCUSDT', below);
    h.tick();
    const safe = h.engine.futuresAccount('alice');
    expect(safe.totalMarginBalance.greaterThanOrEqualTo(safe.totalMaintMargin)).toBe(true);
    expect(btcPosition(h)?.positionAmt.toFixed()).toBe('-0.15');

    h.source.setPrice('BTCUSDT', below.plus(6));
    h.tick();
    expect(btcPosition(h)?.positionAmt.isZero()).toBe(true);
    const orders = value(h.engine.allOrders('alice', 'perp', 'BTCUSDT', {}));
    const forced = orders.find((o) => o.isLiquidation);
    expect(forced?.clientOrderId).toMatch(/^autoclose-/);
    expect(forced?.status).toBe('FILLED');
    const calculated = h.events.filter(
      (e): e is SimOrderEvent =>
        e.type === 'order' && e.order.orderId === forced?.orderId && e.execType === 'CALCULATED',
    );
    expect(calculated.length).toBeGreaterThan(0);
  });

  it('charges the liquidation fee on the closed notional as INSURANCE_CLEAR income', () => {
    const h = leveragedShort();
    h.source.setPrice('BTCUSDT', '106500');
    h.tick();
    expect(btcPosition(h)?.positionAmt.isZero()).toBe(true);
    const forced = value(h.engine.allOrders('alice', 'perp', 'BTCUSDT', {})).find((o) => o.isLiquidation);
    const insurance = value(h.engine.income('alice', { incomeType: 'INSURANCE_CLEAR' }));
    expect(insurance[0]?.income.toFixed()).toBe(
      forced?.cumQuote.times('0.015').toDecimalPlaces(8, 0).negated().toFixed(),
    );
    // Liquidation fills pay no taker commission: the fee replaces it.
    const trades = value(h.engine.userTrades('alice', 'perp', { orderId: forced?.orderId ?? 0 }));
    expect(trades.every((t) => t.commission.isZero())).toBe(true);
    const wallet = h.engine.futuresAccount('alice').totalWalletBalance;
    const income = value(h.engine.income('alice', {}));
    expect(wallet.toFixed()).toBe(sumDec(income.map((r) => r.income)).toFixed());
  });

  it('a bankrupt account is brought back to zero by the insurance fund, never left negative', () => {
    const h = leveragedShort();
    h.source.setPrice('BTCUSDT', '120000');
    h.tick();
    expect(btcPosition(h)?.positionAmt.isZero()).toBe(true);
    const account = h.engine.futuresAccount('alice');
    expect(account.totalWalletBalance.toFixed()).toBe('0');
    const cover = value(h.engine.income('alice', { incomeType: 'INSURANCE_CLEAR' })).filter((r) =>
      r.income.isPositive(),
    );
    expect(cover.length).toBe(1);
    expect(h.engine.ledger('alice').some((e) => e.reason === 'insurance')).toBe(true);
  });

  it('an isolated position is liquidated on its own margin and leaves the cross wallet alone', () => {
    const h = setup({
      symbols: [
        { baseAsset: 'BTC', price: '100000' },
        { baseAsset: 'ETH', price: '3500' },
      ],
    });
    h.engine.deposit('carol', 'futures', 'USDT', dec(10_000));
    value(h.engine.setMarginType('carol', 'BTCUSDT', 'ISOLATED'));
    value(h.engine.setLeverage('carol', 'BTCUSDT', 10));
    value(h.engine.placeOrder('carol', 'perp', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.1' }));
    value(h.engine.placeOrder('carol', 'perp', { symbol: 'ETHUSDT', side: 'SELL', type: 'MARKET', quantity: '1' }));
    const isolated = btcPosition(h, 'carol');
    expect(isolated?.marginType).toBe('isolated');
    expect(isolated?.isolatedWallet.toFixed()).toBe('1000.1'); // 0.1 × 100010 / 10
    const crossBefore = h.engine.futuresAccount('carol').totalCrossWalletBalance;

    h.source.setPrice('BTCUSDT', '85000');
    h.tick();
    expect(btcPosition(h, 'carol')?.positionAmt.isZero()).toBe(true);
    const eth = value(h.engine.positionRisk('carol', 'ETHUSDT'))[0];
    expect(eth?.positionAmt.toFixed()).toBe('-1');
    // The loss beyond the isolated margin was the insurance fund's: the cross wallet is untouched.
    expect(h.engine.futuresAccount('carol').totalCrossWalletBalance.toFixed()).toBe(crossBefore.toFixed());
  });

  it('cross positions are liquidated together and their stops cancelled', () => {
    const h = leveragedShort();
    value(h.engine.placeOrder('alice', 'perp', { symbol: 'ETHUSDT', side: 'BUY', type: 'MARKET', quantity: '0.5' }));
    value(
      h.engine.placeOrder('alice', 'perp', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'STOP_MARKET',
        stopPrice: '130000',
        closePosition: 'true',
        newClientOrderId: 'far-stop',
      }),
    );
    h.source.setPrice('BTCUSDT', '108000');
    h.tick();
    expect(btcPosition(h)?.positionAmt.isZero()).toBe(true);
    expect(value(h.engine.positionRisk('alice', 'ETHUSDT'))[0]?.positionAmt.isZero()).toBe(true);
    expect(value(h.engine.getOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'far-stop' })).status).toBe(
      'CANCELED',
    );
  });
});
