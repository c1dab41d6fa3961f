/**
 * A stop requested while the two legs of an open are in flight is honoured only once the open has
 * settled: the position ends hedged (never one leg), recorded, reported as left open, and the
 * heartbeat says the bot stopped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readHeartbeat } from '../../../../src/engine/heartbeat.ts';
import { type EngineHarness, exposure, startEngineHarness } from './support/harness.ts';

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('shutdown', () => {
  it('never abandons an open between its legs', async () => {
    let requested = false;
    const harness = await startEngineHarness({
      market: { symbols: [{ baseAsset: 'AAA', price: 100, fundingRate: '0.0003' }] },
      onEvent: (event, self) => {
        if (event.type === 'leg_filled' && !requested) {
          requested = true;
          self.abort('SIGTERM');
        }
      },
    });
    h = harness;
    harness.start();
    await harness.running;
    expect(requested).toBe(true);

    const opened = harness.events.find((e) => e.type === 'open_completed');
    expect(opened?.type).toBe('open_completed');
    const position = harness.store.positions.active();
    expect(position?.status).toBe('open');
    const held = exposure(harness, 'AAA', 'AAAUSDT');
    expect(held.perp.negated().equals(position?.perpQty ?? 0)).toBe(true);
    expect(held.spot.greaterThanOrEqualTo(position?.perpQty ?? 0)).toBe(true);

    const shutdown = harness.events.at(-1);
    expect(shutdown?.type === 'shutdown' && shutdown.reason).toBe('SIGTERM');
    expect(shutdown?.type === 'shutdown' && shutdown.openPosition?.symbol).toBe('AAAUSDT');
    expect(readHeartbeat(harness.store)?.state).toBe('stopped');
  }, 60_000);
});
