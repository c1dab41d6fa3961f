import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../../src/errors.ts';
import { StreamError } from '../../../../../src/venue/aster/ws/errors.ts';
import {
  type MarketStreamHandlers,
  MarketStreams,
  type MarketStreamsOptions,
} from '../../../../../src/venue/aster/ws/market-streams.ts';
import type { StreamStatus } from '../../../../../src/venue/aster/ws/status.ts';
import { FakeStreamServer, maxInWindow } from './support/fake-stream-server.ts';
import { recordingLogger } from './support/log-recorder.ts';
import { sleep, TrackingTimers, waitFor } from './support/timers.ts';

const FIXTURES = 'test/fixtures/realdata/aster-net-fixtures/Subscriptions/Futures';

/** The `data` payload of a captured combined-stream frame (the capture has a trailing-comma-free JSON body). */
function fixturePayload(file: string): Record<string, unknown> {
  const text = readFileSync(`${FIXTURES}/${file}`, 'utf8');
  const body = text.slice(text.indexOf('{', text.indexOf('\n= ')));
  return (JSON.parse(body) as { data: Record<string, unknown> }).data;
}

interface Collected<T> {
  events: T[];
  statuses: StreamStatus[];
  errors: unknown[];
  handlers: MarketStreamHandlers<T>;
}

function collect<T = unknown>(parse: (data: unknown) => T = (data) => data as T): Collected<T> {
  const events: T[] = [];
  const statuses: StreamStatus[] = [];
  const errors: unknown[] = [];
  return {
    events,
    statuses,
    errors,
    handlers: {
      parse,
      onEvent: (event) => events.push(event),
      onStatus: (status) => statuses.push(status),
      onError: (error) => errors.push(error),
    },
  };
}

const fastTuning = {
  connectTimeoutMs: 2_000,
  pingIntervalMs: 60_000,
  pongTimeoutMs: 1_000,
  replyTimeoutMs: 2_000,
  closeTimeoutMs: 500,
  backoff: { initialDelayMs: 40, maxDelayMs: 400, jitterRatio: 0.5, resetAfterMs: 60_000 },
};

let server: FakeStreamServer | null = null;
let streams: MarketStreams | null = null;
let timers: TrackingTimers;

async function open(
  options: Partial<MarketStreamsOptions> = {},
): Promise<{ server: FakeStreamServer; streams: MarketStreams }> {
  server = await FakeStreamServer.start();
  timers = new TrackingTimers();
  streams = new MarketStreams({ wsBaseUrl: server.url, market: 'perp', tuning: fastTuning, timers, ...options });
  return { server, streams };
}

afterEach(async () => {
  await streams?.close();
  await server?.close();
  streams = null;
  server = null;
});

