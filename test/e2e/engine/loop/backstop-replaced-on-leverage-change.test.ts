/**
 * The exchange-side backstop follows the leverage actually in force. When the position's leverage is changed
 * on the exchange (by hand, behind the bot's back), liquidation moves, and so must the stop: the old reduce-only
 * STOP_MARKET is cancelled and exactly one new one is placed at the new leverage's stop price, each step under an
 * intent persisted before its request. A cancellation that cannot be confirmed never leads to a second stop; the
 * reconciler, which checks every working stop against the recorded leverage, finishes the move later.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Decimal } from '../../../../src/domain/decimal.ts';
import type { SymbolFilters } from '../../../../src/domain/market.ts';
import { parseFaultSpec } from '../../../../src/sim/index.ts';
import { isFinalOrderStatus } from '../../../../src/store/index.ts';
import { backstopStopPrice, stopLossMarkPrice } from '../../../../src/strategy/stoploss.ts';
import { ACCOUNT, type EngineHarness, startEngineHarness } from './support/harness.ts';

const SYMBOL = 'AAAUSDT';

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  // Only a hang guard: the steps below take a few hundred ms, or one leg timeout (5 s) with a fault.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The account's working stop orders on the symbol, as the simulator (the exchange) has them. */
function exchangeStops(harness: EngineHarness): Array<{ clientOrderId: string; stopPrice: Decimal; qty: Decimal }> {
  const open = harness.sim.engine.openOrders(ACCOUNT, 'perp', SYMBOL);
  if (!open.ok) throw new Error('the simulator could not list open orders');
  return open.value
    .filter((o) => o.type === 'STOP_MARKET')
    .map((o) => {
      expect(o.side).toBe('BUY');
      expect(o.reduceOnly).toBe(true);
      return { clientOrderId: o.clientOrderId, stopPrice: o.stopPrice, qty: o.origQty };
    });
}

async function perpFilters(harness: EngineHarness): Promise<SymbolFilters> {
  const market = (await harness.venue.perpMarkets()).find((m) => m.symbol === SYMBOL);
  if (market === undefined) throw new Error(`no ${SYMBOL} market`);
  return market.filters;
}

/** Opens AAA at 1x with its backstop and returns what the checks need. */
async function openedAtOneX(harness: EngineHarness) {
  harness.start();
  const opened = await harness.waitForType('open_completed');
  await harness.waitForType('iteration_completed');
  const position = harness.store.positions.get(opened.positionId);
  if (position?.perpAvgPrice == null) throw new Error('the position has no entry price');
  expect(position.leverage).toBe(1);
  const filters = await perpFilters(harness);
  const entry = position.perpAvgPrice;
  const before = exchangeStops(harness);
  expect(before).toHaveLength(1);
  expect(before[0]?.stopPrice.equals(backstopStopPrice(entry, 1, harness.params, filters.tickSize))).toBe(true);
  return { positionId: opened.positionId, entry, filters, oldStop: before[0] as (typeof before)[number] };
}

