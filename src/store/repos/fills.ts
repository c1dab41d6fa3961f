/**
 * Executions (user trades), stored once each: re-reading the same trades after a restart inserts nothing.
 * Commissions are kept as charged (asset and amount) plus their USDT value, which the caller computes.
 */
import type { UserTrade } from '../../domain/account.ts';
import { Decimal, ZERO } from '../../domain/decimal.ts';
import {
  boolCol,
  decCol,
  encBool,
  encDec,
  encTime,
  intCol,
  intColOrNull,
  oneOf,
  type Row,
  textCol,
  textColOrNull,
} from '../codec.ts';
import type { StoreContext } from '../context.ts';
import type { FillSummary, StoredFill } from '../types.ts';

const T = 'fills';

function decodeFill(row: Row): StoredFill {
  return {
    market: oneOf(row, T, 'market', ['spot', 'perp'] as const),
    symbol: textCol(row, T, 'symbol'),
    tradeId: textCol(row, T, 'trade_id'),
    orderId: textCol(row, T, 'order_id'),
    clientOrderId: textColOrNull(row, T, 'client_order_id'),
    positionId: intColOrNull(row, T, 'position_id'),
    side: oneOf(row, T, 'side', ['BUY', 'SELL'] as const),
    price: decCol(row, T, 'price'),
    qty: decCol(row, T, 'qty'),
    quoteQty: decCol(row, T, 'quote_qty'),
    commission: decCol(row, T, 'commission'),
    commissionAsset: textCol(row, T, 'commission_asset'),
    commissionUsdt: decCol(row, T, 'commission_usdt'),
    realizedPnl: decCol(row, T, 'realized_pnl'),
    maker: boolCol(row, T, 'maker'),
    timeMs: intCol(row, T, 'time'),
  };
}

export interface FillLink {
  /** The commission in USDT (for a base-asset commission: commission × fill price). */
  commissionUsdt: Decimal;
  /** Our order, when the trade belongs to one (found by exchange order id if omitted). */
  clientOrderId?: string | null;
  /** Defaults to the position of the order's intent. */
  positionId?: number | null;
}

/** Quantity, quote, average price and USDT commission of a set of fills. */
export function summarizeFills(fills: readonly StoredFill[]): FillSummary {
  let qty = ZERO;
  let quote = ZERO;
  let commission = ZERO;
  for (const f of fills) {
    qty = qty.plus(f.qty);
    quote = quote.plus(f.quoteQty);
    commission = commission.plus(f.commissionUsdt);
  }
  return {
    fills: fills.length,
    qty,
    quoteQty: quote,
    avgPrice: qty.isZero() ? null : quote.dividedBy(qty),
    commissionUsdt: commission,
  };
}

export class FillRepo {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  /** Stores a trade unless already known; returns whether it was new. */
  record(trade: UserTrade, link: FillLink): boolean {
    return this.#ctx.tx(() => {
      let clientOrderId = link.clientOrderId ?? null;
      if (link.clientOrderId === undefined) {
        const own = this.#ctx
          .prepare('SELECT client_order_id FROM orders WHERE market = ? AND symbol = ? AND exchange_order_id = ?')
          .get(trade.market, trade.symbol, trade.orderId) as Row | undefined;
        clientOrderId = own ? textCol(own, 'orders', 'client_order_id') : null;
      }
      let positionId = link.positionId ?? null;
      if (link.positionId === undefined && clientOrderId !== null) {
        const owner = this.#ctx
          .prepare(
            'SELECT i.position_id FROM orders o JOIN intents i ON i.id = o.intent_id WHERE o.client_order_id = ?',
          )
          .get(clientOrderId) as Row | undefined;
        positionId = owner ? intColOrNull(owner, 'intents', 'position_id') : null;
      }
      const info = this.#ctx
        .prepare(
          `INSERT OR IGNORE INTO fills (market, symbol, trade_id, order_id, client_order_id, position_id, side, price,
            qty, quote_qty, commission, commission_asset, commission_usdt, realized_pnl, maker, time, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          trade.market,
          trade.symbol,
          trade.id,
          trade.orderId,
          clientOrderId,
          positionId,
          trade.side,
          encDec(trade.price),
          encDec(trade.qty),
          encDec(trade.quoteQty),
          encDec(trade.commission),
          trade.commissionAsset,
          encDec(link.commissionUsdt),
          encDec(trade.realizedPnl),
          encBool(trade.maker),
          encTime(trade.timeMs, 'trade timeMs'),
          this.#ctx.nowMs(),
        );
      return info.changes === 1;
    });
  }

  /** Stores many trades atomically; returns how many were new. */
  recordMany(items: readonly { trade: UserTrade; link: FillLink }[]): number {
    return this.#ctx.tx(() => items.reduce((n, { trade, link }) => n + (this.record(trade, link) ? 1 : 0), 0));
  }

  byOrder(clientOrderId: string): StoredFill[] {
    const rows = this.#ctx
      .prepare('SELECT * FROM fills WHERE client_order_id = ? ORDER BY time, id')
      .all(clientOrderId) as Row[];
    return rows.map(decodeFill);
  }

  forPosition(positionId: number): StoredFill[] {
    const rows = this.#ctx
      .prepare('SELECT * FROM fills WHERE position_id = ? ORDER BY time, id')
      .all(positionId) as Row[];
    return rows.map(decodeFill);
  }

  /** Total commissions (USDT) ever recorded. */
  totalCommissionUsdt(): Decimal {
    const rows = this.#ctx.prepare('SELECT commission_usdt FROM fills').all() as Row[];
    return rows.reduce((sum, r) => sum.plus(decCol(r, T, 'commission_usdt')), new Decimal(0));
  }
}
