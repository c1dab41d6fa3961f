/**
 * Replays recorded simulator answers from a loopback server that adds a fixed latency and nothing else: an
 * exchange whose only cost is the round trip. With it, a scan's wall time is the client's own (request
 * concurrency, parsing N symbols) plus the network, which is what the scan-time target is about; the live
 * simulator additionally spends its own single-threaded processing time on every all-symbols endpoint.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class ReplayServer {
  readonly #bodies = new Map<string, string>();
  #server: Server | null = null;
  url = '';

  constructor(private readonly latencyMs: number) {}

  /** Records the answer of `GET <path>` from `sourceUrl` (public endpoints only). */
  async record(sourceUrl: string, path: string): Promise<void> {
    const response = await fetch(`${sourceUrl}${path}`);
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    this.#bodies.set(path, await response.text());
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] as string;
      const body = this.#bodies.get(path);
      setTimeout(() => {
        if (body === undefined) {
          res.writeHead(404, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ code: -1121, msg: `not recorded: ${path}` }));
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      }, this.latencyMs);
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
}
