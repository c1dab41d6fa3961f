import { afterEach, describe, expect, it } from 'vitest';
import { DnfarmError } from '../../../../../src/errors.ts';
import type { StreamStatus } from '../../../../../src/venue/aster/ws/status.ts';
import {
  type ListenKeyApi,
  type UserDataDelivery,
  UserDataStream,
  type UserDataStreamOptions,
} from '../../../../../src/venue/aster/ws/user-data-stream.ts';
import { FakeStreamServer } from './support/fake-stream-server.ts';
import { recordingLogger } from './support/log-recorder.ts';
import { sleep, TrackingTimers, waitFor } from './support/timers.ts';

/** Stands in for the REST listenKey endpoints: one key per account until it expires or is deleted. */
class FakeListenKeys implements ListenKeyApi {
  current: string | null = null;
  readonly issued: string[] = [];
  readonly keepAlives: Array<{ key: string; atMs: number }> = [];
  readonly closed: string[] = [];
  createCalls = 0;
  createError: unknown = null;
  keepAliveError: unknown = null;

  async create(): Promise<string> {
    this.createCalls++;
    if (this.createError !== null) throw this.createError;
    if (this.current === null) {
      const serial = String(this.issued.length + 1).padStart(4, '0');
      this.current = `Lk${serial}${'x9Q7'.repeat(14)}ZZ`;
      this.issued.push(this.current);
    }
    return this.current;
  }

  async keepAlive(key: string): Promise<void> {
    if (this.keepAliveError !== null) throw this.keepAliveError;
    this.keepAlives.push({ key, atMs: performance.now() });
  }

  async close(key: string): Promise<void> {
    this.closed.push(key);
    if (this.current === key) this.current = null;
  }

  /** The server-side expiry: the next create() hands out a new key. */
  expire(): void {
    this.current = null;
  }
}

interface Event {
  e: string;
  E: number;
  tag?: string;
}

const fastTuning = {
  connectTimeoutMs: 2_000,
  pingIntervalMs: 60_000,
  replyTimeoutMs: 2_000,
  closeTimeoutMs: 500,
  backoff: { initialDelayMs: 40, maxDelayMs: 400, jitterRatio: 0.5, resetAfterMs: 60_000 },
};

let server: FakeStreamServer | null = null;
let stream: UserDataStream<Event> | null = null;

interface Harness {
  server: FakeStreamServer;
  stream: UserDataStream<Event>;
  keys: FakeListenKeys;
  timers: TrackingTimers;
  events: Array<{ event: Event; delivery: UserDataDelivery }>;
  statuses: StreamStatus[];
  errors: unknown[];
  log: ReturnType<typeof recordingLogger>;
}

async function setup(options: Partial<UserDataStreamOptions<Event>> = {}): Promise<Harness> {
  server = await FakeStreamServer.start();
  const keys = new FakeListenKeys();
  const timers = new TrackingTimers();
  const events: Harness['events'] = [];
  const statuses: StreamStatus[] = [];
  const errors: unknown[] = [];
  const log = recordingLogger();
  stream = new UserDataStream<Event>({
    wsBaseUrl: server.url,
    market: 'perp',
    listenKeys: keys,
    parse: (payload) => {
      const event = payload as Partial<Event>;
      if (typeof event.e !== 'string' || typeof event.E !== 'number') {
        throw new Error(`e/E: malformed event ${JSON.stringify(payload)}`);
      }
      return event as Event;
    },
    onEvent: (event, delivery) => events.push({ event, delivery }),
    onStatus: (status) => statuses.push(status),
    onError: (error) => errors.push(error),
    reorderWindowMs: 60,
    tuning: fastTuning,
    timers,
    logger: log.logger,
    ...options,
  });
  return { server, stream, keys, timers, events, statuses, errors, log };
}

afterEach(async () => {
  await stream?.close();
  await server?.close();
  stream = null;
  server = null;
});

const pathOf = (key: string | null) => `/ws/${key}`;

