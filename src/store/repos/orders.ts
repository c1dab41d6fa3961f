/**
 * Orders, keyed by their deterministic client order id.
 *
 * Recovery rule for the engine: every order whose status is not final must be looked up on the exchange
 * by its client id before anything else is decided, including `PLANNED` ones: a process can die after
 * the request left and before `markSent` was written.
 */
import type { OrderRecord } from '../../domain/account.ts';
import { Decimal } from '../../domain/decimal.ts';
import {
  boolCol,
  decCol,
  decColOrNull,
  encBool,
  encDec,
  encDecOrNull,
  encTime,
  intCol,
  intColOrNull,
  oneOf,
  type Row,
  textCol,
  textColOrNull,
} from '../codec.ts';
import type { StoreContext } from '../context.ts';
import { StoreStateError } from '../errors.ts';
import { FINAL_ORDER_STATUSES, type PlannedOrder, type StoredOrder } from '../types.ts';

const T = 'orders';
const FINAL_SQL = FINAL_ORDER_STATUSES.map((s) => `'${s}'`).join(', ');

export function decodeOrder(row: Row): StoredOrder {
  return {
    clientOrderId: textCol(row, T, 'client_order_id'),
    intentId: intCol(row, T, 'intent_id'),
    leg: textCol(row, T, 'leg'),
    attempt: intCol(row, T, 'attempt'),
    market: oneOf(row, T, 'market', ['spot', 'perp'] as const),
    symbol: textCol(row, T, 'symbol'),
    side: oneOf(row, T, 'side', ['BUY', 'SELL'] as const),
    type: textCol(row, T, 'type'),
    quantity: decCol(row, T, 'quantity'),
    reduceOnly: boolCol(row, T, 'reduce_only'),
    stopPrice: decColOrNull(row, T, 'stop_price'),
    status: textCol(row, T, 'status'),
    exchangeOrderId: textColOrNull(row, T, 'exchange_order_id'),
    executedQty: decCol(row, T, 'executed_qty'),
    avgPrice: decColOrNull(row, T, 'avg_price'),
    cumQuote: decCol(row, T, 'cum_quote'),
    createdAtMs: intCol(row, T, 'created_at'),
    sentAtMs: intColOrNull(row, T, 'sent_at'),
    updatedAtMs: intCol(row, T, 'updated_at'),
    exchangeUpdatedAtMs: intColOrNull(row, T, 'exchange_updated_at'),
    lastError: textColOrNull(row, T, 'last_error'),
  };
}

export function isFinalOrderStatus(status: string): boolean {
  return FINAL_ORDER_STATUSES.includes(status);
}

export class OrderRepo {
  readonly #ctx: StoreContext;
  readonly #clientOrderIdFor: (intentId: number, leg: string, attempt: number) => string;

  constructor(ctx: StoreContext, clientOrderIdFor: (intentId: number, leg: string, attempt: number) => string) {
    this.#ctx = ctx;
    this.#clientOrderIdFor = clientOrderIdFor;
  }

