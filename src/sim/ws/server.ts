/**
 * The WebSocket front end, on the same port as the REST API.
 *
 * Aster serves futures streams on `fstream` and spot streams on `sstream`; here both live on one port and a path
 * prefix tells them apart: `/ws/...` and `/stream?streams=...` (or `/futures/ws/...`) are the futures host,
 * `/spot/ws/...` and `/spot/stream?...` the spot host. User-data keys are per account AND market (a futures key from
 * `/fapi/*\/listenKey` streams futures events only, a spot key spot events only), so `/ws/<listenKey>` works under
 * either prefix.
 *
 * Behaviour follows aster-api.md §5: raw streams send bare payloads, combined streams `{stream, data}`; live
 * SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY; inbound message limits (10/s futures,
 * 5/s spot) close the connection when exceeded; the server pings and drops clients that stop answering; a key that
 * is not kept alive expires after 60 minutes of simulator time (`listenKeyExpired`), and every connection is closed
 * after 24 hours of simulator time.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { MarketKind } from '../../domain/market.ts';
import type { SimEvent, SimExchange, SimOrderEvent } from '../engine/index.ts';
import type { FaultInjector } from '../faults/index.ts';
import { placesFor } from '../http/format/market.ts';
import type { Activity } from '../http/pipeline.ts';
import type { ListenKeyEntry, ListenKeyRegistry } from './listen-keys.ts';
import {
  accountConfigUpdate,
  accountUpdate,
  bookTickerUpdate,
  executionReport,
  listenKeyExpired,
  markPriceUpdate,
  orderTradeUpdate,
  outboundAccountPosition,
} from './payloads.ts';
import { parseStream, type StreamSpec } from './streams.ts';

export const CONNECTION_LIFETIME_MS = 24 * 3_600_000;

export interface WsOptions {
  /** Wall-clock interval between server pings (Aster: 5 min futures, 3 min spot). */
  pingIntervalMs?: { perp: number; spot: number };
  /** Wall-clock time a client has to answer a ping before it is dropped. */
  pongTimeoutMs?: number;
  /** Inbound messages allowed per second (Aster: 10 futures, 5 spot). */
  maxMessagesPerSecond?: { perp: number; spot: number };
  /** Streams allowed per connection (Aster: 200 futures, 1024 spot). */
  maxStreams?: { perp: number; spot: number };
}

export interface WsDeps {
  engine: () => SimExchange;
  clockMs: () => number;
  listenKeys: ListenKeyRegistry;
  faults: FaultInjector;
  activity: Activity;
  options?: WsOptions;
}

interface Connection {
  ws: WebSocket;
  market: MarketKind;
  combined: boolean;
  streams: Map<string, StreamSpec>;
  userKeys: Set<string>;
  openedAtMs: number;
  messageWindowStartMs: number;
  messagesInWindow: number;
  lastPingWallMs: number;
  awaitingPong: boolean;
  /** Per symbol: the best bid/ask last sent on a bookTicker stream, so unchanged tops are not repeated. */
  sentBooks: Map<string, string>;
}

interface ParsedPath {
  market: MarketKind;
  names: string[];
  combined: boolean;
}

function parseUpgradePath(url: URL): ParsedPath | null {
  let path = url.pathname;
  let market: MarketKind = 'perp';
  if (path.startsWith('/spot/')) {
    market = 'spot';
    path = path.slice('/spot'.length);
  } else if (path.startsWith('/futures/')) {
    path = path.slice('/futures'.length);
  }
  if (path === '/ws' || path === '/ws/') return { market, names: [], combined: false };
  if (path.startsWith('/ws/')) return { market, names: [decodeURIComponent(path.slice(4))], combined: false };
  if (path === '/stream') {
    const streams = url.searchParams.get('streams') ?? '';
    return { market, names: streams === '' ? [] : streams.split('/'), combined: true };
  }
  return null;
}

export class WsFrontEnd {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  private unsubscribe: (() => void) | undefined;
  private lastSecond = -1;
  private lastThreeSeconds = -1;
  private drop: { every: number; bucket: number } | undefined;
  private readonly ping: { perp: number; spot: number };
  private readonly pongTimeoutMs: number;
  private readonly maxMessages: { perp: number; spot: number };
  private readonly maxStreams: { perp: number; spot: number };

