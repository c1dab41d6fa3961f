/**
 * Request weights, `X-MBX-USED-WEIGHT-1M`, 429 with Retry-After over the limit, 418 bans for clients that ignore
 * it, per-market budgets and per-account order counts — on the simulator clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO, type Harness, startHarness } from './support/harness.ts';

let h: Harness | undefined;

afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

const used = (reply: { headers: Headers }) => Number(reply.headers.get('x-mbx-used-weight-1m'));

describe('request weights', () => {
  it('counts each endpoint at its documented weight and reports the running total', async () => {
    h = await startHarness();
    const first = await h.client.get('/fapi/v3/ticker/24hr');
    const withSymbol = await h.client.get('/fapi/v3/ticker/24hr', 'symbol=BTCUSDT');
    const deep = await h.client.get('/fapi/v3/depth', 'symbol=BTCUSDT&limit=1000');
    const premiumAll = await h.client.get('/fapi/v3/premiumIndex');
    const income = await h.client.v3(DEMO, 'GET', '/fapi/v3/income');
    expect([used(first), used(withSymbol), used(deep), used(premiumAll), used(income)]).toEqual([40, 41, 61, 71, 101]);
  });

  it('keeps separate budgets for the spot and futures hosts, and starts over each minute', async () => {
    h = await startHarness();
    await h.client.get('/fapi/v3/ticker/24hr');
    const spot = await h.client.get('/api/v3/ticker/bookTicker');
    expect(used(spot)).toBe(2);
    await h.sim.advance(60_000);
    expect(used(await h.client.get('/fapi/v3/time'))).toBe(1);
  });

  it('publishes the enforced limits in exchangeInfo', async () => {
    h = await startHarness();
    const futures = await h.client.get('/fapi/v3/exchangeInfo');
    expect(futures.body.rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    ]);
  });
});

describe('429 and 418', () => {
  it('answers 429 with Retry-After to the end of the window, then bans a client that ignores it with 418', async () => {
    h = await startHarness({
      rateLimits: {
        perp: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100 }],
        banAfterIgnored429s: 2,
      },
    });
    // 20 s into the minute: the window ends in 40 s.
    await h.sim.advance(20_000);
    expect((await h.client.get('/fapi/v3/ticker/24hr')).status).toBe(200);
    expect((await h.client.get('/fapi/v3/ticker/24hr')).status).toBe(200);
    const limited = await h.client.get('/fapi/v3/ticker/24hr');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(limited.body.code).toBe(-1003);
    expect(limited.body.msg).toContain('current limit is 100');

    // The spot host is not affected.
    expect((await h.client.get('/api/v3/time')).status).toBe(200);

    expect((await h.client.get('/fapi/v3/time')).status).toBe(429);
    expect((await h.client.get('/fapi/v3/time')).status).toBe(429);
    const banned = await h.client.get('/fapi/v3/time');
    expect(banned.status).toBe(418);
    expect(banned.body.code).toBe(-1003);
    expect(banned.body.msg).toContain('IP banned until');
    expect(Number(banned.headers.get('retry-after'))).toBe(120);

    await h.sim.advance(60_000);
    const stillBanned = await h.client.get('/fapi/v3/time');
    expect(stillBanned.status).toBe(418);
    expect(Number(stillBanned.headers.get('retry-after'))).toBe(60);
    await h.sim.advance(60_000);
    expect((await h.client.get('/fapi/v3/time')).status).toBe(200);
  });

  it('does not ban a client that waits for Retry-After', async () => {
    h = await startHarness({
      rateLimits: {
        perp: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 45 }],
        banAfterIgnored429s: 1,
      },
    });
    expect((await h.client.get('/fapi/v3/ticker/24hr')).status).toBe(200);
    const limited = await h.client.get('/fapi/v3/ticker/24hr');
    expect(limited.status).toBe(429);
    await h.sim.advance(Number(limited.headers.get('retry-after')) * 1000);
    expect((await h.client.get('/fapi/v3/ticker/24hr')).status).toBe(200);
  });

  it('counts orders per account and answers 429 without Retry-After over the order limit', async () => {
    h = await startHarness({
      rateLimits: {
        perp: [
          { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
          { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 2 },
        ],
      },
    });
    await h.client.v3(DEMO, 'POST', '/api/v3/asset/wallet/transfer', {
      asset: 'USDT',
      amount: '1000',
      kindType: 'SPOT_FUTURE',
      clientTranId: 'rl',
    });
    const order = () =>
      h!.client.v3(DEMO, 'POST', '/fapi/v3/order', {
        symbol: 'ETHUSDT',
        side: 'BUY',
        type: 'MARKET',
        quantity: '0.01',
      });
    const one = await order();
    const two = await order();
    const three = await order();
    expect(one.headers.get('x-mbx-order-count-1m')).toBe('1');
    expect(two.headers.get('x-mbx-order-count-1m')).toBe('2');
    expect(three.status).toBe(429);
    expect(three.body.code).toBe(-1015);
    expect(three.headers.get('retry-after')).toBeNull();
    const positions = await h.client.v3(DEMO, 'GET', '/fapi/v3/positionRisk', { symbol: 'ETHUSDT' });
    expect(positions.body[0].positionAmt).toBe('0.020');
  });
});
