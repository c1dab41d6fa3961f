/**
 * The protector's decisions with a scripted venue (its streams and polls are driven by the test) and a
 * recording executor; the store is a real one. The end-to-end behaviour against the simulator is in
 * test/e2e/engine/loop/stop-loss.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PerpPosition } from '../../../src/domain/account.ts';
import { type Decimal, dec } from '../../../src/domain/decimal.ts';
import type { EngineEvent } from '../../../src/engine/events.ts';
import type { CloseOutcome, Executor } from '../../../src/engine/execution/index.ts';
import { Protector } from '../../../src/engine/protector.ts';
import { TradeGate } from '../../../src/engine/trade-gate.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { DEFAULT_STRATEGY_PARAMS } from '../../../src/strategy/params.ts';
import { systemClock } from '../../../src/venue/aster/http/index.ts';
import type { MarkPriceUpdate, StreamHandlers, Venue } from '../../../src/venue/port.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dnfarm-protector-'));
  store = openStore(dir, { command: 'protector test' });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function openPosition(symbol: string, entry: string, leverage = 1): number {
  const base = symbol.replace(/USDT$/, '');
  const p = store.positions.create({
    symbol,
    spotSymbol: symbol,
    baseAsset: base,
    quoteAsset: 'USDT',
    leverage,
    notionalUsdt: dec(entry).times(10),
  });
  store.positions.markOpen(p.id, {
    openedAtMs: 0,
    spotQtyGross: dec(10),
    spotQtyNet: dec(10),
    perpQty: dec(10),
    spotAvgPrice: dec(entry),
    perpAvgPrice: dec(entry),
    notionalUsdt: dec(entry).times(10),
    entryFeesUsdt: dec(1),
    volumeUsdt: dec(entry).times(20),
  });
  return p.id;
}

function closeRecord(id: number): void {
  store.positions.markClosing(id, 'stop_loss');
  store.positions.markClosed(id, {
    closedAtMs: 1,
    exitSpotQty: dec(10),
    exitPerpQty: dec(10),
    exitSpotAvgPrice: dec(1),
    exitPerpAvgPrice: dec(1),
    exitFeesUsdt: dec(0),
    volumeUsdt: dec(0),
    pnl: { spotUsdt: dec(0), perpUsdt: dec(0), fundingUsdt: dec(0), feesUsdt: dec(0) },
    closeReason: 'stop_loss',
  });
}

/** A venue whose mark streams and positionRisk answers the test controls. */
function scriptedVenue() {
  const streams = new Map<string, StreamHandlers<MarkPriceUpdate>>();
  const closed: string[] = [];
  const state = { pollMark: dec(100), polls: 0, failSubscribe: false };
  const venue = {
    name: 'scripted',
    async subscribeMarkPrice(symbol: string, handlers: StreamHandlers<MarkPriceUpdate>) {
      if (state.failSubscribe) throw new Error('stream refused');
      streams.set(symbol, handlers);
      return {
        close: async () => {
          closed.push(symbol);
          streams.delete(symbol);
        },
      };
    },
    async subscribeUserData() {
      return { close: async () => {} };
    },
    async perpPositions(symbol?: string): Promise<PerpPosition[]> {
      state.polls += 1;
      return [
        {
          symbol: symbol ?? 'AAAUSDT',
          positionAmt: dec(-10),
          entryPrice: dec(100),
          markPrice: state.pollMark,
          unrealizedProfit: dec(0),
          liquidationPrice: dec(0),
          leverage: 1,
          marginType: 'cross',
          positionSide: 'BOTH',
          notional: dec(-1000),
          updateTimeMs: 0,
        },
      ];
    },
  };
  const push = (symbol: string, mark: Decimal) =>
    streams.get(symbol)?.onEvent({
      symbol,
      markPrice: mark,
      indexPrice: mark,
      fundingRate: dec(0),
      nextFundingTimeMs: 0,
      eventTimeMs: 0,
    });
  return { venue: venue as unknown as Venue, streams, closed, state, push };
}

function recordingExecutor(onClose?: () => Promise<void>) {
  const calls: Array<{ positionId: number; reason: string }> = [];
  const executor = {
    async closePosition(positionId: number, reason: string): Promise<CloseOutcome> {
      calls.push({ positionId, reason });
      await onClose?.();
      return { status: 'skipped', positionId, reason: 'aborted', message: 'test' };
    },
  } as unknown as Executor;
  return { executor, calls };
}

