import { describeError } from '../../../errors.ts';
import { StreamError } from './errors.ts';
import type { ControlRequest } from './frame.ts';
import type { StreamLogger } from './logger.ts';
import type { StreamSocket } from './stream-socket.ts';

type StreamState = 'subscribing' | 'active' | 'unsubscribing';

export interface SocketSubscriptionsOptions {
  /** The streams the owning connection should carry (read live: it changes while requests wait for a slot). */
  desired: () => ReadonlySet<string>;
  maxStreamsPerRequest: number;
  logger: StreamLogger;
  onConfirmed: (streams: string[]) => void;
  onRefused: (streams: string[], error: unknown) => void;
}

/**
 * What one socket carries, and the SUBSCRIBE/UNSUBSCRIBE traffic that moves it towards what is wanted.
 *
 * At most one request waits for a send slot at a time, and its content is decided only when the slot comes up, so a
 * burst of subscriptions collapses into as few frames as the per-request cap allows. A stream whose request is in
 * flight is left alone until the reply: a stream is never subscribed and unsubscribed concurrently.
 */
export class SocketSubscriptions {
  private readonly states = new Map<string, StreamState>();
  private queued = false;
  private disposed = false;
  private readonly removalWaiters = new Map<string, Array<() => void>>();

  constructor(
    private readonly socket: StreamSocket,
    carriedFromUrl: readonly string[],
    private readonly options: SocketSubscriptionsOptions,
  ) {
    for (const stream of carriedFromUrl) this.states.set(stream, 'active');
  }

  isActive(stream: string): boolean {
    return this.states.get(stream) === 'active';
  }

  /** Every stream the socket carries or is about to. */
  streams(): string[] {
    return [...this.states.keys()];
  }

  /** Resolves once `stream` is off this socket (confirmed by the server, or the socket is gone). */
  whenRemoved(stream: string): Promise<void> {
    if (this.disposed || !this.states.has(stream)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.removalWaiters.get(stream) ?? [];
      waiters.push(resolve);
      this.removalWaiters.set(stream, waiters);
    });
  }

  /** Queues a request if the socket carries something unwanted or lacks something wanted. */
  sync(): void {
    if (this.disposed || this.queued || !this.socket.isOpen || this.nextRequest(false) === null) return;
    this.queued = true;
    let sent: ControlRequest | null = null;
    this.socket
      .request(() => {
        this.queued = false;
        sent = this.nextRequest(true);
        if (sent !== null) this.sync();
        return sent;
      })
      .then((outcome) => {
        if (outcome.sent) this.confirmed(outcome.request);
      })
      .catch((error: unknown) => {
        this.queued = false;
        if (sent !== null) this.failed(sent, error);
      });
  }

  /** The socket is gone: nothing it carried is carried any more. */
  dispose(): void {
    this.disposed = true;
    this.states.clear();
    for (const waiters of this.removalWaiters.values()) for (const resolve of waiters) resolve();
    this.removalWaiters.clear();
  }

  /** The next request to send, marking its streams in flight when `commit` is set. */
  private nextRequest(commit: boolean): ControlRequest | null {
    const desired = this.options.desired();
    const cap = this.options.maxStreamsPerRequest;
    const add: string[] = [];
    for (const stream of desired) {
      if (add.length >= cap) break;
      if (!this.states.has(stream)) add.push(stream);
    }
    if (add.length > 0) {
      if (commit) for (const stream of add) this.states.set(stream, 'subscribing');
      return { method: 'SUBSCRIBE', params: add };
    }
    const remove: string[] = [];
    for (const [stream, state] of this.states) {
      if (remove.length >= cap) break;
      if (state === 'active' && !desired.has(stream)) remove.push(stream);
    }
    if (remove.length > 0) {
      if (commit) for (const stream of remove) this.states.set(stream, 'unsubscribing');
      return { method: 'UNSUBSCRIBE', params: remove };
    }
    return null;
  }

  private confirmed(request: ControlRequest): void {
    if (this.disposed) return;
    const streams = (request.params ?? []) as string[];
    if (request.method === 'SUBSCRIBE') {
      for (const stream of streams) if (this.states.get(stream) === 'subscribing') this.states.set(stream, 'active');
      this.options.onConfirmed(streams);
    } else {
      for (const stream of streams) this.removed(stream);
    }
    this.sync();
  }

  private failed(request: ControlRequest, error: unknown): void {
    if (this.disposed) return;
    const streams = (request.params ?? []) as string[];
    if (!(error instanceof StreamError) || error.kind !== 'fatal') return; // the socket ended; its owner reconnects
    if (request.method === 'SUBSCRIBE') {
      for (const stream of streams) this.states.delete(stream);
      this.options.onRefused(streams, error);
    } else {
      // Nothing sensible to retry: forget the stream here; its frames have no handler and are dropped anyway.
      this.options.logger.warn({ streams, error: describeError(error) }, 'ws UNSUBSCRIBE refused');
      for (const stream of streams) this.removed(stream);
    }
    this.sync();
  }

  private removed(stream: string): void {
    if (this.states.get(stream) === 'unsubscribing') this.states.delete(stream);
    const waiters = this.removalWaiters.get(stream);
    this.removalWaiters.delete(stream);
    for (const resolve of waiters ?? []) resolve();
  }
}
