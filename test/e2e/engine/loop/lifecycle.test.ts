/**
 * The bot's life with the original bot's shipped config (fee coverage 0.2×, forced rotation 2× after
 * 8 h, max age 336 h, 300 s loop), on a hand-set market where funding rates are moved by the test:
 * open the best pair → funding settles → fee-coverage close → reopen (same symbol allowed) → the held
 * symbol's own APR spike never rotates → a different symbol twice as good rotates only after the
 * minimum hours → max-age close.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import type { EngineEvent } from '../../../../src/engine/events.ts';
import { type EngineHarness, exposure, HOUR_MS, START_MS, startEngineHarness } from './support/harness.ts';

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const MINUTE_MS = 60_000;

function decisionsSince(events: readonly EngineEvent[], from: number) {
  return events
    .slice(from)
    .filter((e): e is Extract<EngineEvent, { type: 'decision' }> => e.type === 'decision')
    .map((e) => e.decision);
}

describe('engine lifecycle on the simulator (seed config)', () => {
  it('opens, closes on fee coverage and reopens, never rotates into itself, force-rotates after 8 h, closes at max age', async () => {
    const harness = await startEngineHarness({
      market: {
        symbols: [
          { baseAsset: 'AAA', price: 100, fundingRate: '0.0005' },
          { baseAsset: 'BBB', price: 50, fundingRate: '0.0001' },
        ],
      },
    });
    h = harness;
    harness.start();

    // 03:00 — flat: the best pair (AAA, 54.75 % APR against 10.95 %) is opened, hedged.
    const first = await harness.waitForType('open_completed');
    expect(first.symbol).toBe('AAAUSDT');
    const opened = exposure(harness, 'AAA', 'AAAUSDT');
    expect(opened.perp.negated().toFixed()).toBe(first.perpQty.toFixed());
    expect(opened.spot.greaterThanOrEqualTo(first.perpQty)).toBe(true);
    expect(harness.store.positions.active()?.status).toBe('open');

    // 08:05 — the 08:00 settlement paid the short 0.05 % of notional, more than 0.2 × the fees: close
    // and reopen; AAA is still the best pair, and the same symbol may be reopened after fee coverage.
    let mark = harness.events.length;
    await harness.jumpTo(START_MS + 5 * HOUR_MS + 5 * MINUTE_MS);
    const feeClose = await harness.waitForType('close_completed', mark);
    expect(feeClose.reason).toBe('fee_coverage');
    expect(feeClose.symbol).toBe('AAAUSDT');
    expect(feeClose.pnl?.fundingUsdt.isPositive()).toBe(true);
    const reopened = await harness.waitForType('open_completed', mark);
    expect(reopened.symbol).toBe('AAAUSDT');
    expect(reopened.positionId).not.toBe(first.positionId);
    expect(harness.store.counters.get().completedCycles).toBe(1);
    expect(harness.store.positions.get(first.positionId)?.status).toBe('closed');

    // 08:15 — the held symbol's own rate spikes: it is the best pair, which is no reason to rotate.
    await harness.sim.setFundingRate('AAAUSDT', dec('0.002'));
    mark = harness.events.length;
    await harness.jumpTo(START_MS + 5 * HOUR_MS + 15 * MINUTE_MS);
    const spiked = decisionsSince(harness.events, mark);
    expect(spiked.map((d) => d.kind)).toEqual(['hold']);
    const scan = harness.events.slice(mark).find((e) => e.type === 'scan');
    expect(scan?.type === 'scan' && scan.scan.best?.symbol).toBe('AAAUSDT');

    // 12:00 — AAA slows to 5.475 % APR, BBB rises to 12.045 % (2.2×, but less than +10 points): the
    // forced rule needs 8 h, so the position is held.
    await harness.sim.setFundingRate('AAAUSDT', dec('0.00005'));
    await harness.sim.setFundingRate('BBBUSDT', dec('0.00011'));
    mark = harness.events.length;
    await harness.jumpTo(START_MS + 9 * HOUR_MS);
    const early = decisionsSince(harness.events, mark);
    expect(early.map((d) => d.kind)).toEqual(['hold']);
    const held = early[0];
    expect(held?.kind === 'hold' && held.rotation.rotate).toBe(false);

    // 16:10 — 8 h after the reopen, BBB is still more than twice as good: forced rotation into BBB.
    mark = harness.events.length;
    await harness.jumpTo(START_MS + 13 * HOUR_MS + 10 * MINUTE_MS);
    const rotation = decisionsSince(harness.events, mark).find((d) => d.kind === 'close');
    expect(rotation?.kind === 'close' && rotation.reason).toBe('forced_rotation');
    expect(rotation?.kind === 'close' && rotation.rotateTo).toBe('BBBUSDT');
    const rotated = await harness.waitForType('close_completed', mark);
    expect(rotated.symbol).toBe('AAAUSDT');
    const third = await harness.waitForType('open_completed', mark);
    expect(third.symbol).toBe('BBBUSDT');
    expect(exposure(harness, 'AAA', 'AAAUSDT').perp.isZero()).toBe(true);

    // 336 h later — BBB pays nothing and no other pair is eligible: only the age rule can act.
    await harness.sim.setFundingRate('BBBUSDT', dec('0'));
    await harness.sim.setFundingRate('AAAUSDT', dec('-0.0001'));
    const openedAt = harness.store.positions.get(third.positionId)?.openedAtMs ?? 0;
    mark = harness.events.length;
    await harness.jumpTo(openedAt + 336 * HOUR_MS + 10 * MINUTE_MS);
    const aged = await harness.waitForType('close_completed', mark);
    expect(aged.reason).toBe('max_age');
    expect(aged.symbol).toBe('BBBUSDT');
    const after = decisionsSince(harness.events, mark);
    expect(after.map((d) => d.kind)).toEqual(['close', 'wait']);
    expect(after[1]?.kind === 'wait' && after[1].reason).toBe('no_opportunity');

    // The books: three positions, all closed, three completed cycles, no exposure left.
    const positions = harness.store.positions.list().sort((a, b) => a.id - b.id);
    expect(positions.map((p) => [p.symbol, p.status, p.closeReason])).toEqual([
      ['AAAUSDT', 'closed', 'fee_coverage'],
      ['AAAUSDT', 'closed', 'forced_rotation'],
      ['BBBUSDT', 'closed', 'max_age'],
    ]);
    expect(harness.store.counters.get().completedCycles).toBe(3);
    expect(harness.store.positions.active()).toBeNull();
    expect(exposure(harness, 'BBB', 'BBBUSDT').perp.isZero()).toBe(true);
    expect(harness.store.baseline.get()?.valueUsdt.toFixed()).toBe('10000');
    expect(harness.store.counters.get().checkIterations).toBeGreaterThanOrEqual(6);
  }, 120_000);
});
