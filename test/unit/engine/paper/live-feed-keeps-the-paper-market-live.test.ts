/**
 * The live feed against the simulator's real account engine: what the live exchange shows (prices, books, funding,
 * volumes, listings) is what the paper exchange shows and trades on, refreshed with one snapshot at a time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import {
  type FeedNotice,
  LiveFeed,
  type LiveFeedSettings,
  PaperFeedError,
} from '../../../../src/engine/paper/index.ts';
import { SimClock } from '../../../../src/sim/clock.ts';
import { SimEngine, type SimResult } from '../../../../src/sim/engine/index.ts';
import {
  FakeLive,
  HOUR,
  type LivePair,
  liveSnapshot,
  memoryLogger,
  NEXT_BOUNDARY,
  T0,
  WallClock,
} from './support/live.ts';

function value<T>(result: SimResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code} ${result.error.msg}`);
  return result.value;
}

/** The timers never fire on their own here: the tests drive every tick. */
const MANUAL: Partial<LiveFeedSettings> = { watchIntervalMs: HOUR, refreshIntervalMs: 5_000, staleAfterMs: 60_000 };

const feeds: LiveFeed[] = [];
afterEach(async () => {
  await Promise.all(feeds.splice(0).map((f) => f.close()));
});

async function openFeed(pairs: LivePair[], settings: Partial<LiveFeedSettings> = {}) {
  const live = new FakeLive(liveSnapshot(pairs, T0));
  const wall = new WallClock(T0);
  const log = memoryLogger();
  const feed = await LiveFeed.open({ live, clock: wall, logger: log.logger, settings: { ...MANUAL, ...settings } });
  feeds.push(feed);
  const clock = new SimClock({ startMs: T0, manual: true });
  const engine = new SimEngine({ source: feed.source, clock });
  const notices: FeedNotice[] = [];
  feed.subscribe((n) => notices.push(n));
  let held: string[] = [];
  feed.start(() => held);
  return {
    live,
    wall,
    log,
    feed,
    clock,
    engine,
    notices,
    hold(symbols: string[]) {
      held = symbols;
    },
    /** Moves the simulator by `ms` so the engine reads the market again. */
    step(ms = 1) {
      clock.advance(ms);
      engine.advanceTo(clock.nowMs());
    },
  };
}

