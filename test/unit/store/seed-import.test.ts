import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { InvalidDataError } from '../../../src/errors.ts';
import {
  importSeedState,
  importSeedStateFile,
  openStore,
  parseSeedState,
  SEED_IMPORT_META_KEY,
  SeedImportRefusedError,
  type Store,
} from '../../../src/store/index.ts';
import { manualClock, REPO_ROOT, removeTempDirs, tempDataDir } from './helpers.ts';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/seed/volume_farming_state.json');
const IMPORT_TIME = 1_765_000_000_000;

let dir: string;
let store: Store;

beforeEach(() => {
  dir = tempDataDir();
  store = openStore(dir, { clock: manualClock(IMPORT_TIME) });
});
afterEach(() => {
  if (!store.closed) store.close();
  removeTempDirs();
});

describe('seed-state import', () => {
  it('imports the original bot example: counters, baseline, and the position as adopted with notional, not 2×', () => {
    const summary = importSeedStateFile(store, FIXTURE);

    const p = summary.position;
    expect(p).not.toBeNull();
    expect(p).toMatchObject({
      symbol: 'ASTERUSDT',
      spotSymbol: 'ASTERUSDT',
      baseAsset: 'ASTER',
      quoteAsset: 'USDT',
      leverage: 3,
      status: 'adopted',
      origin: 'seed-import',
      openedAtMs: Date.UTC(2025, 9, 13, 22, 41, 7, 318),
      closedAtMs: null,
      pnl: null,
    });
    expect(p?.perpQty.toFixed()).toBe('450.12');
    expect(p?.spotQtyNet.toFixed()).toBe('449.957');
    expect(p?.spotAvgPrice?.toFixed()).toBe('1.94726');
    // perp_qty × entry_price; the state's capital (711.21) is kept only for comparison.
    expect(p?.notionalUsdt.toFixed()).toBe('876.5006712');
    expect(summary.seedCapitalUsdt?.toFixed()).toBe('711.21');
    expect(p?.entryAprPct?.toFixed()).toBe('11.17');
    expect(p?.entryFundingRate?.toFixed()).toBe('0.00020405');
    expect(p?.fundingReceivedUsdt.toFixed()).toBe('1.9268');
    expect(p?.entryFeesUsdt.toFixed()).toBe('1.753');
    expect(p?.estimated).toEqual(['entryFees', 'entryPrices', 'fundingReceived', 'quantities']);
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings[0]).toMatch(/capital 711\.21 differs from perp_qty × entry_price = 876\.5006712/);

    expect(summary.baseline).toEqual({
      valueUsdt: dec('1184.998'),
      timeMs: Date.UTC(2025, 9, 10, 16, 5, 52, 204),
      source: 'seed-import',
    });
    expect(summary.counters).toEqual({
      completedCycles: 3,
      positionsOpened: 9,
      positionsClosed: 3,
      realisedPnlUsdt: dec('0.8412'),
    });
    expect(summary.supersededPosition).toBeNull();
    expect(summary.replacedBaseline).toBeNull();

    // What the engine and `status` will read back, after a restart.
    store.close();
    store = openStore(dir);
    expect(store.positions.active()?.id).toBe(p?.id);
    const c = store.counters.get();
    expect(c).toMatchObject({ completedCycles: 3, positionsOpened: 9, positionsClosed: 3, checkIterations: 0 });
    expect(c.realisedPnlUsdt.toFixed()).toBe('0.8412');
    expect(store.baseline.get()?.valueUsdt.toFixed()).toBe('1184.998');
    expect(store.meta.getJson(SEED_IMPORT_META_KEY)).toEqual({
      source: FIXTURE,
      importedAtMs: IMPORT_TIME,
      stateLastUpdatedMs: Date.UTC(2025, 9, 14, 13, 58, 21, 774),
      positionId: p?.id,
    });
  });

  it('refuses to import over an open position or a baseline, naming them, and changes nothing', () => {
    const existing = store.positions.create({
      symbol: 'BTCUSDT',
      spotSymbol: 'BTCUSDT',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      leverage: 1,
      notionalUsdt: dec('500'),
    });
    store.baseline.captureIfAbsent({ valueUsdt: dec('2000'), timeMs: 1_700_000_000_000 });

    let error: unknown;
    try {
      importSeedStateFile(store, FIXTURE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SeedImportRefusedError);
    expect((error as Error).message).toMatch(/position \d+ \(BTCUSDT, opening\)/);
    expect((error as Error).message).toMatch(/a baseline of 2000 USDT from 2023-11-14T22:13:20\.000Z/);
    expect(store.positions.active()?.id).toBe(existing.id);
    expect(store.baseline.get()?.valueUsdt.toFixed()).toBe('2000');
    expect(store.counters.get().completedCycles).toBe(0);
    expect(store.meta.get(SEED_IMPORT_META_KEY)).toBeNull();

    // A baseline alone is enough to refuse.
    const other = openStore(tempDataDir());
    try {
      other.baseline.captureIfAbsent({ valueUsdt: dec('1'), timeMs: 1 });
      expect(() => importSeedStateFile(other, FIXTURE)).toThrow(SeedImportRefusedError);
    } finally {
      other.close();
    }
  });

  it('with force, supersedes the active position and replaces the baseline, reporting both', () => {
    const existing = store.positions.create({
      symbol: 'BTCUSDT',
      spotSymbol: 'BTCUSDT',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      leverage: 1,
      notionalUsdt: dec('500'),
    });
    store.baseline.captureIfAbsent({ valueUsdt: dec('2000'), timeMs: 1 });
    const summary = importSeedStateFile(store, FIXTURE, { force: true });
    expect(summary.supersededPosition?.id).toBe(existing.id);
    expect(summary.supersededPosition?.status).toBe('superseded');
    expect(summary.replacedBaseline?.valueUsdt.toFixed()).toBe('2000');
    expect(store.positions.require(existing.id).closeReason).toMatch(/superseded by the import of/);
    expect(store.positions.active()?.symbol).toBe('ASTERUSDT');
    expect(store.baseline.get()?.valueUsdt.toFixed()).toBe('1184.998');
  });

  it('a state without position or baseline imports counters only', () => {
    const state = parseSeedState(
      JSON.stringify({
        current_position: null,
        position_opened_at: null,
        position_leverage: null,
        total_funding_received: 0,
        entry_fees_paid: 0,
        cycle_count: 12,
        total_profit_loss: -3.25,
        total_positions_opened: 12,
        total_positions_closed: 12,
        initial_portfolio_value_usdt: null,
        initial_portfolio_timestamp: null,
        last_updated: '2025-10-20T08:00:00.000001',
      }),
    );
    const summary = importSeedState(store, state);
    expect(summary.position).toBeNull();
    expect(summary.baseline).toBeNull();
    expect(store.positions.active()).toBeNull();
    expect(store.baseline.get()).toBeNull();
    expect(store.counters.get().realisedPnlUsdt.toFixed()).toBe('-3.25');
    expect(store.counters.get().completedCycles).toBe(12);
  });

  it('a null open time and leverage import as estimates taken at import time', () => {
    const state = parseSeedState(
      JSON.stringify({
        current_position: {
          symbol: '1000PEPEUSDT',
          capital: 100,
          funding_rate: 0.0001,
          effective_apr: 10.95,
          spot_qty: 10000,
          perp_qty: 10000,
          entry_price: 0,
        },
        position_opened_at: null,
        position_leverage: null,
        total_funding_received: 0.01,
        entry_fees_paid: 0.2,
        cycle_count: 0,
        total_profit_loss: 0,
        total_positions_opened: 0,
        total_positions_closed: 0,
        initial_portfolio_value_usdt: null,
        initial_portfolio_timestamp: null,
        last_updated: '2025-10-20T08:00:00',
      }),
    );
    const summary = importSeedState(store, state);
    expect(summary.position).toMatchObject({ baseAsset: '1000PEPE', leverage: 1, openedAtMs: IMPORT_TIME });
    expect(summary.position?.estimated).toEqual([
      'entryFees',
      'entryPrices',
      'fundingReceived',
      'leverage',
      'openedAt',
      'quantities',
    ]);
    // Without an entry price, the capital is the only notional there is.
    expect(summary.position?.notionalUsdt.toFixed()).toBe('100');
    expect(summary.position?.spotAvgPrice).toBeNull();
    expect(summary.warnings.some((w) => w.includes('entry_price is 0'))).toBe(true);
  });

  it('an invalid file imports nothing at all', () => {
    const bad = join(dir, 'volume_farming_state.json');
    writeFileSync(bad, '{"current_position": {"symbol": "ASTERUSDT", "capital": 711.21,');
    expect(() => importSeedStateFile(store, bad)).toThrow(InvalidDataError);
    expect(store.counters.get().completedCycles).toBe(0);
    expect(store.positions.active()).toBeNull();
    expect(store.meta.get(SEED_IMPORT_META_KEY)).toBeNull();
  });
});
