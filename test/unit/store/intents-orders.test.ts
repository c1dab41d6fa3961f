import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomeRecord, OrderRecord, UserTrade } from '../../../src/domain/account.ts';
import { dec } from '../../../src/domain/decimal.ts';
import {
  openStore,
  type PlannedOrder,
  parseClientId,
  type Store,
  StoreStateError,
  summarizeFills,
} from '../../../src/store/index.ts';
import { manualClock, removeTempDirs, tempDataDir } from './helpers.ts';

const SPOT: PlannedOrder = {
  leg: 'spot',
  market: 'spot',
  symbol: 'SOLUSDT',
  side: 'BUY',
  type: 'MARKET',
  quantity: dec('4.21'),
};
const PERP: PlannedOrder = {
  leg: 'perp',
  market: 'perp',
  symbol: 'SOLUSDT',
  side: 'SELL',
  type: 'MARKET',
  quantity: dec('4.2'),
};

let store: Store;
let dir: string;
const clock = manualClock();

beforeEach(() => {
  dir = tempDataDir();
  store = openStore(dir, { clock });
});
afterEach(() => {
  if (!store.closed) store.close();
  removeTempDirs();
});

function positionId(): number {
  return store.positions.create({
    symbol: 'SOLUSDT',
    spotSymbol: 'SOLUSDT',
    baseAsset: 'SOL',
    quoteAsset: 'USDT',
    leverage: 1,
    notionalUsdt: dec('630'),
  }).id;
}

function exchangeState(clientOrderId: string, patch: Partial<OrderRecord>): OrderRecord {
  return {
    market: 'perp',
    symbol: 'SOLUSDT',
    orderId: '5001',
    clientOrderId,
    side: 'SELL',
    type: 'MARKET',
    status: 'NEW',
    origQty: dec('4.2'),
    executedQty: dec('0'),
    avgPrice: dec('0'),
    cumQuote: dec('0'),
    reduceOnly: false,
    stopPrice: dec('0'),
    updateTimeMs: 1,
    ...patch,
  };
}

