/**
 * A scan costs the same number of HTTP requests whatever the number of pairs (the original bot's cost grew with
 * N), and MA mode adds exactly one request per symbol whose history is asked for. Counted from the simulator's own
 * request log, so nothing the client does can hide a request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaultSpec, type SimulatorHandle } from '../../../src/sim/index.ts';
import { type AsterVenue, createAsterVenue } from '../../../src/venue/aster/index.ts';
import { exchangeRequests, lastSeq, quietSimulator } from './support/sim-venue.ts';

/** The public-data venue paper mode uses: scans need no credentials. */
function publicVenue(sim: SimulatorHandle): AsterVenue {
  return createAsterVenue({
    futuresBaseUrl: sim.url,
    spotBaseUrl: sim.url,
    futuresWsUrl: sim.wsUrl,
    spotWsUrl: sim.spotWsUrl,
    clock: sim.clock,
  });
}

interface ScanCost {
  pairs: number;
  perpSymbols: number;
  cold: string[];
  warm: string[];
  maSymbols: string[];
  ma: string[];
}

const costs: ScanCost[] = [];

describe.each([5, 200])('scan snapshot request count with %i synthetic pairs', (pairs) => {
  let sim: SimulatorHandle;
  let venue: AsterVenue;

  beforeAll(async () => {
    sim = await quietSimulator({ pairs, seed: 11 });
    venue = publicVenue(sim);
  });

  afterAll(async () => {
    await venue?.close();
    await sim?.close();
  });

  it('fetches every symbol in a constant number of requests, cold and warm, and one more per history asked', async () => {
    let seq = lastSeq(sim);
    const cold = await venue.scanSnapshot();
    const coldRequests = exchangeRequests(sim, seq).map((r) => r.endpoint);

    seq = lastSeq(sim);
    const warm = await venue.scanSnapshot();
    const warmRequests = exchangeRequests(sim, seq).map((r) => r.endpoint);

    const perpSymbols = warm.perpMarkets.map((m) => m.symbol);
    expect(perpSymbols.length).toBeGreaterThanOrEqual(pairs);
    for (const snapshot of [cold, warm]) {
      expect(snapshot.premiumIndex.size).toBe(perpSymbols.length);
      expect(snapshot.fundingInfo.size).toBe(perpSymbols.length);
      expect(snapshot.perpTickers.size).toBe(perpSymbols.length);
      expect(snapshot.perpBooks.size).toBe(perpSymbols.length);
      expect(snapshot.spotBooks.size).toBe(snapshot.spotMarkets.length);
      expect(snapshot.spotTickers.size).toBe(snapshot.spotMarkets.length);
      expect(snapshot.fundingHistory.size).toBe(0);
    }

    // MA mode for a few symbols (pairs that passed the cheap filters): exactly one extra request each.
    const maSymbols = perpSymbols.slice(0, 3);
    seq = lastSeq(sim);
    const ma = await venue.scanSnapshot({ fundingHistoryFor: maSymbols, fundingHistoryLimit: 9 });
    const maRequests = exchangeRequests(sim, seq).map((r) => r.endpoint);
    expect([...ma.fundingHistory.keys()]).toEqual(maSymbols);
    for (const symbol of maSymbols) expect(ma.fundingHistory.get(symbol)?.length).toBeGreaterThan(0);

    costs.push({
      pairs,
      perpSymbols: perpSymbols.length,
      cold: coldRequests,
      warm: warmRequests,
      maSymbols,
      ma: maRequests,
    });
  });

  it('sends the six market-data requests of a scan at the same time', async () => {
    await venue.spotMarkets();
    await venue.perpMarkets();
    // Each response is held back; sequential requests would arrive at least this far apart.
    sim.faults.set(parseFaultSpec('latency=400'));
    try {
      const seq = lastSeq(sim);
      await venue.scanSnapshot();
      const requests = exchangeRequests(sim, seq);
      expect(requests).toHaveLength(6);
      const lastArrivalMs = Math.max(...requests.map((r) => r.arrivalWallMs));
      const firstAnswerMs = Math.min(...requests.map((r) => r.arrivalWallMs + (r.durationMs ?? 0)));
      expect(lastArrivalMs).toBeLessThan(firstAnswerMs);
    } finally {
      sim.faults.clear();
    }
  });
});

describe('scan snapshot cost across universe sizes', () => {
  it('is the same for 5 and 200 pairs: at most 8 requests cold, 6 warm, +1 per MA history', () => {
    expect(costs.map((c) => c.pairs)).toEqual([5, 200]);
    const [small, large] = costs as [ScanCost, ScanCost];
    expect(large.perpSymbols).toBeGreaterThan(small.perpSymbols * 10);

    expect(large.cold.length).toBe(small.cold.length);
    expect(small.cold.length).toBeLessThanOrEqual(8);
    expect([...small.cold].sort()).toEqual([...large.cold].sort());
    expect([...small.cold].sort()).toEqual(
      [
        'perp.bookTicker',
        'perp.exchangeInfo',
        'perp.fundingInfo',
        'perp.premiumIndex',
        'perp.ticker24hr',
        'spot.bookTicker',
        'spot.exchangeInfo',
        'spot.ticker24hr',
      ].sort(),
    );

    expect(large.warm.length).toBe(small.warm.length);
    expect(small.warm.length).toBe(6);
    expect(small.warm).not.toContain('perp.exchangeInfo');

    for (const cost of [small, large]) {
      expect(cost.ma.length).toBe(cost.warm.length + cost.maSymbols.length);
      expect(cost.ma.filter((e) => e === 'perp.fundingRate')).toHaveLength(cost.maSymbols.length);
    }
  });
});
