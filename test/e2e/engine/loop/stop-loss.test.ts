/**
 * The real-time stop-loss: the mark price crosses the stop and the close orders reach the exchange
 * within a second, measured on the simulator's own request log, while
 * - the loop is stuck in a scan (its funding-history requests hang), so nothing waits for the loop;
 * - the position's health check is failing (at 1× the short is past the −50 % critical level when the
 *   −70 % stop fires: the original bot skipped the stop-loss on a failed health check).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import type { FundingRateRecord } from '../../../../src/domain/market.ts';
import { parseFaultSpec } from '../../../../src/sim/index.ts';
import { shortPnlPct } from '../../../../src/strategy/stoploss.ts';
import { type EngineHarness, exposure, HOUR_MS, START_MS, seedConfig, startEngineHarness } from './support/harness.ts';

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** Nine settled 8-hourly rates before the start: enough history for the default 10-period MA. */
function history(symbol: string, rate: string): FundingRateRecord[] {
  return Array.from({ length: 9 }, (_, i) => ({
    symbol,
    fundingRate: dec(rate),
    fundingTimeMs: START_MS - (i + 1) * 8 * HOUR_MS + 3 * HOUR_MS,
  })).reverse();
}

describe('real-time stop-loss', () => {
  it('sends the close within 1 s of the crossing while the loop is stuck in a scan and the health check fails', async () => {
    const harness = await startEngineHarness({
      market: {
        symbols: [{ baseAsset: 'AAA', price: 100, fundingRate: '0.0001' }],
        priorFunding: { AAAUSDT: history('AAAUSDT', '0.0001') },
      },
      // The exchange-side backstop would fire at the same mark; this test measures the bot's own reaction.
      config: seedConfig({ funding_rate_strategy: { use_funding_ma: true }, risk: { exchange_stop_backstop: false } }),
    });
    h = harness;
    harness.start();
    const opened = await harness.waitForType('open_completed');
    await harness.waitFor((e) => e.type === 'protector_watch' && e.symbol === 'AAAUSDT');
    const position = harness.store.positions.get(opened.positionId);
    expect(position?.leverage).toBe(1);
    await harness.waitForType('iteration_completed');

    // Wedge the loop: the next iteration's funding-history requests never get an answer.
    harness.sim.faults.set(parseFaultSpec('hang=1:/fapi/v3/fundingRate'));
    const before = harness.sim.requests().at(-1)?.seq ?? 0;
    const mark = harness.events.length;
    harness.engine.loop.wake('test: start an iteration');
    const deadline = Date.now() + 15_000;
    while (!harness.sim.requests(before).some((r) => r.endpoint === 'perp.fundingRate' && r.status === undefined)) {
      if (Date.now() > deadline) throw new Error('the loop never reached its history requests');
      await new Promise((r) => setTimeout(r, 10));
    }

    // The price jumps 75 %: past the −70 % stop at 1×, and past the −50 % critical health level.
    const t0 = Date.now();
    const logBefore = harness.sim.requests().at(-1)?.seq ?? 0;
    await harness.sim.setPrice('AAAUSDT', { perpMark: dec(175) });

    const trigger = await harness.waitForType('stop_loss_triggered', mark);
    expect(trigger.source).toBe('stream');
    const closed = await harness.waitForType('close_completed', mark);
    expect(closed.reason).toBe('stop_loss');
    const started = await harness.waitForType('close_started', mark);
    expect(started.source).toBe('protector');

    const closeOrders = harness.sim
      .requests(logBefore)
      .filter(
        (r) =>
          (r.endpoint === 'perp.order.new' && r.side === 'BUY' && r.reduceOnly === 'true') ||
          (r.endpoint === 'spot.order.new' && r.side === 'SELL'),
      );
    expect(closeOrders.map((r) => r.endpoint).sort()).toEqual(['perp.order.new', 'spot.order.new']);
    for (const order of closeOrders) expect(order.arrivalWallMs - t0).toBeLessThan(1000);

    // The loop's iteration was still wedged in its scan when the close went out.
    const completedBeforeClose = harness.events
      .slice(mark, harness.events.indexOf(closed))
      .some((e) => e.type === 'iteration_completed');
    expect(completedBeforeClose).toBe(false);

    // At this mark the position's health check is failing: its short PnL is past the critical level,
    // which at 1× comes before the stop (−50 % against −70 %).
    const entry = position?.perpAvgPrice ?? dec(0);
    expect(trigger.shortPnlPct.lessThanOrEqualTo(harness.params.shortPnlCriticalPct)).toBe(true);
    expect(shortPnlPct(entry, dec(175)).lessThanOrEqualTo(harness.params.shortPnlCriticalPct)).toBe(true);
    expect(harness.params.shortPnlCriticalPct.greaterThan(trigger.stopLossPct)).toBe(true);

    // Flat on the exchange, and the store agrees.
    harness.sim.faults.clear();
    expect(exposure(harness, 'AAA', 'AAAUSDT').perp.isZero()).toBe(true);
    expect(harness.store.positions.get(opened.positionId)?.status).toBe('closed');
    expect(harness.store.positions.get(opened.positionId)?.closeReason).toBe('stop_loss');
  }, 60_000);

  it('with the exchange-side backstop on, a crossing leaves the account flat: no spot is left naked', async () => {
    const harness = await startEngineHarness({
      market: { symbols: [{ baseAsset: 'AAA', price: 100, fundingRate: '0.0001' }] },
    });
    h = harness;
    harness.start();
    const opened = await harness.waitForType('open_completed');
    await harness.waitFor((e) => e.type === 'protector_watch' && e.symbol === 'AAAUSDT');
    const mark = harness.events.length;
    await harness.sim.setPrice('AAAUSDT', { perpMark: dec(175) });
    await harness.waitForType('close_completed', mark);
    const deadline = Date.now() + 15_000;
    while (harness.store.positions.get(opened.positionId)?.status !== 'closed') {
      if (Date.now() > deadline) throw new Error('the position was never recorded closed');
      await new Promise((r) => setTimeout(r, 20));
    }
    const left = exposure(harness, 'AAA', 'AAAUSDT');
    expect(left.perp.isZero()).toBe(true);
    // What stays is dust below the spot step at most, never the position's quantity.
    expect(left.spot.lessThan(opened.spotQty.div(100))).toBe(true);
  }, 60_000);
});