  constructor(private readonly deps: WsDeps) {
    const o = deps.options ?? {};
    this.ping = o.pingIntervalMs ?? { perp: 5 * 60_000, spot: 3 * 60_000 };
    this.pongTimeoutMs = o.pongTimeoutMs ?? 10 * 60_000;
    this.maxMessages = o.maxMessagesPerSecond ?? { perp: 10, spot: 5 };
    this.maxStreams = o.maxStreams ?? { perp: 200, spot: 1024 };
    deps.listenKeys.onClosed((entry) => this.dropKey(entry, false));
    this.bindEngine();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Listens to the current engine's events (again, after a reset replaced the engine). */
  bindEngine(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.deps.engine().subscribe((event) => this.onEngineEvent(event));
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  /**
   * Periodic work, called by the host every few wall milliseconds and after every clock jump: key expiry, connection
   * lifetime, injected drops, pings, the mark-price cadence and book-ticker changes.
   */
  pump(): void {
    const nowMs = this.deps.clockMs();
    for (const entry of this.deps.listenKeys.expire(nowMs)) this.dropKey(entry, true);
    for (const conn of this.connections) {
      if (nowMs - conn.openedAtMs >= CONNECTION_LIFETIME_MS) conn.ws.close(1000, 'connection lifetime reached');
    }
    this.injectDrops(nowMs);
    this.checkPings();
    // Mark prices go out when the clock crosses a whole second (or 3 s); a jump across many boundaries sends one.
    const second = Math.floor(nowMs / 1000);
    const threeSeconds = Math.floor(nowMs / 3000);
    const newSecond = this.lastSecond >= 0 && second !== this.lastSecond;
    const newThreeSeconds = this.lastThreeSeconds >= 0 && threeSeconds !== this.lastThreeSeconds;
    this.lastSecond = second;
    this.lastThreeSeconds = threeSeconds;
    if (this.connections.size === 0) return;
    if (newSecond) this.publishMarkPrices(1000);
    if (newThreeSeconds) this.publishMarkPrices(3000);
    this.publishBookTickers();
  }

  /** Publishes every mark-price stream at once (after a price set through the control API). */
  publishMarkPricesNow(): void {
    this.publishMarkPrices(1000);
    this.publishMarkPrices(3000);
    this.publishBookTickers();
  }

  /** Closes every connection abruptly, as a network drop would. */
  dropAll(): void {
    for (const conn of this.connections) conn.ws.terminate();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    for (const conn of this.connections) conn.ws.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  // ---------------------------------------------------------------- connections

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parsed = parseUpgradePath(url);
    const nowMs = this.deps.clockMs();
    const rejectWith = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!parsed) {
      rejectWith(404, 'Not Found');
      return;
    }
    const resolved = parsed.names.map((name) => this.resolveName(name, parsed.market, nowMs));
    if (resolved.some((r) => r === null) || resolved.length > this.maxStreams[parsed.market]) {
      rejectWith(400, 'Bad Request');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Connection = {
        ws,
        market: parsed.market,
        combined: parsed.combined,
        streams: new Map(),
        userKeys: new Set(),
        openedAtMs: nowMs,
        messageWindowStartMs: Date.now(),
        messagesInWindow: 0,
        lastPingWallMs: Date.now(),
        awaitingPong: false,
        sentBooks: new Map(),
      };
      for (const [i, r] of resolved.entries()) this.addSubscription(conn, parsed.names[i] as string, r);
      this.connections.add(conn);
      ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(conn, data, isBinary));
      ws.on('pong', () => {
        conn.awaitingPong = false;
      });
      ws.on('close', () => this.connections.delete(conn));
      ws.on('error', () => this.connections.delete(conn));
    });
  }

  /** A listen key (user data) or a market stream; null when neither. */
  private resolveName(name: string, market: MarketKind, nowMs: number): ListenKeyEntry | StreamSpec | null {
    const entry = this.deps.listenKeys.lookup(name, nowMs);
    if (entry) return entry;
    return parseStream(name, market);
  }

  private addSubscription(conn: Connection, name: string, resolved: ListenKeyEntry | StreamSpec | null): void {
    if (resolved === null) return;
    if ('key' in resolved) conn.userKeys.add(resolved.key);
    else conn.streams.set(name, resolved);
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    const wallMs = Date.now();
    if (wallMs - conn.messageWindowStartMs >= 1000) {
      conn.messageWindowStartMs = wallMs;
      conn.messagesInWindow = 0;
    }
    conn.messagesInWindow++;
    if (conn.messagesInWindow > this.maxMessages[conn.market]) {
      conn.ws.close(1008, 'too many messages');
      return;
    }
    if (isBinary) return;
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(data.toString()) as typeof request;
    } catch {
      this.reply(conn, { error: { code: 3, msg: 'Invalid JSON: malformed message' }, id: null });
      return;
    }
    const id = typeof request.id === 'number' || typeof request.id === 'string' ? request.id : null;
    const params = Array.isArray(request.params) ? request.params : [];
    const nowMs = this.deps.clockMs();
    switch (request.method) {
      case 'SUBSCRIBE': {
        const names = params.filter((p): p is string => typeof p === 'string');
        const resolved = names.map((n) => this.resolveName(n, conn.market, nowMs));
        const bad = names.find((_, i) => resolved[i] === null);
        if (bad !== undefined || names.length !== params.length) {
          this.reply(conn, { error: { code: 2, msg: `Invalid request: unknown stream '${bad ?? ''}'` }, id });
          return;
        }
        if (conn.streams.size + conn.userKeys.size + names.length > this.maxStreams[conn.market]) {
          this.reply(conn, { error: { code: 2, msg: 'Invalid request: too many streams' }, id });
          return;
        }
        for (const [i, r] of resolved.entries()) this.addSubscription(conn, names[i] as string, r);
        this.reply(conn, { result: null, id });
        return;
      }
      case 'UNSUBSCRIBE':
        for (const name of params) {
          if (typeof name !== 'string') continue;
          conn.streams.delete(name);
          conn.userKeys.delete(name);
        }
        this.reply(conn, { result: null, id });
        return;
      case 'LIST_SUBSCRIPTIONS':
        this.reply(conn, { result: [...conn.streams.keys(), ...conn.userKeys], id });
        return;
      case 'SET_PROPERTY':
        if (params[0] === 'combined' && typeof params[1] === 'boolean') {
          conn.combined = params[1];
          this.reply(conn, { result: null, id });
        } else {
          this.reply(conn, { error: { code: 2, msg: 'Invalid request: unknown property' }, id });
        }
        return;
      case 'GET_PROPERTY':
        if (params[0] === 'combined') this.reply(conn, { result: conn.combined, id });
        else this.reply(conn, { error: { code: 2, msg: 'Invalid request: unknown property' }, id });
        return;
      default:
        this.reply(conn, { error: { code: 2, msg: 'Invalid request: unknown method' }, id });
    }
  }

  private reply(conn: Connection, body: unknown): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(body));
  }

  private send(conn: Connection, stream: string, payload: unknown): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(JSON.stringify(conn.combined ? { stream, data: payload } : payload));
  }

  private checkPings(): void {
    const wallMs = Date.now();
    for (const conn of this.connections) {
      if (conn.awaitingPong && wallMs - conn.lastPingWallMs > this.pongTimeoutMs) {
        conn.ws.terminate();
        continue;
      }
      if (!conn.awaitingPong && wallMs - conn.lastPingWallMs >= this.ping[conn.market]) {
        conn.lastPingWallMs = wallMs;
        conn.awaitingPong = true;
        if (conn.ws.readyState === WebSocket.OPEN) conn.ws.ping();
      }
    }
  }

  /** Fault `ws-drop`: every connection is cut each time the clock crosses a multiple of the period. */
  private injectDrops(nowMs: number): void {
    const every = this.deps.faults.wsDropEveryMs;
    if (every <= 0) {
      this.drop = undefined;
      return;
    }
    const bucket = Math.floor(nowMs / every);
    if (this.drop === undefined || this.drop.every !== every) {
      this.drop = { every, bucket };
      return;
    }
    if (bucket !== this.drop.bucket) {
      this.drop.bucket = bucket;
      this.dropAll();
    }
  }

  /** A key expired (`listenKeyExpired` is sent) or was closed by its owner: its connections stop receiving. */
  private dropKey(entry: ListenKeyEntry, expired: boolean): void {
    const nowMs = this.deps.clockMs();
    for (const conn of this.connections) {
      if (!conn.userKeys.has(entry.key)) continue;
      if (expired) this.send(conn, entry.key, listenKeyExpired(nowMs));
      conn.userKeys.delete(entry.key);
      if (conn.userKeys.size === 0 && conn.streams.size === 0) conn.ws.close(1000, 'listenKey expired');
    }
  }

  // ---------------------------------------------------------------- publishing

  private publishMarkPrices(everyMs: 1000 | 3000): void {
    const subscribers = [...this.connections].filter((c) =>
      [...c.streams.values()].some((s) => s.kind === 'markPrice' && s.everyMs === everyMs),
    );
    if (subscribers.length === 0) return;
    const result = this.deps.engine().premiumIndex();
    if (!result.ok) return;
    const timeMs = this.deps.clockMs();
    const payloads = new Map(
      result.value.map((p) => [
        p.symbol,
        markPriceUpdate(
          {
            type: 'markPrice',
            timeMs: p.timeMs,
            symbol: p.symbol,
            markPrice: p.markPrice,
            indexPrice: p.indexPrice,
            estimatedSettlePrice: p.estimatedSettlePrice,
            fundingRate: p.lastFundingRate,
            nextFundingTimeMs: p.nextFundingTimeMs,
          },
          timeMs,
        ),
      ]),
    );
    for (const conn of subscribers) {
      for (const [name, spec] of conn.streams) {
        if (spec.kind !== 'markPrice' || spec.everyMs !== everyMs) continue;
        if (spec.symbol === null) this.send(conn, name, [...payloads.values()]);
        else {
          const payload = payloads.get(spec.symbol);
          if (payload) this.send(conn, name, payload);
        }
      }
    }
  }

  private publishBookTickers(): void {
    const byMarket = new Map<MarketKind, Connection[]>();
    for (const conn of this.connections) {
      if ([...conn.streams.values()].some((s) => s.kind === 'bookTicker')) {
        byMarket.set(conn.market, [...(byMarket.get(conn.market) ?? []), conn]);
      }
    }
    const timeMs = this.deps.clockMs();
    for (const [market, conns] of byMarket) {
      const result = this.deps.engine().bookTickers(market);
      if (!result.ok) continue;
      for (const ticker of result.value) {
        const top = `${ticker.bidPrice}|${ticker.bidQty}|${ticker.askPrice}|${ticker.askQty}`;
        let payload: unknown;
        for (const conn of conns) {
          if (conn.sentBooks.get(ticker.symbol) === top) continue;
          let sent = false;
          for (const [name, spec] of conn.streams) {
            if (spec.kind !== 'bookTicker' || (spec.symbol !== null && spec.symbol !== ticker.symbol)) continue;
            payload ??= bookTickerUpdate(
              ticker,
              placesFor(this.deps.engine().definition(market, ticker.symbol)),
              timeMs,
            );
            this.send(conn, name, payload);
            sent = true;
          }
          if (sent) conn.sentBooks.set(ticker.symbol, top);
        }
      }
    }
  }

  private userConnections(account: string, market: MarketKind): { conn: Connection; key: string }[] {
    const keys = this.deps.listenKeys.keysOf(account, market, this.deps.clockMs());
    const out: { conn: Connection; key: string }[] = [];
    for (const entry of keys) {
      for (const conn of this.connections) if (conn.userKeys.has(entry.key)) out.push({ conn, key: entry.key });
    }
    return out;
  }

  private onEngineEvent(event: SimEvent): void {
    if (this.connections.size === 0) return;
    switch (event.type) {
      case 'order':
        this.deliverOrder(event);
        return;
      case 'spotBalance': {
        const reason =
          this.deps.activity.action === 'transfer'
            ? 'ASSET_TRANSFER'
            : this.deps.activity.action === 'control'
              ? 'DEPOSIT'
              : 'ORDER';
        const payload = outboundAccountPosition(event, reason);
        for (const { conn, key } of this.userConnections(event.accountId, 'spot')) this.send(conn, key, payload);
        return;
      }
      case 'futuresAccount': {
        const payload = accountUpdate(event, (symbol) => placesFor(this.deps.engine().definition('perp', symbol)));
        for (const { conn, key } of this.userConnections(event.accountId, 'perp')) this.send(conn, key, payload);
        return;
      }
      case 'accountConfig': {
        const payload = accountConfigUpdate(event);
        for (const { conn, key } of this.userConnections(event.accountId, 'perp')) this.send(conn, key, payload);
        return;
      }
      default:
        return;
    }
  }

  private deliverOrder(event: SimOrderEvent): void {
    const def = this.deps.engine().definition(event.market, event.order.symbol);
    const places = placesFor(def);
    const payload =
      event.market === 'perp'
        ? orderTradeUpdate(event, places, def?.quoteAsset ?? 'USDT')
        : executionReport(event, places);
    for (const { conn, key } of this.userConnections(event.accountId, event.market)) this.send(conn, key, payload);
  }
}
