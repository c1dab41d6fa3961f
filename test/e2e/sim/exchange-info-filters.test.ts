/**
 * exchangeInfo publishes the filters the engine enforces: the order-value ceiling of every spot listing is the one
 * in its definition, and an order above it is refused over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/sim/server.ts';
import { TestClient } from './support/client.ts';
import { DEMO } from './support/harness.ts';

type Filter = { filterType: string } & Record<string, unknown>;

let sim: Awaited<ReturnType<typeof startSimulator>>;
let client: TestClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, pairs: 4, manualClock: true, startMs: Date.UTC(2025, 5, 1), warn: () => {} });
  client = new TestClient(sim.url, () => sim.clock.nowMs());
});

afterAll(async () => {
  await sim?.close();
});

describe('published order-value filters', () => {
  it('spot MAX_NOTIONAL and NOTIONAL.maxNotional equal the definition, which is not unlimited', async () => {
    const info = await client.get('/api/v3/exchangeInfo');
    const defs = sim.engine.definitions().spot;
    expect(defs.length).toBeGreaterThan(0);
    for (const def of defs) {
      expect(def.filters.maxNotional.toFixed(), def.symbol).toBe('9000000');
      const listed = info.body.symbols.find((s: { symbol: string }) => s.symbol === def.symbol);
      const filters: Filter[] = listed.filters;
      const max = filters.find((f) => f.filterType === 'MAX_NOTIONAL');
      const notional = filters.find((f) => f.filterType === 'NOTIONAL');
      expect(max?.maxNotional, def.symbol).toBe(def.filters.maxNotional.toFixed());
      expect(notional?.maxNotional, def.symbol).toBe(def.filters.maxNotional.toFixed());
      expect(notional?.applyMaxToMarket).toBe(true);
    }
  });

  it('a spot market order above the published ceiling is refused with -5076', async () => {
    const book = await client.get('/api/v3/ticker/bookTicker', 'symbol=BTCUSDT');
    const ask = Number(book.body.askPrice);
    const marketMaxQty = sim.engine.definition('spot', 'BTCUSDT')?.filters.marketMaxQty.toNumber() ?? 0;
    // A whole-BTC quantity worth more than 9 000 000 that MARKET_LOT_SIZE still allows.
    const quantity = Math.ceil(9_000_000 / ask) + 1;
    expect(quantity).toBeLessThanOrEqual(marketMaxQty);
    const reply = await client.v3(DEMO, 'POST', '/api/v3/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: String(quantity),
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ code: -5076, msg: 'Total order value should be less than 9000000 USDT' });
  });
});
