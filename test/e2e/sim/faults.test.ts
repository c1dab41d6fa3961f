/**
 * Each injected fault over real loopback HTTP/WebSocket: latency, 5xx, 503 after execution, hangs, 429 bursts,
 * partial fills, one-market rejections, WebSocket drops and clock skew; set from the start options or from
 * `POST /_sim/faults`, and deterministic under the seed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { send } from './support/client.ts';
import { DEMO, type Harness, START_MS, startHarness } from './support/harness.ts';

let h: Harness | undefined;

afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function fund(harness: Harness, amount = '5000'): Promise<void> {
  const reply = await harness.client.v3(DEMO, 'POST', '/api/v3/asset/wallet/transfer', {
    asset: 'USDT',
    amount,
    kindType: 'SPOT_FUTURE',
    clientTranId: `fund-${amount}-${harness.sim.clock.nowMs()}`,
  });
  expect(reply.status).toBe(200);
}

function shortBtc(harness: Harness, clientOrderId: string, quantity = '0.01') {
  return harness.client.v3(DEMO, 'POST', '/fapi/v3/order', {
    symbol: 'BTCUSDT',
    side: 'SELL',
    type: 'MARKET',
    quantity,
    newClientOrderId: clientOrderId,
    newOrderRespType: 'RESULT',
  });
}

async function btcPosition(harness: Harness): Promise<string> {
  const reply = await harness.client.v3(DEMO, 'GET', '/fapi/v3/positionRisk', { symbol: 'BTCUSDT' });
  return reply.body[0].positionAmt;
}

describe('faults', () => {
  it('latency delays every response by at least the configured time', async () => {
    h = await startHarness({ faults: 'latency=150,jitter=20' });
    const started = performance.now();
    const reply = await h.client.get('/fapi/v3/time');
    expect(reply.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('error5xx answers 500 {-1001} on the targeted path only, without executing', async () => {
    h = await startHarness({ faults: 'error5xx=1:/fapi/v3/order' });
    await fund(h);
    const failed = await shortBtc(h, 'e1');
    expect(failed.status).toBe(500);
    expect(failed.body.code).toBe(-1001);
    expect(await btcPosition(h)).toBe('0.000');
    expect((await h.client.get('/fapi/v3/time')).status).toBe(200);
  });

  it('after503 executes the order, then answers 503 {-1007}; a query by client id finds it filled', async () => {
    h = await startHarness({ faults: 'after503=1:order*1' });
    await fund(h);
    const unknown = await shortBtc(h, 'u1');
    expect(unknown.status).toBe(503);
    expect(unknown.body.code).toBe(-1007);
    const query = await h.client.v3(DEMO, 'GET', '/fapi/v3/order', { symbol: 'BTCUSDT', origClientOrderId: 'u1' });
    expect(query.body.status).toBe('FILLED');
    expect(await btcPosition(h)).toBe('-0.010');
    expect((await shortBtc(h, 'u2')).status).toBe(200);
  });

  it('hang leaves the request unanswered and unexecuted until the client gives up', async () => {
    h = await startHarness({ faults: 'hang=1:perp-order*1' });
    await fund(h);
    const wire = await h.client.signV3(DEMO, { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' });
    const attempt = fetch(`${h.sim.url}/fapi/v3/order`, {
      method: 'POST',
      body: wire,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(300),
    });
    await expect(attempt).rejects.toThrow();
    expect(await btcPosition(h)).toBe('0.000');
  });

  it('hang-after executes the request but never answers', async () => {
    h = await startHarness({ faults: 'hang-after=1:perp-order*1' });
    await fund(h);
    const wire = await h.client.signV3(DEMO, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.01',
      newClientOrderId: 'ha1',
    });
    const attempt = fetch(`${h.sim.url}/fapi/v3/order`, {
      method: 'POST',
      body: wire,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(300),
    });
    await expect(attempt).rejects.toThrow();
    expect(await btcPosition(h)).toBe('-0.010');
  });

  it('burst429 answers the next N requests with 429 and Retry-After, then recovers', async () => {
    h = await startHarness({ faults: 'burst429=2' });
    const first = await h.client.get('/fapi/v3/time');
    const second = await h.client.get('/api/v3/time');
    const third = await h.client.get('/fapi/v3/time');
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(first.body.code).toBe(-1003);
  });

  it('partial fills only part of a market order; the rest expires', async () => {
    h = await startHarness({ faults: 'partial=1:perp-order*1' });
    await fund(h);
    const partial = await shortBtc(h, 'p1', '0.1');
    expect(partial.status).toBe(200);
    const executed = Number(partial.body.executedQty);
    expect(executed).toBeGreaterThan(0);
    expect(executed).toBeLessThan(0.1);
    expect(partial.body.status).toBe('EXPIRED');
    expect(await btcPosition(h)).toBe(`-${partial.body.executedQty}`);
    const full = await shortBtc(h, 'p2', '0.1');
    expect(full.body.executedQty).toBe('0.100');
  });

  it('partial cuts the order itself, at the current instant: the book keeps the rest for the next order', async () => {
    h = await startHarness({ faults: 'partial=1:spot-order*1' });
    const before = await h.client.get('/api/v3/depth', 'symbol=ETHUSDT&limit=5');
    const bestAskQty = before.body.asks[0][1];
    const partial = await h.client.v3(DEMO, 'POST', '/api/v3/order', {
      symbol: 'ETHUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '1',
      newClientOrderId: 'eth-partial',
      newOrderRespType: 'RESULT',
    });
    expect(partial.body.status).toBe('EXPIRED');
    const executed = Number(partial.body.executedQty);
    // 20–80 % of the quantity, floored to the 0.001 step.
    expect(executed).toBeGreaterThanOrEqual(0.2);
    expect(executed).toBeLessThanOrEqual(0.8);
    expect(h.sim.clock.nowMs()).toBe(START_MS);
    const entry = h.sim.requests().find((r) => r.clientOrderId === 'eth-partial');
    expect(entry?.faults).toEqual(['partial']);
    expect(entry?.arrivalSimMs).toBe(START_MS);
    // Only the executed quantity left the book; nothing else about it changed.
    const after = await h.client.get('/api/v3/depth', 'symbol=ETHUSDT&limit=5');
    expect(Number(after.body.asks[0][1])).toBeCloseTo(Number(bestAskQty) - executed, 6);
    expect(after.body.asks.slice(1)).toEqual(before.body.asks.slice(1));
    const full = await h.client.v3(DEMO, 'POST', '/api/v3/order', {
      symbol: 'ETHUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '1',
      newOrderRespType: 'RESULT',
    });
    expect([full.body.status, full.body.executedQty]).toEqual(['FILLED', '1.000']);
  });

  it('reject-next rejects the next order on one market only, with a realistic code', async () => {
    h = await startHarness({ faults: 'reject-next=spot' });
    await fund(h);
    const perp = await shortBtc(h, 'r1');
    expect(perp.status).toBe(200);
    const spotOrder = () =>
      h!.client.v3(DEMO, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' });
    const rejected = await spotOrder();
    expect(rejected.status).toBe(400);
    expect(rejected.body).toEqual({ code: -2018, msg: 'Balance is insufficient.' });
    expect((await spotOrder()).status).toBe(200);
  });

  it('skew moves the server clock; nonces are checked against it', async () => {
    h = await startHarness({ faults: 'skew=20000' });
    const time = await h.client.get('/fapi/v3/time');
    expect(time.body.serverTime).toBe(h.sim.clock.nowMs() + 20_000);
    const unsynced = await h.client.v3(DEMO, 'GET', '/fapi/v3/balance');
    expect(unsynced.body.code).toBe(-4225);
    const synced = await h.client.v3(
      DEMO,
      'GET',
      '/fapi/v3/balance',
      {},
      {
        nonce: String(BigInt(time.body.serverTime) * 1000n),
      },
    );
    expect(synced.status).toBe(200);
  });

  it('ws-drop closes every WebSocket connection each period of simulator time', async () => {
    h = await startHarness({ faults: 'ws-drop=30s' });
    const ws = new WebSocket(`${h.sim.wsUrl}/ws/btcusdt@markPrice@1s`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await h.sim.advance(10_000);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    await h.sim.advance(25_000);
    expect(await closed).toBe(1006);
  });

  it('faults can be set and cleared through POST /_sim/faults', async () => {
    h = await startHarness();
    const set = await h.client.control('POST', '/_sim/faults', { spec: 'error5xx=1:/fapi/v3/time' });
    expect(set.body.faults).toBe('error5xx=1:/fapi/v3/time');
    expect((await h.client.get('/fapi/v3/time')).status).toBe(500);
    const bad = await h.client.control('POST', '/_sim/faults', { spec: 'explode=1' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('unknown fault "explode"');
    await h.client.control('POST', '/_sim/faults', { clear: true });
    expect((await h.client.get('/fapi/v3/time')).status).toBe(200);
  });

  it('probabilistic faults repeat exactly under the same seed and differ under another', async () => {
    const statuses = async (seed: number) => {
      const harness = await startHarness({ seed, faults: 'error5xx=0.5:/fapi/v3/time' });
      try {
        const out: number[] = [];
        for (let i = 0; i < 24; i++) out.push((await harness.client.get('/fapi/v3/time')).status);
        return out.join(',');
      } finally {
        await harness.sim.close();
      }
    };
    const a = await statuses(7);
    expect(await statuses(7)).toBe(a);
    expect(await statuses(8)).not.toBe(a);
    expect(a).toContain('500');
    expect(a).toContain('200');
  });

  it('records the faults that hit each request in the request log', async () => {
    h = await startHarness({ faults: 'burst429=1' });
    await send(h.sim.url, 'GET', '/fapi/v3/time');
    const entry = h.sim.requests().find((r) => r.path === '/fapi/v3/time');
    expect(entry?.faults).toEqual(['burst429']);
    expect(entry?.status).toBe(429);
  });
});
