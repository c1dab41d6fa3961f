import { describe, expect, it } from 'vitest';
import { dec, sumDec } from '../../../../src/domain/decimal.ts';
import type { SimFuturesAccountEvent } from '../../../../src/sim/engine/index.ts';
import { HOUR, setup, T0, value } from './harness.ts';

function positions() {
  const h = setup({
    symbols: [
      { baseAsset: 'BTC', price: '100000', fundingRate: '0.0001' },
      { baseAsset: 'ETH', price: '3500', fundingIntervalHours: 4, fundingRate: '0.0002' },
    ],
  });
  for (const id of ['alice', 'bob']) h.engine.deposit(id, 'futures', 'USDT', dec(20_000));
  const order = (id: string, symbol: string, side: string, quantity: string) =>
    value(h.engine.placeOrder(id, 'perp', { symbol, side, type: 'MARKET', quantity }));
  order('alice', 'BTCUSDT', 'SELL', '0.05');
  order('alice', 'ETHUSDT', 'SELL', '1');
  order('bob', 'BTCUSDT', 'BUY', '0.05');
  return h;
}

/** The funding boundary a jittered settlement time belongs to. */
function boundaryOf(timeMs: number, intervalHours: number): number {
  const interval = intervalHours * HOUR;
  return Math.round(timeMs / interval) * interval;
}

describe('funding settlement', () => {
  it('settles an 8 h symbol at 08:00 and 16:00 UTC and a 4 h symbol every 4 h, on the UTC grid', () => {
    const h = positions();
    h.tick(15 * HOUR); // 01:00 → 16:00
    const funding = value(h.engine.income('alice', { incomeType: 'FUNDING_FEE' }));
    const hoursOf = (symbol: string, interval: number) =>
      funding.filter((r) => r.symbol === symbol).map((r) => new Date(boundaryOf(r.timeMs, interval)).getUTCHours());
    expect(hoursOf('BTCUSDT', 8)).toEqual([8, 16]);
    expect(hoursOf('ETHUSDT', 4)).toEqual([4, 8, 12, 16]);
    const next = value(h.engine.premiumIndex());
    expect(next.map((p) => [p.symbol, p.nextFundingTimeMs])).toEqual([
      ['BTCUSDT', T0 + 23 * HOUR],
      ['ETHUSDT', T0 + 19 * HOUR],
    ]);
  });

  it('a short receives funding when the rate is positive, paid on notional at the mark', () => {
    const h = positions();
    h.source.setPrice('BTCUSDT', '110000');
    h.tick(8 * HOUR); // through 08:00
    const alice = value(h.engine.income('alice', { incomeType: 'FUNDING_FEE', symbol: 'BTCUSDT' }));
    const bob = value(h.engine.income('bob', { incomeType: 'FUNDING_FEE', symbol: 'BTCUSDT' }));
    // 0.05 BTC × 110000 × 0.0001
    expect(alice.map((r) => r.income.toFixed())).toEqual(['0.55']);
    expect(bob.map((r) => r.income.toFixed())).toEqual(['-0.55']);
    expect(alice[0]?.asset).toBe('USDT');
  });

  it('a short pays when the rate is negative', () => {
    const h = positions();
    h.source.setFundingRate('BTCUSDT', '-0.0002');
    h.tick(8 * HOUR);
    const alice = value(h.engine.income('alice', { incomeType: 'FUNDING_FEE', symbol: 'BTCUSDT' }));
    expect(alice.map((r) => r.income.toFixed())).toEqual(['-1']);
    expect(value(h.engine.income('bob', { incomeType: 'FUNDING_FEE' })).map((r) => r.income.toFixed())).toEqual(['1']);
  });

  it('records settlements a few ms after the boundary, as real funding times are', () => {
    const h = positions();
    h.tick(7 * 24 * HOUR);
    const funding = value(h.engine.income('alice', { incomeType: 'FUNDING_FEE' }));
    expect(funding.length).toBe(7 * 3 + 7 * 6);
    const jitters = funding.map((r) => r.timeMs - boundaryOf(r.timeMs, r.symbol === 'ETHUSDT' ? 4 : 8));
    expect(Math.min(...jitters)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...jitters)).toBeLessThanOrEqual(40);
    expect(new Set(jitters).size).toBeGreaterThan(5);
    const history = value(h.engine.fundingRateHistory('BTCUSDT', {}));
    expect(history.map((r) => r.fundingTimeMs)).toEqual(
      funding.filter((r) => r.symbol === 'BTCUSDT').map((r) => r.timeMs),
    );
    expect(history.every((r) => r.fundingRate.equals('0.0001'))).toBe(true);
  });

  it('moves the futures wallet by exactly the funding income and announces it without positions', () => {
    const h = positions();
    const before = h.engine.futuresAccount('alice').totalWalletBalance;
    h.events.length = 0;
    h.tick(8 * HOUR);
    const after = h.engine.futuresAccount('alice').totalWalletBalance;
    const funding = value(h.engine.income('alice', { incomeType: 'FUNDING_FEE' }));
    expect(after.minus(before).toFixed()).toBe(sumDec(funding.map((r) => r.income)).toFixed());
    const updates = h.events.filter(
      (e): e is SimFuturesAccountEvent => e.type === 'futuresAccount' && e.accountId === 'alice',
    );
    expect(updates.length).toBe(3); // one per settlement: 04:00 ETH, 08:00 BTC, 08:00 ETH
    expect(updates.every((e) => e.reason === 'FUNDING_FEE' && e.positions.length === 0)).toBe(true);
    expect(updates.at(-1)?.balances[0]?.walletBalance.toFixed()).toBe(after.toFixed());
  });

  it('skips a boundary where nothing settled, and pays nothing on a closed position', () => {
    const h = positions();
    h.source.setSettlement('BTCUSDT', T0 + 7 * HOUR, null);
    h.tick(8 * HOUR);
    expect(value(h.engine.income('alice', { incomeType: 'FUNDING_FEE', symbol: 'BTCUSDT' }))).toEqual([]);
    value(h.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.05' }));
    h.tick(8 * HOUR);
    expect(value(h.engine.income('alice', { incomeType: 'FUNDING_FEE', symbol: 'BTCUSDT' }))).toEqual([]);
    expect(value(h.engine.income('bob', { incomeType: 'FUNDING_FEE', symbol: 'BTCUSDT' })).length).toBe(1);
  });

  it('an isolated position pays funding out of its own margin', () => {
    const h = setup({ symbols: [{ baseAsset: 'BTC', price: '100000', fundingRate: '0.001' }] });
    h.engine.deposit('carol', 'futures', 'USDT', dec(5_000));
    value(h.engine.setMarginType('carol', 'BTCUSDT', 'ISOLATED'));
    value(h.engine.setLeverage('carol', 'BTCUSDT', 10));
    value(h.engine.placeOrder('carol', 'perp', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.1' }));
    const before = value(h.engine.positionRisk('carol', 'BTCUSDT'))[0]?.isolatedWallet;
    h.tick(8 * HOUR);
    const after = value(h.engine.positionRisk('carol', 'BTCUSDT'))[0]?.isolatedWallet;
    // a long pays 0.1 × 100000 × 0.001 = 10
    expect(after?.minus(before ?? 0).toFixed()).toBe('-10');
  });
});
