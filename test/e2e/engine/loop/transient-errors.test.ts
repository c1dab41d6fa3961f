/**
 * Invariant 6: a transient error (here: 5xx on every try of a read) ends the iteration with an error
 * event and no trading decision. Flat, nothing is opened; holding, nothing is closed. When the
 * exchange answers again, the bot carries on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../src/engine/events.ts';
import { parseFaultSpec } from '../../../../src/sim/index.ts';
import { type EngineHarness, exposure, START_MS, startEngineHarness } from './support/harness.ts';

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const MINUTE_MS = 60_000;

function ordersSince(harness: EngineHarness, seq: number) {
  return harness.sim.requests(seq).filter((r) => r.endpoint.endsWith('order.new') || r.endpoint === 'perp.transfer');
}

function lastIteration(events: readonly EngineEvent[], from: number) {
  return events
    .slice(from)
    .filter((e) => e.type === 'iteration_completed')
    .at(-1);
}

describe('transient errors never trade', () => {
  it('a failed scan opens nothing; a failed account read closes nothing; both recover', async () => {
    const harness = await startEngineHarness({
      market: {
        symbols: [
          { baseAsset: 'AAA', price: 100, fundingRate: '0.0003' },
          { baseAsset: 'BBB', price: 50, fundingRate: '0.0001' },
        ],
      },
      faults: 'error5xx=1:/fapi/v3/ticker/24hr',
    });
    h = harness;
    harness.start();

    // Flat, and the scan cannot complete: an error, no decision, nothing sent.
    const first = await harness.waitForType('iteration_completed');
    expect(first.ok).toBe(false);
    const error = harness.events.find((e) => e.type === 'error');
    // Reconcile reads market data too, so whichever step asked first reports it; either way it is transient.
    expect(error).toMatchObject({ type: 'error', kind: 'retryable' });
    expect(harness.events.some((e) => e.type === 'decision')).toBe(false);
    expect(ordersSince(harness, 0)).toEqual([]);

    // The exchange answers again: the next iteration opens.
    harness.sim.faults.clear();
    let mark = harness.events.length;
    await harness.jumpTo(START_MS + 5 * MINUTE_MS);
    const opened = await harness.waitForType('open_completed', mark);
    expect(opened.symbol).toBe('AAAUSDT');

    // Holding, and the account cannot be read: no close, nothing sent, the position stays whole.
    harness.sim.faults.set(parseFaultSpec('error5xx=1:/fapi/v3/positionRisk,error5xx=1:/api/v3/account'));
    const seq = harness.sim.requests().at(-1)?.seq ?? 0;
    mark = harness.events.length;
    await harness.jumpTo(START_MS + 10 * MINUTE_MS);
    expect(lastIteration(harness.events, mark)).toMatchObject({ ok: false });
    expect(harness.events.slice(mark).some((e) => e.type === 'error')).toBe(true);
    expect(harness.events.slice(mark).some((e) => e.type === 'close_started')).toBe(false);
    expect(ordersSince(harness, seq)).toEqual([]);
    expect(harness.store.positions.active()?.status).toBe('open');
    expect(exposure(harness, 'AAA', 'AAAUSDT').perp.negated().equals(opened.perpQty)).toBe(true);

    harness.sim.faults.clear();
    mark = harness.events.length;
    await harness.jumpTo(START_MS + 15 * MINUTE_MS);
    const decisions = harness.events.slice(mark).filter((e) => e.type === 'decision');
    expect(decisions.map((e) => e.type === 'decision' && e.decision.kind)).toEqual(['hold']);
  }, 120_000);
});
