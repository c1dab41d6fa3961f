/**
 * The default simulator (synthetic market from the seed) serves a whole funding scan and a delta-neutral open over
 * HTTP: both markets' metadata, prices, funding and volumes, then a spot buy and a perp short on one pair.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator } from '../../../src/sim/server.ts';
import { TestClient } from './support/client.ts';
import { DEMO } from './support/harness.ts';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let client: TestClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 42, pairs: 12, manualClock: true, startMs: Date.UTC(2025, 5, 1), warn: () => {} });
  client = new TestClient(sim.url, () => sim.clock.nowMs());
});

afterAll(async () => {
  await sim.close();
});

it('answers a full scan and opens a hedged position on a pair', async () => {
  const [spotInfo, perpInfo, premium, funding, spot24h, perp24h, spotBooks, perpBooks] = await Promise.all([
    client.get('/api/v3/exchangeInfo'),
    client.get('/fapi/v3/exchangeInfo'),
    client.get('/fapi/v3/premiumIndex'),
    client.get('/fapi/v3/fundingInfo'),
    client.get('/api/v3/ticker/24hr'),
    client.get('/fapi/v3/ticker/24hr'),
    client.get('/api/v3/ticker/bookTicker'),
    client.get('/fapi/v3/ticker/bookTicker'),
  ]);
  for (const reply of [spotInfo, perpInfo, premium, funding, spot24h, perp24h, spotBooks, perpBooks]) {
    expect(reply.status).toBe(200);
  }
  const spotSymbols = new Set(spotInfo.body.symbols.map((s: { symbol: string }) => s.symbol));
  const pairs = perpInfo.body.symbols.filter((s: { symbol: string }) => spotSymbols.has(s.symbol));
  expect(pairs.length).toBeGreaterThanOrEqual(12);
  expect(premium.body).toHaveLength(perpInfo.body.symbols.length);
  expect(funding.body.every((f: { fundingIntervalHours: number }) => [1, 4, 8].includes(f.fundingIntervalHours))).toBe(
    true,
  );

  const symbol = 'BTCUSDT';
  const lot = pairs
    .find((s: { symbol: string }) => s.symbol === symbol)
    .filters.find((f: { filterType: string }) => f.filterType === 'MARKET_LOT_SIZE');
  const mark = Number(premium.body.find((p: { symbol: string }) => p.symbol === symbol).markPrice);
  const step = Number(lot.stepSize);
  const quantity = (Math.ceil(200 / mark / step) * step).toFixed(lot.stepSize.split('.')[1]?.length ?? 0);
  await client.v3(DEMO, 'POST', '/api/v3/asset/wallet/transfer', {
    asset: 'USDT',
    amount: '3000',
    kindType: 'SPOT_FUTURE',
    clientTranId: 'synthetic-1',
  });
  const [spotLeg, perpLeg] = await Promise.all([
    client.v3(DEMO, 'POST', '/api/v3/order', {
      symbol,
      side: 'BUY',
      type: 'MARKET',
      quantity,
      newOrderRespType: 'RESULT',
    }),
    client.v3(DEMO, 'POST', '/fapi/v3/order', {
      symbol,
      side: 'SELL',
      type: 'MARKET',
      quantity,
      newOrderRespType: 'RESULT',
    }),
  ]);
  expect(spotLeg.body).toMatchObject({ status: 'FILLED' });
  expect(perpLeg.body).toMatchObject({ status: 'FILLED' });
  expect(Number(perpLeg.body.executedQty)).toBe(Number(quantity));
});
