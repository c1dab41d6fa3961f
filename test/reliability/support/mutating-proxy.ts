/**
 * A loopback proxy in front of the simulator that mutates the JSON body of one route (`METHOD /path`) and passes
 * everything else through untouched: the engine then runs against a real exchange of which one answer is bad.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class MutatingProxy {
  #server: Server | null = null;
  #target: { route: string; mutate: (text: string) => string } | null = null;
  url = '';
  mutatedAnswers = 0;

  constructor(private readonly upstream: string) {}

  target(route: string, mutate: (text: string) => string): void {
    this.#target = { route, mutate };
  }

  clear(): void {
    this.#target = null;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const method = req.method ?? 'GET';
        const raw = req.url ?? '/';
        const path = raw.split('?')[0] as string;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
        }
        const body = chunks.length === 0 ? undefined : Buffer.concat(chunks);
        fetch(`${this.upstream}${raw}`, { method, headers, ...(body === undefined ? {} : { body }) })
          .then(async (upstream) => {
            let text = await upstream.text();
            if (this.#target?.route === `${method} ${path}` && upstream.ok) {
              text = this.#target.mutate(text);
              this.mutatedAnswers++;
            }
            res.writeHead(upstream.status, {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(text),
            });
            res.end(text);
          })
          .catch(() => res.destroy());
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
}
