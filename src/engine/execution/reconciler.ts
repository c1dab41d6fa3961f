/**
 * The reconciler: the exchange is the truth, the store says which part of it is ours.
 *
 * Runs on start, after an ambiguous error, before each open and close, and every iteration. In order:
 * 1. transfers left unresolved are sent again with their own clientTranId (deduplicated by the exchange);
 * 2. orders whose outcome is not final are looked up by client id (never re-sent);
 * 3. intents in flight are finished or rolled back: an open with one leg filled is repaired or unwound, a close
 *    half done is finished, a trim/unwind/repair is settled;
 * 4. perp positions without a record: a delta-neutral one is adopted when the bot holds nothing (capital = its
 *    notional at mark: the original bot's 2× figure halved the stop-loss's sensitivity), a naked short is closed
 *    reduce-only, a long perp is closed reduce-only (the strategy's policy for both);
 * 5. the recorded position against the exchange: an imported or adopted one is confirmed with the exchange's
 *    figures; one that is gone is recorded closed; a naked short is closed; spot left without its short (the
 *    backstop fired while the bot was away) is sold; an imbalance beyond `deltaNeutralImbalancePct` is repaired
 *    by trimming the larger leg; a missing backstop is placed, one at another leverage's stop price replaced;
 * 6. our own orders still working on the exchange that belong to nothing active are cancelled.
 * Anything left unresolved makes the report `blocking`: no position may be opened on top of it.
 * A failed exchange read is reported, never acted on.
 */
import type { PerpPosition, SpotBalance } from '../../domain/account.ts';
import { type Decimal, maxDec, minDec, ZERO } from '../../domain/decimal.ts';
import type { MarketInfo, ScanSnapshot } from '../../domain/market.ts';
import { describeError } from '../../errors.ts';
import { type EstimatedField, isFinalOrderStatus, type Position, type StoredOrder } from '../../store/index.ts';
import { classifyLegs } from '../../strategy/health.ts';
import { discoverPairs } from '../../strategy/pairs.ts';
import { planImbalanceRepair } from '../../strategy/repair.ts';
import { feeRates, refreshAccounting } from './accounting.ts';
import { backstopsCurrent, liveBackstops, placeBackstop, replaceBackstop } from './backstop.ts';
import { closePosition } from './close.ts';
import type { ExecContext } from './context.ts';
import { Deadline } from './deadline.ts';
import { startRead } from './deferred.ts';
import { pairMarket } from './market.ts';
import { settleOpen } from './open.ts';
import { closeVanished, sendRepairOrder } from './repair.ts';
import type { ReconcileFinding, ReconcileFindingCode, ReconcileReport, ReconcileTrigger } from './types.ts';

interface Account {
  spotBalances: SpotBalance[];
  perpPositions: PerpPosition[];
}

class Findings {
  readonly list: ReconcileFinding[] = [];
  blocking = false;

  add(
    code: ReconcileFindingCode,
    severity: ReconcileFinding['severity'],
    symbol: string | null,
    message: string,
  ): void {
    this.list.push({ code, severity, symbol, message });
    if (severity === 'critical') this.blocking = true;
  }
}

function spotTotalOf(account: Account, asset: string): Decimal {
  const row = account.spotBalances.find((b) => b.asset === asset);
  return row === undefined ? ZERO : row.free.plus(row.locked);
}

function shortOf(account: Account, symbol: string): PerpPosition | undefined {
  return account.perpPositions.find((p) => p.symbol === symbol && !p.positionAmt.isZero());
}

async function readAccount(ctx: ExecContext): Promise<Account> {
  const [spotBalances, perpPositions] = await Promise.all([ctx.venue.spotBalances(), ctx.venue.perpPositions()]);
  return { spotBalances, perpPositions };
}

/**
 * What a reconcile read of the exchange, returned only when nothing that could change the account was sent after
 * the reads: then they still describe it, and an open can size on them instead of reading again.
 */
export interface ReconcileReads {
  snapshot: ScanSnapshot;
  spotBalances: SpotBalance[];
  perpPositions: PerpPosition[];
}

export async function reconcile(ctx: ExecContext, trigger: ReconcileTrigger): Promise<ReconcileReport> {
  return (await reconcileWithReads(ctx, trigger)).report;
}

