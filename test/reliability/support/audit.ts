/**
 * Audits of a finished run against the simulator, the exchange being the truth:
 * - orders: no client order id twice, and no leg of an intent executed more than its first attempt asked for
 *   (a retry that doubled an order would show here);
 * - money: every closed position's realised PnL in the store equals what the simulator's ledger says its trades
 *   and funding did to the account, within $0.01; every trade in the ledger is known to the store; the store's
 *   funding total equals the ledger's.
 */
import Database from 'better-sqlite3';
import { Decimal as D, type Decimal, ZERO } from '../../../src/domain/decimal.ts';
import type { SimulatorHandle } from '../../../src/sim/index.ts';
import { parseClientId, type Store } from '../../../src/store/index.ts';

const CENT = new D('0.01');

interface OrderRow {
  market: string;
  symbol: string;
  clientOrderId: string;
  side: string;
  status: string;
  origQty: string;
  executedQty: string;
}

function ordersOf(sim: SimulatorHandle, account: string): OrderRow[] {
  const state = sim.state({ include: new Set(['accounts']), account });
  const accounts = (state['accounts'] ?? []) as { orders: OrderRow[] }[];
  return accounts.flatMap((a) => a.orders);
}

export function auditOrders(sim: SimulatorHandle, account: string): string[] {
  const problems: string[] = [];
  const orders = ordersOf(sim, account).filter((o) => o.clientOrderId.startsWith('dnf-'));
  const seen = new Set<string>();
  for (const o of orders) {
    if (seen.has(o.clientOrderId)) problems.push(`client order id ${o.clientOrderId} was accepted twice`);
    seen.add(o.clientOrderId);
  }
  const byLeg = new Map<string, { first: Decimal | null; executed: Decimal; ids: string[] }>();
  for (const o of orders) {
    const id = parseClientId(o.clientOrderId);
    if (id === null) continue;
    const key = `${id.storeId}-${id.intentId}-${id.leg}`;
    const entry = byLeg.get(key) ?? { first: null, executed: ZERO, ids: [] };
    if (id.attempt === 0) entry.first = new D(o.origQty);
    entry.executed = entry.executed.plus(o.executedQty);
    entry.ids.push(o.clientOrderId);
    byLeg.set(key, entry);
  }
  for (const [key, entry] of byLeg) {
    if (entry.first !== null && entry.executed.greaterThan(entry.first)) {
      problems.push(
        `leg ${key} executed ${entry.executed.toFixed()} over ${entry.ids.length} attempts, more than the ${entry.first.toFixed()} it asked for`,
      );
    }
  }
  return problems;
}

/** Every fill the store holds, attached to a position or not, as `market:tradeId` (read-only side connection). */
function allStoredTrades(path: string): Set<string> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT market, trade_id FROM fills').all() as { market: string; trade_id: string }[];
    return new Set(rows.map((r) => `${r.market}:${r.trade_id}`));
  } finally {
    db.close();
  }
}

export interface MoneyAudit {
  problems: string[];
  positionsChecked: number;
  /** Largest |store − ledger| over the closed positions, USDT. */
  maxDiffUsdt: Decimal;
  /** Sum of the audited positions' realised PnL (so a zero difference is seen against real amounts). */
  auditedPnlUsdt: Decimal;
}

export function auditMoney(sim: SimulatorHandle, store: Store, account: string): MoneyAudit {
  const problems: string[] = [];
  const ledger = sim.engine.ledger(account);
  const byRef = new Map<string, typeof ledger>();
  for (const e of ledger) {
    const list = byRef.get(e.refId) ?? [];
    byRef.set(e.refId, [...list, e]);
  }
  const positions = store.positions.list();
  const knownTrades = allStoredTrades(store.path);
  let maxDiff = ZERO;
  let audited = ZERO;
  let checked = 0;
  for (const position of positions) {
    const fills = store.fills.forPosition(position.id);
    if (position.status !== 'closed' || position.pnl === null) continue;
    let usdt = ZERO;
    let base = ZERO;
    let buyQuote = ZERO;
    let buyQty = ZERO;
    for (const f of fills) {
      for (const e of byRef.get(`trade:${f.tradeId}`) ?? []) {
        if (e.asset === position.quoteAsset) usdt = usdt.plus(e.delta);
        else if (e.asset === position.baseAsset && e.wallet === 'spot') base = base.plus(e.delta);
      }
      if (f.market === 'spot' && f.side === 'BUY') {
        buyQuote = buyQuote.plus(f.quoteQty);
        buyQty = buyQty.plus(f.qty);
      }
    }
    const funding = store.funding.forPosition(position.id).reduce((s, p) => s.plus(p.amount), ZERO);
    // Spot bought and never sold (dust below the step) is not realised; the store leaves out its cost.
    const dustCost = buyQty.isZero() ? ZERO : base.times(buyQuote.div(buyQty));
    const ledgerPnl = usdt.plus(funding).plus(dustCost);
    const diff = ledgerPnl.minus(position.pnl.totalUsdt).abs();
    if (diff.greaterThan(maxDiff)) maxDiff = diff;
    if (diff.greaterThan(CENT)) {
      problems.push(
        `position ${position.id} (${position.symbol}): store PnL ${position.pnl.totalUsdt.toFixed(6)} but the ledger says ${ledgerPnl.toFixed(6)}`,
      );
    }
    audited = audited.plus(position.pnl.totalUsdt);
    checked++;
  }
  // Every trade the exchange booked for the account must be known to the store (by market and trade id).
  const tradeRefs = new Set(
    ledger
      .filter((e) => e.refId.startsWith('trade:'))
      .map((e) => `${e.wallet === 'spot' ? 'spot' : 'perp'}:${e.refId.slice(6)}`),
  );
  for (const ref of tradeRefs)
    if (!knownTrades.has(ref)) problems.push(`trade ${ref} is in the ledger but not in the store`);
  const ledgerFunding = ledger.filter((e) => e.reason === 'funding').reduce((s, e) => s.plus(e.delta), ZERO);
  const storeFunding = store.totals().fundingReceivedUsdt;
  if (ledgerFunding.minus(storeFunding).abs().greaterThan(CENT)) {
    problems.push(`funding: the store has ${storeFunding.toFixed(6)}, the ledger ${ledgerFunding.toFixed(6)}`);
  }
  return { problems, positionsChecked: checked, maxDiffUsdt: maxDiff, auditedPnlUsdt: audited };
}