describe('intents and their orders', () => {
  it('an intent is persisted with both legs and their deterministic client ids in one step', () => {
    const pid = positionId();
    const { intent, orders, transfer } = store.intents.create({
      kind: 'open',
      positionId: pid,
      payload: { reason: 'best APR', quantity: dec('4.2') },
      orders: [SPOT, PERP],
    });
    expect(intent).toMatchObject({ kind: 'open', status: 'pending', positionId: pid, attempt: 0, lastError: null });
    expect(transfer).toBeNull();
    expect(orders.map((o) => o.clientOrderId)).toEqual([
      store.clientOrderIdFor(intent.id, 'spot', 0),
      store.clientOrderIdFor(intent.id, 'perp', 0),
    ]);
    for (const o of orders) {
      expect(o.clientOrderId).toMatch(/^[A-Za-z0-9_-]{1,36}$/);
      expect(parseClientId(o.clientOrderId)).toEqual({
        storeId: store.storeId,
        intentId: intent.id,
        leg: o.leg,
        attempt: 0,
      });
      expect(store.ownsClientId(o.clientOrderId)).toBe(true);
      expect(o.status).toBe('PLANNED');
    }
    expect(store.intents.unresolved().map((i) => i.id)).toEqual([intent.id]);
    expect(store.orders.unresolved()).toHaveLength(2);
    expect(store.orders.byIntent(intent.id).map((o) => o.leg)).toEqual(['perp', 'spot']);
    expect(store.orders.byPosition(pid)).toHaveLength(2);
  });

  it('a failure while persisting an intent leaves no trace of it (one transaction)', () => {
    expect(() => store.intents.create({ kind: 'open', orders: [SPOT, { ...PERP, leg: 'spot' }] })).toThrow(
      /leg "spot" appears twice/,
    );
    expect(store.intents.recent()).toEqual([]);
    expect(store.orders.unresolved()).toEqual([]);
  });

  it('client ids are stable per store and differ between stores', () => {
    const { intent } = store.intents.create({ kind: 'setup' });
    const id = store.clientOrderIdFor(intent.id, 'perp', 0);
    store.close();
    store = openStore(dir, { clock });
    expect(store.clientOrderIdFor(intent.id, 'perp', 0)).toBe(id);
    const other = openStore(tempDataDir());
    try {
      expect(other.clientOrderIdFor(intent.id, 'perp', 0)).not.toBe(id);
      expect(other.ownsClientId(id)).toBe(false);
    } finally {
      other.close();
    }
  });

  it('a retry plans the next attempt of one leg under a new id and counts the attempt on the intent', () => {
    const { intent, orders } = store.intents.create({ kind: 'open', orders: [SPOT, PERP] });
    const spot = orders[0]!;
    store.orders.markSent(spot.clientOrderId);
    store.orders.recordError(spot.clientOrderId, 'HTTP 503: unknown outcome');
    expect(store.orders.require(spot.clientOrderId).lastError).toBe('HTTP 503: unknown outcome');
    store.orders.markNotFound(spot.clientOrderId);
    const retry = store.orders.plan(intent.id, SPOT);
    expect(retry.attempt).toBe(1);
    expect(retry.clientOrderId).toBe(store.clientOrderIdFor(intent.id, 'spot', 1));
    expect(store.intents.require(intent.id).attempt).toBe(1);
    expect(
      store.orders
        .unresolved()
        .map((o) => o.clientOrderId)
        .sort(),
    ).toEqual([orders[1]!.clientOrderId, retry.clientOrderId].sort());
  });

  it('exchange reports are merged forward only: a stale report never undoes a fill', () => {
    const { orders } = store.intents.create({ kind: 'open', orders: [PERP] });
    const id = orders[0]!.clientOrderId;
    store.orders.markSent(id);
    const filled = store.orders.applyExchangeState(
      exchangeState(id, {
        status: 'FILLED',
        executedQty: dec('4.2'),
        avgPrice: dec('150.1'),
        cumQuote: dec('630.42'),
        updateTimeMs: 3,
      }),
    );
    expect(filled).toMatchObject({ status: 'FILLED', exchangeOrderId: '5001', exchangeUpdatedAtMs: 3 });
    expect(filled.avgPrice?.toFixed()).toBe('150.1');
    const afterStale = store.orders.applyExchangeState(exchangeState(id, { status: 'NEW', updateTimeMs: 2 }));
    expect(afterStale.status).toBe('FILLED');
    expect(afterStale.executedQty.toFixed()).toBe('4.2');
    const afterPartial = store.orders.applyExchangeState(
      exchangeState(id, { status: 'PARTIALLY_FILLED', executedQty: dec('1'), updateTimeMs: 4 }),
    );
    expect(afterPartial.status).toBe('FILLED');
    expect(store.orders.unresolved()).toEqual([]);
    expect(() => store.orders.markNotFound(id)).toThrow(StoreStateError);
    expect(() => store.orders.markNotFound(id)).toThrow(/is FILLED with 4\.2 executed/);
  });

  it('a fill-free NEW report after NOT_FOUND is accepted (the exchange knew the order after all)', () => {
    const { orders } = store.intents.create({ kind: 'open', orders: [PERP] });
    const id = orders[0]!.clientOrderId;
    store.orders.markNotFound(id);
    expect(store.orders.applyExchangeState(exchangeState(id, { status: 'NEW' })).status).toBe('NEW');
  });

  it('intent statuses move forward only, and finished intents take no new orders', () => {
    const { intent } = store.intents.create({ kind: 'close', orders: [PERP] });
    store.intents.markSent(intent.id);
    store.intents.recordError(intent.id, 'timeout');
    expect(store.intents.require(intent.id)).toMatchObject({ status: 'sent', lastError: 'timeout' });
    store.intents.complete(intent.id);
    expect(store.intents.unresolved()).toEqual([]);
    expect(() => store.intents.fail(intent.id, 'x')).toThrow(/cannot go from done to failed/);
    expect(() => store.orders.plan(intent.id, PERP)).toThrow(/intent \d+ is done: no new order/);
    const { intent: other } = store.intents.create({ kind: 'repair' });
    expect(store.intents.abandon(other.id, 'superseded').lastError).toBe('superseded');
    const updated = store.intents.create({ kind: 'unwind', payload: { a: 1 } }).intent;
    expect(store.intents.updatePayload(updated.id, { a: 2, qty: dec('0.5') }).payload).toEqual({ a: 2, qty: '0.5' });
  });
});