describe('market streams: subscribing', () => {
  it('puts the first streams in the URL and later ones in acknowledged SUBSCRIBE frames; UNSUBSCRIBE is acknowledged', async () => {
    const { server, streams } = await open();
    const mark = collect();
    const book = collect();
    const markSub = await streams.subscribe('BTCUSDT@markPrice', mark.handlers);
    expect(markSub.stream).toBe('btcusdt@markPrice');
    expect(server.clients).toHaveLength(1);
    expect(server.clients[0]?.path).toBe('/stream');
    expect(server.clients[0]?.urlStreams).toEqual(['btcusdt@markPrice']);
    expect(server.control).toEqual([]);

    const bookSub = await streams.subscribe('ethusdt@bookTicker', book.handlers);
    expect(server.control.map((c) => [c.method, c.params])).toEqual([['SUBSCRIBE', ['ethusdt@bookTicker']]]);
    expect(typeof server.control[0]?.id).toBe('number');
    expect(server.clients[0]?.streams.has('ethusdt@bookTicker')).toBe(true);

    await bookSub.close();
    expect(server.control.map((c) => [c.method, c.params])).toEqual([
      ['SUBSCRIBE', ['ethusdt@bookTicker']],
      ['UNSUBSCRIBE', ['ethusdt@bookTicker']],
    ]);
    expect(server.clients[0]?.streams.has('ethusdt@bookTicker')).toBe(false);
    expect(new Set(server.control.map((c) => c.id)).size).toBe(2);
    await markSub.close();
  });

  it('routes each combined-stream frame to the handlers of its stream only', async () => {
    const { server, streams } = await open();
    const markPayload = fixturePayload('MarkPrice.txt');
    const mark = collect((data) => (data as { p: string }).p);
    const otherMark = collect((data) => (data as { E: number }).E);
    const kline = collect();
    await Promise.all([
      streams.subscribe('btcusdt@markPrice', mark.handlers),
      streams.subscribe('btcusdt@markPrice', otherMark.handlers),
      streams.subscribe('ethusdt@kline_1h', kline.handlers),
    ]);
    // One server subscription for the two handlers of the same stream.
    expect(server.clients[0]?.urlStreams).toEqual(['btcusdt@markPrice', 'ethusdt@kline_1h']);
    server.broadcast('btcusdt@markPrice', markPayload);
    server.broadcast('ethusdt@kline_1h', { e: 'kline', E: 1, s: 'ETHUSDT', k: { t: 1 } });
    server.broadcast('solusdt@markPrice', { e: 'markPriceUpdate', E: 2 });
    await waitFor(() => mark.events.length === 1 && kline.events.length === 1, 'routed frames');
    await sleep(30);
    expect(mark.events).toEqual(['11794.15000000']);
    expect(otherMark.events).toEqual([1562305380000]);
    expect(kline.events).toEqual([{ e: 'kline', E: 1, s: 'ETHUSDT', k: { t: 1 } }]);
  });

  it('a payload the parser rejects goes to onError and does not stop later frames', async () => {
    const { server, streams } = await open();
    const mark = collect((data) => {
      const price = (data as { p?: unknown }).p;
      if (typeof price !== 'string') throw new Error(`p: expected a string, got ${JSON.stringify(price)}`);
      return price;
    });
    await streams.subscribe('btcusdt@markPrice', mark.handlers);
    server.broadcast('btcusdt@markPrice', { e: 'markPriceUpdate', E: 1, p: 5 });
    server.broadcast('btcusdt@markPrice', { e: 'markPriceUpdate', E: 2, p: '5.1' });
    await waitFor(() => mark.events.length === 1, 'the valid frame');
    expect(mark.events).toEqual(['5.1']);
    expect(String(mark.errors[0])).toMatch(/p: expected a string, got 5/);
  });

  it('a subscription the server refuses is rejected with the server message', async () => {
    const { server, streams } = await open();
    await streams.subscribe('btcusdt@markPrice', collect().handlers);
    server.refused.add('nosuch@markPrice');
    const refused = streams.subscribe('nosuch@markPrice', collect().handlers);
    await expect(refused).rejects.toBeInstanceOf(StreamError);
    await expect(refused).rejects.toThrow(/Invalid request: nosuch@markPrice/);
    expect(streams.streams).toEqual(['btcusdt@markPrice']);
  });

  it('rejects bad input with the field and the value', async () => {
    expect(() => new MarketStreams({ wsBaseUrl: 'https://x.example', market: 'perp' })).toThrow(ConfigError);
    expect(() => new MarketStreams({ wsBaseUrl: 'https://x.example', market: 'perp' })).toThrow(/wsBaseUrl.*https/);
    expect(
      () => new MarketStreams({ wsBaseUrl: 'ws://127.0.0.1:1', market: 'perp', tuning: { pongTimeoutMs: -5 } }),
    ).toThrow(/pongTimeoutMs.*-5/);
    const { streams } = await open();
    await expect(streams.subscribe('btc usdt@markPrice', collect().handlers)).rejects.toThrow(/stream.*btc usdt/);
  });

  it('spreads streams over several connections when one would exceed its stream limit', async () => {
    const { server, streams } = await open({ maxStreamsPerConnection: 2 });
    const names = ['a@markPrice', 'b@markPrice', 'c@markPrice', 'd@markPrice', 'e@markPrice'];
    await Promise.all(names.map((name) => streams.subscribe(name, collect().handlers)));
    expect(streams.connectionCount).toBe(3);
    expect(
      server
        .openClients()
        .map((c) => c.streams.size)
        .sort(),
    ).toEqual([1, 2, 2]);
  });
});