describe('backstop replacement on a leverage change', () => {
  it('cancels the old stop and leaves exactly one, at the stop price of the new leverage', async () => {
    const harness = await startEngineHarness({
      market: { symbols: [{ baseAsset: 'AAA', price: 100, fundingRate: '0.0005' }] },
    });
    h = harness;
    const { positionId, entry, filters, oldStop } = await openedAtOneX(harness);
    const intentsBefore = harness.store.intents.byPosition(positionId).length;

    // Someone raises the leverage on the exchange; the bot sees it on its next check.
    expect(await harness.venue.setLeverage(SYMBOL, 2)).toBe(2);
    const mark = harness.events.length;
    harness.engine.loop.wake('test: leverage changed');
    const changed = await harness.waitFor((e) => e.type === 'warning' && e.code === 'leverage_changed', mark);
    expect(changed.type === 'warning' && changed.message).toMatch(/leverage on the exchange is 2x/);

    const expected = backstopStopPrice(entry, 2, harness.params, filters.tickSize);
    const [newStop] = await until(() => {
      const stops = exchangeStops(harness);
      return stops.length === 1 && stops[0]?.clientOrderId !== oldStop.clientOrderId ? stops : undefined;
    }, 'the new stop');
    expect(newStop?.stopPrice.equals(expected)).toBe(true);
    expect(newStop?.stopPrice.lessThan(oldStop.stopPrice)).toBe(true);
    expect(newStop?.qty.equals(oldStop.qty)).toBe(true);

    // The old stop is cancelled on the exchange, not merely forgotten.
    const old = await harness.venue.getOrder('perp', SYMBOL, oldStop.clientOrderId);
    expect(old?.status).toBe('CANCELED');

    // The store agrees, and both steps went through intents: the cancellation, then the placement.
    expect(harness.store.positions.get(positionId)?.leverage).toBe(2);
    const stored = harness.store.orders.byPosition(positionId).filter((o) => o.type === 'STOP_MARKET');
    expect(stored.find((o) => o.clientOrderId === oldStop.clientOrderId)?.status).toBe('CANCELED');
    const working = stored.filter((o) => !isFinalOrderStatus(o.status));
    expect(working.map((o) => o.clientOrderId)).toEqual([newStop?.clientOrderId]);
    const added = harness.store.intents.byPosition(positionId).slice(intentsBefore);
    expect(added.map((i) => [i.kind, i.status])).toEqual([
      ['stop_cancel', 'done'],
      ['stop_place', 'done'],
    ]);
    expect(added[0]?.payload['clientOrderIds']).toEqual([oldStop.clientOrderId]);

    // The bot's own stop-loss follows the new leverage too.
    await until(
      () =>
        harness.engine.protector.watching?.stopMarkPrice.equals(stopLossMarkPrice(entry, 2, harness.params))
          ? true
          : undefined,
      'the protector to watch the new stop',
    );

    // Later checks find the stop current and leave it alone.
    const settled = harness.events.length;
    harness.engine.loop.wake('test: another check');
    await harness.waitForType('iteration_completed', settled);
    expect(exchangeStops(harness).map((s) => s.clientOrderId)).toEqual([newStop?.clientOrderId]);
  }, 60_000);

  it('places no second stop while the old one cannot be confirmed cancelled; a later reconcile finishes the move', async () => {
    const harness = await startEngineHarness({
      market: { symbols: [{ baseAsset: 'AAA', price: 100, fundingRate: '0.0005' }] },
    });
    h = harness;
    const { positionId, entry, filters, oldStop } = await openedAtOneX(harness);

    // Every cancel request fails (HTTP 500, not executed) for now.
    harness.sim.faults.set(parseFaultSpec('error5xx=1:cancel'));
    expect(await harness.venue.setLeverage(SYMBOL, 3)).toBe(3);
    const mark = harness.events.length;
    harness.engine.loop.wake('test: leverage changed');
    const failed = await harness.waitFor((e) => e.type === 'warning' && e.code === 'backstop_replace_failed', mark);
    expect(failed.type === 'warning' && failed.message).toMatch(/could not be confirmed cancelled/);
    expect(exchangeStops(harness).map((s) => s.clientOrderId)).toEqual([oldStop.clientOrderId]);
    const cancelIntent = harness.store.intents.byPosition(positionId).find((i) => i.kind === 'stop_cancel');
    expect(cancelIntent?.status).toBe('failed');
    await harness.waitForType('iteration_completed', mark);

    // The exchange answers again: the next check's reconcile sees a stop at 1x's price on a 3x position.
    harness.sim.faults.clear();
    const retry = harness.events.length;
    harness.engine.loop.wake('test: exchange back');
    const found = await harness.waitFor(
      (e) => e.type === 'reconcile' && e.findings.some((f) => f.includes('stop moved to')),
      retry,
    );
    expect(found.type === 'reconcile' && found.blocking).toBe(false);
    const stops = exchangeStops(harness);
    expect(stops).toHaveLength(1);
    expect(stops[0]?.clientOrderId).not.toBe(oldStop.clientOrderId);
    expect(stops[0]?.stopPrice.equals(backstopStopPrice(entry, 3, harness.params, filters.tickSize))).toBe(true);
    expect((await harness.venue.getOrder('perp', SYMBOL, oldStop.clientOrderId))?.status).toBe('CANCELED');
  }, 60_000);
});