describe('user-data stream: listenKey lifecycle', () => {
  it('creates a key, connects on /ws/<listenKey> and delivers its events', async () => {
    const h = await setup();
    await h.stream.start();
    expect(h.keys.issued).toHaveLength(1);
    expect(h.server.clients[0]?.path).toBe(pathOf(h.keys.current));
    expect(h.statuses).toEqual([{ up: true, reason: 'connected' }]);
    h.server.sendOnPath(pathOf(h.keys.current), { e: 'ACCOUNT_UPDATE', E: 1_000, T: 999, a: { m: 'FUNDING_FEE' } });
    await waitFor(() => h.events.length === 1, 'the event');
    expect(h.events[0]?.event.e).toBe('ACCOUNT_UPDATE');
    expect(h.events[0]?.delivery).toEqual({ eventTimeMs: 1_000, late: false });
  });

  it('keeps the key alive on schedule', async () => {
    const h = await setup({ keepAliveIntervalMs: 100 });
    await h.stream.start();
    await waitFor(() => h.keys.keepAlives.length >= 3, 'three keep-alives');
    const gaps = h.keys.keepAlives.slice(1).map((k, i) => k.atMs - (h.keys.keepAlives[i]?.atMs ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(90);
    expect(h.keys.keepAlives.every((k) => k.key === h.keys.issued[0])).toBe(true);
  });

  it('a failed keep-alive falls back to asking for the key again', async () => {
    const h = await setup({ keepAliveIntervalMs: 80, keepAliveRetryMs: 50 });
    await h.stream.start();
    const before = h.keys.createCalls;
    h.keys.keepAliveError = new DnfarmError('listenKey does not exist', { kind: 'fatal' });
    h.keys.expire();
    await waitFor(() => h.server.clients.some((c) => c.open && c.path === pathOf(h.keys.issued[1] ?? '')), 'new key');
    expect(h.keys.createCalls).toBeGreaterThan(before);
    expect(h.log.text()).toMatch(/keep-alive failed/);
  });

  it('on listenKeyExpired it obtains a new key and reconnects to it', async () => {
    const h = await setup();
    await h.stream.start();
    const firstKey = h.keys.current as string;
    h.keys.expire();
    h.server.sendOnPath(pathOf(firstKey), { e: 'listenKeyExpired', E: 5_000 });
    await waitFor(() => h.keys.issued.length === 2, 'a second key');
    const secondKey = h.keys.issued[1] as string;
    await waitFor(() => h.server.openClients().some((c) => c.path === pathOf(secondKey)), 'the new connection');
    await waitFor(() => h.server.openClients().every((c) => c.path !== pathOf(firstKey)), 'the old one to close');
    h.server.sendOnPath(pathOf(secondKey), { e: 'ORDER_TRADE_UPDATE', E: 6_000 });
    await waitFor(() => h.events.length === 2, 'the events');
    expect(h.events.map((x) => x.event.e)).toEqual(['listenKeyExpired', 'ORDER_TRADE_UPDATE']);
    expect(h.statuses.map((s) => s.up)).toEqual([true, false, true]);
    expect(h.statuses[1]?.reason).toBe('listenKey expired');
  });

  it('closes the key on close() and leaves no timer or socket behind', async () => {
    const h = await setup({ keepAliveIntervalMs: 50 });
    await h.stream.start();
    const key = h.keys.current;
    await h.stream.close();
    expect(h.keys.closed).toEqual([key]);
    expect(h.timers.active).toBe(0);
    await waitFor(() => h.server.openClients().length === 0, 'the socket to close');
  });

  it('never writes the listenKey to the log', async () => {
    const h = await setup({ keepAliveIntervalMs: 40 });
    await h.stream.start();
    h.keys.expire();
    h.server.sendOnPath(pathOf(h.keys.current ?? h.keys.issued[0] ?? ''), { e: 'listenKeyExpired', E: 1 });
    await waitFor(() => h.server.openClients().some((c) => c.path === pathOf(h.keys.issued[1] ?? '')), 'new key');
    await sleep(100);
    await h.stream.close();
    const text = h.log.text();
    expect(text.length).toBeGreaterThan(0);
    for (const key of h.keys.issued) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(6));
    }
    expect(text).toContain('Lk00…(64)');
  });

  it('start() rejects when the key cannot be created for a reason retrying will not fix', async () => {
    const h = await setup();
    h.keys.createError = new DnfarmError('-2015 Invalid API-key, IP, or permissions', { kind: 'fatal' });
    await expect(h.stream.start()).rejects.toThrow(/Invalid API-key/);
    expect(h.server.clients).toHaveLength(0);
    expect(h.timers.active).toBe(0);
  });

  it('retries a transient key failure with backoff and reports the stream up once connected', async () => {
    const h = await setup();
    h.keys.createError = new DnfarmError('HTTP 503', { kind: 'retryable' });
    const started = h.stream.start();
    await waitFor(() => h.keys.createCalls >= 3, 'retries');
    h.keys.createError = null;
    await started;
    expect(h.stream.isUp).toBe(true);
  });
});