/** `reconcile`, also handing back its reads when they are still current (see `ReconcileReads`). */
export async function reconcileWithReads(
  ctx: ExecContext,
  trigger: ReconcileTrigger,
): Promise<{ report: ReconcileReport; reads: ReconcileReads | null }> {
  const findings = new Findings();
  let reads: ReconcileReads | null = null;
  try {
    reads = await run(ctx, findings);
  } catch (error) {
    findings.add('exchange_unavailable', 'critical', null, `reconcile stopped: ${describeError(error)}`);
  }
  // Whatever is still in flight blocks opening, whether or not a step above noticed it.
  const unresolvedIntents = ctx.store.intents.unresolved();
  if (unresolvedIntents.length > 0) {
    findings.add(
      'intent_unresolved',
      'critical',
      null,
      `unresolved: ${unresolvedIntents.map((i) => `${i.kind} intent ${i.id}`).join(', ')}`,
    );
  }
  const active = ctx.store.positions.active();
  if (active !== null && (active.status === 'opening' || active.status === 'closing')) {
    findings.add('intent_unresolved', 'critical', active.symbol, `position ${active.id} is still ${active.status}`);
  }
  const report: ReconcileReport = {
    trigger,
    blocking: findings.blocking,
    findings: findings.list,
    positionId: active?.id ?? null,
  };
  ctx.emit({
    type: 'reconcile',
    trigger,
    findings: findings.list.map((f) => `${f.severity}: ${f.message}`),
    blocking: report.blocking,
  });
  if (findings.list.length > 0) {
    ctx.logger.info(
      { trigger, blocking: report.blocking, findings: findings.list.map((f) => f.message) },
      'reconciled',
    );
  }
  ctx.reconciledAtMs = report.blocking ? null : ctx.clock.nowMs();
  return { report, reads: report.blocking ? null : reads };
}

async function run(ctx: ExecContext, findings: Findings): Promise<ReconcileReads | null> {
  const { store, venue, execution, clock } = ctx;

  // 1. Transfers.
  for (const transfer of store.transfers.unresolved()) {
    const outcome = await ctx.rebalancer.resume(transfer);
    if (outcome === 'unknown') {
      findings.add('transfer_unknown', 'critical', null, `transfer ${transfer.clientTranId} still unconfirmed`);
    } else {
      findings.add('transfer_resolved', 'info', null, `transfer ${transfer.clientTranId} ${outcome}`);
    }
  }

  // 2. Orders (a working backstop is a known state, not an unknown one).
  const deadline = Deadline.after(clock, execution.legTimeoutMs);
  const pending = store.orders.unresolved();
  const outcomes = await Promise.all(
    pending.map((o) => ctx.gateway.resolve(o.clientOrderId, deadline, { acceptLive: o.type === 'STOP_MARKET' })),
  );
  // Positions with an order still unknown are left alone below: acting on them would be acting on a guess.
  const unknownPositions = new Set<number>();
  outcomes.forEach((outcome, i) => {
    const before = pending[i] as StoredOrder;
    if (outcome.state === 'unknown') {
      const owner = store.intents.get(before.intentId)?.positionId;
      if (owner !== null && owner !== undefined) unknownPositions.add(owner);
      findings.add('order_unknown', 'critical', before.symbol, `order ${before.clientOrderId} outcome still unknown`);
    } else if (outcome.order.status !== before.status) {
      findings.add(
        'order_resolved',
        'info',
        before.symbol,
        `order ${before.clientOrderId}: ${before.status} → ${outcome.order.status} (${outcome.executedQty.toFixed()} executed)`,
      );
    }
  });

  // Everything the steps below read, in one round trip. The account and the open orders are read again only if
  // a step sent something that changes them; a failure of those two reads surfaces where they are needed, so the
  // intents in flight are still settled.
  const writesAtReads = ctx.writes;
  const firstAccount = startRead(readAccount(ctx));
  const firstWorking = startRead(venue.openOrders('perp'));
  const snapshot = await venue.scanSnapshot();
  const unchanged = () => ctx.writes === writesAtReads;

  // 3. Intents in flight.
  for (const listed of store.intents.unresolved()) {
    // Settling one intent may settle others of the same position: re-read before acting.
    const intent = store.intents.get(listed.id);
    if (intent === null || (intent.status !== 'pending' && intent.status !== 'sent')) continue;
    const position = intent.positionId === null ? null : store.positions.get(intent.positionId);
    const orders = store.orders.byIntent(intent.id);
    const allFinal = orders.every(
      (o) => isFinalOrderStatus(o.status) || (o.type === 'STOP_MARKET' && o.status === 'NEW'),
    );
    if (position !== null && unknownPositions.has(position.id)) continue;
    if (intent.kind === 'open' || (intent.kind === 'unwind' && position?.status === 'opening')) {
      if (position === null || position.status !== 'opening') {
        if (allFinal) store.intents.complete(intent.id);
        continue;
      }
      await settleOpening(ctx, position, snapshot, findings);
      continue;
    }
    if (intent.kind === 'close' && position?.status === 'closing') continue; // finished with its position below
    if (intent.kind === 'transfer') {
      const t = store.transfers.byIntent(intent.id).at(-1);
      if (t?.status === 'settled' || t?.status === 'confirmed') store.intents.complete(intent.id);
      else if (t === undefined || t.status === 'failed') store.intents.fail(intent.id, t?.lastError ?? 'no transfer');
      continue;
    }
    if (!allFinal) continue;
    const executed = orders.some((o) => !o.executedQty.isZero() || o.status === 'NEW');
    if (executed) store.intents.complete(intent.id);
    else store.intents.fail(intent.id, orders.at(-1)?.lastError ?? 'not executed');
    findings.add('intent_finished', 'info', position?.symbol ?? null, `${intent.kind} intent ${intent.id} settled`);
  }

  // 4. Perp positions without a record.
  let account = unchanged() ? await firstAccount() : await readAccount(ctx);
  await untracked(ctx, snapshot, account, findings);

  // 5. The recorded position.
  if (!unchanged()) account = await readAccount(ctx);
  const active = store.positions.active();
  if (active !== null && !unknownPositions.has(active.id))
    await checkRecorded(ctx, active, snapshot, account, findings);

  // 6. Our working orders that belong to nothing active.
  const current = store.positions.active();
  const keep = new Set(current === null ? [] : liveBackstops(ctx, current.id).map((o) => o.clientOrderId));
  const working = unchanged() ? await firstWorking() : await venue.openOrders('perp');
  for (const order of working) {
    if (!store.ownsClientId(order.clientOrderId) || keep.has(order.clientOrderId)) continue;
    try {
      if (store.orders.get(order.clientOrderId) !== null) {
        await ctx.gateway.cancel(order.clientOrderId, Deadline.after(clock, execution.legTimeoutMs));
      } else {
        ctx.writes += 1;
        await venue.cancelOrder('perp', order.symbol, order.clientOrderId);
      }
      findings.add('stray_order_cancelled', 'warning', order.symbol, `cancelled stray order ${order.clientOrderId}`);
    } catch (error) {
      findings.add(
        'action_failed',
        'critical',
        order.symbol,
        `stray order ${order.clientOrderId}: ${describeError(error)}`,
      );
    }
  }
  return unchanged() ? { snapshot, spotBalances: account.spotBalances, perpPositions: account.perpPositions } : null;
}

