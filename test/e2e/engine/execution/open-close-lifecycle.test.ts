/**
 * A full open → funding → close cycle through the real venue against the simulator: what the store records must
 * agree with the simulator's ledger: funding and commissions to the unit, realised PnL to the cent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec, sumDec } from '../../../../src/domain/decimal.ts';
import { captureEquity } from '../../../../src/engine/execution/index.ts';
import {
  type Harness,
  HOUR_MS,
  ledger,
  ledgerSum,
  openDecisionFor,
  simOrders,
  startHarness,
} from './support/harness.ts';

describe('open then close with funding in between', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('records fills, funding and a realised PnL that match the simulator ledger', async () => {
    const decision = await openDecisionFor(h, 'ETHUSDT');
    const seqBefore = ledger(h).at(-1)?.seq ?? 0;

    const opened = await h.executor.openPosition(decision);
    expect(opened.status).toBe('opened');
    if (opened.status !== 'opened') return;
    expect(opened.backstop).toBe('placed');
    // Net spot covers the short within one common step (0.001 ETH).
    expect(opened.deltaQty.abs().lessThanOrEqualTo('0.001')).toBe(true);
    expect(opened.deltaQty.isNegative()).toBe(false);

    const position = h.store.positions.require(opened.positionId);
    expect(position.status).toBe('open');
    // Both legs went out as one intent with deterministic ids, each exactly once.
    const spotOrders = simOrders(h, 'spot', 'ETHUSDT');
    const perpOrders = simOrders(h, 'perp', 'ETHUSDT').filter((o) => o.type === 'MARKET');
    expect(spotOrders).toHaveLength(1);
    expect(perpOrders).toHaveLength(1);
    expect(h.store.orders.get(spotOrders[0]?.clientOrderId ?? '')?.status).toBe('FILLED');
    // The short matches the exchange.
    const rows = h.sim.engine.positionRisk(h.sim.credentials.v3.user.toLowerCase(), 'ETHUSDT');
    expect(rows.ok && rows.value[0]?.positionAmt.negated().equals(position.perpQty)).toBe(true);

    // Two funding settlements (08:00 and 16:00 UTC), then accounting.
    await h.sim.advance(14 * HOUR_MS);
    await h.executor.refreshAccounting(opened.positionId);
    const payments = h.store.funding.forPosition(opened.positionId);
    expect(payments.length).toBe(2);
    // Refreshing again stores nothing twice.
    await h.executor.refreshAccounting(opened.positionId);
    expect(h.store.funding.forPosition(opened.positionId)).toEqual(payments);
    expect(h.events.filter((e) => e.type === 'funding_received')).toHaveLength(2);
    expect(
      h.store.positions.require(opened.positionId).fundingReceivedUsdt.equals(sumDec(payments.map((p) => p.amount))),
    ).toBe(true);

    // The portfolio: everything valued, the baseline captured once.
    const equity = await captureEquity(h, { captureBaseline: true });
    expect(equity.snapshot.positionId).toBe(opened.positionId);
    expect(equity.value.unpricedAssets).toEqual([]);
    expect(equity.value.totalUsdt.minus(10_000).abs().lessThan(100)).toBe(true);
    expect(equity.baseline?.valueUsdt.equals(equity.value.totalUsdt)).toBe(true);
    const again = await captureEquity(h, { captureBaseline: true });
    expect(again.baseline?.timeMs).toBe(equity.baseline?.timeMs);
    expect(h.store.equity.latest()?.portfolioValueUsdt.equals(again.value.totalUsdt)).toBe(true);

    const closed = await h.executor.closePosition(opened.positionId, 'fee_coverage');
    expect(closed.status).toBe('closed');
    if (closed.status !== 'closed') return;

    const entries = ledger(h).filter((e) => e.seq > seqBefore);
    const done = h.store.positions.require(opened.positionId);
    expect(done.status).toBe('closed');

    // Funding: the same payments, exactly.
    const ledgerFunding = ledgerSum(entries, (e) => e.reason === 'funding');
    expect(h.store.funding.totalForPosition(opened.positionId).equals(ledgerFunding)).toBe(true);
    expect(closed.pnl.fundingUsdt.equals(ledgerFunding)).toBe(true);

    // Commissions: per asset, exactly what the exchange charged.
    const fills = h.store.fills.forPosition(opened.positionId);
    for (const asset of ['USDT', 'ETH']) {
      const stored = sumDec(fills.filter((f) => f.commissionAsset === asset).map((f) => f.commission));
      const charged = ledgerSum(entries, (e) => e.reason === 'commission' && e.asset === asset).negated();
      expect(stored.equals(charged), `${asset} commissions ${stored} vs ${charged}`).toBe(true);
    }

    // Realised PnL: every USDT movement plus what is left of the base asset at its cost.
    const usdt = ledgerSum(entries, (e) => e.asset === 'USDT' && e.reason !== 'transfer' && e.reason !== 'deposit');
    const eth = ledgerSum(entries, (e) => e.asset === 'ETH');
    const ledgerPnl = usdt.plus(eth.times(done.spotAvgPrice ?? dec(0)));
    expect(
      closed.pnl.totalUsdt.minus(ledgerPnl).abs().lessThanOrEqualTo('0.01'),
      `${closed.pnl.totalUsdt} vs ${ledgerPnl}`,
    ).toBe(true);
    // The dust left is the position's own spot not sold (below the spot step).
    expect(closed.dustQty.equals(eth)).toBe(true);
    expect(closed.dustQty.lessThan('0.0001')).toBe(true);

    // The backstop was cancelled, nothing of ours is working on the exchange.
    expect(h.sim.engine.openOrders(h.sim.credentials.v3.user.toLowerCase(), 'perp').ok).toBe(true);
    const working = h.sim.engine.openOrders(h.sim.credentials.v3.user.toLowerCase(), 'perp');
    expect(working.ok && working.value.length).toBe(0);
    // Counters moved with the close.
    const counters = h.store.counters.get();
    expect(counters.positionsOpened).toBe(1);
    expect(counters.positionsClosed).toBe(1);
    expect(h.events.some((e) => e.type === 'close_completed')).toBe(true);
  });
});

describe('the two legs of an open', () => {
  let h: Harness;
  beforeAll(async () => {
    // Every answer takes 150 ms: legs sent one after the other would arrive at least that far apart.
    h = await startHarness({ faults: 'latency=150' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('are both sent before either is answered', async () => {
    const outcome = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    expect(outcome.status).toBe('opened');
    const legs = h.sim
      .requests()
      .filter((r) => (r.endpoint === 'spot.order.new' || r.endpoint === 'perp.order.new') && r.type === 'MARKET');
    expect(legs.map((r) => r.market).sort()).toEqual(['perp', 'spot']);
    const [first, second] = legs;
    if (first === undefined || second === undefined) throw new Error('legs missing');
    expect(second.arrivalWallMs - first.arrivalWallMs).toBeLessThan(150);
  });
});
