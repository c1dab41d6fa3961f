import type { MarketKind } from '../../../domain/market.ts';
import { ConfigError, describeError } from '../../../errors.ts';
import { StreamError } from './errors.ts';
import { combinedStreamOf, type Frame } from './frame.ts';
import { ASTER_SOCKET_LIMITS } from './limits.ts';
import { SILENT_LOGGER, type StreamLogger } from './logger.ts';
import { ManagedConnection } from './managed-connection.ts';
import { SocketSubscriptions } from './socket-subscriptions.ts';
import type { StreamStatus } from './status.ts';
import type { StreamSocket } from './stream-socket.ts';
import { REAL_TIMERS, type StreamTimers } from './timers.ts';
import { type ConnectionTuning, type ConnectionTuningInput, resolveTuning } from './tuning.ts';
import { normaliseBaseUrl, normaliseStreamName } from './urls.ts';

export interface MarketStreamHandlers<T> {
  /** Turns the stream's `data` payload into an event; a throw drops that one message and goes to `onError`. */
  parse: (data: unknown, stream: string) => T;
  onEvent: (event: T, stream: string) => void;
  /** Up once the server confirmed the stream; down (with the reason) while its connection is lost. */
  onStatus?: (status: StreamStatus) => void;
  onError?: (error: unknown) => void;
}

export interface MarketSubscription {
  readonly stream: string;
  /** Stops delivery at once; resolves when the server confirmed the UNSUBSCRIBE (or the connection is gone). */
  close(): Promise<void>;
}

export interface MarketStreamsOptions {
  /** e.g. `wss://fstream.asterdex.com` (perp) or `wss://sstream.asterdex.com` (spot). */
  wsBaseUrl: string;
  market: MarketKind;
  /** Overrides of Aster's limits for this market (tests, or a venue with other limits). */
  maxMessagesPerSecond?: number;
  maxStreamsPerConnection?: number;
  /**
   * `combined` (default): `/stream?streams=a/b`, many streams per connection, frames `{"stream", "data"}`.
   * `raw`: `/ws/<stream>`, one connection per stream, frames are the bare payload (no stream name to route on, so a
   * raw connection never carries a second stream).
   */
  connectionMode?: 'combined' | 'raw';
  /** How many stream names one SUBSCRIBE/UNSUBSCRIBE frame may carry. */
  maxStreamsPerRequest?: number;
  tuning?: ConnectionTuningInput;
  timers?: StreamTimers;
  logger?: StreamLogger;
  random?: () => number;
}

/** Streams named in the connection URL are live from the handshake on, with no control frame spent. */
const MAX_URL_LENGTH = 2_048;

interface Subscriber {
  handlers: MarketStreamHandlers<unknown>;
  up: boolean;
  ready: boolean;
  closed: boolean;
  resolve: (subscription: MarketSubscription) => void;
  reject: (error: unknown) => void;
  subscription: MarketSubscription;
}

interface Slot {
  id: number;
  connection: ManagedConnection<string[]>;
  /** Streams this connection should carry. */
  desired: Set<string>;
  sockets: Map<StreamSocket, SocketSubscriptions>;
  primary: StreamSocket | null;
  syncQueued: boolean;
}

interface Entry {
  stream: string;
  slot: Slot;
  subscribers: Set<Subscriber>;
}

/**
 * Aster market streams over combined-stream connections (`/stream?streams=a/b`, frames `{"stream", "data"}`), the
 * only form where every frame names its stream, so one connection can carry many.
 *
 * - Several handlers may share a stream: the server is asked once and the frames fan out.
 * - Streams beyond `maxStreamsPerConnection` go to further connections.
 * - Streams added or removed on a live connection use SUBSCRIBE/UNSUBSCRIBE, paced by the message budget and
 *   coalesced while they wait for a slot.
 * - A connection that drops comes back with every stream it carried, after an exponential backoff with jitter;
 *   subscribers see `onStatus` down, then up once their stream is confirmed again.
 * - Connections are replaced before the server's 24 h limit without a gap or a repeated message.
 */
export class MarketStreams {
  private readonly entries = new Map<string, Entry>();
  private readonly slots = new Set<Slot>();
  private readonly tuning: ConnectionTuning;
  private readonly maxStreamsPerConnection: number;
  private readonly maxStreamsPerRequest: number;
  private readonly raw: boolean;
  private readonly timers: StreamTimers;
  private readonly logger: StreamLogger;
  private readonly random: () => number;
  private readonly baseUrl: string;
  private slotCounter = 0;
  private closed = false;

