/**
 * What happens around the legs: the funding-settlement guard, the account setup (once per symbol, cached), and a
 * close whose answer is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import { ACCOUNT_SETUP_META_KEY } from '../../../../src/engine/execution/setup.ts';
import { parseFaultSpec } from '../../../../src/sim/index.ts';
import { expectNeutral, expectNoDuplicateOrders } from './support/checks.ts';
import { ACCOUNT, type Harness, openDecisionFor, simOrders, startHarness } from './support/harness.ts';

const FUNDING_0800 = Date.UTC(2025, 5, 1, 8, 0, 0);

async function advanceTo(h: Harness, atMs: number): Promise<void> {
  await h.sim.advance(atMs - h.sim.clock.nowMs());
}

function orderRequests(h: Harness) {
  return h.sim.requests().filter((r) => r.endpoint.endsWith('order.new') || r.clientTranId !== undefined);
}

describe('around the legs', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('opens nothing within the guard of a funding time, and sends nothing while waiting', async () => {
    h = await startHarness();
    const decision = await openDecisionFor(h, 'ETHUSDT');
    await advanceTo(h, FUNDING_0800 - 10_000);
    const outcome = await h.executor.openPosition(decision);
    expect(outcome.status).toBe('skipped');
    expect(outcome.status === 'skipped' && outcome.reason).toBe('funding_guard');
    expect(orderRequests(h)).toEqual([]);
    expect(h.store.positions.active()).toBeNull();

    // Just after the guard the same open goes through.
    await advanceTo(h, FUNDING_0800 + 16_000);
    const later = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    expect(later.status).toBe('opened');
  });

  it('delays an ordinary close near a funding time but never a stop-loss', async () => {
    h = await startHarness();
    const opened = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    if (opened.status !== 'opened') throw new Error(opened.status);
    await advanceTo(h, FUNDING_0800 - 5_000);
    const waiting = await h.executor.closePosition(opened.positionId, 'rotation');
    expect(waiting.status).toBe('skipped');
    expect(h.store.positions.require(opened.positionId).status).toBe('open');
    const urgent = await h.executor.closePosition(opened.positionId, 'stop_loss');
    expect(urgent.status).toBe('closed');
    expect(h.store.positions.require(opened.positionId).closeReason).toBe('stop_loss');
  });

  it('switches a hedge-mode account to one-way and sets margin type and leverage once per symbol', async () => {
    h = await startHarness();
    expect(h.sim.engine.setPositionMode(ACCOUNT, true).ok).toBe(true);
    expect(h.sim.engine.setMarginType(ACCOUNT, 'ETHUSDT', 'ISOLATED').ok).toBe(true);
    const first = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    expect(first.status).toBe('opened');
    expect(h.sim.engine.positionMode(ACCOUNT).dualSidePosition).toBe(false);
    expect(h.store.meta.getJson(ACCOUNT_SETUP_META_KEY)).toEqual({
      oneWay: true,
      symbols: { ETHUSDT: { marginType: 'CROSSED', leverage: 1 } },
    });
    if (first.status !== 'opened') return;
    expect((await h.executor.closePosition(first.positionId, 'max_age')).status).toBe('closed');
    expect((await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'))).status).toBe('opened');

    const count = (endpoint: string) => h?.sim.requests().filter((r) => r.endpoint === endpoint).length;
    // The position rows read before the open show the mode (LONG/SHORT rows in hedge mode): no mode read.
    expect(count('perp.positionMode.get')).toBe(0);
    expect(count('perp.positionMode.set')).toBe(1);
    expect(count('perp.marginType')).toBe(1);
    expect(count('perp.leverage')).toBe(1);
  });

  it('sends no setting the exchange already has, and sets again one changed by hand since', async () => {
    h = await startHarness();
    expect(h.sim.engine.setLeverage(ACCOUNT, 'ETHUSDT', 1).ok).toBe(true);
    const settings = () =>
      h?.sim.requests().filter((r) => r.endpoint === 'perp.leverage' || r.endpoint.startsWith('perp.margin')).length;
    const first = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    if (first.status !== 'opened') throw new Error(first.status);
    expect(settings()).toBe(0);
    expect((await h.executor.closePosition(first.positionId, 'max_age')).status).toBe('closed');

    // Changed on the exchange behind the bot's back: the cached "1x" must not be trusted.
    expect(h.sim.engine.setLeverage(ACCOUNT, 'ETHUSDT', 7).ok).toBe(true);
    const second = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    expect(second.status).toBe('opened');
    expect(h.sim.requests().filter((r) => r.endpoint === 'perp.leverage')).toHaveLength(1);
    const row = h.sim.engine.positionRisk(ACCOUNT, 'ETHUSDT');
    expect(row.ok && row.value[0]?.leverage).toBe(1);
  });

  it('queries a close leg whose answer was lost instead of sending it again', async () => {
    h = await startHarness();
    const opened = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    if (opened.status !== 'opened') throw new Error(opened.status);
    h.sim.faults.set(parseFaultSpec('after503=1:spot-order*1,after503=1:perp-order*1'));
    const closed = await h.executor.closePosition(opened.positionId, 'fee_coverage');
    expect(closed.status).toBe('closed');
    const sells = simOrders(h, 'spot', 'ETHUSDT').filter((o) => o.side === 'SELL');
    expect(sells).toHaveLength(1);
    const buys = simOrders(h, 'perp', 'ETHUSDT').filter((o) => o.type === 'MARKET' && o.side === 'BUY');
    expect(buys).toHaveLength(1);
    const flat = expectNeutral(h, 'ETH', 'ETHUSDT', dec('0.001'));
    expect(flat.short.isZero()).toBe(true);
    expectNoDuplicateOrders(h, 'ETHUSDT', 'ETHUSDT');
  });
});
