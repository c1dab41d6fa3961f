/**
 * A retention bound keeps an engine that runs for months bounded in memory, and changes nothing but how far back
 * history reaches: balances, positions and open orders are the same as without it, and every balance still
 * re-derives from the (folded) ledger.
 */
import { describe, expect, it } from 'vitest';
import { type Decimal, dec, ZERO } from '../../../../src/domain/decimal.ts';
import { deriveBalances, type SimEngine, type SimRetention } from '../../../../src/sim/engine/index.ts';
import { errorOf, HOUR, setup, T0, value } from './harness.ts';
import { ACCOUNTS, createScenario, SYMBOLS } from './scenario.ts';

const DAY = 24 * HOUR;
const STEPS = 2_000;
const RETENTION: SimRetention = { windowMs: 4 * HOUR, minRecords: 10 };

/** Every wallet balance and position of every scenario account, as text. */
function stateOf(engine: SimEngine): string[] {
  const out: string[] = [];
  for (const id of ACCOUNTS) {
    for (const b of engine.spotAccount(id).balances) out.push(`${id} spot ${b.asset} ${b.free.toFixed()}`);
    for (const a of engine.futuresAccount(id).assets) out.push(`${id} futures ${a.asset} ${a.walletBalance.toFixed()}`);
    for (const p of value(engine.positionRisk(id))) {
      if (!p.positionAmt.isZero()) out.push(`${id} ${p.symbol} ${p.positionAmt.toFixed()} @ ${p.entryPrice.toFixed()}`);
    }
    for (const s of SYMBOLS)
      for (const o of value(engine.openOrders(id, 'perp', s))) out.push(`${id} open ${o.orderId}`);
  }
  return out;
}

/** Balances re-derived from the engine's ledger, in the same text form as `stateOf`'s wallet lines. */
function derivedWallets(engine: SimEngine): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const [id, wallets] of deriveBalances(engine.ledger())) {
    for (const [asset, v] of wallets.spot) if (!v.isZero()) out.set(`${id} spot ${asset}`, v);
    for (const [asset, v] of wallets.futures) if (!v.isZero()) out.set(`${id} futures ${asset}`, v);
  }
  return out;
}

function reportedWallets(engine: SimEngine): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const id of ACCOUNTS) {
    for (const b of engine.spotAccount(id).balances) if (!b.free.isZero()) out.set(`${id} spot ${b.asset}`, b.free);
    for (const a of engine.futuresAccount(id).assets) {
      if (!a.walletBalance.isZero()) out.set(`${id} futures ${a.asset}`, a.walletBalance);
    }
  }
  return out;
}

