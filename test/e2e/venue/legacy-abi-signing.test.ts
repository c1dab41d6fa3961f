/**
 * The original bot's superseded V3 scheme (ABI + keccak + personal_sign), kept as an opt-in: the same V3 paths and
 * the same venue behaviour, against a simulator that accepts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import type { SimulatorHandle } from '../../../src/sim/index.ts';
import type { AsterVenue } from '../../../src/venue/aster/index.ts';
import { exchangeRequests, lastSeq, quietSimulator, venueFor } from './support/sim-venue.ts';

describe('Aster venue with legacy-abi signing', () => {
  let sim: SimulatorHandle;
  let venue: AsterVenue;

  beforeAll(async () => {
    sim = await quietSimulator({ pairs: 5, legacyAbi: true });
    venue = venueFor(sim, 'legacy-abi');
  });

  afterAll(async () => {
    await venue?.close();
    await sim?.close();
  });

  it('reads balances, trades and finds the order by client id over the V3 paths', async () => {
    const seq = lastSeq(sim);
    const usdt = (await venue.spotBalances()).find((b) => b.asset === 'USDT');
    expect(usdt?.free.eq(10_000)).toBe(true);
    const order = await venue.placeMarketOrder({
      market: 'spot',
      symbol: 'ETHUSDT',
      side: 'BUY',
      quantity: dec('0.01'),
      clientOrderId: 'legacy-buy-1',
    });
    expect(order).toMatchObject({ status: 'FILLED', clientOrderId: 'legacy-buy-1' });
    expect(await venue.getOrder('spot', 'ETHUSDT', 'legacy-buy-1')).toMatchObject({ orderId: order.orderId });
    const paths = exchangeRequests(sim, seq).map((r) => r.path);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((p) => p.startsWith('/api/v3/'))).toBe(true);
  });
});