describe('the live feed', () => {
  it('lists the pairs trading on both markets and leaves out one-market listings', async () => {
    const { feed, engine, log } = await openFeed([
      { base: 'AAA', mark: '100' },
      { base: 'BBB', mark: '50', spot: false },
      { base: 'CCC', mark: '20', perp: false },
      { base: 'DDD', mark: '10', perpStatus: 'SETTLING' },
    ]);
    expect(feed.symbols).toEqual(['AAAUSDT']);
    const defs = engine.definitions();
    expect(defs.spot.map((d) => d.symbol)).toEqual(['AAAUSDT']);
    expect(defs.perp.map((d) => d.symbol)).toEqual(['AAAUSDT']);
    const skipped = log.lines.filter((l) => l.msg === 'paper: live listing not traded').map((l) => l.obj);
    expect(skipped).toEqual(
      expect.arrayContaining([
        { symbol: 'BBBUSDT', reason: 'listed on perp only: no trading spot market with base BBB and quote USDT' },
        { symbol: 'CCCUSDT', reason: 'listed on spot only: no trading perp market with base CCC and quote USDT' },
        { symbol: 'DDDUSDT', reason: 'perp status is SETTLING' },
      ]),
    );
  });

  it('refreshes every price, book, rate and volume with one snapshot request, whatever the number of pairs', async () => {
    const bases = Array.from({ length: 40 }, (_, i) => `S${String(i).padStart(2, '0')}`);
    const t = await openFeed(bases.map((base) => ({ base, mark: '100' })));
    expect(t.live.snapshotCalls).toBe(1);
    t.live.snapshot = liveSnapshot(
      bases.map((base, i) => ({
        base,
        mark: String(101 + i),
        rate: '0.0003',
        spotBid: String(100.9 + i),
        spotAsk: String(101.1 + i),
        perpBid: String(100.95 + i),
        perpAsk: String(101.05 + i),
        spotVolume: '7000000',
        perpVolume: '9000000',
      })),
      T0 + 5_000,
    );
    t.wall.ms += 5_000;
    await t.feed.tick();
    expect(t.live.snapshotCalls).toBe(2);
    t.step();

    const [premium] = value(t.engine.premiumIndex('S07USDT'));
    expect(premium?.markPrice.toFixed()).toBe('108');
    expect(premium?.indexPrice.toFixed()).toBe('107.95');
    expect(premium?.lastFundingRate.toFixed()).toBe('0.0003');
    const [spot] = value(t.engine.bookTickers('spot', 'S07USDT'));
    expect([spot?.bidPrice.toFixed(), spot?.askPrice.toFixed(), spot?.bidQty.toFixed()]).toEqual([
      '107.9',
      '108.1',
      '500',
    ]);
    const [perp] = value(t.engine.bookTickers('perp', 'S07USDT'));
    expect([perp?.bidPrice.toFixed(), perp?.askPrice.toFixed(), perp?.askQty.toFixed()]).toEqual([
      '107.95',
      '108.05',
      '400',
    ]);
    expect(value(t.engine.tickers24h('spot', 'S07USDT'))[0]?.quoteVolume.toFixed()).toBe('7000000');
    expect(value(t.engine.tickers24h('perp', 'S07USDT'))[0]?.quoteVolume.toFixed()).toBe('9000000');

    // Not due yet: no request.
    t.wall.ms += 1_000;
    await t.feed.tick();
    expect(t.live.snapshotCalls).toBe(2);
  });

  it('fills a paper market order at the live best price, and deeper on synthetic depth behind it', async () => {
    const t = await openFeed([{ base: 'AAA', mark: '100', perpBid: '99.98', perpAsk: '100.02' }]);
    t.engine.deposit('alice', 'futures', 'USDT', dec(100_000));
    const small = value(
      t.engine.placeOrder('alice', 'perp', { symbol: 'AAAUSDT', side: 'SELL', type: 'MARKET', quantity: '10' }),
    );
    expect(small.avgPrice.toFixed()).toBe('99.98');
    // 400 at the live bid, the rest one level (3 bp of the mid) lower.
    const large = value(
      t.engine.placeOrder('alice', 'perp', { symbol: 'AAAUSDT', side: 'SELL', type: 'MARKET', quantity: '490' }),
    );
    expect(large.executedQty.toFixed()).toBe('490');
    expect(large.avgPrice.lessThan('99.98')).toBe(true);
    expect(large.avgPrice.greaterThanOrEqualTo('99.95')).toBe(true);
  });

  it('settles funding at the real boundary with the last rate predicted before it, not the next interval’s', async () => {
    const t = await openFeed([{ base: 'AAA', mark: '100', rate: '0.0005' }]);
    t.engine.deposit('alice', 'futures', 'USDT', dec(10_000));
    value(t.engine.placeOrder('alice', 'perp', { symbol: 'AAAUSDT', side: 'SELL', type: 'MARKET', quantity: '10' }));

    // Just before 08:00 the live rate moves once more; just after, the exchange predicts the next interval's rate.
    t.live.snapshot = liveSnapshot([{ base: 'AAA', mark: '100', rate: '0.0004' }], NEXT_BOUNDARY - 2_000);
    t.wall.ms += 5_000;
    await t.feed.tick();
    t.live.snapshot = liveSnapshot(
      [{ base: 'AAA', mark: '100', rate: '-0.0002' }],
      NEXT_BOUNDARY + 1_000,
      NEXT_BOUNDARY + 8 * HOUR,
    );
    t.wall.ms += 5_000;
    await t.feed.tick();
    // The simulator reaches the boundary only now, after the next interval's rate arrived.
    t.clock.advance(NEXT_BOUNDARY + 500 - t.clock.nowMs());
    t.engine.advanceTo(t.clock.nowMs());

    const settled = value(t.engine.fundingRateHistory('AAAUSDT', {}));
    expect(settled.map((r) => [r.fundingRate.toFixed(), Math.floor(r.fundingTimeMs / 1000) * 1000])).toEqual([
      ['0.0004', NEXT_BOUNDARY],
    ]);
    const income = value(t.engine.income('alice', { incomeType: 'FUNDING_FEE' }));
    // short 10 × mark 100 × 0.0004
    expect(income.map((r) => r.income.toFixed())).toEqual(['0.4']);
    expect(value(t.engine.premiumIndex('AAAUSDT'))[0]?.lastFundingRate.toFixed()).toBe('-0.0002');
  });

  it('suspends a pair delisted mid-run (orders refused, as on Aster) and trades it again once relisted', async () => {
    const pairs: LivePair[] = [
      { base: 'AAA', mark: '100' },
      { base: 'BBB', mark: '50' },
    ];
    const t = await openFeed(pairs);
    t.engine.deposit('alice', 'futures', 'USDT', dec(10_000));
    const sell = { symbol: 'AAAUSDT', side: 'SELL', type: 'MARKET', quantity: '1' };
    value(t.engine.placeOrder('alice', 'perp', sell));
    t.hold(['AAAUSDT']);

    t.live.snapshot = liveSnapshot([{ base: 'AAA', mark: '90', spot: false }, pairs[1] as LivePair], T0 + 5_000);
    t.wall.ms += 5_000;
    await t.feed.tick();
    expect(t.notices).toEqual([
      { type: 'suspended', symbol: 'AAAUSDT', reason: 'no longer listed on the live spot market', held: true },
    ]);
    expect(t.engine.definition('perp', 'AAAUSDT')?.status).toBe('BREAK');
    expect(t.engine.definition('spot', 'AAAUSDT')?.status).toBe('BREAK');
    const refused = t.engine.placeOrder('alice', 'perp', sell);
    expect(refused.ok ? null : refused.error.code).toBe(-1121);
    // Its prices are not moved by data from a market that no longer lists it.
    t.step();
    expect(value(t.engine.premiumIndex('AAAUSDT'))[0]?.markPrice.toFixed()).toBe('100');
    // The other pair is untouched.
    expect(t.engine.placeOrder('alice', 'perp', { ...sell, symbol: 'BBBUSDT' }).ok).toBe(true);

    t.live.snapshot = liveSnapshot([{ base: 'AAA', mark: '95' }, pairs[1] as LivePair], T0 + 10_000);
    t.wall.ms += 5_000;
    await t.feed.tick();
    expect(t.notices.at(-1)).toEqual({ type: 'resumed', symbol: 'AAAUSDT' });
    t.step();
    expect(t.engine.definition('perp', 'AAAUSDT')?.status).toBe('TRADING');
    expect(value(t.engine.premiumIndex('AAAUSDT'))[0]?.markPrice.toFixed()).toBe('95');
    expect(t.engine.placeOrder('alice', 'perp', sell).ok).toBe(true);
  });

  it('suspends a pair that is still listed but no longer quoted', async () => {
    const t = await openFeed([{ base: 'AAA', mark: '100' }]);
    t.live.snapshot = liveSnapshot([{ base: 'AAA', mark: '100', noPremium: true }], T0 + 5_000);
    t.wall.ms += 5_000;
    await t.feed.tick();
    t.live.snapshot = liveSnapshot([{ base: 'AAA', mark: '100', perpBid: '100.5', perpAsk: '100.5' }], T0 + 10_000);
    t.wall.ms += 5_000;
    await t.feed.tick();
    // One notice for the suspension, however its reason changes while it lasts.
    expect(t.notices).toEqual([{ type: 'suspended', symbol: 'AAAUSDT', reason: 'no live mark price', held: false }]);
    expect(t.feed.suspended()).toEqual(new Map([['AAAUSDT', 'no live perp bid and ask']]));
  });

  it('logs a failed refresh and retries; past the bound it is stale once, and fresh again after a success', async () => {
    const t = await openFeed([{ base: 'AAA', mark: '100' }]);
    t.live.failure = new Error('connect ECONNREFUSED');
    for (let i = 0; i < 12; i++) {
      t.wall.ms += 5_000;
      await t.feed.tick();
    }
    expect(t.live.snapshotCalls).toBe(13);
    expect(t.notices).toEqual([]);
    expect(t.feed.stale).toBe(false);
    expect(t.log.lines.filter((l) => l.msg.startsWith('paper: live refresh failed')).length).toBe(12);

    t.wall.ms += 1_000;
    await t.feed.tick();
    t.wall.ms += 1_000;
    await t.feed.tick();
    expect(t.feed.stale).toBe(true);
    expect(t.notices).toEqual([{ type: 'stale', lastRefreshMs: T0, staleForMs: 61_000 }]);

    t.live.failure = null;
    t.live.snapshot = liveSnapshot([{ base: 'AAA', mark: '101' }], T0 + 67_000);
    t.wall.ms += 5_000;
    await t.feed.tick();
    expect(t.feed.stale).toBe(false);
    expect(t.notices.at(-1)).toEqual({ type: 'fresh', staleForMs: 67_000 });
    expect(t.feed.lastRefreshMs).toBe(T0 + 67_000);
  });

  it('streams the live mark of a held symbol; an older snapshot does not undo a newer mark', async () => {
    const t = await openFeed([
      { base: 'AAA', mark: '100' },
      { base: 'BBB', mark: '50' },
    ]);
    await t.feed.syncMarkStreams();
    expect([...t.live.streams.keys()]).toEqual([]);

    t.hold(['AAAUSDT']);
    await t.feed.syncMarkStreams();
    expect([...t.live.streams.keys()]).toEqual(['AAAUSDT']);
    t.live.pushMark({
      symbol: 'AAAUSDT',
      markPrice: dec('93.5'),
      indexPrice: dec('93.4'),
      fundingRate: dec('0.0007'),
      nextFundingTimeMs: NEXT_BOUNDARY,
      eventTimeMs: T0 + 8_000,
    });
    t.step();
    expect(value(t.engine.premiumIndex('AAAUSDT'))[0]?.markPrice.toFixed()).toBe('93.5');

    // A snapshot computed before that update arrives later: its books apply, its older mark does not.
    t.live.snapshot = liveSnapshot([{ base: 'AAA', mark: '99', perpBid: '93.4', perpAsk: '93.6' }], T0 + 6_000);
    t.wall.ms += 5_000;
    await t.feed.tick();
    t.step();
    const [premium] = value(t.engine.premiumIndex('AAAUSDT'));
    expect([premium?.markPrice.toFixed(), premium?.lastFundingRate.toFixed()]).toEqual(['93.5', '0.0007']);
    expect(value(t.engine.bookTickers('perp', 'AAAUSDT'))[0]?.bidPrice.toFixed()).toBe('93.4');

    t.hold([]);
    await t.feed.syncMarkStreams();
    expect(t.live.streams.get('AAAUSDT')?.closed).toBe(true);
  });

  it('reads the settled history once at start in moving-average mode, so the MA has it from the first scan', async () => {
    const live = new FakeLive(liveSnapshot([{ base: 'AAA', mark: '100' }], T0));
    live.history.set('AAAUSDT', [
      { symbol: 'AAAUSDT', fundingRate: dec('0.0001'), fundingTimeMs: T0 - 17 * HOUR + 4 },
      { symbol: 'AAAUSDT', fundingRate: dec('0.0003'), fundingTimeMs: T0 - 9 * HOUR + 7 },
      { symbol: 'AAAUSDT', fundingRate: dec('0.0002'), fundingTimeMs: T0 - HOUR + 3 },
    ]);
    const feed = await LiveFeed.open({
      live,
      clock: new WallClock(T0),
      logger: memoryLogger().logger,
      settings: { ...MANUAL, fundingHistoryLimit: 2 },
    });
    feeds.push(feed);
    expect(live.historyCalls).toEqual(['AAAUSDT']);
    const engine = new SimEngine({ source: feed.source, clock: new SimClock({ startMs: T0, manual: true }) });
    expect(value(engine.fundingRateHistory('AAAUSDT', {})).map((r) => r.fundingRate.toFixed())).toEqual([
      '0.0003',
      '0.0002',
    ]);
  });

  it('refuses to start without the live market, or with nothing on it to trade', async () => {
    const down = new FakeLive(liveSnapshot([], T0));
    down.failure = new Error('getaddrinfo ENOTFOUND fapi.asterdex.com');
    const failed = await LiveFeed.open({ live: down, clock: new WallClock(T0), logger: memoryLogger().logger }).catch(
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(PaperFeedError);
    expect((failed as PaperFeedError).kind).toBe('retryable');
    expect((failed as Error).message).toMatch(/could not read the live market: .*ENOTFOUND fapi\.asterdex\.com/);

    const empty = new FakeLive(liveSnapshot([{ base: 'AAA', mark: '1', spot: false }], T0));
    await expect(
      LiveFeed.open({ live: empty, clock: new WallClock(T0), logger: memoryLogger().logger }),
    ).rejects.toThrow(/no pair trading on both spot and perp .*1 perp and 0 spot listings/);
  });
});