async function settleOpening(
  ctx: ExecContext,
  position: Position,
  snapshot: ScanSnapshot,
  findings: Findings,
): Promise<void> {
  const { clock, execution, params } = ctx;
  const market = pairMarket(snapshot, position.symbol, position.spotSymbol, params.defaultFundingIntervalHours);
  if (market === null) {
    findings.add('intent_unresolved', 'critical', position.symbol, `no exchange info for ${position.symbol}`);
    return;
  }
  const rates = await feeRates(ctx, position.spotSymbol, position.symbol);
  // A missing leg is completed only to restore the hedge of a leg that filled. When nothing filled, the open is
  // rolled back rather than started afresh on a decision that is no longer current.
  const anyFill = ctx.store.orders.byPosition(position.id).some((o) => !o.executedQty.isZero());
  const outcome = await settleOpen(ctx, position.id, {
    market,
    rates,
    repairDeadline: anyFill ? Deadline.after(clock, Math.floor(execution.legTimeoutMs * 0.6)) : null,
    finalDeadline: Deadline.after(clock, execution.legTimeoutMs),
  });
  if (outcome.status === 'opened') {
    findings.add(
      'intent_finished',
      'warning',
      position.symbol,
      `open of position ${position.id} completed after interruption`,
    );
  } else if (outcome.status === 'failed') {
    findings.add(
      'intent_rolled_back',
      'warning',
      position.symbol,
      `open of position ${position.id} rolled back: ${outcome.message}`,
    );
  } else if (outcome.status === 'unresolved') {
    findings.add('intent_unresolved', 'critical', position.symbol, outcome.message);
  }
}

function minQtys(spot: MarketInfo | undefined, perp: MarketInfo): { spot: Decimal; perp: Decimal } {
  return { spot: spot?.filters.marketMinQty ?? ZERO, perp: perp.filters.marketMinQty };
}