describe('user-data stream: ordering and reconnects', () => {
  it('delivers events sent out of order in E order', async () => {
    const h = await setup();
    await h.stream.start();
    const path = pathOf(h.keys.current);
    for (const [E, tag] of [
      [3_000, 'c'],
      [1_000, 'a'],
      [4_000, 'd'],
      [2_000, 'b'],
    ] as const) {
      h.server.sendOnPath(path, { e: 'ORDER_TRADE_UPDATE', E, tag });
    }
    await waitFor(() => h.events.length === 4, 'four events');
    expect(h.events.map((x) => x.event.tag)).toEqual(['a', 'b', 'c', 'd']);
    expect(h.events.every((x) => !x.delivery.late)).toBe(true);
  });

  it('an event older than one already delivered is still delivered, flagged late', async () => {
    const h = await setup({ reorderWindowMs: 20 });
    await h.stream.start();
    const path = pathOf(h.keys.current);
    h.server.sendOnPath(path, { e: 'ORDER_TRADE_UPDATE', E: 2_000, tag: 'new' });
    await waitFor(() => h.events.length === 1, 'the first event');
    h.server.sendOnPath(path, { e: 'ACCOUNT_UPDATE', E: 1_500, tag: 'old' });
    await waitFor(() => h.events.length === 2, 'the late event');
    expect(h.events[1]?.delivery).toEqual({ eventTimeMs: 1_500, late: true });
    expect(h.log.text()).toMatch(/out of order/);
  });

  it('a malformed event goes to onError; the stream carries on', async () => {
    const h = await setup();
    await h.stream.start();
    const path = pathOf(h.keys.current);
    h.server.sendOnPath(path, { e: 'ACCOUNT_UPDATE' });
    h.server.sendOnPath(path, 'not json');
    h.server.sendOnPath(path, { e: 'ACCOUNT_UPDATE', E: 9 });
    await waitFor(() => h.events.length === 1, 'the valid event');
    expect(String(h.errors[0])).toMatch(/malformed event/);
  });

  it('reconnects after a drop, asking for the key again, and reports down then up', async () => {
    const h = await setup();
    await h.stream.start();
    const calls = h.keys.createCalls;
    h.server.dropAll();
    await waitFor(() => h.statuses.length === 3, 'down and up');
    expect(h.statuses.map((s) => s.up)).toEqual([true, false, true]);
    expect(h.keys.createCalls).toBe(calls + 1);
    expect(h.keys.issued).toHaveLength(1);
    h.server.sendOnPath(pathOf(h.keys.current), { e: 'ACCOUNT_UPDATE', E: 1 });
    await waitFor(() => h.events.length === 1, 'delivery after reconnect');
  });

  it('rotates its connection without repeating or losing an event', async () => {
    const h = await setup({ tuning: { ...fastTuning, rotateAfterMs: 150, handoverTimeoutMs: 1_000 } });
    await h.stream.start();
    const path = pathOf(h.keys.current);
    let E = 0;
    const startedAt = performance.now();
    while (performance.now() - startedAt < 800) {
      E++;
      h.server.sendOnPath(path, { e: 'ACCOUNT_UPDATE', E });
      await sleep(7);
    }
    const total = E;
    await waitFor(() => h.events.length >= total, 'every event');
    await sleep(80);
    expect(h.server.clients.length).toBeGreaterThanOrEqual(3);
    expect(h.events.map((x) => x.event.E)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(h.statuses.map((s) => s.up)).toEqual([true]);
  });
});
