import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { type NewPosition, openStore, type Store, StoreStateError } from '../../../src/store/index.ts';
import { manualClock, removeTempDirs, tempDataDir } from './helpers.ts';

const BTC: NewPosition = {
  symbol: 'BTCUSDT',
  spotSymbol: 'BTCUSDT',
  baseAsset: 'BTC',
  quoteAsset: 'USDT',
  leverage: 2,
  notionalUsdt: dec('1000'),
  entryAprPct: dec('12.5'),
  entryFundingRate: dec('0.0001141552'),
  fundingIntervalHours: 8,
  openReason: 'best APR',
};

const ENTRY = {
  openedAtMs: 1_760_000_100_000,
  spotQtyGross: dec('0.01001'),
  spotQtyNet: dec('0.01'),
  perpQty: dec('0.01'),
  spotAvgPrice: dec('100000'),
  perpAvgPrice: dec('100010'),
  notionalUsdt: dec('1000.1'),
  entryFeesUsdt: dec('0.75'),
  volumeUsdt: dec('2001.1'),
};

let store: Store;
const clock = manualClock();

beforeEach(() => {
  store = openStore(tempDataDir(), { clock });
});
afterEach(() => {
  store.close();
  removeTempDirs();
});

describe('positions lifecycle', () => {
  it('opening → open → closing → closed records figures and moves the counters in the same step', () => {
    const p = store.positions.create(BTC);
    expect(p).toMatchObject({ status: 'opening', origin: 'bot', openedAtMs: null, pnl: null, estimated: [] });
    expect(store.positions.active()?.id).toBe(p.id);
    expect(store.counters.get().positionsOpened).toBe(0);

    clock.advance(1000);
    const open = store.positions.markOpen(p.id, ENTRY);
    expect(open.status).toBe('open');
    expect(open.openedAtMs).toBe(ENTRY.openedAtMs);
    expect(open.spotQtyNet.toFixed()).toBe('0.01');
    expect(open.updatedAtMs).toBe(clock.nowMs());
    expect(store.counters.get()).toMatchObject({ positionsOpened: 1, positionsClosed: 0, completedCycles: 0 });
    expect(store.counters.get().tradedVolumeUsdt.toFixed()).toBe('2001.1');

    store.positions.markClosing(p.id, 'fee coverage reached');
    const closed = store.positions.markClosed(p.id, {
      closedAtMs: 1_760_100_000_000,
      exitSpotQty: dec('0.01'),
      exitPerpQty: dec('0.01'),
      exitSpotAvgPrice: dec('100100'),
      exitPerpAvgPrice: dec('100090'),
      exitFeesUsdt: dec('0.75'),
      volumeUsdt: dec('4003'),
      pnl: { spotUsdt: dec('1'), perpUsdt: dec('-0.8'), fundingUsdt: dec('2.1'), feesUsdt: dec('1.5') },
      closeReason: 'fee coverage reached',
      dustQty: dec('0.00000001'),
    });
    expect(closed.status).toBe('closed');
    expect(closed.pnl?.totalUsdt.toFixed()).toBe('0.8');
    expect(closed.closeReason).toBe('fee coverage reached');
    expect(store.positions.active()).toBeNull();
    const c = store.counters.get();
    expect(c).toMatchObject({ positionsOpened: 1, positionsClosed: 1, completedCycles: 1 });
    expect(c.realisedPnlUsdt.toFixed()).toBe('0.8');
    expect(c.tradedVolumeUsdt.toFixed()).toBe('4003');
  });

  it('refuses a second unfinished position, naming the one in the way', () => {
    const first = store.positions.create(BTC);
    expect(() => store.positions.create({ ...BTC, symbol: 'ETHUSDT' })).toThrow(StoreStateError);
    expect(() => store.positions.create({ ...BTC, symbol: 'ETHUSDT' })).toThrow(
      new RegExp(`position ${first.id} \\(BTCUSDT\\) is still opening`),
    );
    store.positions.markFailed(first.id, { closedAtMs: 1, reason: 'spot leg rejected, perp unwound' });
    expect(store.positions.create({ ...BTC, symbol: 'ETHUSDT' }).symbol).toBe('ETHUSDT');
  });

  it('the database itself refuses a second active position even outside the repository', () => {
    store.positions.create(BTC);
    const db = new Database(store.path);
    expect(() =>
      db
        .prepare(
          `INSERT INTO positions (symbol, spot_symbol, base_asset, quote_asset, leverage, status, origin, created_at,
            updated_at, spot_qty_gross, spot_qty_net, perp_qty, notional_usdt, entry_fees_usdt, funding_received_usdt,
            exit_spot_qty, exit_perp_qty, exit_fees_usdt, volume_usdt, dust_qty, estimated)
           VALUES ('X', 'X', 'X', 'USDT', 1, 'open', 'bot', 0, 0, '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '[]')`,
        )
        .run(),
    ).toThrow(/UNIQUE constraint failed: index 'positions_one_active'/);
    db.close();
  });

  it('rejects illegal status changes with the position and both statuses named', () => {
    const p = store.positions.create(BTC);
    expect(() => store.positions.markClosed(p.id, closeOf())).toThrow(/cannot go from opening to closed/);
    store.positions.markOpen(p.id, ENTRY);
    expect(() => store.positions.markOpen(p.id, ENTRY)).toThrow(
      /position \d+ \(BTCUSDT\): cannot go from open to open/,
    );
    store.positions.markClosing(p.id, 'stop-loss');
    store.positions.markClosed(p.id, closeOf());
    expect(() => store.positions.markClosing(p.id, 'again')).toThrow(/cannot go from closed to closing/);
    expect(() => store.positions.update(999, { dustQty: dec(1) })).toThrow(/position 999 does not exist/);
  });

  it('a failed open counts what it cost in the totals but not as an opened position', () => {
    const p = store.positions.create(BTC);
    store.positions.markFailed(p.id, {
      closedAtMs: 5,
      reason: 'perp rejected; spot unwound',
      pnl: { spotUsdt: dec('-0.3'), perpUsdt: dec('0'), fundingUsdt: dec('0'), feesUsdt: dec('0.2') },
      volumeUsdt: dec('2000'),
    });
    const c = store.counters.get();
    expect(c).toMatchObject({ positionsOpened: 0, positionsClosed: 0, completedCycles: 0 });
    expect(c.realisedPnlUsdt.toFixed()).toBe('-0.5');
    expect(c.tradedVolumeUsdt.toFixed()).toBe('2000');
  });

  it('an adopted position is confirmed without counting an open; its close counts a cycle', () => {
    const p = store.positions.create({ ...BTC, origin: 'adopted', estimated: ['openedAt', 'entryFees'] });
    expect(p.status).toBe('adopted');
    expect(p.estimated).toEqual(['entryFees', 'openedAt']);
    const open = store.positions.confirmAdopted(p.id, { perpAvgPrice: dec('99000'), estimated: ['entryFees'] });
    expect(open.status).toBe('open');
    expect(open.estimated).toEqual(['entryFees']);
    expect(store.counters.get().positionsOpened).toBe(0);
    expect(() => store.positions.confirmAdopted(p.id, {})).toThrow(/only an adopted position can be confirmed/);
    store.positions.markClosing(p.id, 'rotation');
    store.positions.markClosed(p.id, closeOf());
    expect(store.counters.get()).toMatchObject({ positionsClosed: 1, completedCycles: 1 });
  });

  it('update changes figures only, and refuses unknown fields and bad leverage', () => {
    const p = store.positions.create(BTC);
    const u = store.positions.update(p.id, { entryFeesUsdt: dec('0.5'), fundingIntervalHours: 4, openReason: null });
    expect(u.entryFeesUsdt.toFixed()).toBe('0.5');
    expect(u.fundingIntervalHours).toBe(4);
    expect(u.openReason).toBeNull();
    expect(u.status).toBe('opening');
    expect(() => store.positions.update(p.id, { status: 'open' } as never)).toThrow(/"status" cannot be changed/);
    expect(() => store.positions.update(p.id, { leverage: 0 })).toThrow(
      /leverage: expected an integer 1\.\.125, got 0/,
    );
    expect(() => store.positions.update(p.id, { estimated: ['bogus' as never] })).toThrow(/unknown field "bogus"/);
  });

  it('list returns newest first and filters by status', () => {
    const a = store.positions.create(BTC);
    store.positions.markFailed(a.id, { closedAtMs: 1, reason: 'x' });
    const b = store.positions.create(BTC);
    expect(store.positions.list().map((p) => p.id)).toEqual([b.id, a.id]);
    expect(store.positions.list({ statuses: ['failed'] }).map((p) => p.id)).toEqual([a.id]);
    expect(store.positions.list({ limit: 1 }).map((p) => p.id)).toEqual([b.id]);
  });
});

function closeOf() {
  return {
    closedAtMs: 2,
    exitSpotQty: dec('0.01'),
    exitPerpQty: dec('0.01'),
    exitSpotAvgPrice: dec('1'),
    exitPerpAvgPrice: dec('1'),
    exitFeesUsdt: dec('0'),
    volumeUsdt: dec('0'),
    pnl: { spotUsdt: dec('0'), perpUsdt: dec('0'), fundingUsdt: dec('0'), feesUsdt: dec('0') },
    closeReason: 'test',
  };
}