async function untracked(
  ctx: ExecContext,
  snapshot: ScanSnapshot,
  account: Account,
  findings: Findings,
): Promise<void> {
  const { store, params } = ctx;
  const pairs = discoverPairs(snapshot.spotMarkets, snapshot.perpMarkets);
  for (const row of account.perpPositions) {
    if (row.positionAmt.isZero()) continue;
    const active = store.positions.active();
    if (active !== null && active.symbol === row.symbol) continue;
    const pair = pairs.find((p) => p.symbol === row.symbol);
    const perpMarket = snapshot.perpMarkets.find((m) => m.symbol === row.symbol);
    if (perpMarket === undefined) {
      findings.add(
        'untracked_position',
        'critical',
        row.symbol,
        `${row.symbol}: position ${row.positionAmt.toFixed()} on an unknown market`,
      );
      continue;
    }
    const mark = snapshot.premiumIndex.get(row.symbol)?.markPrice ?? row.markPrice;
    if (row.positionAmt.isPositive()) {
      await closeUntracked(ctx, perpMarket, row, mark, 'SELL', 'untracked_perp_long', findings);
      continue;
    }
    const spotHeld = pair === undefined ? ZERO : spotTotalOf(account, pair.baseAsset);
    const cls = classifyLegs(
      spotHeld,
      row.positionAmt,
      minQtys(pair?.spot, perpMarket),
      params.deltaNeutralImbalancePct,
    );
    if (cls.kind === 'naked_short' || pair === undefined) {
      await closeUntracked(ctx, perpMarket, row, mark, 'BUY', 'untracked_naked_short', findings);
      continue;
    }
    if (active !== null) {
      findings.add(
        'untracked_position',
        'critical',
        row.symbol,
        `${row.symbol}: hedged position without a record while position ${active.id} (${active.symbol}) is held`,
      );
      continue;
    }
    await adopt(ctx, pair.spot, perpMarket, row, spotHeld, mark, findings);
  }
}

async function closeUntracked(
  ctx: ExecContext,
  perpMarket: MarketInfo,
  row: PerpPosition,
  mark: Decimal,
  side: 'BUY' | 'SELL',
  reason: string,
  findings: Findings,
): Promise<void> {
  const qty = row.positionAmt.abs();
  const result = await sendRepairOrder(
    ctx,
    { market: 'perp', symbol: row.symbol, side, quantity: qty, reduceOnly: true },
    null,
    perpMarket,
    mark,
    reason,
  );
  if (result.complete) {
    findings.add(
      'naked_short_closed',
      'warning',
      row.symbol,
      `${row.symbol}: closed unrecorded ${side === 'BUY' ? 'naked short' : 'long perp'} ${qty.toFixed()}`,
    );
  } else {
    findings.add(
      'action_failed',
      'critical',
      row.symbol,
      `${row.symbol}: closing unrecorded perp ${qty.toFixed()} failed: ${result.message}`,
    );
  }
}

/**
 * When the perp position on `symbol` was opened: walk the account's fills back from the newest until they add
 * up to the current size. Null when they do not (older than the exchange's window, or mixed with other trades).
 */
async function openedAtFromTrades(ctx: ExecContext, symbol: string, positionAmt: Decimal): Promise<number | null> {
  try {
    const trades = await ctx.venue.userTrades('perp', symbol);
    let running = ZERO;
    for (const trade of [...trades].sort((a, b) => b.timeMs - a.timeMs)) {
      running = running.plus(trade.side === 'SELL' ? trade.qty.negated() : trade.qty);
      if (running.equals(positionAmt)) return trade.timeMs;
    }
  } catch (error) {
    ctx.logger.warn({ symbol, error: describeError(error) }, 'trades unavailable for the adoption time');
  }
  return null;
}

