/** Assertions shared by the execution e2e tests: no duplicate orders, store and exchange agree, exposure. */
import { expect } from 'vitest';
import { type Decimal, ZERO } from '../../../../../src/domain/decimal.ts';
import type { EngineEvent } from '../../../../../src/engine/events.ts';
import { exposure, type Harness, simOrders } from './harness.ts';

/**
 * Every order the exchange has from us (our client ids; orders placed by hand are ignored) appears once, and the
 * store knows exactly what it executed.
 */
export function expectNoDuplicateOrders(h: Harness, spotSymbol: string, symbol: string): void {
  const orders = [...simOrders(h, 'spot', spotSymbol), ...simOrders(h, 'perp', symbol)].filter((o) =>
    h.store.ownsClientId(o.clientOrderId),
  );
  expect(orders.length).toBeGreaterThan(0);
  const ids = orders.map((o) => o.clientOrderId);
  expect(new Set(ids).size, `duplicate client ids: ${ids.join(', ')}`).toBe(ids.length);
  for (const o of orders) {
    const stored = h.store.orders.get(o.clientOrderId);
    expect(stored, `exchange order ${o.clientOrderId} unknown to the store`).not.toBeNull();
    expect(stored?.executedQty.equals(o.executedQty), `${o.clientOrderId} executed`).toBe(true);
  }
}

/** |spot held − short| ≤ tolerance: hedged, or flat when both are zero. */
export function expectNeutral(
  h: Harness,
  baseAsset: string,
  symbol: string,
  tolerance: Decimal,
): { spot: Decimal; short: Decimal } {
  const x = exposure(h, baseAsset, symbol);
  const short = x.perp.isNegative() ? x.perp.abs() : ZERO;
  expect(x.perp.isPositive() && !x.perp.isZero(), 'no long perp').toBe(false);
  expect(x.spot.minus(short).abs().lessThanOrEqualTo(tolerance), `spot ${x.spot} vs short ${short}`).toBe(true);
  return { spot: x.spot, short };
}

/** Engine-clock time from `open_started` to the open's final event. */
export function openDurationMs(timeline: readonly { atMs: number; event: EngineEvent }[]): number {
  const start = timeline.find((t) => t.event.type === 'open_started');
  const end = timeline.find((t) => t.event.type === 'open_completed' || t.event.type === 'open_failed');
  if (start === undefined || end === undefined) throw new Error('open did not start and finish');
  return end.atMs - start.atMs;
}