describe('transfers', () => {
  it('a transfer intent carries its clientTranId; a new attempt only after a definite failure', () => {
    const { intent, transfer } = store.intents.create({
      kind: 'transfer',
      payload: { reason: 'rebalance for 2x' },
      transfer: { direction: 'SPOT_TO_PERP', asset: 'USDT', amount: dec('123.456789') },
    });
    expect(transfer?.clientTranId).toBe(store.clientTranIdFor(intent.id, 0));
    expect(transfer?.clientTranId.length).toBeLessThan(64);
    const id = transfer!.clientTranId;
    store.transfers.markSent(id);
    expect(() =>
      store.transfers.plan(intent.id, { direction: 'SPOT_TO_PERP', asset: 'USDT', amount: dec('1') }),
    ).toThrow(/is sent; re-send that id instead/);
    expect(store.transfers.unresolved().map((t) => t.clientTranId)).toEqual([id]);
    store.transfers.markConfirmed(id, { tranId: '778899', status: 'SUCCESS' });
    store.transfers.markConfirmed(id, null); // a -4115 "duplicated" on a resend must not erase the tranId
    expect(store.transfers.require(id)).toMatchObject({ status: 'confirmed', tranId: '778899' });
    store.transfers.markSettled(id);
    expect(store.transfers.unresolved()).toEqual([]);
    expect(() => store.transfers.markFailed(id, 'x')).toThrow(/cannot go from settled to failed/);

    const second = store.intents.create({
      kind: 'transfer',
      transfer: { direction: 'PERP_TO_SPOT', asset: 'USDT', amount: dec('5') },
    });
    store.transfers.markFailed(second.transfer!.clientTranId, '-4114 invalid');
    const retry = store.transfers.plan(second.intent.id, {
      direction: 'PERP_TO_SPOT',
      asset: 'USDT',
      amount: dec('5'),
    });
    expect(retry.attempt).toBe(1);
    expect(retry.clientTranId).toBe(store.clientTranIdFor(second.intent.id, 1));
    expect(() =>
      store.intents.create({
        kind: 'transfer',
        transfer: { direction: 'PERP_TO_SPOT', asset: 'USDT', amount: dec('0') },
      }),
    ).toThrow(/expected a positive decimal, got 0/);
  });
});

describe('fills and funding', () => {
  function trade(id: string, orderId: string, qty: string, price: string): UserTrade {
    return {
      market: 'perp',
      symbol: 'SOLUSDT',
      id,
      orderId,
      side: 'SELL',
      price: dec(price),
      qty: dec(qty),
      quoteQty: dec(qty).times(price),
      commission: dec('0.01'),
      commissionAsset: 'USDT',
      realizedPnl: dec('0'),
      maker: false,
      timeMs: 10,
    };
  }

  it('trades are stored once, linked to our order and its position by the exchange order id', () => {
    const pid = positionId();
    const { orders } = store.intents.create({ kind: 'open', positionId: pid, orders: [PERP] });
    const id = orders[0]!.clientOrderId;
    store.orders.applyExchangeState(exchangeState(id, { orderId: '777', status: 'FILLED', executedQty: dec('4.2') }));
    const items = [
      { trade: trade('1', '777', '4', '150'), link: { commissionUsdt: dec('0.21') } },
      { trade: trade('2', '777', '0.2', '151'), link: { commissionUsdt: dec('0.0106') } },
    ];
    expect(store.fills.recordMany(items)).toBe(2);
    expect(store.fills.recordMany(items)).toBe(0);
    expect(store.fills.record(trade('3', '999', '1', '1'), { commissionUsdt: dec(0) })).toBe(true);

    const mine = store.fills.byOrder(id);
    expect(mine.map((f) => f.tradeId)).toEqual(['1', '2']);
    expect(mine.every((f) => f.positionId === pid)).toBe(true);
    const summary = summarizeFills(mine);
    expect(summary.qty.toFixed()).toBe('4.2');
    expect(summary.quoteQty.toFixed()).toBe('630.2');
    expect(summary.avgPrice?.toFixed()).toBe('150.047619047619047619047619047619047619');
    expect(summary.commissionUsdt.toFixed()).toBe('0.2206');
    expect(store.fills.forPosition(pid)).toHaveLength(2);
    expect(summarizeFills([]).avgPrice).toBeNull();
  });

  it('funding payments are stored once and the position total always equals their sum', () => {
    const pid = store.positions.create({
      symbol: 'SOLUSDT',
      spotSymbol: 'SOLUSDT',
      baseAsset: 'SOL',
      quoteAsset: 'USDT',
      leverage: 1,
      notionalUsdt: dec('630'),
      origin: 'seed-import',
      fundingReceivedUsdt: dec('1.9268'),
      estimated: ['fundingReceived', 'entryFees'],
    }).id;
    const income = (tranId: string, amount: string, timeMs: number): IncomeRecord => ({
      symbol: 'SOLUSDT',
      incomeType: 'FUNDING_FEE',
      income: dec(amount),
      asset: 'USDT',
      timeMs,
      tranId,
      tradeId: '',
    });
    expect(store.funding.recordMany([income('a', '0.0631', 100), income('b', '-0.0102', 200)], pid)).toBe(2);
    expect(store.funding.record(income('a', '0.0631', 100), pid)).toBe(false);
    const p = store.positions.require(pid);
    expect(p.fundingReceivedUsdt.toFixed()).toBe('0.0529');
    expect(p.estimated).toEqual(['entryFees']);
    expect(store.funding.totalForPosition(pid).toFixed()).toBe('0.0529');
    expect(store.funding.lastTimeForPosition(pid)).toBe(200);
    expect(store.funding.total().toFixed()).toBe('0.0529');
    expect(() => store.funding.record({ ...income('c', '1', 1), incomeType: 'COMMISSION' }, pid)).toThrow(
      /expected incomeType FUNDING_FEE, got COMMISSION/,
    );
  });
});
