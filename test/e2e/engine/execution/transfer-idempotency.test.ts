/**
 * The rebalancing transfer before an open, when its answer is lost: the same clientTranId is sent again, the
 * exchange recognises it (-4115), and the money moves exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, ledger, openDecisionFor, startHarness } from './support/harness.ts';

describe('a rebalancing transfer whose outcome is unknown', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ faults: 'after503=1:transfer*1' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('is re-sent with the same clientTranId and applied exactly once', async () => {
    const outcome = await h.executor.openPosition(await openDecisionFor(h, 'ETHUSDT'));
    expect(outcome.status).toBe('opened');

    const transfers = h.store.status().unresolvedTransfers;
    expect(transfers).toEqual([]);
    const intent = h.store.intents.recent({ kind: 'transfer' })[0];
    expect(intent?.status).toBe('done');
    const stored = h.store.transfers.byIntent(intent?.id ?? 0);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.status).toBe('settled');
    const clientTranId = stored[0]?.clientTranId ?? '';

    // Two requests carried that id; the first executed behind the 503, the second was a recognised duplicate.
    const requests = h.sim.requests().filter((r) => r.clientTranId !== undefined);
    expect(requests.map((r) => r.clientTranId)).toEqual([clientTranId, clientTranId]);
    expect(requests[0]?.status).toBe(503);
    expect(requests[1]?.code).toBe(-4115);

    // The ledger moved the money once: one debit from spot, one credit to futures, of the planned amount.
    const moves = ledger(h).filter((e) => e.reason === 'transfer');
    expect(moves).toHaveLength(2);
    expect(
      moves
        .find((e) => e.wallet === 'spot')
        ?.delta.negated()
        .equals(stored[0]?.amount ?? 0),
    ).toBe(true);
    expect(moves.find((e) => e.wallet === 'futures')?.delta.equals(stored[0]?.amount ?? 0)).toBe(true);
    expect(h.events.filter((e) => e.type === 'transfer').map((e) => e.type === 'transfer' && e.status)).toEqual([
      'confirmed',
      'settled',
    ]);
  });
});