describe('market streams: raw connections', () => {
  it('gives each stream its own /ws/<stream> connection and routes bare payloads by connection', async () => {
    const { server, streams } = await open({ connectionMode: 'raw' });
    const mark = collect();
    const book = collect();
    await Promise.all([
      streams.subscribe('btcusdt@markPrice', mark.handlers),
      streams.subscribe('btcusdt@bookTicker', book.handlers),
    ]);
    expect(server.clients.map((c) => c.path).sort()).toEqual(['/ws/btcusdt@bookTicker', '/ws/btcusdt@markPrice']);
    expect(streams.connectionCount).toBe(2);
    server.sendOnPath('/ws/btcusdt@markPrice', { e: 'markPriceUpdate', E: 1, p: '1.5' });
    server.sendOnPath('/ws/btcusdt@bookTicker', { e: 'bookTicker', u: 7, b: '1.4', a: '1.6' });
    await waitFor(() => mark.events.length === 1 && book.events.length === 1, 'both payloads');
    expect(mark.events).toEqual([{ e: 'markPriceUpdate', E: 1, p: '1.5' }]);
    expect(book.events).toEqual([{ e: 'bookTicker', u: 7, b: '1.4', a: '1.6' }]);
    expect(server.control).toEqual([]);

    server.dropAll();
    await waitFor(() => server.openClients().length === 2 && mark.statuses.length === 3, 'both to reconnect');
    expect(
      server
        .openClients()
        .map((c) => c.path)
        .sort(),
    ).toEqual(['/ws/btcusdt@bookTicker', '/ws/btcusdt@markPrice']);
  });
});

describe('market streams: pacing', () => {
  it('30 subscriptions at once never exceed the per-second limit at the server', async () => {
    const { server, streams } = await open({ maxStreamsPerRequest: 1 });
    await streams.subscribe('seed@markPrice', collect().handlers);
    const names = Array.from({ length: 30 }, (_, i) => `s${i}usdt@markPrice`);
    await Promise.all(names.map((name) => streams.subscribe(name, collect().handlers)));
    const subscribes = server.control.filter((c) => c.method === 'SUBSCRIBE');
    expect(subscribes).toHaveLength(30);
    const inbound = server.allInbound().map((frame) => frame.atMs);
    expect(maxInWindow(inbound, 1_000)).toBeLessThanOrEqual(10);
    expect(server.clients[0]?.streams.size).toBe(31);
  });

  it('coalesces a burst of subscriptions into few frames', async () => {
    const { server, streams } = await open();
    await streams.subscribe('seed@markPrice', collect().handlers);
    const names = Array.from({ length: 30 }, (_, i) => `s${i}usdt@markPrice`);
    await Promise.all(names.map((name) => streams.subscribe(name, collect().handlers)));
    const subscribes = server.control.filter((c) => c.method === 'SUBSCRIBE');
    expect(subscribes).toHaveLength(1);
    expect(subscribes.flatMap((c) => c.params).sort()).toEqual([...names].sort());
  });

  it('spot uses the tighter 5 frames per second budget', async () => {
    const { server, streams } = await open({ market: 'spot', maxStreamsPerRequest: 1 });
    await streams.subscribe('seed@bookTicker', collect().handlers);
    const names = Array.from({ length: 12 }, (_, i) => `s${i}usdt@bookTicker`);
    await Promise.all(names.map((name) => streams.subscribe(name, collect().handlers)));
    expect(
      maxInWindow(
        server.allInbound().map((frame) => frame.atMs),
        1_000,
      ),
    ).toBeLessThanOrEqual(5);
  });
});

