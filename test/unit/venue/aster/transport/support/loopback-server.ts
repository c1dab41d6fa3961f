/**
 * A scripted HTTP server on 127.0.0.1 for transport tests: records every request (method, path, parameters from
 * the query and the form body, headers) and lets each test decide how to answer, including never answering or
 * dropping the connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  /** Raw query string (without `?`) and raw body, exactly as received. */
  query: string;
  body: string;
  /** Parameters from the query then the body, in order. */
  params: Array<[string, string]>;
  headers: http.IncomingHttpHeaders;
}

export type Handler = (req: Recorded, res: http.ServerResponse, hitsOnPath: number) => unknown;

export interface LoopbackServer {
  url: string;
  requests: Recorded[];
  hits(path: string): number;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(text);
}

export function param(req: Recorded, key: string): string | undefined {
  return req.params.find(([k]) => k === key)?.[1];
}

export async function startLoopbackServer(initial?: Handler): Promise<LoopbackServer> {
  const requests: Recorded[] = [];
  const counts = new Map<string, number>();
  let handler: Handler = initial ?? ((_req, res) => sendJson(res, 404, { code: -1, msg: 'no handler' }));

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      const query = url.search.replace(/^\?/, '');
      const params: Array<[string, string]> = [
        ...new URLSearchParams(query).entries(),
        ...new URLSearchParams(body).entries(),
      ];
      const recorded: Recorded = {
        method: req.method ?? '',
        path: url.pathname,
        query,
        body,
        params,
        headers: req.headers,
      };
      requests.push(recorded);
      const n = (counts.get(url.pathname) ?? 0) + 1;
      counts.set(url.pathname, n);
      Promise.resolve(handler(recorded, res, n)).catch((error: unknown) => {
        sendJson(res, 500, { code: -1000, msg: String(error) });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hits: (path) => counts.get(path) ?? 0,
    handle(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
