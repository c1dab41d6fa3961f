/**
 * The reconciler against exchange states the bot did not create (or left half done): the exchange is the truth,
 * and what is found is adopted, closed, sold or finished so nothing stays exposed or blocks forever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import { quantizeUp } from '../../../../src/domain/filters.ts';
import { importSeedState, readSeedStateFile } from '../../../../src/store/index.ts';
import { expectNeutral, expectNoDuplicateOrders } from './support/checks.ts';
import { ACCOUNT, exposure, type Harness, openDecisionFor, simOrders, startHarness } from './support/harness.ts';

const STEP = dec('0.001');

function place(h: Harness, market: 'spot' | 'perp', symbol: string, side: 'BUY' | 'SELL', quantity: string): void {
  const r = h.sim.engine.placeOrder(ACCOUNT, market, { symbol, side, type: 'MARKET', quantity });
  if (!r.ok) throw new Error(`${market} ${side} ${quantity}: ${r.error.msg}`);
}

function markOf(h: Harness, symbol: string) {
  const r = h.sim.engine.premiumIndex(symbol);
  if (!r.ok || r.value[0] === undefined) throw new Error(`no mark for ${symbol}`);
  return r.value[0].markPrice;
}

describe('reconciling the store with the exchange', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('adopts a delta-neutral position found on the exchange, with its notional at mark as capital', async () => {
    h = await startHarness();
    h.sim.engine.deposit(ACCOUNT, 'futures', 'USDT', dec(3000));
    place(h, 'spot', 'ETHUSDT', 'BUY', '0.5003');
    place(h, 'perp', 'ETHUSDT', 'SELL', '0.5');
    const tradeTime = h.sim.engine.userTrades(ACCOUNT, 'perp', { symbol: 'ETHUSDT' });

    const report = await h.executor.reconcile('startup');
    expect(report.blocking).toBe(false);
    expect(report.findings.map((f) => f.code)).toContain('position_adopted');
    const position = h.store.positions.active();
    expect(position?.origin).toBe('adopted');
    expect(position?.status).toBe('open');
    expect(position?.perpQty.equals('0.5')).toBe(true);
    // Only as much spot as the short: the rest of the wallet is the user's.
    expect(position?.spotQtyNet.equals('0.5')).toBe(true);
    // Capital is one leg's notional at mark, never the spot + perp sum the original bot used.
    const notional = dec('0.5').times(markOf(h, 'ETHUSDT'));
    expect(position?.notionalUsdt.minus(notional).abs().lessThan(notional.times('0.01'))).toBe(true);
    // Its opening time came from the exchange's fills.
    expect(position?.estimated).not.toContain('openedAt');
    expect(tradeTime.ok && position?.openedAtMs === tradeTime.value.at(-1)?.timeMs).toBe(true);
    // Protected like a position of the bot's own.
    const stops = h.sim.engine.openOrders(ACCOUNT, 'perp');
    expect(stops.ok && stops.value.map((o) => o.type)).toEqual(['STOP_MARKET']);

    // A second reconcile changes nothing.
    const again = await h.executor.reconcile('iteration');
    expect(again.blocking).toBe(false);
    expect(again.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('closes an unrecorded naked short reduce-only', async () => {
    h = await startHarness();
    h.sim.engine.deposit(ACCOUNT, 'futures', 'USDT', dec(3000));
    place(h, 'perp', 'SOLUSDT', 'SELL', '3');
    const report = await h.executor.reconcile('startup');
    expect(report.findings.map((f) => f.code)).toContain('naked_short_closed');
    expect(report.blocking).toBe(false);
    expect(exposure(h, 'SOL', 'SOLUSDT').perp.isZero()).toBe(true);
    const closing = simOrders(h, 'perp', 'SOLUSDT').at(-1);
    expect(closing?.reduceOnly).toBe(true);
    expect(h.store.ownsClientId(closing?.clientOrderId ?? '')).toBe(true);
    expect(h.store.positions.active()).toBeNull();
  });

  it("closes the bot's position when its spot leg was sold outside the bot", async () => {
    h = await startHarness();
    const opened = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    if (opened.status !== 'opened') throw new Error(opened.message ?? opened.status);
    place(h, 'spot', 'ETHUSDT', 'SELL', opened.spotQty.toDecimalPlaces(4, 1).toFixed());

    const report = await h.executor.reconcile('iteration');
    expect(report.findings.map((f) => f.code)).toContain('naked_short_closed');
    expect(report.blocking).toBe(false);
    expect(exposure(h, 'ETH', 'ETHUSDT').perp.isZero()).toBe(true);
    expect(h.store.positions.require(opened.positionId).status).toBe('closed');
    expectNoDuplicateOrders(h, 'ETHUSDT', 'ETHUSDT');
  });

  it('sells the spot left behind when the exchange-side stop closed the short', async () => {
    h = await startHarness();
    const opened = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    if (opened.status !== 'opened') throw new Error(opened.message ?? opened.status);
    const stop = h.store.orders.byPosition(opened.positionId).find((o) => o.type === 'STOP_MARKET');
    expect(stop?.stopPrice).not.toBeNull();
    await h.sim.setPrice('ETHUSDT', { perpMark: quantizeUp((stop?.stopPrice ?? dec(0)).times('1.01'), dec('0.01')) });
    expect(exposure(h, 'ETH', 'ETHUSDT').perp.isZero()).toBe(true);

    const report = await h.executor.reconcile('startup');
    expect(report.findings.map((f) => f.code)).toContain('orphan_spot_sold');
    expect(report.blocking).toBe(false);
    const flat = expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    expect(flat.spot.lessThan('0.0001')).toBe(true);
    const position = h.store.positions.require(opened.positionId);
    expect(position.status).toBe('closed');
    expect(h.store.orders.get(stop?.clientOrderId ?? '')?.status).toBe('FILLED');
    // The stop's fills count in the PnL: the short was bought back by it, at a loss.
    expect(position.exitPerpQty.equals(opened.perpQty)).toBe(true);
    expect(position.pnl?.perpUsdt.isNegative()).toBe(true);
  });

  it('trims the larger leg when the legs drift apart beyond the tolerance', async () => {
    h = await startHarness();
    const opened = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    if (opened.status !== 'opened') throw new Error(opened.message ?? opened.status);
    // The user sells a tenth of the position's spot.
    place(h, 'spot', 'ETHUSDT', 'SELL', opened.spotQty.div(10).toDecimalPlaces(4, 1).toFixed());

    const report = await h.executor.reconcile('iteration');
    expect(report.findings.map((f) => f.code)).toContain('imbalance_repaired');
    expect(report.blocking).toBe(false);
    expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    const position = h.store.positions.require(opened.positionId);
    expect(position.status).toBe('open');
    expect(position.perpQty.equals(exposure(h, 'ETH', 'ETHUSDT').perp.abs())).toBe(true);
  });

  it("reconciles the original bot's state file against the exchange holding that position", async () => {
    h = await startHarness({ seed: 77 });
    // The exchange holds what the state describes, as far as this market's steps allow.
    h.sim.engine.deposit(ACCOUNT, 'futures', 'USDT', dec(3000));
    h.sim.engine.deposit(ACCOUNT, 'spot', 'ASTER', dec('449.957'));
    const lev = h.sim.engine.setLeverage(ACCOUNT, 'ASTERUSDT', 3);
    expect(lev.ok).toBe(true);
    place(h, 'perp', 'ASTERUSDT', 'SELL', '450');
    importSeedState(h.store, readSeedStateFile('test/fixtures/seed/volume_farming_state.json'));
    expect(h.store.positions.active()?.status).toBe('adopted');

    const report = await h.executor.reconcile('startup');
    expect(report.findings.map((f) => f.code)).toContain('adoption_confirmed');
    expect(report.blocking).toBe(false);
    const position = h.store.positions.active();
    expect(position?.origin).toBe('seed-import');
    expect(position?.status).toBe('open');
    expect(position?.perpQty.equals('450')).toBe(true);
    expect(position?.spotQtyNet.equals('449.957')).toBe(true);
    expect(position?.leverage).toBe(3);
    const notional = dec(450).times(markOf(h, 'ASTERUSDT'));
    expect(position?.notionalUsdt.minus(notional).abs().lessThan(notional.times('0.01'))).toBe(true);
    expect(position?.estimated).not.toContain('quantities');
  });

  it('finishes a close that was left incomplete', async () => {
    h = await startHarness({ execution: { maxLegRepairAttempts: 0 } });
    const opened = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    if (opened.status !== 'opened') throw new Error(opened.message ?? opened.status);
    h.sim.faults.set({ ...h.sim.faults.config, rejectNext: [{ market: 'spot', code: -2010 }] });
    const first = await h.executor.closePosition(opened.positionId, 'max_age');
    expect(first.status).toBe('incomplete');
    expect(h.store.positions.require(opened.positionId).status).toBe('closing');
    // Blocking until finished.
    const report = await h.executor.reconcile('iteration');
    expect(report.findings.map((f) => f.code)).toContain('close_finished');
    expect(report.blocking).toBe(false);
    expect(h.store.positions.require(opened.positionId).status).toBe('closed');
    const flat = expectNeutral(h, 'ETH', 'ETHUSDT', STEP);
    expect(flat.spot.lessThan('0.0001')).toBe(true);
    expectNoDuplicateOrders(h, 'ETHUSDT', 'ETHUSDT');
  });
});