async function adopt(
  ctx: ExecContext,
  spotMarket: MarketInfo,
  perpMarket: MarketInfo,
  row: PerpPosition,
  spotHeld: Decimal,
  mark: Decimal,
  findings: Findings,
): Promise<void> {
  const { store, clock } = ctx;
  const perpQty = row.positionAmt.abs();
  // The user's own holdings above the short are not part of the position.
  const spotQty = minDec(spotHeld, perpQty);
  const openedAt = await openedAtFromTrades(ctx, row.symbol, row.positionAmt);
  const estimated: EstimatedField[] = ['entryFees'];
  if (openedAt === null) estimated.push('openedAt');
  estimated.push('entryPrices');
  const leverage = Math.min(125, Math.max(1, Math.round(row.leverage)));
  const position = store.transaction(() => {
    const created = store.positions.create({
      symbol: row.symbol,
      spotSymbol: spotMarket.symbol,
      baseAsset: perpMarket.baseAsset,
      quoteAsset: perpMarket.quoteAsset,
      leverage,
      origin: 'adopted',
      openedAtMs: openedAt ?? clock.nowMs(),
      spotQtyGross: spotQty,
      spotQtyNet: spotQty,
      perpQty,
      perpAvgPrice: row.entryPrice,
      notionalUsdt: perpQty.times(mark),
      openReason: 'adopted: found on the exchange without a record',
      estimated,
    });
    return store.positions.confirmAdopted(created.id, {});
  });
  findings.add(
    'position_adopted',
    'warning',
    row.symbol,
    `${row.symbol}: adopted a hedged position (short ${perpQty.toFixed()}, spot ${spotQty.toFixed()}, notional ${position.notionalUsdt.toFixed(2)} USDT at mark)`,
  );
  try {
    await refreshAccounting(ctx, position.id);
  } catch (error) {
    ctx.logger.warn(
      { positionId: position.id, error: describeError(error) },
      'funding of the adopted position unavailable',
    );
  }
}

async function checkRecorded(
  ctx: ExecContext,
  position: Position,
  snapshot: ScanSnapshot,
  account: Account,
  findings: Findings,
): Promise<void> {
  const { store, params } = ctx;
  const symbol = position.symbol;
  if (position.status === 'opening') {
    // No open intent in flight (it would have been settled above): settle from the orders alone.
    await settleOpening(ctx, position, snapshot, findings);
    return;
  }
  if (position.status === 'closing') {
    const outcome = await closePosition(ctx, position.id, closeReasonOf(position));
    if (outcome.status === 'closed')
      findings.add('close_finished', 'warning', symbol, `close of position ${position.id} finished`);
    else findings.add('close_unfinished', 'critical', symbol, outcome.message);
    return;
  }
  const market = pairMarket(snapshot, symbol, position.spotSymbol, params.defaultFundingIntervalHours);
  if (market === null) {
    findings.add(
      'untracked_position',
      'critical',
      symbol,
      `${symbol}: no exchange info; the position cannot be checked`,
    );
    return;
  }
  const row = shortOf(account, symbol);
  const short = row?.positionAmt.isNegative() ? row.positionAmt.abs() : ZERO;
  const spotHeld = spotTotalOf(account, position.baseAsset);

  let current = position;
  if (position.status === 'adopted') {
    if (short.isZero() && spotHeld.isZero()) {
      await closeVanished(ctx, position, 'not found on the exchange when reconciled');
      findings.add(
        'position_gone',
        'warning',
        symbol,
        `${symbol}: recorded position ${position.id} is not on the exchange`,
      );
      return;
    }
    current = confirmAdoption(ctx, position, row, short, spotHeld, market.perpMark);
    findings.add(
      'adoption_confirmed',
      'info',
      symbol,
      `${symbol}: position ${position.id} confirmed against the exchange`,
    );
    try {
      await refreshAccounting(ctx, position.id);
    } catch (error) {
      ctx.logger.warn({ positionId: position.id, error: describeError(error) }, 'funding refresh failed');
    }
    current = store.positions.require(position.id);
  }

  const ownPerp = minDec(short, current.perpQty);
  const ownSpot = minDec(spotHeld, current.spotQtyNet);
  const cls = classifyLegs(
    ownSpot,
    ownPerp.negated(),
    { spot: market.spot.filters.marketMinQty, perp: market.perp.filters.marketMinQty },
    params.deltaNeutralImbalancePct,
  );
  switch (cls.kind) {
    case 'no_position':
      await closeVanished(ctx, current, 'no longer on the exchange (closed outside the bot or liquidated)');
      findings.add(
        'position_gone',
        'warning',
        symbol,
        `${symbol}: position ${current.id} is no longer on the exchange`,
      );
      return;
    case 'naked_short':
    case 'naked_spot': {
      const outcome = await closePosition(ctx, current.id, cls.kind);
      const code = cls.kind === 'naked_short' ? 'naked_short_closed' : 'orphan_spot_sold';
      if (outcome.status === 'closed') {
        findings.add(
          code,
          'warning',
          symbol,
          `${symbol}: ${cls.kind.replace('_', ' ')} found; position ${current.id} closed`,
        );
      } else {
        findings.add('close_unfinished', 'critical', symbol, outcome.message);
      }
      return;
    }
    case 'imbalanced': {
      const order = planImbalanceRepair({
        symbol,
        spotSymbol: current.spotSymbol,
        spotQty: ownSpot,
        perpQty: ownPerp,
        spotFilters: market.spot.filters,
        perpFilters: market.perp.filters,
        spotPrice: market.spotBid ?? market.spotMid ?? ZERO,
        markPrice: market.perpMark ?? ZERO,
      });
      if (order === null) {
        const outcome = await closePosition(ctx, current.id, 'imbalance');
        if (outcome.status !== 'closed') findings.add('close_unfinished', 'critical', symbol, outcome.message);
        else findings.add('imbalance_repaired', 'warning', symbol, `${symbol}: imbalance could not be trimmed; closed`);
        return;
      }
      const orderMarket = order.market === 'spot' ? market.spot : market.perp;
      const ref = order.market === 'spot' ? (market.spotBid ?? ZERO) : (market.perpMark ?? ZERO);
      const result = await sendRepairOrder(ctx, order, current, orderMarket, ref, 'imbalance');
      if (result.complete) {
        findings.add(
          'imbalance_repaired',
          'warning',
          symbol,
          `${symbol}: imbalance ${cls.imbalancePct.toFixed(2)}% repaired (${result.message})`,
        );
      } else {
        findings.add('action_failed', 'critical', symbol, `${symbol}: imbalance repair failed (${result.message})`);
      }
      return;
    }
    default:
      break;
  }

  // Delta-neutral: the record follows the exchange where the exchange holds less (a partial stop, a manual sale).
  if (ownPerp.lessThan(current.perpQty) || ownSpot.lessThan(current.spotQtyNet)) {
    current = store.positions.update(current.id, { perpQty: ownPerp, spotQtyNet: ownSpot });
  }
  if (ctx.execution.exchangeStopBackstop && liveBackstops(ctx, current.id).length === 0) {
    const placed = await placeBackstop(ctx, current, market.perp.filters);
    if (placed === 'placed') findings.add('backstop_placed', 'info', symbol, `${symbol}: exchange-side stop placed`);
  } else if (ctx.execution.exchangeStopBackstop && !backstopsCurrent(ctx, current, market.perp.filters)) {
    // A stop left at another leverage's price: a replacement after a leverage change failed or was interrupted.
    const outcome = await replaceBackstop(ctx, current.id, market.perp.filters);
    if (outcome.status === 'replaced') findings.add('backstop_replaced', 'warning', symbol, outcome.message);
    else if (outcome.status === 'failed' || outcome.status === 'fired') {
      findings.add('action_failed', 'warning', symbol, outcome.message);
    }
  }
}