function text(map: Map<string, Decimal>): [string, string][] {
  return [...map].map(([k, v]): [string, string] => [k, v.toFixed()]).sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('retention', () => {
  it('changes no balance, position or open order, and the folded ledger still re-derives every balance', () => {
    const bounded = createScenario(424242, { retention: RETENTION });
    const unbounded = createScenario(424242);
    for (let step = 1; step <= STEPS; step++) {
      bounded.step();
      unbounded.step();
      expect(stateOf(bounded.engine), `step ${step}`).toEqual(stateOf(unbounded.engine));
      if (step % 50 === 0)
        expect(text(derivedWallets(bounded.engine)), `step ${step}`).toEqual(text(reportedWallets(bounded.engine)));
    }
    // The run covered many windows, so history was really dropped and folded.
    expect(bounded.clock.nowMs() - T0).toBeGreaterThan(20 * RETENTION.windowMs);
    const ledger = bounded.engine.ledger();
    expect(ledger.some((e) => e.reason === 'opening')).toBe(true);
    expect(ledger.length).toBeLessThan(unbounded.engine.ledger().length / 4);
    // In sequence order, no zero delta.
    for (let i = 1; i < ledger.length; i++) expect(ledger[i]?.seq).toBeGreaterThan(ledger[i - 1]?.seq ?? 0);
    expect(ledger.every((e) => !e.delta.isZero())).toBe(true);
  });

  it('keeps finished records younger than the window, and the newest few whatever their age', () => {
    const h = setup({ engine: { retention: { windowMs: DAY, minRecords: 2 } } });
    h.engine.deposit('alice', 'futures', 'USDT', dec(5_000));
    const order = (side: 'BUY' | 'SELL', id: string) =>
      value(
        h.engine.placeOrder('alice', 'perp', {
          symbol: 'BTCUSDT',
          side,
          type: 'MARKET',
          quantity: '0.01',
          newClientOrderId: id,
        }),
      );
    const stop = value(
      h.engine.placeOrder('alice', 'perp', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'STOP_MARKET',
        stopPrice: '500000',
        closePosition: 'true',
        newClientOrderId: 'far-stop',
      }),
    );
    const old = [order('SELL', 'old-1'), order('BUY', 'old-2'), order('SELL', 'old-3')];
    h.tick(3 * DAY);
    const recent = [order('BUY', 'new-1')];
    h.tick(2 * HOUR);

    // The old orders went, except the newest two finished ones (old-3 and new-1 are the newest two).
    const get = (ref: { orderId?: number; origClientOrderId?: string }) =>
      h.engine.getOrder('alice', 'perp', 'BTCUSDT', ref);
    expect(errorOf(get({ orderId: old[0]?.orderId ?? 0 })).code).toBe(-2013);
    expect(errorOf(get({ origClientOrderId: 'old-2' })).code).toBe(-2013);
    expect(value(get({ origClientOrderId: 'old-3' })).status).toBe('FILLED');
    expect(value(get({ origClientOrderId: 'new-1' })).orderId).toBe(recent[0]?.orderId);
    // An open order stays whatever its age.
    expect(value(get({ orderId: stop.orderId })).status).toBe('NEW');
    expect(value(h.engine.openOrders('alice', 'perp', 'BTCUSDT')).map((o) => o.clientOrderId)).toEqual(['far-stop']);

    // Trades and income: the last two old ones and everything within the window.
    const trades = value(h.engine.userTrades('alice', 'perp', { symbol: 'BTCUSDT' }));
    expect(trades.map((t) => t.orderId)).toEqual([old[2]?.orderId, recent[0]?.orderId]);
    const income = value(h.engine.income('alice', {}));
    expect(income.length).toBeGreaterThanOrEqual(2);
    expect(income.filter((r) => r.timeMs < h.clock.nowMs() - DAY).length).toBeLessThanOrEqual(2);

    // The folded ledger still adds up to the wallets.
    const futures = deriveBalances(h.engine.ledger()).get('alice')?.futures.get('USDT') ?? ZERO;
    expect(futures.toFixed()).toBe(h.engine.futuresAccount('alice').totalWalletBalance.toFixed());
    expect(h.engine.ledger('alice')[0]?.reason).toBe('opening');
  });

  it('bounds the settled funding history to the window, keeping the newest few', () => {
    const h = setup({
      symbols: [{ baseAsset: 'DOGE', price: '0.1', fundingIntervalHours: 1 }],
      engine: { retention: { windowMs: DAY, minRecords: 5 } },
    });
    h.tick(10 * DAY);
    const history = value(h.engine.fundingRateHistory('DOGEUSDT', { limit: 1000 }));
    // One settlement per hour: a day's worth (give or take the boundary instants), not ten days'.
    expect(history.length).toBeGreaterThanOrEqual(23);
    expect(history.length).toBeLessThanOrEqual(26);
    expect(history.every((r) => r.fundingTimeMs >= h.clock.nowMs() - DAY - HOUR)).toBe(true);
  });

  it('without a bound, keeps everything', () => {
    const h = setup({ symbols: [{ baseAsset: 'DOGE', price: '0.1', fundingIntervalHours: 1 }] });
    h.tick(10 * DAY);
    expect(value(h.engine.fundingRateHistory('DOGEUSDT', { limit: 1000 })).length).toBeGreaterThanOrEqual(240);
  });

  it('rejects a bound that is not one', () => {
    expect(() => setup({ engine: { retention: { windowMs: -1, minRecords: 10 } } })).toThrow(/windowMs/);
    expect(() => setup({ engine: { retention: { windowMs: DAY, minRecords: 1.5 } } })).toThrow(/minRecords/);
  });
});
