import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { manualClock, removeTempDirs, tempDataDir } from './helpers.ts';

let dir: string;
let store: Store;
const clock = manualClock();

beforeEach(() => {
  dir = tempDataDir();
  store = openStore(dir, { clock });
});
afterEach(() => {
  if (!store.closed) store.close();
  removeTempDirs();
});

function openPosition(): number {
  return store.transaction(() => {
    const p = store.positions.create({
      symbol: 'XRPUSDT',
      spotSymbol: 'XRPUSDT',
      baseAsset: 'XRP',
      quoteAsset: 'USDT',
      leverage: 2,
      notionalUsdt: dec('300'),
    });
    const { orders } = store.intents.create({
      kind: 'open',
      positionId: p.id,
      orders: [
        { leg: 'spot', market: 'spot', symbol: 'XRPUSDT', side: 'BUY', type: 'MARKET', quantity: dec('100.1') },
        { leg: 'perp', market: 'perp', symbol: 'XRPUSDT', side: 'SELL', type: 'MARKET', quantity: dec('100') },
      ],
    });
    for (const [i, o] of orders.entries()) {
      store.fills.record(
        {
          market: o.market,
          symbol: o.symbol,
          id: `t${i}`,
          orderId: `o${i}`,
          side: o.side,
          price: dec('3'),
          qty: o.quantity,
          quoteQty: o.quantity.times(3),
          commission: dec('0.1'),
          commissionAsset: o.market === 'spot' ? 'XRP' : 'USDT',
          realizedPnl: dec(0),
          maker: false,
          timeMs: 1,
        },
        { clientOrderId: o.clientOrderId, commissionUsdt: o.market === 'spot' ? dec('0.3') : dec('0.1') },
      );
    }
    return p.id;
  });
}

describe('the queries `status` and the engine rely on', () => {
  it('status(): current position with its legs, unresolved work, counters, baseline, equity and totals', () => {
    const empty = store.status();
    expect(empty.position).toBeNull();
    expect(empty.baseline).toBeNull();
    expect(empty.lastEquity).toBeNull();
    expect(empty.totals.realisedPnlUsdt.toFixed()).toBe('0');
    expect(empty.schemaVersion).toBe(store.schemaVersion);

    const pid = openPosition();
    store.funding.record(
      {
        symbol: 'XRPUSDT',
        incomeType: 'FUNDING_FEE',
        income: dec('0.05'),
        asset: 'USDT',
        timeMs: 2,
        tranId: 'f1',
        tradeId: '',
      },
      pid,
    );
    store.baseline.captureIfAbsent({ valueUsdt: dec('1000'), timeMs: 10 });
    store.equity.record({
      timeMs: 20,
      portfolioValueUsdt: dec('1001'),
      spotValueUsdt: dec('700'),
      perpWalletUsdt: dec('300'),
      unrealizedPnlUsdt: dec('1'),
      positionId: pid,
    });
    store.equity.record({
      timeMs: 30,
      portfolioValueUsdt: dec('1002.5'),
      spotValueUsdt: dec('701'),
      perpWalletUsdt: dec('300'),
      unrealizedPnlUsdt: dec('1.5'),
      positionId: pid,
    });
    expect(store.counters.incrementCheckIterations()).toBe(1);
    expect(store.counters.incrementCheckIterations()).toBe(2);

    const reader = openStore(dir, { readOnly: true });
    try {
      const s = reader.status();
      expect(s.storeId).toBe(store.storeId);
      expect(s.position?.position.id).toBe(pid);
      expect(s.position?.orders.map((o) => o.leg)).toEqual(['perp', 'spot']);
      expect(s.position?.fills).toHaveLength(2);
      expect(s.position?.fundingPaymentsTotalUsdt.toFixed()).toBe('0.05');
      expect(s.position?.position.fundingReceivedUsdt.toFixed()).toBe('0.05');
      expect(s.unresolvedIntents).toHaveLength(1);
      expect(s.unresolvedOrders).toHaveLength(2);
      expect(s.unresolvedTransfers).toEqual([]);
      expect(s.counters.checkIterations).toBe(2);
      expect(s.baseline?.valueUsdt.toFixed()).toBe('1000');
      expect(s.lastEquity?.portfolioValueUsdt.toFixed()).toBe('1002.5');
      expect(s.totals.fundingReceivedUsdt.toFixed()).toBe('0.05');
      expect(s.totals.commissionsUsdt.toFixed()).toBe('0.4');
      expect(reader.orders.byIntent(s.unresolvedIntents[0]!.id)).toHaveLength(2);
      expect(reader.funding.totalForPosition(pid).toFixed()).toBe('0.05');
    } finally {
      reader.close();
    }
  });

  it('the baseline is captured once and replaced only explicitly', () => {
    expect(store.baseline.captureIfAbsent({ valueUsdt: dec('1184.998'), timeMs: 1 }).source).toBe('captured');
    const second = store.baseline.captureIfAbsent({ valueUsdt: dec('5'), timeMs: 2 });
    expect(second.valueUsdt.toFixed()).toBe('1184.998');
    const replaced = store.baseline.replace({ valueUsdt: dec('1500'), timeMs: 3, source: 'manual' });
    expect(replaced).toEqual({ valueUsdt: dec('1500'), timeMs: 3, source: 'manual' });
    expect(() => store.baseline.replace({ valueUsdt: dec('0'), timeMs: 4, source: 'manual' })).toThrow(
      /expected a positive decimal, got 0/,
    );
  });

  it('store.transaction is all-or-nothing across repositories', () => {
    expect(() =>
      store.transaction(() => {
        openPosition();
        store.counters.incrementCheckIterations();
        store.meta.set('half', 'done');
        throw new Error('crash in the middle');
      }),
    ).toThrow('crash in the middle');
    expect(store.positions.list()).toEqual([]);
    expect(store.intents.recent()).toEqual([]);
    expect(store.counters.get().checkIterations).toBe(0);
    expect(store.meta.get('half')).toBeNull();
    expect(() => store.transaction((async () => 1) as never)).toThrow(/cannot return a promise/);
  });

  it('equity snapshots: latest, range and prune', () => {
    for (const t of [100, 200, 300]) {
      store.equity.record({
        timeMs: t,
        portfolioValueUsdt: dec(t),
        spotValueUsdt: dec(0),
        perpWalletUsdt: dec(0),
        unrealizedPnlUsdt: dec(0),
        positionId: null,
      });
    }
    expect(store.equity.range(150, 301).map((e) => e.timeMs)).toEqual([200, 300]);
    expect(store.equity.prune(250)).toBe(2);
    expect(store.equity.latest()?.timeMs).toBe(300);
  });

  it('meta holds JSON values for settings such as account-setup caches', () => {
    store.meta.setJson('setup:BTCUSDT', { leverage: 2, marginType: 'CROSSED' });
    expect(store.meta.getJson('setup:BTCUSDT')).toEqual({ leverage: 2, marginType: 'CROSSED' });
    expect(store.meta.delete('setup:BTCUSDT')).toBe(true);
    expect(store.meta.getJson('setup:BTCUSDT')).toBeNull();
  });
});