function closeReasonOf(position: Position): Parameters<typeof closePosition>[2] {
  const known = [
    'stop_loss',
    'naked_short',
    'naked_spot',
    'imbalance',
    'health_critical',
    'fee_coverage',
    'rotation',
    'forced_rotation',
    'max_age',
    'manual',
    'reconcile',
  ] as const;
  const reason = position.closeReason;
  return (known as readonly string[]).includes(reason ?? '') ? (reason as (typeof known)[number]) : 'reconcile';
}

/** An imported or adopted position takes the exchange's figures; what stays unknown stays flagged. */
function confirmAdoption(
  ctx: ExecContext,
  position: Position,
  row: PerpPosition | undefined,
  short: Decimal,
  spotHeld: Decimal,
  mark: Decimal | null,
): Position {
  const recordedSpot = position.spotQtyNet.isPositive() && !position.spotQtyNet.isZero() ? position.spotQtyNet : short;
  const spotQty = minDec(spotHeld, maxDec(recordedSpot, ZERO));
  const estimated = position.estimated.filter((f) => f !== 'quantities' && f !== 'leverage');
  const markPrice = mark ?? row?.markPrice ?? ZERO;
  return ctx.store.positions.confirmAdopted(position.id, {
    perpQty: short,
    spotQtyNet: spotQty,
    spotQtyGross: position.spotQtyGross.isZero() ? spotQty : position.spotQtyGross,
    ...(row === undefined
      ? {}
      : { perpAvgPrice: row.entryPrice, leverage: Math.min(125, Math.max(1, Math.round(row.leverage))) }),
    notionalUsdt: short.times(markPrice),
    estimated,
  });
}
