/**
 * The order gateway: the only code that sends an order.
 *
 * Every order it sends already exists in the store (planned with its intent, client id derived from the intent),
 * so after any failure or crash the exchange can be asked "did this id execute?". The rules:
 * - a PLANNED order is marked SENT, then sent once; an order that is not PLANNED is never sent again, only
 *   looked up (a restart or a second caller cannot double it);
 * - a definite rejection marks it FAILED, a request that provably never left marks it FAILED too (nothing
 *   executed in either case), so the caller may plan the next attempt (next client id);
 * - an unknown outcome is settled by querying the client id: found → its state is merged; not found twice in a
 *   row → NOT_FOUND (only then may the caller send the next attempt); still unknown at the deadline → the order
 *   stays SENT, and the reconciler owns it from there.
 * Market orders are followed until their status is final (Aster may answer a spot MARKET order `NEW` with
 * nothing executed yet); a stop order is done once the exchange has it (`NEW`).
 */
import type { OrderRecord } from '../../domain/account.ts';
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import { describeError } from '../../errors.ts';
import { isFinalOrderStatus, type StoredOrder } from '../../store/index.ts';
import type { ExecContext } from './context.ts';
import type { Deadline } from './deadline.ts';
import { classifySendError } from './send-errors.ts';

/**
 * - `filled`: final, the whole quantity executed; `partial`: final, part of it executed (the rest expired);
 * - `none`: final, nothing executed (rejected, not sent, not found, expired empty);
 * - `live`: accepted and working (a stop order waiting for its trigger);
 * - `unknown`: not established before the deadline.
 */
export type OrderState = 'filled' | 'partial' | 'none' | 'live' | 'unknown';

export interface OrderOutcome {
  order: StoredOrder;
  state: OrderState;
  executedQty: Decimal;
  /** Why nothing (or not everything) is known or executed; null on a clean fill. */
  error: string | null;
}

/** A "not found" answer right after a timeout could be a request still in flight; ask again before believing it. */
const NOT_FOUND_CONFIRMATIONS = 2;
const QUERY_BACKOFF_MS = [100, 200, 400, 800, 1000] as const;
/** Upper bound on queries per resolution, whatever the clock does (a frozen test clock never expires a deadline). */
const MAX_QUERIES = 25;

export interface SubmitOptions {
  /** A working (NEW) order is a success: stop orders. */
  acceptLive?: boolean;
  /**
   * Runs in the same store commit as the order's answer when that answer settles it (final, or working with
   * `acceptLive`): the caller's own bookkeeping on the answer costs no second commit. Not called when the outcome
   * is only established later by queries.
   */
  onAnswer?: (outcome: OrderOutcome) => void;
}

function settles(outcome: OrderOutcome, options: SubmitOptions): boolean {
  return outcome.state !== 'unknown' && (outcome.state !== 'live' || options.acceptLive === true);
}

function backoffMs(attempt: number): number {
  return QUERY_BACKOFF_MS[Math.min(attempt, QUERY_BACKOFF_MS.length - 1)] ?? 1000;
}

export function outcomeOf(order: StoredOrder, error: string | null = null): OrderOutcome {
  const executedQty = order.executedQty;
  if (isFinalOrderStatus(order.status)) {
    if (executedQty.isZero()) return { order, state: 'none', executedQty, error: error ?? order.lastError };
    const state = executedQty.greaterThanOrEqualTo(order.quantity) ? 'filled' : 'partial';
    return { order, state, executedQty, error };
  }
  if (order.status === 'NEW' || order.status === 'PARTIALLY_FILLED') {
    return { order, state: 'live', executedQty, error };
  }
  return { order, state: 'unknown', executedQty, error: error ?? order.lastError };
}

export class OrderGateway {
  readonly #ctx: ExecContext;

  constructor(ctx: ExecContext) {
    this.#ctx = ctx;
  }

  /** Sends a PLANNED order (or resolves one that was already sent) and follows it to a known outcome. */
  submit(clientOrderId: string, deadline: Deadline, options: SubmitOptions = {}): Promise<OrderOutcome> {
    return this.submitAll([clientOrderId], deadline, options)[0] as Promise<OrderOutcome>;
  }

  /**
   * `submit` for several orders at once: every PLANNED one is marked SENT in ONE store transaction (a commit
   * waits for the disk, and the legs of an open should not wait for one commit each), then all are sent
   * concurrently. Orders already past PLANNED are only resolved. One outcome per id, in order.
   */
  submitAll(
    clientOrderIds: readonly string[],
    deadline: Deadline,
    options: SubmitOptions = {},
  ): Promise<OrderOutcome>[] {
    return this.planAndSubmit(() => clientOrderIds, deadline, options);
  }

  /**
   * Runs `plan` (which records intents and orders and returns the ids to send) in the same store transaction as
   * marking those orders SENT, then sends them: what is sent is on disk first, in one commit instead of two.
   */
  planAndSubmit(
    plan: () => readonly string[],
    deadline: Deadline,
    options: SubmitOptions = {},
  ): Promise<OrderOutcome>[] {
    const { store } = this.#ctx;
    const claimed = store.transaction(() =>
      plan().map((id) => {
        const order = store.orders.require(id);
        return order.status === 'PLANNED' ? { id, order: store.orders.markSent(id) } : { id, order: null };
      }),
    );
    return claimed.map(({ id, order }) =>
      order === null ? this.resolve(id, deadline, options) : this.#send(order, deadline, options),
    );
  }

