import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderRecord, UserTrade } from '../../../src/domain/account.ts';
import { type Decimal, dec } from '../../../src/domain/decimal.ts';
import { DB_FILE, openStore, type Store } from '../../../src/store/index.ts';
import { manualClock, removeTempDirs, tempDataDir } from './helpers.ts';

const TINY = '0.000000012345678901';
const BIG = '123456789.123456789';
const NEG = '-0.000000000000000001';
const LONG = '98765432109876543210.0123456789012345';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = tempDataDir();
  store = openStore(dir, { clock: manualClock() });
});
afterEach(() => {
  if (!store.closed) store.close();
  removeTempDirs();
});

/** Closes and re-opens, so values come from the file and not from anything cached in memory. */
function reopen(): Store {
  store.close();
  store = openStore(dir, { clock: manualClock() });
  return store;
}

function exact(value: Decimal | null | undefined, text: string): void {
  expect(value?.toFixed()).toBe(text);
}

describe('every repository round-trips decimals exactly', () => {
  it('positions: entry, exit and PnL figures', () => {
    const p = store.positions.create({
      symbol: 'BTCUSDT',
      spotSymbol: 'BTCUSDT',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      leverage: 3,
      notionalUsdt: dec(BIG),
      entryAprPct: dec(LONG),
      entryFundingRate: dec(TINY),
    });
    store.positions.markOpen(p.id, {
      openedAtMs: 1,
      spotQtyGross: dec(TINY),
      spotQtyNet: dec(LONG),
      perpQty: dec(BIG),
      spotAvgPrice: dec(BIG),
      perpAvgPrice: dec(TINY),
      notionalUsdt: dec(LONG),
      entryFeesUsdt: dec(TINY),
      volumeUsdt: dec(BIG),
    });
    store.positions.markClosing(p.id, 'test');
    store.positions.markClosed(p.id, {
      closedAtMs: 2,
      exitSpotQty: dec(TINY),
      exitPerpQty: dec(BIG),
      exitSpotAvgPrice: dec(LONG),
      exitPerpAvgPrice: null,
      exitFeesUsdt: dec(TINY),
      volumeUsdt: dec(LONG),
      pnl: { spotUsdt: dec(TINY), perpUsdt: dec(NEG), fundingUsdt: dec(BIG), feesUsdt: dec(TINY) },
      closeReason: 'test',
      dustQty: dec(TINY),
    });
    const q = reopen().positions.require(p.id);
    exact(q.entryAprPct, LONG);
    exact(q.entryFundingRate, TINY);
    exact(q.spotQtyGross, TINY);
    exact(q.spotQtyNet, LONG);
    exact(q.perpQty, BIG);
    exact(q.spotAvgPrice, BIG);
    exact(q.perpAvgPrice, TINY);
    exact(q.notionalUsdt, LONG);
    exact(q.entryFeesUsdt, TINY);
    exact(q.exitSpotQty, TINY);
    exact(q.exitPerpQty, BIG);
    exact(q.exitSpotAvgPrice, LONG);
    expect(q.exitPerpAvgPrice).toBeNull();
    exact(q.exitFeesUsdt, TINY);
    exact(q.volumeUsdt, LONG);
    exact(q.dustQty, TINY);
    exact(q.pnl?.spotUsdt, TINY);
    exact(q.pnl?.perpUsdt, NEG);
    exact(q.pnl?.fundingUsdt, BIG);
    exact(q.pnl?.feesUsdt, TINY);
    // total = spot + perp + funding − fees, exactly
    exact(q.pnl?.totalUsdt, '123456789.123456788999999999');
  });

  it('orders, fills, funding payments, transfers, equity, baseline, counters and intent payloads', () => {
    const p = store.positions.create({
      symbol: 'ETHUSDT',
      spotSymbol: 'ETHUSDT',
      baseAsset: 'ETH',
      quoteAsset: 'USDT',
      leverage: 1,
      notionalUsdt: dec('1'),
    });
    const { intent, orders, transfer } = store.intents.create({
      kind: 'open',
      positionId: p.id,
      payload: { quantity: dec(TINY), price: dec(BIG), nested: { list: [dec(LONG)] } },
      orders: [
        {
          leg: 'stop',
          market: 'perp',
          symbol: 'ETHUSDT',
          side: 'BUY',
          type: 'STOP_MARKET',
          quantity: dec(BIG),
          reduceOnly: true,
          stopPrice: dec(LONG),
        },
      ],
      transfer: { direction: 'PERP_TO_SPOT', asset: 'USDT', amount: dec(TINY) },
    });
    const order = orders[0];
    if (!order || !transfer) throw new Error('intent without its order or transfer');
    const record: OrderRecord = {
      market: 'perp',
      symbol: 'ETHUSDT',
      orderId: '987654321987654321',
      clientOrderId: order.clientOrderId,
      side: 'BUY',
      type: 'STOP_MARKET',
      status: 'PARTIALLY_FILLED',
      origQty: dec(BIG),
      executedQty: dec(TINY),
      avgPrice: dec(LONG),
      cumQuote: dec(BIG),
      reduceOnly: true,
      stopPrice: dec(LONG),
      updateTimeMs: 5,
    };
    store.orders.applyExchangeState(record);
    const trade: UserTrade = {
      market: 'perp',
      symbol: 'ETHUSDT',
      id: '1',
      orderId: '987654321987654321',
      side: 'BUY',
      price: dec(LONG),
      qty: dec(TINY),
      quoteQty: dec(BIG),
      commission: dec(TINY),
      commissionAsset: 'ETH',
      realizedPnl: dec(NEG),
      maker: true,
      timeMs: 6,
    };
    expect(store.fills.record(trade, { commissionUsdt: dec(BIG) })).toBe(true);
    store.funding.record(
      {
        symbol: 'ETHUSDT',
        incomeType: 'FUNDING_FEE',
        income: dec(NEG),
        asset: 'USDT',
        timeMs: 7,
        tranId: '9007199254740993123',
        tradeId: '',
      },
      p.id,
    );
    store.equity.record({
      timeMs: 8,
      portfolioValueUsdt: dec(LONG),
      spotValueUsdt: dec(TINY),
      perpWalletUsdt: dec(BIG),
      unrealizedPnlUsdt: dec(NEG),
      positionId: p.id,
    });
    store.baseline.captureIfAbsent({ valueUsdt: dec(BIG), timeMs: 9 });
    store.counters.setCarried({
      completedCycles: 0,
      positionsOpened: 0,
      positionsClosed: 0,
      carriedRealisedPnlUsdt: dec(NEG),
      carriedTradedVolumeUsdt: dec(TINY),
    });

    const s = reopen();
    const o = s.orders.require(order.clientOrderId);
    exact(o.quantity, BIG);
    exact(o.stopPrice, LONG);
    exact(o.executedQty, TINY);
    exact(o.avgPrice, LONG);
    exact(o.cumQuote, BIG);
    expect(o.exchangeOrderId).toBe('987654321987654321');
    const [f] = s.fills.byOrder(order.clientOrderId);
    exact(f?.price, LONG);
    exact(f?.qty, TINY);
    exact(f?.quoteQty, BIG);
    exact(f?.commission, TINY);
    exact(f?.commissionUsdt, BIG);
    exact(f?.realizedPnl, NEG);
    expect(f?.positionId).toBe(p.id);
    const [pay] = s.funding.forPosition(p.id);
    exact(pay?.amount, NEG);
    expect(pay?.tranId).toBe('9007199254740993123');
    exact(s.positions.require(p.id).fundingReceivedUsdt, NEG);
    exact(s.transfers.require(transfer.clientTranId).amount, TINY);
    const e = s.equity.latest();
    exact(e?.portfolioValueUsdt, LONG);
    exact(e?.spotValueUsdt, TINY);
    exact(e?.perpWalletUsdt, BIG);
    exact(e?.unrealizedPnlUsdt, NEG);
    exact(s.baseline.get()?.valueUsdt, BIG);
    const c = s.counters.get();
    exact(c.realisedPnlUsdt, NEG);
    exact(c.tradedVolumeUsdt, TINY);
    expect(s.intents.require(intent.id).payload).toEqual({ quantity: TINY, price: BIG, nested: { list: [LONG] } });
  });

  it('stores plain notation even for values decimal.js would print with an exponent', () => {
    store.baseline.captureIfAbsent({ valueUsdt: dec('1e-25'), timeMs: 1 });
    store.close();
    const db = new Database(join(dir, DB_FILE), { readonly: true });
    const row = db.prepare('SELECT value_usdt, typeof(value_usdt) AS t FROM baseline').get();
    db.close();
    expect(row).toEqual({ value_usdt: '0.0000000000000000000000001', t: 'text' });
  });
});
