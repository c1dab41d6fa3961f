/**
 * An open (decision → both legs filled and the position protected) costs at most five round trips to the
 * exchange (DESIGN.md §7). Counted, not timed: the simulator delays every answer, and its request log says which
 * requests went out before the previous answers came back (see support/waves.ts).
 *
 * Each open here has to do everything a first open can: move USDT between the wallets, set the leverage (the
 * simulator starts every symbol at 20x), and, in hedge mode, switch the account to one-way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import type { EngineEvent } from '../../../../src/engine/events.ts';
import type { Executor, ReadBasis } from '../../../../src/engine/execution/index.ts';
import { OPEN_BASIS_MAX_AGE_MS } from '../../../../src/engine/execution/open.ts';
import { readAccount } from '../../../../src/engine/reads.ts';
import { createEngine } from '../../../../src/engine/runtime.ts';
import type { RequestLogEntry } from '../../../../src/sim/index.ts';
import { expectNeutral, expectNoDuplicateOrders } from './support/checks.ts';
import { ACCOUNT, type Harness, openDecisionFor, silentLogger, simOrders, startHarness } from './support/harness.ts';
import { describeWaves, requestWaves, waveCount } from './support/waves.ts';

/**
 * Latency the simulator adds to every answer. Larger than the real 50 ms so that a busy machine, which can stall
 * this process for tens of ms between two requests sent together, cannot split them into two waves.
 */
const LATENCY = 'latency=150';
const MAX_ROUND_TRIPS = 5;

/** The requests the simulator received from the first one after `afterSeq` to the last one before `untilSeq`. */
function window(h: Harness, afterSeq: number, untilSeq: number): RequestLogEntry[] {
  return h.sim.requests(afterSeq).filter((r) => r.seq <= untilSeq && r.endpoint !== 'control');
}

const lastSeq = (h: Harness) => h.sim.requests().at(-1)?.seq ?? 0;

function waveOf(requests: RequestLogEntry[], pick: (r: RequestLogEntry) => boolean): number[] {
  return requestWaves(requests)
    .filter((e) => pick(e.request))
    .map((e) => e.wave);
}

const isLeg = (r: RequestLogEntry) => r.endpoint.endsWith('order.new') && r.type === 'MARKET';
const isStop = (r: RequestLogEntry) => r.endpoint === 'perp.order.new' && r.type === 'STOP_MARKET';