  /** Sends an order this gateway has just marked SENT (never one found SENT: that one is only resolved). */
  async #send(order: StoredOrder, deadline: Deadline, options: SubmitOptions): Promise<OrderOutcome> {
    const { store, venue, logger } = this.#ctx;
    const clientOrderId = order.clientOrderId;
    this.#ctx.writes += 1;
    let record: OrderRecord;
    try {
      record =
        order.type === 'STOP_MARKET'
          ? await venue.placeStopMarket({
              symbol: order.symbol,
              side: order.side,
              stopPrice: order.stopPrice ?? ZERO,
              quantity: order.quantity,
              clientOrderId,
            })
          : await venue.placeMarketOrder({
              market: order.market,
              symbol: order.symbol,
              side: order.side,
              quantity: order.quantity,
              clientOrderId,
              ...(order.market === 'perp' ? { reduceOnly: order.reduceOnly } : {}),
            });
    } catch (error) {
      const message = describeError(error);
      const verdict = classifySendError(error);
      if (verdict !== 'unknown') {
        const failed = store.orders.markFailed(
          clientOrderId,
          `${verdict === 'not_sent' ? 'not sent' : 'rejected'}: ${message}`,
        );
        logger.warn({ clientOrderId, symbol: order.symbol, market: order.market, verdict }, 'order not executed');
        return outcomeOf(failed, message);
      }
      store.orders.recordError(clientOrderId, message);
      logger.warn({ clientOrderId, symbol: order.symbol, market: order.market }, 'order outcome unknown; querying');
      return this.resolve(clientOrderId, deadline, options);
    }
    const answered = record;
    const outcome = store.transaction(() => {
      const settled = outcomeOf(this.#merge(clientOrderId, answered));
      if (settles(settled, options)) options.onAnswer?.(settled);
      return settled;
    });
    if (settles(outcome, options)) return outcome;
    return this.resolve(clientOrderId, deadline, options);
  }

  /**
   * Looks the order up by its client id until its outcome is known or the deadline passes. Never sends.
   * Query failures are retried with backoff; two consecutive "not found" answers mark it NOT_FOUND.
   */
  async resolve(clientOrderId: string, deadline: Deadline, options: SubmitOptions = {}): Promise<OrderOutcome> {
    const { store, venue, logger } = this.#ctx;
    let order = store.orders.require(clientOrderId);
    const known = outcomeOf(order);
    if (known.state !== 'unknown' && known.state !== 'live') return known;
    let notFound = 0;
    let lastError: string | null = null;
    for (let query = 0; query < MAX_QUERIES; query++) {
      let record: OrderRecord | null | undefined;
      try {
        record = await venue.getOrder(order.market, order.symbol, clientOrderId);
      } catch (error) {
        lastError = describeError(error);
        logger.warn({ clientOrderId, error: lastError }, 'order query failed');
        record = undefined;
      }
      if (record === null) {
        notFound += 1;
        if (notFound >= NOT_FOUND_CONFIRMATIONS) {
          order = store.orders.markNotFound(clientOrderId);
          return outcomeOf(order, 'the exchange has no order with this client id');
        }
      } else if (record !== undefined) {
        notFound = 0;
        order = this.#merge(clientOrderId, record);
        const outcome = outcomeOf(order);
        if (settles(outcome, options)) return outcome;
      }
      if (deadline.expired()) break;
      await deadline.sleep(notFound > 0 ? 150 : backoffMs(query));
    }
    if (lastError !== null) store.orders.recordError(clientOrderId, lastError);
    return { ...outcomeOf(store.orders.require(clientOrderId), lastError), state: 'unknown' };
  }

  /**
   * Cancels a working order (the backstop). Returns the order's final state: CANCELED, or FILLED when it fired
   * first, or NOT_FOUND when the exchange never had it. Unknown when neither cancel nor query answered.
   */
  async cancel(clientOrderId: string, deadline: Deadline): Promise<OrderOutcome> {
    const { store, venue, logger } = this.#ctx;
    const order = store.orders.require(clientOrderId);
    if (isFinalOrderStatus(order.status)) return outcomeOf(order);
    this.#ctx.writes += 1;
    try {
      const record = await venue.cancelOrder(order.market, order.symbol, clientOrderId);
      if (record !== null) {
        const merged = this.#merge(clientOrderId, record);
        if (isFinalOrderStatus(merged.status)) return outcomeOf(merged);
      }
    } catch (error) {
      logger.warn({ clientOrderId, error: describeError(error) }, 'cancel failed; querying the order');
    }
    // "Unknown order" on cancel means it is no longer open: filled, cancelled or never placed. Ask.
    return this.resolve(clientOrderId, deadline);
  }

  #merge(clientOrderId: string, record: OrderRecord): StoredOrder {
    // The exchange echoes our id; merge under the id we sent even if a proxy changed its case or padding.
    return this.#ctx.store.orders.applyExchangeState({ ...record, clientOrderId });
  }
}
