/** A WebSocket test client that records every message and waits for the ones a test expects. */
import WebSocket from 'ws';

/** A decoded stream message; tests read its fields directly. */
// biome-ignore lint/suspicious/noExplicitAny: stream payloads are checked field by field in the tests
export type StreamMessage = any;

export class StreamRecorder {
  readonly messages: unknown[] = [];
  readonly ws: WebSocket;
  private waiters: { match: (m: unknown) => boolean; resolve: (m: unknown) => void }[] = [];
  readonly closed: Promise<number>;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      const message: unknown = JSON.parse(String(data));
      this.messages.push(message);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(message)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
  }

  opened(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  /** The first recorded or future message matching `match`; fails after `timeoutMs` of wall time. */
  next<T = StreamMessage>(match: (m: StreamMessage) => boolean, timeoutMs = 5000): Promise<T> {
    const seen = this.messages.find(match);
    if (seen !== undefined) return Promise.resolve(seen as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
      });
    });
  }

  send(body: unknown): void {
    this.ws.send(JSON.stringify(body));
  }

  close(): void {
    this.ws.terminate();
  }
}