describe('the round trips of an open', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('opened by the loop on the reads it decided from: at most five waves, transfer with leverage, legs together, stop last', async () => {
    h = await startHarness({
      faults: LATENCY,
      requestTimeoutMs: 3000,
      params: { minVolumeUsdt: dec(0), minFundingAprPct: dec(0), maxSpreadPct: dec(5) },
    });
    const harness = h;
    const windows: { afterSeq: number; untilSeq: number }[] = [];
    const timed: Executor = {
      ...harness.executor,
      async openPosition(decision, signal) {
        const afterSeq = lastSeq(harness);
        try {
          return await harness.executor.openPosition(decision, signal);
        } finally {
          windows.push({ afterSeq, untilSeq: lastSeq(harness) });
        }
      },
    };
    const events: EngineEvent[] = [];
    const engine = createEngine({
      venue: harness.venue,
      store: harness.store,
      clock: harness.sim.clock,
      params: harness.params,
      settings: { loopIntervalMs: 3_600_000, execution: harness.execution },
      events: (e) => events.push(e),
      logger: silentLogger,
      executor: timed,
    });
    const result = await engine.run(new AbortController().signal, { once: true });
    expect(result.openPosition, events.map((e) => e.type).join(' ')).not.toBeNull();
    expect(windows).toHaveLength(1);
    const { afterSeq, untilSeq } = windows[0] ?? { afterSeq: 0, untilSeq: 0 };
    const requests = window(harness, afterSeq, untilSeq);
    const waves = describeWaves(requests);

    expect(waveCount(requests), waves).toBeLessThanOrEqual(MAX_ROUND_TRIPS);
    // The decision's reads were fresh: the open read neither the market nor the account again.
    const reads = requests.filter((r) => /premiumIndex|bookTicker|account|balance|positionRisk/.test(r.endpoint));
    expect(reads, waves).toEqual([]);
    // Money moved and the leverage was set, together, in the first wave.
    expect(
      waveOf(requests, (r) => r.endpoint === 'perp.transfer'),
      waves,
    ).toEqual([1]);
    expect(
      waveOf(requests, (r) => r.endpoint === 'perp.leverage'),
      waves,
    ).toEqual([1]);
    // Both legs in one wave, the stop after them; the open does not wait for the trades.
    expect(
      requests.filter((r) => r.endpoint.endsWith('userTrades')),
      waves,
    ).toEqual([]);
    const legWaves = waveOf(requests, isLeg);
    expect(legWaves, waves).toHaveLength(2);
    expect(new Set(legWaves).size, waves).toBe(1);
    const stopWaves = waveOf(requests, isStop);
    expect(stopWaves, waves).toEqual([(legWaves[0] ?? 0) + 1]);

    // The fills (the only place Aster reports commissions) are read right after the open, off its path: by the
    // time the executor serves its next operation they are recorded and the position carries the real fees.
    await harness.executor.reconcile('iteration');
    const position = harness.store.positions.active();
    expect(position?.status).toBe('open');
    if (position === null) return;
    expect(window(harness, untilSeq, lastSeq(harness)).filter((r) => r.endpoint.endsWith('userTrades'))).toHaveLength(
      2,
    );
    expectNeutral(harness, position.baseAsset, position.symbol, dec('0.01'));
    expectNoDuplicateOrders(harness, position.spotSymbol, position.symbol);
    const entryOrders = harness.store.orders.byPosition(position.id).filter((o) => o.type === 'MARKET');
    for (const order of entryOrders) {
      const fills = harness.store.fills.byOrder(order.clientOrderId);
      const qty = fills.reduce((sum, f) => sum.plus(f.qty), dec(0));
      expect(qty.equals(order.executedQty), order.clientOrderId).toBe(true);
    }
    const feesFromFills = entryOrders
      .flatMap((o) => harness.store.fills.byOrder(o.clientOrderId))
      .reduce((sum, f) => sum.plus(f.commissionUsdt), dec(0));
    expect(position.entryFeesUsdt.equals(feesFromFills)).toBe(true);
  });

  it('called without the decision reads, on a hedge-mode account: reconcile and reads in one wave, at most five', async () => {
    h = await startHarness({ faults: LATENCY, requestTimeoutMs: 3000 });
    expect(h.sim.engine.setPositionMode(ACCOUNT, true).ok).toBe(true);
    const decision = await openDecisionFor(h, 'ETHUSDT', 2);
    const afterSeq = lastSeq(h);
    const outcome = await h.executor.openPosition(decision);
    const requests = window(h, afterSeq, lastSeq(h));
    const waves = describeWaves(requests);
    expect(outcome.status, waves).toBe('opened');
    expect(outcome.status === 'opened' && outcome.backstop).toBe('placed');

    expect(waveCount(requests), waves).toBeLessThanOrEqual(MAX_ROUND_TRIPS);
    // Everything the pre-trade reconcile and the sizing read goes out at once.
    for (const endpoint of ['perp.premiumIndex', 'spot.account', 'perp.positionRisk', 'perp.openOrders']) {
      expect(
        waveOf(requests, (r) => r.endpoint === endpoint),
        `${endpoint}\n${waves}`,
      ).toEqual([1]);
    }
    // The position rows told the mode: switched without reading it, together with the transfer and leverage.
    expect(
      waveOf(requests, (r) => r.endpoint === 'perp.positionMode.get'),
      waves,
    ).toEqual([]);
    for (const endpoint of ['perp.positionMode.set', 'perp.transfer', 'perp.leverage']) {
      expect(
        waveOf(requests, (r) => r.endpoint === endpoint),
        `${endpoint}\n${waves}`,
      ).toEqual([2]);
    }
    expect(h.sim.engine.positionMode(ACCOUNT).dualSidePosition).toBe(false);
    expect(new Set(waveOf(requests, isLeg)), waves).toEqual(new Set([3]));
    expect(waveOf(requests, isStop), waves).toEqual([4]);
    expect(waveCount(requests), waves).toBe(4);
    expectNeutral(h, 'ETH', 'ETHUSDT', dec('0.01'));
    expect(simOrders(h, 'perp', 'ETHUSDT').filter((o) => o.type === 'STOP_MARKET' && o.status === 'NEW')).toHaveLength(
      1,
    );
  });

  it('does not reuse the decision reads once stale, nor after a trade since the last reconcile', async () => {
    h = await startHarness();
    const harness = h;
    const basisNow = async (): Promise<ReadBasis> => {
      const readAtMs = harness.sim.clock.nowMs();
      const [snapshot, account] = await Promise.all([harness.venue.scanSnapshot(), readAccount(harness.venue)]);
      return { snapshot, account, feeRates: null, readAtMs };
    };
    const openWith = async (basis: ReadBasis) => {
      const afterSeq = lastSeq(harness);
      const outcome = await harness.executor.openPosition({
        ...(await openDecisionFor(harness, 'ETHUSDT')),
        basis,
      });
      const requests = window(harness, afterSeq, lastSeq(harness));
      if (outcome.status !== 'opened') throw new Error(`${outcome.status}\n${describeWaves(requests)}`);
      return { outcome, reconciled: requests.some((r) => r.endpoint === 'perp.openOrders') };
    };

    // Fresh, after a reconcile: used as is.
    await harness.executor.reconcile('iteration');
    const fresh = await openWith(await basisNow());
    expect(fresh.reconciled).toBe(false);

    // A close traded since the reconcile: the open reconciles first, whatever the age of its reads.
    expect((await harness.executor.closePosition(fresh.outcome.positionId, 'max_age')).status).toBe('closed');
    const afterTrade = await openWith(await basisNow());
    expect(afterTrade.reconciled).toBe(true);
    expect((await harness.executor.closePosition(afterTrade.outcome.positionId, 'max_age')).status).toBe('closed');

    // Reconciled, but the reads are older than the bound.
    await harness.executor.reconcile('iteration');
    const old = await basisNow();
    await harness.sim.advance(OPEN_BASIS_MAX_AGE_MS + 1_000);
    const stale = await openWith(old);
    expect(stale.reconciled).toBe(true);
    expectNoDuplicateOrders(harness, 'ETHUSDT', 'ETHUSDT');
  });
});
