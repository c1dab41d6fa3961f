/**
 * Store write throughput for the engine's pattern: per transaction an intent with its two planned orders, both
 * orders marked sent and then filled, two fills, and the position update — on a real SQLite file (WAL), as
 * `openStore` opens it for the bot. Opens and closes alternate (one active position at a time); both count.
 *
 * DESIGN.md sets no target: the figure is reported, next to the disk's own floor — the commit rate of a trivial
 * transaction on the same file system with the store's durability settings (WAL, `synchronous = FULL`: every
 * commit waits for fsync). The gap between the two is the store's own cost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { OrderRecord, UserTrade } from '../../src/domain/account.ts';
import { dec } from '../../src/domain/decimal.ts';
import { openStore, type Store, type StoredOrder } from '../../src/store/index.ts';
import { type FigureResult, informational, round } from '../lib/figure.ts';
import { progress } from '../lib/progress.ts';

const DURATION_MS = 4_000;

function filled(store: Store, order: StoredOrder, price: string): OrderRecord {
  return {
    market: order.market,
    symbol: order.symbol,
    orderId: `x-${order.clientOrderId}`,
    clientOrderId: order.clientOrderId,
    side: order.side,
    type: order.type,
    status: 'FILLED',
    origQty: order.quantity,
    executedQty: order.quantity,
    avgPrice: dec(price),
    cumQuote: order.quantity.times(price),
    reduceOnly: order.reduceOnly,
    stopPrice: dec(0),
    updateTimeMs: store.nowMs(),
  };
}

function trade(store: Store, order: StoredOrder, price: string): UserTrade {
  return {
    market: order.market,
    symbol: order.symbol,
    id: `t-${order.clientOrderId}`,
    orderId: `x-${order.clientOrderId}`,
    side: order.side,
    price: dec(price),
    qty: order.quantity,
    quoteQty: order.quantity.times(price),
    commission: dec('0.04'),
    commissionAsset: 'USDT',
    realizedPnl: dec(0),
    maker: false,
    timeMs: store.nowMs(),
  };
}

function fillLegs(store: Store, orders: StoredOrder[], price: string): void {
  for (const order of orders) {
    store.orders.markSent(order.clientOrderId);
    store.orders.applyExchangeState(filled(store, order, price));
    store.fills.record(trade(store, order, price), { commissionUsdt: dec('0.04') });
  }
}

function openTransaction(store: Store): number {
  return store.transaction(() => {
    const position = store.positions.create({
      symbol: 'BTCUSDT',
      spotSymbol: 'BTCUSDT',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      leverage: 1,
      notionalUsdt: dec('100.5'),
    });
    const { intent, orders } = store.intents.create({
      kind: 'open',
      positionId: position.id,
      payload: { quantity: dec('0.001') },
      orders: [
        { leg: 'spot', market: 'spot', symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: dec('0.001') },
        { leg: 'perp', market: 'perp', symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: dec('0.001') },
      ],
    });
    fillLegs(store, orders, '100500');
    store.intents.complete(intent.id);
    store.positions.markOpen(position.id, {
      openedAtMs: store.nowMs(),
      spotQtyGross: dec('0.001'),
      spotQtyNet: dec('0.001'),
      perpQty: dec('0.001'),
      spotAvgPrice: dec('100500'),
      perpAvgPrice: dec('100500'),
      notionalUsdt: dec('100.5'),
      entryFeesUsdt: dec('0.08'),
      volumeUsdt: dec('201'),
    });
    return position.id;
  });
}

function closeTransaction(store: Store, positionId: number): void {
  store.transaction(() => {
    store.positions.markClosing(positionId, 'bench');
    const { intent, orders } = store.intents.create({
      kind: 'close',
      positionId,
      orders: [
        { leg: 'spot', market: 'spot', symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: dec('0.001') },
        {
          leg: 'perp',
          market: 'perp',
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'MARKET',
          quantity: dec('0.001'),
          reduceOnly: true,
        },
      ],
    });
    fillLegs(store, orders, '100600');
    store.intents.complete(intent.id);
    store.positions.markClosed(positionId, {
      closedAtMs: store.nowMs(),
      exitSpotQty: dec('0.001'),
      exitPerpQty: dec('0.001'),
      exitSpotAvgPrice: dec('100600'),
      exitPerpAvgPrice: dec('100600'),
      exitFeesUsdt: dec('0.08'),
      volumeUsdt: dec('201.2'),
      pnl: { spotUsdt: dec('0.1'), perpUsdt: dec('-0.1'), fundingUsdt: dec('0'), feesUsdt: dec('0.16') },
      closeReason: 'bench',
    });
  });
}

/** Commits per second of a one-row transaction with the store's pragmas: what fsync alone allows. */
function diskFloorTps(dir: string): number {
  const db = new Database(join(dir, 'floor.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const commit = db.transaction(() => insert.run('x'));
    let commits = 0;
    const started = performance.now();
    while (performance.now() - started < DURATION_MS / 2) {
      commit();
      commits++;
    }
    return commits / ((performance.now() - started) / 1000);
  } finally {
    db.close();
  }
}

export async function measureStoreThroughput(): Promise<FigureResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dnfarm-bench-store-'));
  let clockMs = 1_760_000_000_000;
  const store = openStore(dir, { command: 'bench', clock: { nowMs: () => clockMs++ } });
  try {
    // Warm-up: statement cache, page cache, JIT.
    for (let i = 0; i < 50; i++) closeTransaction(store, openTransaction(store));
    progress(`store: ${DURATION_MS / 1000} s of open/close transactions on ${store.path}`);
    let transactions = 0;
    const started = performance.now();
    while (performance.now() - started < DURATION_MS) {
      closeTransaction(store, openTransaction(store));
      transactions += 2;
    }
    const seconds = (performance.now() - started) / 1000;
    const tps = transactions / seconds;
    progress('store: the disk floor (one-row commits, same pragmas)');
    const floor = diskFloorTps(dir);
    return [
      informational(
        'store transactions per second (engine write pattern)',
        round(tps, 0),
        'tx/s',
        `${transactions} transactions in ${round(seconds, 2)} s (${round(1000 / tps, 2)} ms each), each an intent + 2 orders (sent, filled) + 2 fills + position update; WAL, synchronous = FULL`,
      ),
      informational(
        'disk floor: one-row commits per second, same pragmas',
        round(floor, 0),
        'tx/s',
        'fsync-bound; the store cannot commit faster than this',
      ),
    ];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
