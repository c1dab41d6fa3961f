/**
 * Running the legs of one intent: send every leg concurrently, follow each to a known outcome, and re-send what is
 * missing (partial fill, rejection, an unknown outcome resolved as "not found") under the next attempt's client id,
 * a bounded number of times and only while the deadline allows.
 *
 * Concurrency matters: the legs' requests are all started before any is awaited, so the second leg leaves within
 * milliseconds of the first and the unhedged window is one round trip, not two.
 *
 * Everything a leg did is read back from the store (the sum over its attempts), so the same function resumes an
 * intent after a crash: orders already sent are only queried, never sent again.
 */
import type { OrderSide } from '../../domain/account.ts';
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import { checkMarketOrder, quantizeDown } from '../../domain/filters.ts';
import type { MarketKind, SymbolFilters } from '../../domain/market.ts';
import { isFinalOrderStatus, type StoredOrder } from '../../store/index.ts';
import type { ExecContext } from './context.ts';
import type { Deadline } from './deadline.ts';
import type { OrderOutcome } from './gateway.ts';

export interface LegSpec {
  /** The store's leg name (1–8 of a–z), e.g. `spot`, `perp`. */
  leg: string;
  market: MarketKind;
  symbol: string;
  side: OrderSide;
  reduceOnly: boolean;
  /** The quantity the leg must reach, summed over its attempts. */
  targetQty: Decimal;
  filters: SymbolFilters;
  /** The price MIN_NOTIONAL is checked at for a re-sent remainder. */
  referencePrice: Decimal;
}

export interface LegResult {
  spec: LegSpec;
  orders: StoredOrder[];
  executedQty: Decimal;
  /** target − executed, floored at zero. */
  missingQty: Decimal;
  /** Some attempt's outcome is still unknown: nothing more may be sent for this leg. */
  unknown: boolean;
  /** The leg reached its target (or what is missing is less than one lot step). */
  complete: boolean;
  /** Attempts sent after the first. */
  repairs: number;
  lastError: string | null;
}

export interface RunLegsOptions {
  deadline: Deadline;
  /** Attempts allowed after the first, per leg. */
  maxRepairs: number;
  /** Events name the action: `repair` attempts emit `leg_repaired`, an unwind emits `leg_unwound`. */
  purpose: 'entry' | 'exit' | 'unwind' | 'repair';
  /** The intent's first attempts, already sent by the caller (`OrderGateway.planAndSubmit`): followed, not sent. */
  inFlight?: Promise<OrderOutcome>[];
}

function legOrders(ctx: ExecContext, intentId: number, leg: string): StoredOrder[] {
  return ctx.store.orders.byIntent(intentId).filter((o) => o.leg === leg);
}

export function summarize(ctx: ExecContext, intentId: number, spec: LegSpec): LegResult {
  const orders = legOrders(ctx, intentId, spec.leg);
  const executedQty = orders.reduce((sum, o) => sum.plus(o.executedQty), ZERO);
  const unknown = orders.some((o) => !isFinalOrderStatus(o.status));
  const gap = spec.targetQty.minus(executedQty);
  const missingQty = gap.isPositive() ? gap : ZERO;
  const step = spec.filters.marketStepSize;
  const complete = missingQty.isZero() || quantizeDown(missingQty, step).isZero();
  const last = orders.at(-1);
  return {
    spec,
    orders,
    executedQty,
    missingQty,
    unknown,
    complete,
    repairs: Math.max(0, orders.length - 1),
    lastError: last?.lastError ?? null,
  };
}

/**
 * Follows every non-final order of the legs concurrently, sending the PLANNED ones: all of them are marked sent
 * in one store commit, then they leave together.
 */
function followLegs(
  ctx: ExecContext,
  intentId: number,
  specs: readonly LegSpec[],
  deadline: Deadline,
): Promise<OrderOutcome>[] {
  const ids = specs.flatMap((spec) =>
    legOrders(ctx, intentId, spec.leg)
      .filter((o) => !isFinalOrderStatus(o.status))
      .map((o) => o.clientOrderId),
  );
  return ctx.gateway.submitAll(ids, deadline);
}

function emitOutcome(
  ctx: ExecContext,
  intentId: number,
  outcome: OrderOutcome,
  purpose: RunLegsOptions['purpose'],
): void {
  const o = outcome.order;
  const base = {
    intentId,
    leg: o.leg,
    market: o.market,
    symbol: o.symbol,
    side: o.side,
    clientOrderId: o.clientOrderId,
  };
  if (outcome.executedQty.isPositive() && !outcome.executedQty.isZero()) {
    if (purpose === 'unwind') ctx.emit({ type: 'leg_unwound', ...base, qty: outcome.executedQty });
    else if (o.attempt > 0) ctx.emit({ type: 'leg_repaired', ...base, qty: outcome.executedQty, attempt: o.attempt });
    else ctx.emit({ type: 'leg_filled', ...base, qty: outcome.executedQty, avgPrice: o.avgPrice ?? ZERO });
  }
  if (outcome.state === 'none' || outcome.state === 'unknown' || outcome.state === 'partial') {
    ctx.emit({
      type: 'leg_failed',
      ...base,
      message:
        outcome.state === 'partial'
          ? `filled ${outcome.executedQty.toFixed()} of ${o.quantity.toFixed()}`
          : (outcome.error ?? `order ${o.status}`),
      outcomeUnknown: outcome.state === 'unknown',
    });
  }
}

/** The next attempt's quantity for a leg, or null when it cannot (or need not) be sent. */
function repairQty(result: LegResult): Decimal | null {
  const { spec } = result;
  const qty = quantizeDown(result.missingQty, spec.filters.marketStepSize);
  if (qty.isZero()) return null;
  const check = checkMarketOrder(spec.filters, {
    quantity: qty,
    referencePrice: spec.referencePrice,
    reduceOnly: spec.reduceOnly,
  });
  return check.ok ? qty : null;
}

export async function runLegs(
  ctx: ExecContext,
  intentId: number,
  specs: readonly LegSpec[],
  options: RunLegsOptions,
): Promise<LegResult[]> {
  const follow = async (legs: readonly LegSpec[], inFlight?: Promise<OrderOutcome>[]) => {
    // Start every request before awaiting any of them.
    const outcomes = await Promise.all(inFlight ?? followLegs(ctx, intentId, legs, options.deadline));
    for (const outcome of outcomes) emitOutcome(ctx, intentId, outcome, options.purpose);
  };

  await follow(specs, options.inFlight);
  for (;;) {
    const results = specs.map((spec) => summarize(ctx, intentId, spec));
    if (options.deadline.expired()) return results;
    const retry: LegSpec[] = [];
    for (const result of results) {
      if (result.unknown || result.complete || result.repairs >= options.maxRepairs) continue;
      const qty = repairQty(result);
      if (qty === null) continue;
      const { spec } = result;
      ctx.store.orders.plan(intentId, {
        leg: spec.leg,
        market: spec.market,
        symbol: spec.symbol,
        side: spec.side,
        type: 'MARKET',
        quantity: qty,
        reduceOnly: spec.reduceOnly,
      });
      ctx.logger.info(
        { intentId, leg: spec.leg, symbol: spec.symbol, qty: qty.toFixed(), attempt: result.repairs + 1 },
        'sending the missing part of a leg',
      );
      retry.push(spec);
    }
    if (retry.length === 0) return results;
    await follow(retry);
  }
}