  constructor(private readonly options: MarketStreamsOptions) {
    const limits = ASTER_SOCKET_LIMITS[options.market];
    if (limits === undefined) {
      throw new ConfigError('market', `must be 'perp' or 'spot', got ${String(options.market)}`, {
        value: options.market,
      });
    }
    this.baseUrl = normaliseBaseUrl(options.wsBaseUrl);
    this.tuning = resolveTuning(options.tuning ?? {}, options.maxMessagesPerSecond ?? limits.maxMessagesPerSecond);
    const mode = options.connectionMode ?? 'combined';
    if (mode !== 'combined' && mode !== 'raw') {
      throw new ConfigError('connectionMode', `must be 'combined' or 'raw', got ${String(mode)}`, { value: mode });
    }
    this.raw = mode === 'raw';
    this.maxStreamsPerConnection = this.raw
      ? 1
      : positiveInteger('maxStreamsPerConnection', options.maxStreamsPerConnection ?? limits.maxStreamsPerConnection);
    this.maxStreamsPerRequest = positiveInteger('maxStreamsPerRequest', options.maxStreamsPerRequest ?? 50);
    this.timers = options.timers ?? REAL_TIMERS;
    this.logger = options.logger ?? SILENT_LOGGER;
    this.random = options.random ?? Math.random;
  }

  /** Streams currently wanted, across all connections. */
  get streams(): string[] {
    return [...this.entries.keys()];
  }

  /** Number of logical connections in use. */
  get connectionCount(): number {
    return this.slots.size;
  }

  /**
   * Subscribes to one stream, e.g. `btcusdt@markPrice@1s` (the symbol part is lower-cased, as Aster requires).
   * Resolves once the server has confirmed the stream, waiting through reconnects; rejects if the server refuses it
   * or the manager is closed first.
   */
  subscribe<T>(streamName: string, handlers: MarketStreamHandlers<T>): Promise<MarketSubscription> {
    if (this.closed) return Promise.reject(new StreamError(streamName, 'market streams are closed', { kind: 'fatal' }));
    let stream: string;
    try {
      stream = normaliseStreamName(streamName);
    } catch (error) {
      return Promise.reject(error);
    }
    let entry = this.entries.get(stream);
    if (entry === undefined) {
      const slot = this.slotWithRoom() ?? this.createSlot();
      entry = { stream, slot, subscribers: new Set() };
      this.entries.set(stream, entry);
      slot.desired.add(stream);
      this.syncSlot(slot);
    }
    const owner = entry;
    return new Promise<MarketSubscription>((resolve, reject) => {
      const subscriber: Subscriber = {
        handlers: handlers as MarketStreamHandlers<unknown>,
        up: false,
        ready: false,
        closed: false,
        resolve,
        reject,
        subscription: { stream, close: () => this.unsubscribe(owner, subscriber) },
      };
      owner.subscribers.add(subscriber);
      this.refreshStatus(owner.slot, 'subscribed', [stream]);
    });
  }

  /** Closes every connection; pending subscriptions are rejected. No timer or socket outlives the returned promise. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new StreamError('market streams', 'closed before the stream was confirmed', { kind: 'fatal' });
    for (const entry of this.entries.values()) {
      for (const subscriber of entry.subscribers) {
        subscriber.closed = true;
        if (!subscriber.ready) subscriber.reject(error);
      }
    }
    this.entries.clear();
    const slots = [...this.slots];
    this.slots.clear();
    await Promise.all(slots.map((slot) => slot.connection.close()));
  }

  private async unsubscribe(entry: Entry, subscriber: Subscriber): Promise<void> {
    if (subscriber.closed) return;
    subscriber.closed = true;
    entry.subscribers.delete(subscriber);
    if (entry.subscribers.size > 0 || this.entries.get(entry.stream) !== entry) return;
    this.entries.delete(entry.stream);
    const slot = entry.slot;
    slot.desired.delete(entry.stream);
    if (slot.desired.size === 0) {
      // Nothing left to carry: the connection goes rather than idling (and being rotated) for nobody.
      this.slots.delete(slot);
      await slot.connection.close();
      return;
    }
    const primary = slot.primary;
    const state = primary === null ? undefined : slot.sockets.get(primary);
    const removed = state?.whenRemoved(entry.stream);
    this.syncSlot(slot);
    await removed;
  }

  private slotWithRoom(): Slot | null {
    for (const slot of this.slots) {
      const carried = new Set(slot.desired);
      for (const state of slot.sockets.values()) for (const stream of state.streams()) carried.add(stream);
      if (carried.size < this.maxStreamsPerConnection) return slot;
    }
    return null;
  }

  private createSlot(): Slot {
    const id = ++this.slotCounter;
    const name = `${this.options.market} market #${id}`;
    const slot: Slot = {
      id,
      desired: new Set(),
      sockets: new Map(),
      primary: null,
      syncQueued: false,
      connection: new ManagedConnection<string[]>({
        name,
        tuning: this.tuning,
        timers: this.timers,
        logger: this.logger,
        random: this.random,
        resolveTarget: async () => {
          const inUrl = this.urlStreams(slot);
          const url = this.raw
            ? `${this.baseUrl}/ws/${inUrl[0] ?? ''}`
            : `${this.baseUrl}/stream?streams=${inUrl.join('/')}`;
          return { url, label: url, secret: null, context: inUrl };
        },
        keyOf: (frame) => this.streamOf(slot, frame)?.stream ?? null,
        expectedKeys: () => this.streamsToAlign(slot),
        onFrame: (frame) => this.route(slot, frame),
        onSocketOpen: (socket, _role, inUrl) => {
          const state = new SocketSubscriptions(socket, inUrl, {
            desired: () => slot.desired,
            maxStreamsPerRequest: this.maxStreamsPerRequest,
            logger: this.logger,
            onConfirmed: (streams) => {
              if (socket === slot.primary) this.refreshStatus(slot, 'subscribed', streams);
            },
            onRefused: (streams, error) => this.refuse(streams, error),
          });
          slot.sockets.set(socket, state);
          state.sync();
        },
        onSocketClosed: (socket) => {
          slot.sockets.get(socket)?.dispose();
          slot.sockets.delete(socket);
        },
        onPrimaryChange: (socket, reason) => {
          slot.primary = socket;
          this.refreshStatus(slot, reason);
        },
      }),
    };
    this.slots.add(slot);
    return slot;
  }

  /**
   * Defers to the next microtask, so that subscriptions made together share one SUBSCRIBE frame (or, before the
   * first connection, its URL).
   */
  private syncSlot(slot: Slot): void {
    if (slot.syncQueued) return;
    slot.syncQueued = true;
    queueMicrotask(() => {
      slot.syncQueued = false;
      if (this.closed || !this.slots.has(slot)) return;
      slot.connection.start();
      for (const state of slot.sockets.values()) state.sync();
    });
  }

