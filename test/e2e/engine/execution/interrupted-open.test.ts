/**
 * An open interrupted between its legs (the process died after one leg left): on restart the reconciler queries
 * every order by its client id, completes the missing leg, and refuses to open anything while an outcome cannot
 * be established.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import { parseFaultSpec } from '../../../../src/sim/index.ts';
import { expectNeutral, expectNoDuplicateOrders } from './support/checks.ts';
import { ACCOUNT, type Harness, openDecisionFor, startHarness } from './support/harness.ts';

const STEP = dec('0.001');

/** Writes what `openPosition` writes before sending, then sends only the perp leg, and "crashes". */
async function openHalfway(
  h: Harness,
  sendPerp = true,
): Promise<{ positionId: number; spotId: string; perpId: string }> {
  // The wallets were already split for 1x.
  const moved = h.sim.engine.transfer(ACCOUNT, {
    asset: 'USDT',
    amount: '5000',
    kindType: 'SPOT_FUTURE',
    clientTranId: 'setup',
  });
  if (!moved.ok) throw new Error(moved.error.msg);
  const decision = await openDecisionFor(h, 'ETHUSDT');
  const { sizing, pair } = decision;
  const { positionId, orders } = h.store.transaction(() => {
    const p = h.store.positions.create({
      symbol: pair.symbol,
      spotSymbol: pair.spotSymbol,
      baseAsset: pair.baseAsset,
      quoteAsset: pair.quoteAsset,
      leverage: 1,
      notionalUsdt: sizing.perpNotionalUsdt,
    });
    const created = h.store.intents.create({
      kind: 'open',
      positionId: p.id,
      orders: [
        {
          leg: 'spot',
          market: 'spot',
          symbol: pair.spotSymbol,
          side: 'BUY',
          type: 'MARKET',
          quantity: sizing.spotBuyQty,
        },
        { leg: 'perp', market: 'perp', symbol: pair.symbol, side: 'SELL', type: 'MARKET', quantity: sizing.perpQty },
      ],
    });
    return { positionId: p.id, orders: created.orders };
  });
  const spot = orders.find((o) => o.leg === 'spot');
  const perp = orders.find((o) => o.leg === 'perp');
  if (spot === undefined || perp === undefined) throw new Error('legs not planned');
  if (!sendPerp) return { positionId, spotId: spot.clientOrderId, perpId: perp.clientOrderId };
  h.store.orders.markSent(perp.clientOrderId);
  // The perp request reaches the exchange; the process dies before the answer is recorded.
  await h.venue.placeMarketOrder({
    market: 'perp',
    symbol: pair.symbol,
    side: 'SELL',
    quantity: sizing.perpQty,
    clientOrderId: perp.clientOrderId,
  });
  return { positionId, spotId: spot.clientOrderId, perpId: perp.clientOrderId };
}

describe('an open interrupted after one leg', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('is completed on restart: the sent leg is found by its id, the missing one is sent once', async () => {
    const before = await startHarness();
    const { positionId, spotId, perpId } = await openHalfway(before);
    await before.close({ sim: true, dataDir: true });

    h = await startHarness({ sim: before.sim, dataDir: before.dataDir });
    const report = await h.executor.reconcile('startup');
    expect(report.blocking).toBe(false);
    expect(report.findings.map((f) => f.code)).toContain('intent_finished');
    expect(h.store.orders.get(perpId)?.status).toBe('FILLED');
    expect(h.store.orders.get(spotId)?.status).toBe('NOT_FOUND');
    const position = h.store.positions.require(positionId);
    expect(position.status).toBe('open');
    expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    expectNoDuplicateOrders(h, 'ETHUSDT', 'ETHUSDT');
    await before.sim.close();
  });

  it('blocks every open while an order outcome cannot be established', async () => {
    const before = await startHarness();
    await openHalfway(before);
    await before.close({ sim: true, dataDir: true });

    h = await startHarness({ sim: before.sim, dataDir: before.dataDir, execution: { legTimeoutMs: 2000 } });
    // Order lookups fail: nothing can be known about the sent leg.
    h.sim.faults.set(parseFaultSpec('error5xx=1:GET /fapi/v3/order'));
    const report = await h.executor.reconcile('startup');
    expect(report.blocking).toBe(true);
    expect(report.findings.map((f) => f.code)).toContain('order_unknown');
    const attempt = await h.executor.openPosition(await openDecisionFor(h, 'BTCUSDT'));
    expect(attempt.status).toBe('skipped');
    // The half-open position is still the active one: it is settled before anything new.
    expect(attempt.status === 'skipped' && attempt.reason).toBe('position_active');
    // Nothing was sent on a guess: the spot leg was never sent.
    expect(h.sim.requests().filter((r) => r.endpoint.includes('order.new') && r.market === 'spot')).toEqual([]);

    h.sim.faults.clear();
    const later = await h.executor.reconcile('iteration');
    expect(later.blocking).toBe(false);
    expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    await before.sim.close();
  });

  it('is rolled back, not started afresh, when the process died before any leg was sent', async () => {
    const before = await startHarness();
    const { positionId, spotId, perpId } = await openHalfway(before, false);
    await before.close({ sim: true, dataDir: true });

    h = await startHarness({ sim: before.sim, dataDir: before.dataDir });
    const report = await h.executor.reconcile('startup');
    expect(report.blocking).toBe(false);
    expect(report.findings.map((f) => f.code)).toContain('intent_rolled_back');
    expect(h.store.positions.require(positionId).status).toBe('failed');
    expect(h.store.orders.get(spotId)?.status).toBe('NOT_FOUND');
    expect(h.store.orders.get(perpId)?.status).toBe('NOT_FOUND');
    expect(h.sim.requests().filter((r) => r.endpoint.endsWith('order.new'))).toEqual([]);
    expect(h.store.positions.active()).toBeNull();
    await before.sim.close();
  });
});
