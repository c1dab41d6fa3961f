/**
 * The `/_sim/` control API: full state with the request log, price and funding-rate control, the clock, deposits,
 * reset, and clear errors that name the bad field.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { DEMO, type Harness, START_MS, startHarness } from './support/harness.ts';

let h: Harness | undefined;

afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function openShort(harness: Harness, clientOrderId: string): Promise<void> {
  await harness.client.v3(DEMO, 'POST', '/api/v3/asset/wallet/transfer', {
    asset: 'USDT',
    amount: '4000',
    kindType: 'SPOT_FUTURE',
    clientTranId: `c-${clientOrderId}`,
  });
  const reply = await harness.client.v3(DEMO, 'POST', '/fapi/v3/order', {
    symbol: 'BTCUSDT',
    side: 'SELL',
    type: 'MARKET',
    quantity: '0.02',
    newClientOrderId: clientOrderId,
  });
  expect(reply.status).toBe(200);
}

describe('GET /_sim/state', () => {
  it('reports accounts, orders with client ids and times, the ledger, markets and the request log', async () => {
    h = await startHarness();
    await openShort(h, 'leg-perp');
    const state = (await h.client.control('GET', '/_sim/state')).body;
    expect(state.clock).toMatchObject({ nowMs: START_MS, manual: true, serverTimeMs: START_MS });
    const account = state.accounts.find((a: { account: string }) => a.account === DEMO.user.toLowerCase());
    expect(account.positions).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', positionAmt: '-0.02' })]);
    expect(account.orders).toEqual([
      expect.objectContaining({ market: 'perp', clientOrderId: 'leg-perp', status: 'FILLED', timeMs: START_MS }),
    ]);
    expect(state.ledger.map((e: { reason: string }) => e.reason)).toEqual(
      expect.arrayContaining(['deposit', 'transfer', 'commission']),
    );
    expect(state.markets.perp.find((m: { symbol: string }) => m.symbol === 'ETHUSDT').fundingIntervalHours).toBe(4);
    const order = state.requests.find((r: { endpoint: string }) => r.endpoint === 'perp.order.new');
    expect(order).toMatchObject({
      method: 'POST',
      path: '/fapi/v3/order',
      clientOrderId: 'leg-perp',
      symbol: 'BTCUSDT',
      side: 'SELL',
      account: DEMO.user.toLowerCase(),
      arrivalSimMs: START_MS,
      status: 200,
    });
    expect(order.arrivalWallUs).toBeGreaterThan(order.arrivalWallMs * 1000 - 1);
    expect(JSON.stringify(state.requests)).not.toMatch(/signature|0x[0-9a-f]{130}/i);
  });

  it('selects sections and returns the request log and ledger incrementally', async () => {
    h = await startHarness();
    await h.client.get('/fapi/v3/time');
    const first = (await h.client.control('GET', '/_sim/state?include=requests')).body;
    expect(Object.keys(first)).toEqual(['requests']);
    const lastSeq = first.requests.at(-1).seq;
    await h.client.get('/api/v3/time');
    const next = (await h.client.control('GET', `/_sim/state?include=requests&requestsSince=${lastSeq}`)).body;
    expect(next.requests.map((r: { path: string }) => r.path)).toEqual(['/api/v3/time', '/_sim/state']);
  });
});

describe('market control', () => {
  it('moves a symbol to a price on both markets, keeping the books around it', async () => {
    h = await startHarness();
    const reply = await h.client.control('POST', '/_sim/price', { symbol: 'BTCUSDT', price: '95000.5' });
    expect(reply.status).toBe(200);
    const premium = await h.client.get('/fapi/v3/premiumIndex', 'symbol=BTCUSDT');
    expect(premium.body.markPrice).toBe('95000.50000000');
    const spot = await h.client.get('/api/v3/ticker/bookTicker', 'symbol=BTCUSDT');
    expect(Number(spot.body.bidPrice)).toBeLessThan(95000.5);
    expect(Number(spot.body.askPrice)).toBeGreaterThan(95000.5);
    expect(Number(spot.body.askPrice) - Number(spot.body.bidPrice)).toBeLessThan(1);
  });

  it('moves only the perp mark with markPrice, leaving spot', async () => {
    h = await startHarness();
    await h.client.control('POST', '/_sim/price', { symbol: 'ETHUSDT', markPrice: '3000' });
    expect((await h.client.get('/fapi/v3/premiumIndex', 'symbol=ETHUSDT')).body.markPrice).toBe('3000.00000000');
    expect((await h.client.get('/api/v3/ticker/bookTicker', 'symbol=ETHUSDT')).body.bidPrice).toBe('3499.99');
  });

  it('pins a funding rate, which the next settlement pays', async () => {
    h = await startHarness();
    await openShort(h, 'funded');
    const pinned = await h.client.control('POST', '/_sim/funding-rate', { symbol: 'BTCUSDT', rate: '0.001' });
    expect(pinned.body.rate).toBe('0.001');
    expect((await h.client.get('/fapi/v3/premiumIndex', 'symbol=BTCUSDT')).body.lastFundingRate).toBe('0.00100000');
    await h.client.control('POST', '/_sim/clock', { advanceMs: 60_000 });
    const income = await h.client.v3(DEMO, 'GET', '/fapi/v3/income', { incomeType: 'FUNDING_FEE' });
    // A short of 0.02 BTC at a 100 000 mark receives 0.1 % of 2000 USDT.
    expect(income.body).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', income: '2.00000000' })]);
    const history = await h.client.get('/fapi/v3/fundingRate', 'symbol=BTCUSDT&limit=1');
    expect(history.body[0].fundingRate).toBe('0.00100000');
  });

  it('applies a price and a funding rate at the current instant: the manual clock does not move', async () => {
    h = await startHarness();
    await h.client.control('POST', '/_sim/price', { symbol: 'BTCUSDT', markPrice: '97000' });
    await h.client.control('POST', '/_sim/funding-rate', { symbol: 'BTCUSDT', rate: '0.0004' });
    expect((await h.client.control('GET', '/_sim/clock')).body.nowMs).toBe(START_MS);
    expect(h.sim.engine.nowMs()).toBe(START_MS);
    const premium = await h.client.get('/fapi/v3/premiumIndex', 'symbol=BTCUSDT');
    expect([premium.body.markPrice, premium.body.lastFundingRate, premium.body.time]).toEqual([
      '97000.00000000',
      '0.00040000',
      START_MS,
    ]);
    await h.sim.setPrice('ETHUSDT', { perpMark: dec('3000') });
    expect(h.sim.clock.nowMs()).toBe(START_MS);
    expect((await h.client.get('/fapi/v3/premiumIndex', 'symbol=ETHUSDT')).body.markPrice).toBe('3000.00000000');
  });

  it('rejects a bad price or an unknown symbol with the field named', async () => {
    h = await startHarness();
    const bad = await h.client.control('POST', '/_sim/price', { symbol: 'BTCUSDT', price: 'lots' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('price');
    const unknown = await h.client.control('POST', '/_sim/price', { symbol: 'NOPEUSDT', price: '1' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toContain('NOPEUSDT');
  });
});

describe('clock, deposits and reset', () => {
  it('advances and sets the manual clock', async () => {
    h = await startHarness();
    const advanced = await h.client.control('POST', '/_sim/clock', { advanceMs: 1500 });
    expect(advanced.body).toEqual({ nowMs: START_MS + 1500, manual: true, speed: 1 });
    const set = await h.client.control('POST', '/_sim/clock', { setMs: START_MS + 3_600_000 });
    expect(set.body.nowMs).toBe(START_MS + 3_600_000);
    expect((await h.client.get('/fapi/v3/time')).body.serverTime).toBe(START_MS + 3_600_000);
    const backwards = await h.client.control('POST', '/_sim/clock', { setMs: START_MS });
    expect(backwards.status).toBe(400);
  });

  it('changes the speed of a real-time clock', async () => {
    h = await startHarness({ manualClock: false, speed: 1 });
    const reply = await h.client.control('POST', '/_sim/clock', { speed: 100 });
    expect(reply.body.speed).toBe(100);
    const before = h.sim.clock.nowMs();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.sim.clock.nowMs() - before).toBeGreaterThan(1000);
  });

  it('deposits into an account and resets everything', async () => {
    h = await startHarness();
    const account = DEMO.user.toLowerCase();
    const deposit = await h.client.control('POST', '/_sim/deposit', {
      account,
      wallet: 'futures',
      asset: 'USDT',
      amount: '250',
    });
    expect(deposit.status).toBe(200);
    const balance = await h.client.v3(DEMO, 'GET', '/fapi/v3/balance');
    expect(balance.body[0].balance).toBe('250.00000000');
    await h.client.control('POST', '/_sim/reset');
    const state = (await h.client.control('GET', '/_sim/state?include=accounts,ledger')).body;
    expect(state).toEqual({ accounts: [], ledger: [] });
    const fresh = await h.client.v3(DEMO, 'GET', '/fapi/v3/balance');
    expect(fresh.body[0].balance).toBe('0.00000000');
  });

  it('answers 404 for an unknown control endpoint', async () => {
    h = await startHarness();
    expect((await h.client.control('POST', '/_sim/explode', {})).status).toBe(404);
  });
});
