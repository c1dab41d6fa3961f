/**
 * Housekeeping that keeps an engine's memory bounded over months of simulated time. Balances, positions and open
 * orders are state and always stay; what grows with time is history: finished orders, trades, income, ledger
 * entries, settled funding rates and used transfer ids. A real exchange bounds its history too (Aster answers
 * order, trade and income queries over 7-day windows and forgets unfilled orders after 7 days).
 *
 * Transfer ids past their reuse window are dropped always: nothing reads them any more. The rest is bounded only
 * under a `SimRetention` (see index.ts), since backtests and audits read the whole history.
 */
import type { AccountState } from './account.ts';
import type { EngineCore } from './core.ts';
import type { SimOrder, SimRetention } from './index.ts';

/** Simulated time between two housekeeping passes: a pass walks every record, so it runs rarely. */
export const HOUSEKEEPING_INTERVAL_MS = 3_600_000;

/**
 * The bound a simulator serving a bot for months should use: Aster's query window (order, trade and income queries
 * span at most 7 days) and its default page of 100 records, so every query a client can make within Aster's own
 * limits still finds what it would find there.
 */
export const EXCHANGE_RETENTION: SimRetention = { windowMs: 7 * 86_400_000, minRecords: 100 };

export function validateRetention(retention: SimRetention): SimRetention {
  const { windowMs, minRecords } = retention;
  if (!Number.isFinite(windowMs) || windowMs < 0) {
    throw new RangeError(`retention.windowMs must be a finite number >= 0, got ${windowMs}`);
  }
  if (!Number.isSafeInteger(minRecords) || minRecords < 0) {
    throw new RangeError(`retention.minRecords must be an integer >= 0, got ${minRecords}`);
  }
  return { windowMs, minRecords };
}

/** One housekeeping pass at the engine's current time. */
export function keepHouse(core: EngineCore, retention: SimRetention | undefined): void {
  const tranIdCutoff = core.nowMs - core.settings.clientTranIdWindowMs;
  for (const account of core.accounts.values()) {
    for (const [id, usedAt] of account.clientTranIds) if (usedAt <= tranIdCutoff) account.clientTranIds.delete(id);
  }
  if (retention === undefined) return;
  const cutoff = core.nowMs - retention.windowMs;
  const keep = retention.minRecords;
  for (const account of core.accounts.values()) {
    for (const market of ['spot', 'perp'] as const) {
      pruneOrders(account, market, cutoff, keep);
      keepRecent(account.trades[market], (t) => t.timeMs, cutoff, keep);
    }
    keepRecent(account.income, (r) => r.timeMs, cutoff, keep);
  }
  core.ledger.fold(cutoff, keep);
  for (const rows of core.fundingHistory.values()) keepRecent(rows, (r) => r.fundingTimeMs, cutoff, keep);
}

/**
 * Removes, in place, the rows older than `cutoffMs` that are not among the last `keep` rows. Rows are in time order
 * except for small jitters (funding records carry the settlement's jittered time), so the test is per row.
 */
export function keepRecent<T>(rows: T[], timeOf: (row: T) => number, cutoffMs: number, keep: number): void {
  const protectedFrom = rows.length - keep;
  let write = 0;
  for (let read = 0; read < rows.length; read++) {
    const row = rows[read] as T;
    if (read >= protectedFrom || timeOf(row) >= cutoffMs) rows[write++] = row;
  }
  rows.length = write;
}

function isOpen(order: SimOrder): boolean {
  return order.status === 'NEW' || order.status === 'PARTIALLY_FILLED';
}

/** Finished orders older than the cutoff go, except the newest `keep` finished ones; open orders always stay. */
function pruneOrders(account: AccountState, market: 'spot' | 'perp', cutoffMs: number, keep: number): void {
  const orders = account.orders[market];
  let finished = 0;
  for (const order of orders.values()) if (!isOpen(order)) finished++;
  let left = finished;
  for (const [orderId, order] of orders) {
    if (left <= keep) break;
    if (isOpen(order)) continue;
    left--;
    if (order.updateTimeMs >= cutoffMs) continue;
    orders.delete(orderId);
    const byClientId = account.byClientId[market];
    if (byClientId.get(order.clientOrderId) === orderId) byClientId.delete(order.clientOrderId);
  }
}