describe('market streams: connection loss', () => {
  it('reconnects after a drop with backoff, resubscribes everything, and reports down then up', async () => {
    const { server, streams } = await open({ random: () => 0 });
    const early = collect();
    const late = collect();
    await streams.subscribe('btcusdt@markPrice', early.handlers);
    await streams.subscribe('ethusdt@markPrice', late.handlers);
    expect(early.statuses.map((s) => s.up)).toEqual([true]);

    const droppedAt = performance.now();
    server.dropAll();
    await waitFor(() => server.openClients().length === 1 && early.statuses.length === 3, 'the reconnect');
    const second = server.clients[1];
    // random() = 0 and jitter 0.5: the first retry waits half of the 40 ms initial delay at least.
    expect((second?.openedAtMs ?? 0) - droppedAt).toBeGreaterThanOrEqual(15);
    expect(new Set(second?.streams)).toEqual(new Set(['btcusdt@markPrice', 'ethusdt@markPrice']));
    expect(early.statuses.map((s) => s.up)).toEqual([true, false, true]);
    expect(late.statuses.map((s) => s.up)).toEqual([true, false, true]);
    expect(early.statuses[1]?.reason).toMatch(/closed by server|code 1006/);

    // Delays grow with each consecutive failure.
    server.dropAll();
    await waitFor(() => server.clients.length === 3 && server.openClients().length === 1, 'second reconnect');
    server.dropAll();
    const thirdDropAt = performance.now();
    await waitFor(() => server.clients.length === 4 && server.openClients().length === 1, 'third reconnect');
    expect((server.clients[3]?.openedAtMs ?? 0) - thirdDropAt).toBeGreaterThanOrEqual(75);

    server.broadcast('ethusdt@markPrice', { e: 'markPriceUpdate', E: 7 });
    await waitFor(() => late.events.length === 1, 'delivery after reconnect');
  });

  it('streams that do not fit in the URL are resubscribed with SUBSCRIBE frames after a reconnect', async () => {
    const { server, streams } = await open();
    const names = Array.from({ length: 150 }, (_, i) => `sym${String(i).padStart(3, '0')}usdt@markPrice@1s`);
    await Promise.all(names.map((name) => streams.subscribe(name, collect().handlers)));
    server.dropAll();
    await waitFor(() => server.openClients().length === 1 && server.openClients()[0]?.streams.size === 150, 'all 150');
    const second = server.openClients()[0] as (typeof server.clients)[number];
    expect(second.urlStreams.length).toBeGreaterThan(0);
    expect(second.urlStreams.length).toBeLessThan(150);
    const resubscribed = server.control.filter((c) => c.client === second.id).flatMap((c) => c.params);
    expect([...second.urlStreams, ...resubscribed].sort()).toEqual([...names].sort());
  });

  it('answers the server pings with pongs', async () => {
    const { server, streams } = await open();
    await streams.subscribe('btcusdt@markPrice', collect().handlers);
    server.pingAll();
    server.pingAll();
    await waitFor(() => server.allInbound().filter((f) => f.kind === 'pong').length === 2, 'two pongs');
  });

  it('treats a missing pong as a dead connection and reconnects', async () => {
    const { server, streams } = await open({ tuning: { ...fastTuning, pingIntervalMs: 50, pongTimeoutMs: 100 } });
    const mark = collect();
    await streams.subscribe('btcusdt@markPrice', mark.handlers);
    await waitFor(() => server.allInbound().some((f) => f.kind === 'ping'), 'a client ping');
    server.answerPings = false;
    await waitFor(() => server.clients.length >= 2 && server.clients[0]?.open === false, 'the dead link to be dropped');
    server.answerPings = true;
    await waitFor(() => mark.statuses.length >= 3, 'up again');
    expect(mark.statuses.slice(0, 3).map((s) => s.up)).toEqual([true, false, true]);
    expect(mark.statuses[1]?.reason).toMatch(/no pong within 100 ms/);
    expect(server.clients[1]?.streams.has('btcusdt@markPrice')).toBe(true);
  });

  it('treats an unanswered SUBSCRIBE as a dead connection and comes back with the stream in the URL', async () => {
    const { server, streams } = await open({ tuning: { ...fastTuning, replyTimeoutMs: 150 } });
    await streams.subscribe('btcusdt@markPrice', collect().handlers);
    server.answerRequests = false;
    const pending = streams.subscribe('ethusdt@markPrice', collect().handlers);
    await waitFor(() => server.clients.length === 2, 'a new connection');
    server.answerRequests = true;
    await pending;
    expect(new Set(server.clients[1]?.urlStreams)).toEqual(new Set(['btcusdt@markPrice', 'ethusdt@markPrice']));
  });
});