  private urlStreams(slot: Slot): string[] {
    const chosen: string[] = [];
    let length = this.baseUrl.length + '/stream?streams='.length;
    for (const stream of slot.desired) {
      const extra = stream.length + (chosen.length > 0 ? 1 : 0);
      if (chosen.length > 0 && length + extra > MAX_URL_LENGTH) break;
      chosen.push(stream);
      length += extra;
    }
    return chosen;
  }

  /** Streams a rotation must see on both sockets before switching: those the serving socket actually carries. */
  private streamsToAlign(slot: Slot): string[] {
    const primary = slot.primary === null ? undefined : slot.sockets.get(slot.primary);
    if (primary === undefined) return [];
    return [...slot.desired].filter((stream) => primary.isActive(stream));
  }

  /** Which stream a frame belongs to: named in a combined frame; implied by the connection for a raw one. */
  private streamOf(slot: Slot, frame: Frame): { stream: string; data: unknown } | null {
    if (!this.raw) return combinedStreamOf(frame.json);
    const [stream] = slot.desired;
    return stream === undefined ? null : { stream, data: frame.json };
  }

  private route(slot: Slot, frame: Frame): void {
    const combined = this.streamOf(slot, frame);
    if (combined === null) {
      this.logger.debug({ frame: frame.text.slice(0, 200) }, 'ws frame without a stream name ignored');
      return;
    }
    const entry = this.entries.get(combined.stream);
    if (entry === undefined) return;
    for (const subscriber of [...entry.subscribers]) {
      if (subscriber.closed) continue;
      const { handlers } = subscriber;
      let event: unknown;
      try {
        event = handlers.parse(combined.data, combined.stream);
      } catch (error) {
        this.logger.warn({ stream: combined.stream, error: describeError(error) }, 'ws stream payload rejected');
        this.report(subscriber, error);
        continue;
      }
      try {
        handlers.onEvent(event, combined.stream);
      } catch (error) {
        this.logger.error({ stream: combined.stream, error: describeError(error) }, 'ws stream handler threw');
        this.report(subscriber, error);
      }
    }
  }

  private refuse(streams: string[], error: unknown): void {
    this.logger.error({ streams, error: describeError(error) }, 'ws subscription refused by the server');
    for (const stream of streams) {
      const entry = this.entries.get(stream);
      if (entry === undefined) continue;
      this.entries.delete(stream);
      entry.slot.desired.delete(stream);
      for (const subscriber of entry.subscribers) {
        subscriber.closed = true;
        if (subscriber.ready) this.report(subscriber, error);
        else subscriber.reject(error);
      }
    }
  }

  /** Tells each subscriber whose stream changed state, and settles the subscriptions that just became live. */
  private refreshStatus(slot: Slot, reason: string, only?: readonly string[]): void {
    const primary = slot.primary === null ? undefined : slot.sockets.get(slot.primary);
    const streams = only ?? [...slot.desired];
    for (const stream of streams) {
      const entry = this.entries.get(stream);
      if (entry === undefined || entry.slot !== slot) continue;
      const up = primary?.isActive(stream) ?? false;
      for (const subscriber of [...entry.subscribers]) {
        if (subscriber.closed) continue;
        if (up && !subscriber.ready) {
          subscriber.ready = true;
          subscriber.resolve(subscriber.subscription);
        }
        if (up === subscriber.up) continue;
        subscriber.up = up;
        try {
          subscriber.handlers.onStatus?.({ up, reason });
        } catch (error) {
          this.logger.error({ stream, error: describeError(error) }, 'ws status handler threw');
        }
      }
    }
  }

  private report(subscriber: Subscriber, error: unknown): void {
    try {
      subscriber.handlers.onError?.(error);
    } catch (nested) {
      this.logger.error({ error: describeError(nested) }, 'ws error handler threw');
    }
  }
}

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(field, `must be a positive integer, got ${value}`, { value });
  }
  return value;
}
