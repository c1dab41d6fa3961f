/**
 * One HTTP exchange over node:http / node:https with a keep-alive agent.
 *
 * Why not fetch: after a failure we must know whether the request can have reached the exchange. A connection that
 * never opened (refused, DNS, timeout while connecting, TLS handshake failure) carried nothing, so even an order may
 * be sent again; once the socket is open the order may have arrived and its outcome is unknown. node:http exposes
 * the socket's `connect`/`secureConnect` events and `reusedSocket`, which is exactly that boundary; fetch hides it.
 */
import http from 'node:http';
import https from 'node:https';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpExchange {
  url: URL;
  method: HttpMethod;
  headers: Readonly<Record<string, string>>;
  body: string | undefined;
  /** Whole exchange: connect, send, and read the complete body. */
  timeoutMs: number;
  agent: http.Agent;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  bodyText: string;
}

/** A response larger than this is refused rather than buffered (exchangeInfo, the largest, is a few MB). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The exchange failed before a complete response arrived. */
export class SendFailure extends Error {
  override name = 'SendFailure';
  /** False only when the connection was never established, so nothing reached the server. */
  readonly sent: boolean;
  readonly timedOut: boolean;

  constructor(message: string, sent: boolean, timedOut: boolean, cause: unknown) {
    super(message, { cause });
    this.sent = sent;
    this.timedOut = timedOut;
  }
}

export function sendOnce(exchange: HttpExchange): Promise<RawResponse> {
  const { url, method, headers, body, timeoutMs, agent } = exchange;
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<RawResponse>((resolve, reject) => {
    let connected = false;
    let timedOut = false;
    let settled = false;

    const req = lib.request(url, { method, headers, agent });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error(`no complete response within ${timeoutMs} ms`));
    }, timeoutMs);

    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const what = timedOut ? 'timed out' : 'failed';
      const where = connected ? 'after the connection was open' : 'before the connection was open';
      reject(new SendFailure(`HTTP exchange ${what} ${where}`, connected, timedOut, error));
    };

    req.on('socket', (socket) => {
      // A pooled socket is already connected: anything written on it may reach the server. A new TLS socket
      // carries nothing of ours until the handshake is done, so for https the boundary is `secureConnect`.
      const tls = url.protocol === 'https:';
      if (req.reusedSocket || (!tls && !socket.connecting)) {
        connected = true;
        return;
      }
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        connected = true;
      });
    });
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          req.destroy(new Error(`response body exceeds ${MAX_RESPONSE_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(new Error('connection closed before the response was complete'));
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bodyText: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.end(body);
  });
}