async function settle(ms = 30): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Waits until `probe` holds; the bound only catches hangs. */
async function eventually(probe: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!probe()) {
    if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${what}`);
    await settle(5);
  }
}

function makeProtector(venue: Venue, executor: Executor, gate: TradeGate, events: EngineEvent[], extra = {}) {
  return new Protector({
    venue,
    store,
    executor,
    gate,
    params: DEFAULT_STRATEGY_PARAMS,
    clock: systemClock,
    events: (e) => events.push(e),
    logger: silent,
    ...extra,
  });
}

describe('Protector', () => {
  it('checks every mark update and closes once on the first crossing of the stop (1x: entry × 1.70)', async () => {
    const id = openPosition('AAAUSDT', '100');
    const { venue, push } = scriptedVenue();
    let release = () => {};
    const { executor, calls } = recordingExecutor(() => new Promise<void>((r) => (release = r)));
    const events: EngineEvent[] = [];
    const protector = makeProtector(venue, executor, new TradeGate(), events);
    await protector.start();
    expect(protector.watching?.stopMarkPrice.toFixed()).toBe('170');

    push('AAAUSDT', dec('169.99'));
    await settle();
    expect(calls).toEqual([]);
    push('AAAUSDT', dec('170'));
    push('AAAUSDT', dec('171'));
    push('AAAUSDT', dec('180'));
    await eventually(() => calls.length > 0, 'the close');
    await settle();
    expect(calls).toEqual([{ positionId: id, reason: 'stop_loss' }]);
    const trigger = events.find((e) => e.type === 'stop_loss_triggered');
    expect(trigger).toMatchObject({ source: 'stream', symbol: 'AAAUSDT' });
    expect(trigger?.type === 'stop_loss_triggered' && trigger.markPrice.toFixed()).toBe('170');
    release();
    await protector.stop();
  });

  it('goes before every normal step waiting for the gate, after the step holding it', async () => {
    openPosition('AAAUSDT', '100');
    const { venue, push } = scriptedVenue();
    const order: string[] = [];
    const { executor } = recordingExecutor(async () => {
      order.push('stop-loss close');
    });
    const gate = new TradeGate();
    const protector = makeProtector(venue, executor, gate, []);
    await protector.start();
    let releaseOpen = () => {};
    const open = gate.run('open', 'normal', () => new Promise<void>((r) => (releaseOpen = r)));
    const repair = gate.run('repair', 'normal', async () => {
      order.push('repair');
    });
    push('AAAUSDT', dec(200));
    await settle();
    expect(order).toEqual([]);
    releaseOpen();
    await Promise.all([open, repair]);
    await eventually(() => order.length === 2, 'both steps');
    expect(order).toEqual(['stop-loss close', 'repair']);
    await protector.stop();
  });

  it('polls the mark over REST while the stream is down, and only then', async () => {
    openPosition('AAAUSDT', '100');
    const { venue, streams, state } = scriptedVenue();
    const { executor, calls } = recordingExecutor();
    const events: EngineEvent[] = [];
    const protector = makeProtector(venue, executor, new TradeGate(), events, { pollIntervalMs: 20 });
    await protector.start();
    await settle(100);
    expect(state.polls).toBe(0);

    streams.get('AAAUSDT')?.onStatus?.({ up: false, reason: 'socket closed' });
    await eventually(() => state.polls > 0, 'a poll');
    expect(calls).toEqual([]);
    state.pollMark = dec(175);
    await eventually(() => calls.length > 0, 'the close');
    expect(calls.map((c) => c.reason)).toEqual(['stop_loss']);
    expect(events.find((e) => e.type === 'stop_loss_triggered')).toMatchObject({ source: 'poll' });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'protector_status', stream: 'mark_price', up: false }),
    );
    await protector.stop();
  });

  it('a failed subscription is covered by polling; a price that never crosses never trades', async () => {
    openPosition('AAAUSDT', '100');
    const { venue, state } = scriptedVenue();
    state.failSubscribe = true;
    const { executor, calls } = recordingExecutor();
    const protector = makeProtector(venue, executor, new TradeGate(), [], { pollIntervalMs: 20 });
    await protector.start();
    await eventually(() => state.polls > 1, 'two polls');
    expect(calls).toEqual([]);
    await protector.stop();
  });

  it('follows the held symbol: unsubscribes from the old one and subscribes to the new one', async () => {
    const first = openPosition('AAAUSDT', '100');
    const { venue, streams, closed } = scriptedVenue();
    const { executor } = recordingExecutor();
    const protector = makeProtector(venue, executor, new TradeGate(), []);
    await protector.start();
    expect([...streams.keys()]).toEqual(['AAAUSDT']);

    closeRecord(first);
    await protector.sync();
    expect(protector.watching).toBeNull();
    expect(closed).toEqual(['AAAUSDT']);

    openPosition('BBBUSDT', '50', 2);
    await protector.sync();
    expect([...streams.keys()]).toEqual(['BBBUSDT']);
    // 2x: the stop is at −35 %, i.e. a 35 % rise.
    expect(protector.watching?.stopMarkPrice.toFixed()).toBe('67.5');
    await protector.stop();
  });

  it('follows a leverage change on the exchange: record, stop price and backstop', async () => {
    const id = openPosition('AAAUSDT', '100');
    const { venue } = scriptedVenue();
    const { executor } = recordingExecutor();
    const replaced: number[] = [];
    const events: EngineEvent[] = [];
    const protector = makeProtector(venue, executor, new TradeGate(), events, {
      replaceBackstop: async (positionId: number) => {
        replaced.push(positionId);
      },
    });
    await protector.start();
    await protector.onExchangeLeverage('AAAUSDT', 3);
    expect(store.positions.get(id)?.leverage).toBe(3);
    expect(protector.watching?.stopMarkPrice.toFixed()).toBe('123');
    expect(replaced).toEqual([id]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'warning', code: 'leverage_changed' }));
    await protector.stop();
  });
});
