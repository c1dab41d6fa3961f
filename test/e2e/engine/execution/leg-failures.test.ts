/**
 * One-leg failures during an open, injected by the simulator: each open must end hedged (the missing leg
 * repaired) or flat (the filled leg unwound) within the leg timeout, with no order sent twice and a store that
 * agrees with the exchange.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import { expectNeutral, expectNoDuplicateOrders, openDurationMs } from './support/checks.ts';
import { type Harness, type HarnessOptions, openDecisionFor, simOrders, startHarness } from './support/harness.ts';

const STEP = dec('0.001');

describe('a leg that fails during an open', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function openWith(options: HarnessOptions) {
    h = await startHarness(options);
    const outcome = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    return { h, outcome };
  }

  it('is re-sent under the next client id when the spot leg is rejected', async () => {
    const { h, outcome } = await openWith({ faults: 'reject-next=spot' });
    expect(outcome.status).toBe('opened');
    if (outcome.status !== 'opened') return;
    expect(outcome.repaired).toBe(true);
    const spotAttempts = h.store.orders
      .byPosition(outcome.positionId)
      .filter((o) => o.leg === 'spot' && o.market === 'spot');
    expect(spotAttempts.map((o) => [o.attempt, o.status])).toEqual([
      [0, 'FAILED'],
      [1, 'FILLED'],
    ]);
    expect(spotAttempts[0]?.clientOrderId).not.toBe(spotAttempts[1]?.clientOrderId);
    expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    expectNoDuplicateOrders(h, 'ETHUSDT', 'ETHUSDT');
    expect(openDurationMs(h.timeline)).toBeLessThanOrEqual(h.execution.legTimeoutMs);
    expect(h.events.some((e) => e.type === 'leg_repaired' && e.leg === 'spot')).toBe(true);
  });

  it('is re-sent when the perp leg is rejected', async () => {
    const { h, outcome } = await openWith({ faults: 'reject-next=perp' });
    expect(outcome.status).toBe('opened');
    expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    expectNoDuplicateOrders(h, 'ETHUSDT', 'ETHUSDT');
    expect(openDurationMs(h.timeline)).toBeLessThanOrEqual(h.execution.legTimeoutMs);
  });

  it('unwinds the filled spot leg when the perp leg cannot be repaired', async () => {
    const { h, outcome } = await openWith({ faults: 'reject-next=perp', execution: { maxLegRepairAttempts: 0 } });
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    const flat = expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    expect(flat.short.isZero()).toBe(true);
    expect(flat.spot.lessThan('0.0001')).toBe(true);
    const position = h.store.positions.require(outcome.positionId);
    expect(position.status).toBe('failed');
    // What the attempt cost is recorded: the fees of the buy and of the unwinding sell.
    expect(position.pnl?.feesUsdt.isPositive()).toBe(true);
    expect(position.dustQty.equals(flat.spot)).toBe(true);
    expect(h.store.positions.active()).toBeNull();
    expect(h.store.intents.unresolved()).toEqual([]);
    expectNoDuplicateOrders(h, 'ETHUSDT', 'ETHUSDT');
    expect(h.events.some((e) => e.type === 'leg_unwound' && e.market === 'spot')).toBe(true);
    expect(openDurationMs(h.timeline)).toBeLessThanOrEqual(h.execution.legTimeoutMs);
  });

  it('completes a partially filled leg with the missing quantity', async () => {
    const { h, outcome } = await openWith({ faults: 'partial=1:spot-order*1' });
    expect(outcome.status).toBe('opened');
    if (outcome.status !== 'opened') return;
    const spot = h.store.orders.byPosition(outcome.positionId).filter((o) => o.market === 'spot');
    expect(spot.length).toBe(2);
    expect(spot[0]?.executedQty.isPositive()).toBe(true);
    expect(spot[0]?.executedQty.lessThan(spot[0]?.quantity ?? 0)).toBe(true);
    expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    expectNoDuplicateOrders(h, 'ETHUSDT', 'ETHUSDT');
    expect(openDurationMs(h.timeline)).toBeLessThanOrEqual(h.execution.legTimeoutMs);
  });

  it('finds an order that executed behind a 503 instead of sending it again', async () => {
    const { h, outcome } = await openWith({ faults: 'after503=1:perp-order*1' });
    expect(outcome.status).toBe('opened');
    if (outcome.status !== 'opened') return;
    expect(outcome.repaired).toBe(false);
    const perp = simOrders(h, 'perp', 'ETHUSDT').filter((o) => o.type === 'MARKET');
    expect(perp).toHaveLength(1);
    expect(h.store.orders.get(perp[0]?.clientOrderId ?? '')?.lastError).toMatch(/503|unknown/i);
    expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    expectNoDuplicateOrders(h, 'ETHUSDT', 'ETHUSDT');
  });

  it('resolves a request that never answers and re-sends only once the exchange confirms it has no such order', async () => {
    const { h, outcome } = await openWith({ faults: 'hang=1:spot-order*1' });
    expect(outcome.status).toBe('opened');
    if (outcome.status !== 'opened') return;
    const spot = h.store.orders.byPosition(outcome.positionId).filter((o) => o.market === 'spot');
    expect(spot.map((o) => o.status)).toEqual(['NOT_FOUND', 'FILLED']);
    expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    expectNoDuplicateOrders(h, 'ETHUSDT', 'ETHUSDT');
    expect(openDurationMs(h.timeline)).toBeLessThanOrEqual(h.execution.legTimeoutMs);
  });

  it('takes an order that executed but never answered as filled', async () => {
    const { h, outcome } = await openWith({ faults: 'hang-after=1:perp-order*1' });
    expect(outcome.status).toBe('opened');
    const perp = simOrders(h, 'perp', 'ETHUSDT').filter((o) => o.type === 'MARKET');
    expect(perp).toHaveLength(1);
    expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    expectNoDuplicateOrders(h, 'ETHUSDT', 'ETHUSDT');
  });
});
