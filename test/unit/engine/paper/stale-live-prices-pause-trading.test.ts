/**
 * A paper account must not trade on a frozen market: while the live feed is stale it holds the engine's trade gate,
 * so every trading step (reconcile, open, close, stop-loss close) waits; a successful refresh lets them through.
 * Real feed, real gate; only the live exchange is a stand-in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../src/engine/events.ts';
import { LiveFeed, linkFeedToEngine, STALE_GATE_LABEL } from '../../../../src/engine/paper/index.ts';
import { TradeGate } from '../../../../src/engine/trade-gate.ts';
import { FakeLive, HOUR, liveSnapshot, memoryLogger, T0, WallClock } from './support/live.ts';

const feeds: LiveFeed[] = [];
afterEach(async () => {
  await Promise.all(feeds.splice(0).map((f) => f.close()));
});

async function setup() {
  const live = new FakeLive(liveSnapshot([{ base: 'AAA', mark: '100' }], T0));
  const wall = new WallClock(T0);
  const feed = await LiveFeed.open({
    live,
    clock: wall,
    logger: memoryLogger().logger,
    settings: { watchIntervalMs: HOUR, refreshIntervalMs: 5_000, staleAfterMs: 60_000 },
  });
  feeds.push(feed);
  const gate = new TradeGate();
  const events: EngineEvent[] = [];
  const unlink = linkFeedToEngine(feed, gate, (e) => events.push(e));
  /** The live exchange stops answering until `recover`. */
  const goStale = async () => {
    live.failure = new Error('socket hang up');
    wall.ms += 61_000;
    await feed.tick();
  };
  const recover = async () => {
    live.failure = null;
    wall.ms += 5_000;
    await feed.tick();
  };
  return { live, feed, gate, events, unlink, goStale, recover };
}

/** Lets promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('stale live prices pause trading', () => {
  it('holds the trade gate while stale: a trade waits, and goes once the prices are fresh again', async () => {
    const t = await setup();
    expect(t.gate.holder).toBeNull();
    await t.goStale();
    await settle();
    expect(t.gate.holder).toBe(STALE_GATE_LABEL);

    let traded = false;
    const open = t.gate.run('open AAAUSDT', 'normal', async () => {
      traded = true;
    });
    await settle();
    expect(traded).toBe(false);
    // Still stale at the next looks: still paused, and said once.
    await t.feed.tick();
    await settle();
    expect(traded).toBe(false);

    await t.recover();
    await open;
    expect(traded).toBe(true);
    expect(t.gate.holder).toBeNull();
    expect(t.events).toEqual([
      {
        type: 'warning',
        code: 'paper_prices_stale',
        message: `live prices not refreshed for 61 s (last at ${new Date(T0).toISOString()}): trading paused until the live feed recovers`,
      },
      {
        type: 'warning',
        code: 'paper_prices_fresh',
        message: 'live prices refreshed again after 66 s: trading resumes',
      },
    ]);
  });

  it('never interrupts a trade in progress: it waits for it, and gives up the wait if the prices recover first', async () => {
    const t = await setup();
    const ticket = await t.gate.acquire('close AAAUSDT');
    await t.goStale();
    await settle();
    expect(t.gate.holder).toBe('close AAAUSDT');

    await t.recover();
    ticket.release();
    await settle();
    // The pause was withdrawn: the gate is free, nobody holds it.
    expect(t.gate.holder).toBeNull();
    const next = await t.gate.acquire('open AAAUSDT');
    expect(next.label).toBe('open AAAUSDT');
    next.release();
  });

  it('goes before a waiting open once the trade in progress ends', async () => {
    const t = await setup();
    const ticket = await t.gate.acquire('close AAAUSDT');
    const order: string[] = [];
    const open = t.gate.run('open BBBUSDT', 'normal', async () => {
      order.push('open');
    });
    await t.goStale();
    ticket.release();
    await settle();
    expect(t.gate.holder).toBe(STALE_GATE_LABEL);
    expect(order).toEqual([]);
    await t.recover();
    await open;
    expect(order).toEqual(['open']);
  });

  it('reports suspended and relisted symbols, and unlinking releases a held gate', async () => {
    const t = await setup();
    t.live.snapshot = liveSnapshot([{ base: 'AAA', mark: '100', spot: false }], T0 + 5_000);
    t.feed.start(() => ['AAAUSDT']);
    await t.recover();
    expect(t.events.at(-1)).toEqual({
      type: 'warning',
      code: 'paper_symbol_suspended',
      message:
        'AAAUSDT: no longer listed on the live spot market; the paper exchange refuses its orders until it trades ' +
        'live again (the paper position in it cannot be traded meanwhile)',
    });

    await t.goStale();
    await settle();
    expect(t.gate.holder).toBe(STALE_GATE_LABEL);
    t.unlink();
    expect(t.gate.holder).toBeNull();
    const count = t.events.length;
    await t.recover();
    expect(t.events.length).toBe(count);
  });
});
