/**
 * The WebSocket front end over real loopback: raw and combined market streams, live (un)subscription, spot vs
 * futures hosts, user-data streams per listen key with Aster's event shapes, key expiry, connection lifetime, pings
 * and inbound message limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO, type Harness, startHarness } from './support/harness.ts';
import { type StreamMessage, StreamRecorder } from './support/ws-client.ts';

let h: Harness | undefined;
const recorders: StreamRecorder[] = [];

afterEach(async () => {
  for (const r of recorders.splice(0)) r.close();
  await h?.sim.close();
  h = undefined;
});

async function open(url: string): Promise<StreamRecorder> {
  const recorder = new StreamRecorder(url);
  recorders.push(recorder);
  await recorder.opened();
  return recorder;
}

async function listenKey(harness: Harness, market: 'perp' | 'spot'): Promise<string> {
  const reply = await harness.client.v3(DEMO, 'POST', market === 'perp' ? '/fapi/v3/listenKey' : '/api/v3/listenKey');
  expect(reply.status).toBe(200);
  return reply.body.listenKey;
}

describe('market streams', () => {
  it('serves a raw mark-price stream every second of simulator time', async () => {
    h = await startHarness();
    const stream = await open(`${h.sim.wsUrl}/ws/btcusdt@markPrice@1s`);
    await h.sim.advance(1000);
    const update = await stream.next((m) => m.e === 'markPriceUpdate');
    expect(update).toEqual({
      e: 'markPriceUpdate',
      E: expect.any(Number),
      s: 'BTCUSDT',
      p: '100000.00000000',
      i: '100000.00000000',
      P: '100000.00000000',
      r: '0.00010000',
      T: Date.UTC(2025, 5, 1, 8),
    });
  });

  it('wraps combined streams in {stream, data} and serves the all-symbols array', async () => {
    h = await startHarness();
    const stream = await open(`${h.sim.wsUrl}/stream?streams=!markPrice@arr@1s/ethusdt@bookTicker`);
    await h.sim.advance(1000);
    const all = await stream.next((m) => m.stream === '!markPrice@arr@1s');
    expect(all.data.map((d: { s: string }) => d.s).sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'PERPONLYUSDT']);
    const book = await stream.next((m) => m.stream === 'ethusdt@bookTicker');
    expect(book.data).toEqual({
      e: 'bookTicker',
      E: expect.any(Number),
      T: expect.any(Number),
      u: expect.any(Number),
      s: 'ETHUSDT',
      b: '3499.99',
      B: expect.any(String),
      a: '3500.01',
      A: expect.any(String),
    });
  });

  it('sends the 3 s mark-price stream only on 3-second boundaries', async () => {
    h = await startHarness();
    const stream = await open(`${h.sim.wsUrl}/ws/btcusdt@markPrice`);
    await h.sim.advance(1000);
    await h.sim.advance(1000);
    await h.sim.advance(1000);
    const update = await stream.next((m) => m.e === 'markPriceUpdate');
    expect(update.E % 3000).toBe(0);
    expect(stream.messages).toHaveLength(1);
  });

  it('serves spot book tickers under /spot without e/E/T, as documented', async () => {
    h = await startHarness();
    const stream = await open(`${h.sim.spotWsUrl}/ws/btcusdt@bookTicker`);
    await h.sim.advance(1000);
    const book = await stream.next((m) => m.s === 'BTCUSDT');
    expect(Object.keys(book).sort()).toEqual(['A', 'B', 'a', 'b', 's', 'u']);
  });

  it('handles SUBSCRIBE, LIST_SUBSCRIPTIONS and UNSUBSCRIBE on a bare /ws connection', async () => {
    h = await startHarness();
    const stream = await open(`${h.sim.wsUrl}/ws`);
    stream.send({ method: 'SUBSCRIBE', params: ['btcusdt@markPrice@1s', '!bookTicker'], id: 1 });
    expect(await stream.next((m) => m.id === 1)).toEqual({ result: null, id: 1 });
    stream.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
    expect(await stream.next((m) => m.id === 2)).toEqual({ result: ['btcusdt@markPrice@1s', '!bookTicker'], id: 2 });
    await h.sim.advance(1000);
    await stream.next((m) => m.e === 'markPriceUpdate');
    stream.send({ method: 'UNSUBSCRIBE', params: ['btcusdt@markPrice@1s'], id: 3 });
    await stream.next((m) => m.id === 3);
    stream.send({ method: 'SUBSCRIBE', params: ['nosuch@stream'], id: 4 });
    expect((await stream.next((m) => m.id === 4)).error.code).toBe(2);
  });

  it('publishes a price set through the control API at once', async () => {
    h = await startHarness();
    const stream = await open(`${h.sim.wsUrl}/ws/btcusdt@markPrice@1s`);
    const reply = await h.client.control('POST', '/_sim/price', { symbol: 'BTCUSDT', price: '90000' });
    expect(reply.status).toBe(200);
    const update = await stream.next((m) => m.e === 'markPriceUpdate' && m.p === '90000.00000000');
    expect(update.s).toBe('BTCUSDT');
  });

  it('rejects an upgrade to an unknown stream or path', async () => {
    h = await startHarness();
    const status = (url: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => {});
      });
    expect(await status(`${h.sim.wsUrl}/ws/btcusdt@nonsense`)).toBe(400);
    expect(await status(`${h.sim.wsUrl}/elsewhere`)).toBe(404);
    expect(await status(`${h.sim.spotWsUrl}/ws/btcusdt@markPrice`)).toBe(400);
  });
});

describe('user data streams', () => {
  it('streams futures order, position and balance events with Aster shapes', async () => {
    h = await startHarness();
    const key = await listenKey(h, 'perp');
    const stream = await open(`${h.sim.wsUrl}/ws/${key}`);
    await h.client.v3(DEMO, 'POST', '/api/v3/asset/wallet/transfer', {
      asset: 'USDT',
      amount: '2000',
      kindType: 'SPOT_FUTURE',
      clientTranId: 'ws-1',
    });
    const transfer = await stream.next((m) => m.e === 'ACCOUNT_UPDATE' && m.a.m === 'ASSET_TRANSFER');
    expect(transfer.a.B[0]).toEqual({ a: 'USDT', wb: '2000.00000000', cw: '2000.00000000', bc: '2000.00000000' });

    await h.client.v3(DEMO, 'POST', '/fapi/v3/order', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.01',
      newClientOrderId: 'ws-short',
    });
    const trade = await stream.next((m) => m.e === 'ORDER_TRADE_UPDATE' && m.o.x === 'TRADE');
    expect(trade.o).toMatchObject({ s: 'BTCUSDT', c: 'ws-short', S: 'SELL', o: 'MARKET', X: 'FILLED', N: 'USDT' });
    expect(trade.o.L).toBe('99999.9');
    const position = await stream.next((m) => m.e === 'ACCOUNT_UPDATE' && m.a.m === 'ORDER');
    expect(position.a.P[0]).toMatchObject({ s: 'BTCUSDT', pa: '-0.010', ps: 'BOTH', mt: 'cross' });

    await h.sim.advance(60_000);
    const funding = await stream.next((m) => m.e === 'ACCOUNT_UPDATE' && m.a.m === 'FUNDING_FEE');
    expect(funding.a.B[0].a).toBe('USDT');
    expect(Number(funding.a.B[0].bc)).toBeCloseTo(0.1, 8);
    expect(stream.messages.some((m: StreamMessage) => m.e === 'executionReport')).toBe(false);
  });

  it('streams spot execution reports and balances on the spot key only', async () => {
    h = await startHarness();
    const spotKey = await listenKey(h, 'spot');
    const perpKey = await listenKey(h, 'perp');
    expect(spotKey).not.toBe(perpKey);
    const spot = await open(`${h.sim.spotWsUrl}/ws/${spotKey}`);
    const perp = await open(`${h.sim.wsUrl}/ws/${perpKey}`);
    await h.client.v3(DEMO, 'POST', '/api/v3/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.01',
      newClientOrderId: 'ws-spot',
    });
    const report = await spot.next((m) => m.e === 'executionReport' && m.x === 'TRADE');
    expect(report).toMatchObject({ s: 'BTCUSDT', c: 'ws-spot', S: 'BUY', X: 'FILLED', N: 'BTC' });
    const balances = await spot.next((m) => m.e === 'outboundAccountPosition');
    expect(balances.m).toBe('ORDER');
    expect(balances.B.map((b: { a: string }) => b.a).sort()).toEqual(['BTC', 'USDT']);
    await h.sim.advance(1000);
    expect(perp.messages).toEqual([]);
  });

  it('expires a key after 60 minutes without keep-alive, with listenKeyExpired', async () => {
    h = await startHarness();
    const kept = await listenKey(h, 'spot');
    const lapsing = await listenKey(h, 'perp');
    const keptStream = await open(`${h.sim.spotWsUrl}/ws/${kept}`);
    const lapsingStream = await open(`${h.sim.wsUrl}/ws/${lapsing}`);
    await h.sim.advance(30 * 60_000);
    const keepAlive = await h.client.v3(DEMO, 'PUT', '/api/v3/listenKey', { listenKey: kept });
    expect(keepAlive.body).toEqual({});
    await h.sim.advance(31 * 60_000);
    expect(await lapsingStream.next((m) => m.e === 'listenKeyExpired')).toEqual({
      e: 'listenKeyExpired',
      E: expect.any(Number),
    });
    expect(await lapsingStream.closed).toBe(1000);
    expect(keptStream.ws.readyState).toBe(WebSocket.OPEN);
    const stale = await h.client.v3(DEMO, 'PUT', '/fapi/v3/listenKey');
    expect(stale.body.code).toBe(-1125);
  });

  it('returns the same key while it is valid and closes its streams on DELETE', async () => {
    h = await startHarness();
    const first = await listenKey(h, 'perp');
    expect(await listenKey(h, 'perp')).toBe(first);
    const stream = await open(`${h.sim.wsUrl}/ws/${first}`);
    const closed = await h.client.v3(DEMO, 'DELETE', '/fapi/v3/listenKey');
    expect(closed.body).toEqual({});
    expect(await stream.closed).toBe(1000);
    expect(await listenKey(h, 'perp')).not.toBe(first);
  });
});

describe('connections', () => {
  it('closes a connection after 24 hours of simulator time', async () => {
    h = await startHarness();
    const stream = await open(`${h.sim.wsUrl}/ws/btcusdt@bookTicker`);
    await h.sim.advance(24 * 3_600_000);
    expect(await stream.closed).toBe(1000);
  });

  it('pings clients and answers their pings', async () => {
    h = await startHarness({ ws: { pingIntervalMs: { perp: 50, spot: 50 } } });
    const stream = await open(`${h.sim.wsUrl}/ws/btcusdt@bookTicker`);
    await new Promise<void>((resolve) => stream.ws.once('ping', () => resolve()));
    const pong = new Promise<void>((resolve) => stream.ws.once('pong', () => resolve()));
    stream.ws.ping();
    await pong;
  });

  it('closes a connection that sends more than 10 messages a second', async () => {
    h = await startHarness();
    const stream = await open(`${h.sim.wsUrl}/ws`);
    for (let i = 0; i < 12; i++) stream.send({ method: 'LIST_SUBSCRIPTIONS', id: i });
    expect(await stream.closed).toBe(1008);
  });
});
