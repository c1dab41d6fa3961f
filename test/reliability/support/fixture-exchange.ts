/**
 * A fake Aster on a loopback port that answers each `METHOD /path` with a fixed body, and with a substitute body
 * for one route when a trial says so. It records every request (and the signatures it carried) so a suite can
 * count order requests and look for leaked signatures. It verifies nothing: it stands for an exchange that
 * answers garbage, not for the simulator.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  params: URLSearchParams;
}

/** New orders on either market (single and batch), in every API version. */
export function isOrderRequest(r: Pick<RecordedRequest, 'method' | 'path'>): boolean {
  return r.method === 'POST' && /\/(order|batchOrders)$/.test(r.path);
}

export class FixtureExchange {
  readonly requests: RecordedRequest[] = [];
  #routes = new Map<string, string>();
  #override: { route: string; text: string } | null = null;
  #server: Server | null = null;
  url = '';

  /** `route` is `METHOD /path`; `text` is the body sent with status 200. */
  set(route: string, text: string): void {
    this.#routes.set(route, text);
  }

  /** Answer `route` with `text` until `clearOverride`. */
  override(route: string, text: string): void {
    this.#override = { route, text };
  }

  clearOverride(): void {
    this.#override = null;
  }

  ordersReceived(): number {
    return this.requests.filter(isOrderRequest).length;
  }

  /** Every `signature` parameter any request carried. */
  signaturesSeen(): string[] {
    return this.requests.flatMap((r) => r.params.getAll('signature'));
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      void this.#answer(req).then(({ status, text }) => {
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.#server?.once('error', reject);
      this.#server?.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === null) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async #answer(req: IncomingMessage): Promise<{ status: number; text: string }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = req.url ?? '/';
    const at = raw.indexOf('?');
    const path = at < 0 ? raw : raw.slice(0, at);
    const params = new URLSearchParams(at < 0 ? '' : raw.slice(at + 1));
    for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params.append(k, v);
    const method = req.method ?? 'GET';
    this.requests.push({ method, path, params });
    const route = `${method} ${path}`;
    if (this.#override?.route === route) return { status: 200, text: this.#override.text };
    const text = this.#routes.get(route);
    if (text === undefined) return { status: 404, text: JSON.stringify({ code: -1121, msg: `no route ${route}` }) };
    return { status: 200, text };
  }
}
