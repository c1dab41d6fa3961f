import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface InboundFrame {
  atMs: number;
  kind: 'json' | 'ping' | 'pong';
  text?: string;
}

export interface ControlMessage {
  atMs: number;
  client: number;
  method: string;
  params: string[];
  id: unknown;
}

export interface ServerClient {
  id: number;
  ws: WebSocket;
  /** `/stream` for combined connections, `/ws/<name>` for raw ones. */
  path: string;
  /** Streams named in the connection URL. */
  urlStreams: string[];
  streams: Set<string>;
  inbound: InboundFrame[];
  open: boolean;
  openedAtMs: number;
}

/**
 * A small stand-in for Aster's stream servers on 127.0.0.1: combined (`/stream?streams=`) and raw (`/ws/<name>`)
 * paths, SUBSCRIBE/UNSUBSCRIBE with `{"result": null, "id"}` replies, ping/pong, and hooks to misbehave.
 */
export class FakeStreamServer {
  readonly clients: ServerClient[] = [];
  readonly control: ControlMessage[] = [];
  /** When false the server ignores the client's pings (a half-dead connection). */
  answerPings = true;
  /** When false SUBSCRIBE/UNSUBSCRIBE get no reply at all. */
  answerRequests = true;
  /** The next this many connections are cut right after the handshake. */
  refuseConnections = 0;
  /** Streams whose SUBSCRIBE is answered with an error. */
  readonly refused = new Set<string>();
  private readonly wss: WebSocketServer;
  private nextClient = 1;

  private constructor(wss: WebSocketServer) {
    this.wss = wss;
    wss.on('connection', (ws, request) => this.accept(ws, request.url ?? '/'));
  }

  static async start(): Promise<FakeStreamServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    return new FakeStreamServer(wss);
  }

  get url(): string {
    const address = this.wss.address() as AddressInfo;
    return `ws://127.0.0.1:${address.port}`;
  }

  openClients(): ServerClient[] {
    return this.clients.filter((client) => client.open);
  }

  /** Sends `{"stream", "data"}` to every open client carrying `stream`, byte-identical on each. */
  broadcast(stream: string, data: unknown): number {
    const text = JSON.stringify({ stream, data });
    let sent = 0;
    for (const client of this.openClients()) {
      if (!client.streams.has(stream)) continue;
      client.ws.send(text);
      sent++;
    }
    return sent;
  }

  /** Sends a raw payload to every open client connected on `path` (e.g. `/ws/<listenKey>`). */
  sendOnPath(path: string, payload: unknown): number {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    let sent = 0;
    for (const client of this.openClients()) {
      if (client.path !== path) continue;
      client.ws.send(text);
      sent++;
    }
    return sent;
  }

  pingAll(): void {
    for (const client of this.openClients()) client.ws.ping();
  }

  dropAll(): void {
    for (const client of this.openClients()) client.ws.terminate();
  }

  /** Every inbound frame of every client, in arrival order. */
  allInbound(): InboundFrame[] {
    return this.clients.flatMap((client) => client.inbound).sort((a, b) => a.atMs - b.atMs);
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket, rawUrl: string): void {
    const url = new URL(rawUrl, 'http://127.0.0.1');
    const urlStreams = (url.searchParams.get('streams') ?? '').split('/').filter((name) => name.length > 0);
    const client: ServerClient = {
      id: this.nextClient++,
      ws,
      path: url.pathname,
      urlStreams,
      streams: new Set(urlStreams),
      inbound: [],
      open: true,
      openedAtMs: performance.now(),
    };
    this.clients.push(client);
    if (this.refuseConnections > 0) {
      this.refuseConnections--;
      client.open = false;
      ws.terminate();
      return;
    }
    ws.on('close', () => {
      client.open = false;
    });
    ws.on('ping', (payload) => {
      client.inbound.push({ atMs: performance.now(), kind: 'ping' });
      if (this.answerPings) ws.pong(payload);
    });
    ws.on('pong', () => client.inbound.push({ atMs: performance.now(), kind: 'pong' }));
    ws.on('message', (data) => {
      const text = data.toString();
      client.inbound.push({ atMs: performance.now(), kind: 'json', text });
      this.handleRequest(client, text);
    });
  }

  private handleRequest(client: ServerClient, text: string): void {
    const request = JSON.parse(text) as { method: string; params?: string[]; id: unknown };
    const params = request.params ?? [];
    this.control.push({ atMs: performance.now(), client: client.id, method: request.method, params, id: request.id });
    if (!this.answerRequests) return;
    if (request.method === 'SUBSCRIBE') {
      const refused = params.filter((stream) => this.refused.has(stream));
      if (refused.length > 0) {
        client.ws.send(
          JSON.stringify({ error: { code: 2, msg: `Invalid request: ${refused.join(',')}` }, id: request.id }),
        );
        return;
      }
      for (const stream of params) client.streams.add(stream);
    } else if (request.method === 'UNSUBSCRIBE') {
      for (const stream of params) client.streams.delete(stream);
    }
    client.ws.send(JSON.stringify({ result: null, id: request.id }));
  }
}

/** The largest number of frames that fall within any window of `windowMs`. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