  /**
   * Persists the next attempt of `order.leg` for an intent (attempt 0 if the leg has none yet) and
   * bumps the intent's attempt counter on retries. The returned client id is what must be sent.
   */
  plan(intentId: number, order: PlannedOrder): StoredOrder {
    return this.#ctx.tx(() => {
      const intent = this.#ctx.prepare('SELECT status FROM intents WHERE id = ?').get(intentId) as Row | undefined;
      if (!intent) throw new StoreStateError(`intent ${intentId} does not exist`);
      const status = textCol(intent, 'intents', 'status');
      if (status !== 'pending' && status !== 'sent') {
        throw new StoreStateError(`intent ${intentId} is ${status}: no new order can be planned for it`);
      }
      const last = this.#ctx
        .prepare('SELECT max(attempt) AS a FROM orders WHERE intent_id = ? AND leg = ?')
        .get(intentId, order.leg) as { a: number | null };
      const attempt = last.a === null ? 0 : last.a + 1;
      const clientOrderId = this.#clientOrderIdFor(intentId, order.leg, attempt);
      const now = this.#ctx.nowMs();
      this.#ctx
        .prepare(
          `INSERT INTO orders (client_order_id, intent_id, leg, attempt, market, symbol, side, type, quantity,
            reduce_only, stop_price, status, exchange_order_id, executed_qty, avg_price, cum_quote, created_at,
            sent_at, updated_at, exchange_updated_at, last_error)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PLANNED', NULL, '0', NULL, '0', ?, NULL, ?, NULL, NULL)`,
        )
        .run(
          clientOrderId,
          intentId,
          order.leg,
          attempt,
          order.market,
          order.symbol,
          order.side,
          order.type,
          encDec(order.quantity),
          encBool(order.reduceOnly ?? false),
          encDecOrNull(order.stopPrice),
          now,
          now,
        );
      if (attempt > 0) {
        this.#ctx.prepare('UPDATE intents SET attempt = attempt + 1, updated_at = ? WHERE id = ?').run(now, intentId);
      }
      return this.require(clientOrderId);
    });
  }

  get(clientOrderId: string): StoredOrder | null {
    const row = this.#ctx.prepare('SELECT * FROM orders WHERE client_order_id = ?').get(clientOrderId) as
      | Row
      | undefined;
    return row ? decodeOrder(row) : null;
  }

  require(clientOrderId: string): StoredOrder {
    const o = this.get(clientOrderId);
    if (!o) throw new StoreStateError(`order ${clientOrderId} does not exist`);
    return o;
  }

  /** An order we placed, looked up by the exchange's order id (user trades carry only that). */
  byExchangeId(market: 'spot' | 'perp', symbol: string, exchangeOrderId: string): StoredOrder | null {
    const row = this.#ctx
      .prepare('SELECT * FROM orders WHERE market = ? AND symbol = ? AND exchange_order_id = ?')
      .get(market, symbol, exchangeOrderId) as Row | undefined;
    return row ? decodeOrder(row) : null;
  }

  byIntent(intentId: number): StoredOrder[] {
    const rows = this.#ctx
      .prepare('SELECT * FROM orders WHERE intent_id = ? ORDER BY leg, attempt')
      .all(intentId) as Row[];
    return rows.map(decodeOrder);
  }

  byPosition(positionId: number): StoredOrder[] {
    const rows = this.#ctx
      .prepare(
        `SELECT o.* FROM orders o JOIN intents i ON i.id = o.intent_id
          WHERE i.position_id = ? ORDER BY o.intent_id, o.leg, o.attempt`,
      )
      .all(positionId) as Row[];
    return rows.map(decodeOrder);
  }

  /** Orders whose outcome is not final yet, oldest first: the reconciler queries each by client id. */
  unresolved(): StoredOrder[] {
    const rows = this.#ctx
      .prepare(`SELECT * FROM orders WHERE status NOT IN (${FINAL_SQL}) ORDER BY created_at, client_order_id`)
      .all() as Row[];
    return rows.map(decodeOrder);
  }

  /** Written just before the request leaves. */
  markSent(clientOrderId: string): StoredOrder {
    return this.#ctx.tx(() => {
      const o = this.require(clientOrderId);
      if (o.status !== 'PLANNED' && o.status !== 'SENT') {
        throw new StoreStateError(`order ${clientOrderId} is ${o.status}: it cannot be marked sent`);
      }
      const now = this.#ctx.nowMs();
      this.#ctx
        .prepare(
          "UPDATE orders SET status = 'SENT', sent_at = coalesce(sent_at, ?), updated_at = ? WHERE client_order_id = ?",
        )
        .run(now, now, clientOrderId);
      return this.require(clientOrderId);
    });
  }

  /**
   * Merges what the exchange reports (order response, order query, user-stream event). Reports can
   * arrive out of order (stream vs REST), so the merge never moves backwards: a smaller executed
   * quantity, or a live status after a final one, is ignored.
   */
  applyExchangeState(record: OrderRecord): StoredOrder {
    return this.#ctx.tx(() => {
      const o = this.require(record.clientOrderId);
      const stale =
        record.executedQty.lessThan(o.executedQty) ||
        (isFinalOrderStatus(o.status) && o.status !== 'NOT_FOUND' && !isFinalOrderStatus(record.status));
      if (stale) return o;
      const avg = record.executedQty.isZero() ? null : record.avgPrice;
      this.#ctx
        .prepare(
          `UPDATE orders SET status = ?, exchange_order_id = ?, executed_qty = ?, avg_price = ?, cum_quote = ?,
            exchange_updated_at = ?, updated_at = ?, sent_at = coalesce(sent_at, ?) WHERE client_order_id = ?`,
        )
        .run(
          record.status,
          record.orderId,
          encDec(record.executedQty),
          encDecOrNull(avg),
          encDec(record.cumQuote),
          encTime(record.updateTimeMs, 'updateTimeMs'),
          this.#ctx.nowMs(),
          this.#ctx.nowMs(),
          record.clientOrderId,
        );
      return this.require(record.clientOrderId);
    });
  }

  /** The exchange confirmed it never received this id: the caller may plan the next attempt. */
  markNotFound(clientOrderId: string): StoredOrder {
    return this.#setTerminal(clientOrderId, 'NOT_FOUND', null);
  }

  /** Definitely rejected before reaching the book (e.g. a -2010/-4164 class error). */
  markFailed(clientOrderId: string, error: string): StoredOrder {
    return this.#setTerminal(clientOrderId, 'FAILED', error);
  }

  /** Keeps the last error seen while the outcome is still unknown (timeouts, 503). */
  recordError(clientOrderId: string, error: string): StoredOrder {
    return this.#ctx.tx(() => {
      this.require(clientOrderId);
      this.#ctx
        .prepare('UPDATE orders SET last_error = ?, updated_at = ? WHERE client_order_id = ?')
        .run(error, this.#ctx.nowMs(), clientOrderId);
      return this.require(clientOrderId);
    });
  }

  #setTerminal(clientOrderId: string, status: 'NOT_FOUND' | 'FAILED', error: string | null): StoredOrder {
    return this.#ctx.tx(() => {
      const o = this.require(clientOrderId);
      if (o.executedQty.greaterThan(new Decimal(0)) || (isFinalOrderStatus(o.status) && o.status !== status)) {
        throw new StoreStateError(
          `order ${clientOrderId} is ${o.status} with ${o.executedQty.toFixed()} executed: it cannot become ${status}`,
        );
      }
      this.#ctx
        .prepare(
          'UPDATE orders SET status = ?, last_error = coalesce(?, last_error), updated_at = ? WHERE client_order_id = ?',
        )
        .run(status, error, this.#ctx.nowMs(), clientOrderId);
      return this.require(clientOrderId);
    });
  }
}
