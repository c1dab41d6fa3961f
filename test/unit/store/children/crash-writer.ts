/**
 * Writes open → fund → close cycles as fast as it can, each step one multi-row transaction, until it
 * is killed. Usage: crash-writer.ts <dataDir>
 * Every committed step leaves a fixed shape (see crash-safety.test.ts), so a half-applied transaction
 * would be visible after the kill.
 */
import type { OrderRecord, UserTrade } from '../../../../src/domain/account.ts';
import { dec } from '../../../../src/domain/decimal.ts';
import { openStore, type Store, type StoredOrder } from '../../../../src/store/index.ts';

const dataDir = process.argv[2] as string;
const store = openStore(dataDir, { command: 'crash-writer' });

function filled(order: StoredOrder, price: string): OrderRecord {
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

function trade(order: StoredOrder, price: string): UserTrade {
  return {
    market: order.market,
    symbol: order.symbol,
    id: `t-${order.clientOrderId}`,
    orderId: `x-${order.clientOrderId}`,
    side: order.side,
    price: dec(price),
    qty: order.quantity,
    quoteQty: order.quantity.times(price),
    commission: dec('0.0004'),
    commissionAsset: 'USDT',
    realizedPnl: dec(0),
    maker: false,
    timeMs: store.nowMs(),
  };
}

function fillAll(s: Store, orders: StoredOrder[], price: string): void {
  for (const o of orders) {
    s.orders.markSent(o.clientOrderId);
    s.orders.applyExchangeState(filled(o, price));
    s.fills.record(trade(o, price), { commissionUsdt: dec('0.0004') });
  }
}

function openStep(n: number): number {
  return store.transaction(() => {
    const p = store.positions.create({
      symbol: 'BTCUSDT',
      spotSymbol: 'BTCUSDT',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      leverage: 1,
      notionalUsdt: dec('100.5'),
    });
    const { intent, orders } = store.intents.create({
      kind: 'open',
      positionId: p.id,
      payload: { n, quantity: dec('0.001') },
      orders: [
        { leg: 'spot', market: 'spot', symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: dec('0.001') },
        { leg: 'perp', market: 'perp', symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: dec('0.001') },
      ],
    });
    fillAll(store, orders, '100500');
    store.intents.complete(intent.id);
    store.positions.markOpen(p.id, {
      openedAtMs: store.nowMs(),
      spotQtyGross: dec('0.001'),
      spotQtyNet: dec('0.001'),
      perpQty: dec('0.001'),
      spotAvgPrice: dec('100500'),
      perpAvgPrice: dec('100500'),
      notionalUsdt: dec('100.5'),
      entryFeesUsdt: dec('0.0008'),
      volumeUsdt: dec('201'),
    });
    return p.id;
  });
}

function fundStep(positionId: number): void {
  store.funding.record(
    {
      symbol: 'BTCUSDT',
      incomeType: 'FUNDING_FEE',
      income: dec('0.0123'),
      asset: 'USDT',
      timeMs: store.nowMs(),
      tranId: `f-${positionId}`,
      tradeId: '',
    },
    positionId,
  );
}

function closeStep(positionId: number): void {
  store.transaction(() => {
    store.positions.markClosing(positionId, 'cycle');
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
    fillAll(store, orders, '100600');
    store.intents.complete(intent.id);
    store.positions.markClosed(positionId, {
      closedAtMs: store.nowMs(),
      exitSpotQty: dec('0.001'),
      exitPerpQty: dec('0.001'),
      exitSpotAvgPrice: dec('100600'),
      exitPerpAvgPrice: dec('100600'),
      exitFeesUsdt: dec('0.0008'),
      volumeUsdt: dec('402.2'),
      pnl: { spotUsdt: dec('0.1'), perpUsdt: dec('-0.1'), fundingUsdt: dec('0.0123'), feesUsdt: dec('0.0016') },
      closeReason: 'cycle',
    });
  });
}

// Recovery, as a restarted bot would do it: finish the cycle a previous kill interrupted.
const leftover = store.positions.active();
if (leftover) {
  fundStep(leftover.id);
  closeStep(leftover.id);
}

for (let n = 1; ; n++) {
  const positionId = openStep(n);
  fundStep(positionId);
  closeStep(positionId);
  process.stdout.write(`tick ${n}\n`);
}