describe('market streams: 24 h rotation', () => {
  it('switches to a fresh connection before the lifetime ends without losing or repeating a message', async () => {
    const { server, streams } = await open({ tuning: { ...fastTuning, rotateAfterMs: 200, handoverTimeoutMs: 2_000 } });
    const seq = collect((data) => (data as { n: number }).n);
    const statuses = seq.statuses;
    await streams.subscribe('seq@test', seq.handlers);
    let n = 0;
    const startedAt = performance.now();
    while (performance.now() - startedAt < 1_200) {
      n++;
      server.broadcast('seq@test', { e: 'seq', E: n, n });
      await sleep(5);
    }
    const total = n;
    await waitFor(() => seq.events.length >= total, 'every message');
    await sleep(50);
    expect(server.clients.length).toBeGreaterThanOrEqual(4);
    expect(seq.events).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(statuses.map((s) => s.up)).toEqual([true]);
    await waitFor(() => server.openClients().length <= 2, 'retired connections to close');
  });

  it('rotates a quiet connection on the handover timeout', async () => {
    const { server, streams } = await open({ tuning: { ...fastTuning, rotateAfterMs: 100, handoverTimeoutMs: 100 } });
    const quiet = collect();
    await streams.subscribe('quiet@markPrice', quiet.handlers);
    await waitFor(() => server.clients.length >= 3, 'two rotations');
    await waitFor(() => server.openClients().length === 1, 'the overlap to end');
    server.broadcast('quiet@markPrice', { E: 1 });
    await waitFor(() => quiet.events.length === 1, 'delivery on the rotated connection');
    await sleep(30);
    expect(quiet.events).toHaveLength(1);
    expect(quiet.statuses.map((s) => s.up)).toEqual([true]);
  });
});

describe('market streams: rotation failures', () => {
  it('when the old connection dies during the overlap the new one takes over at once, with no down status', async () => {
    const { server, streams } = await open({
      tuning: { ...fastTuning, rotateAfterMs: 150, handoverTimeoutMs: 60_000 },
    });
    const quiet = collect();
    await streams.subscribe('quiet@markPrice', quiet.handlers);
    await waitFor(() => server.openClients().length === 2, 'the overlap');
    server.clients[0]?.ws.terminate();
    await waitFor(() => server.openClients().length === 1 || server.clients.length > 2, 'the takeover');
    server.broadcast('quiet@markPrice', { E: 42 });
    await waitFor(() => quiet.events.length === 1, 'delivery');
    await sleep(50);
    expect(quiet.events).toEqual([{ E: 42 }]);
    expect(quiet.statuses.map((s) => s.up)).toEqual([true]);
  });

  it('when the new connection cannot be opened the old one keeps serving and the rotation is retried', async () => {
    const { server, streams } = await open({ tuning: { ...fastTuning, rotateAfterMs: 100, handoverTimeoutMs: 100 } });
    const mark = collect();
    await streams.subscribe('btcusdt@markPrice', mark.handlers);
    server.refuseConnections = 2;
    await waitFor(() => server.clients.length >= 4 && server.clients[0]?.open === false, 'a successful rotation');
    expect(server.clients[1]?.open).toBe(false);
    expect(server.clients[2]?.open).toBe(false);
    expect(mark.statuses.map((s) => s.up)).toEqual([true]);
    await waitFor(() => server.openClients().length === 1, 'the overlap to end');
    server.broadcast('btcusdt@markPrice', { E: 1 });
    await waitFor(() => mark.events.length === 1, 'delivery');
  });
});

describe('market streams: shutdown', () => {
  it('close() leaves no timer and no socket behind and rejects pending subscriptions', async () => {
    const { server, streams } = await open({ tuning: { ...fastTuning, pingIntervalMs: 20 } });
    await streams.subscribe('btcusdt@markPrice', collect().handlers);
    server.answerRequests = false;
    const pending = streams.subscribe('ethusdt@markPrice', collect().handlers).catch((error: unknown) => error);
    await sleep(50);
    await streams.close();
    expect(String(await pending)).toMatch(/closed before the stream was confirmed/);
    expect(timers.active).toBe(0);
    await waitFor(() => server.openClients().length === 0, 'server to see the close');
    await expect(streams.subscribe('x@markPrice', collect().handlers)).rejects.toThrow(/closed/);
  });

  it('the last unsubscribe closes the idle connection', async () => {
    const { server, streams } = await open();
    const sub = await streams.subscribe('btcusdt@markPrice', collect().handlers);
    await sub.close();
    expect(streams.connectionCount).toBe(0);
    await waitFor(() => server.openClients().length === 0, 'the connection to close');
    expect(timers.active).toBe(0);
  });

  it('logs what it does without throwing from handlers', async () => {
    const log = recordingLogger();
    const { server, streams } = await open({ logger: log.logger });
    await streams.subscribe('btcusdt@markPrice', {
      parse: (data) => data,
      onEvent: () => {
        throw new Error('consumer bug');
      },
    });
    server.broadcast('btcusdt@markPrice', { E: 1 });
    await waitFor(() => log.lines.some((line) => line.message === 'ws stream handler threw'), 'the error log');
    expect(log.lines.some((line) => line.message === 'ws connected')).toBe(true);
  });
});
