import type { MarketKind } from '../../../domain/market.ts';
import { ConfigError, describeError, isDnfarmError } from '../../../errors.ts';
import { StreamError } from './errors.ts';
import { eventTimeOf, eventTypeOf, type Frame } from './frame.ts';
import { ASTER_SOCKET_LIMITS } from './limits.ts';
import { maskToken, redact, SILENT_LOGGER, type StreamLogger } from './logger.ts';
import { ManagedConnection } from './managed-connection.ts';
import { EventReorderBuffer, type ReleaseInfo } from './reorder-buffer.ts';
import type { StreamStatus } from './status.ts';
import { REAL_TIMERS, type StreamTimers, TimerSlot } from './timers.ts';
import { type ConnectionTuningInput, resolveTuning } from './tuning.ts';
import { normaliseBaseUrl } from './urls.ts';

/**
 * The REST side of a user-data stream, implemented by the venue adapter (aster-api.md §4.8): V3 signs these calls;
 * spot keep-alive and close take the key as a parameter, futures ones ignore it.
 */
export interface ListenKeyApi {
  /** POST: returns the account's key, creating one if needed (an existing valid key comes back extended). */
  create(): Promise<string>;
  /** PUT: extends the key's 60 min validity. */
  keepAlive(listenKey: string): Promise<void>;
  /** DELETE: invalidates the key. */
  close(listenKey: string): Promise<void>;
}

export type UserDataDelivery = ReleaseInfo;

export interface UserDataStreamOptions<T> {
  /** e.g. `wss://fstream.asterdex.com`; the stream connects to `<wsBaseUrl>/ws/<listenKey>`. */
  wsBaseUrl: string;
  market: MarketKind;
  listenKeys: ListenKeyApi;
  /** Turns one decoded event object into the caller's event type; a throw drops the event and goes to `onError`. */
  parse: (payload: unknown) => T;
  onEvent: (event: T, delivery: UserDataDelivery) => void;
  /** Down while there is no connection (events may be missed: reconcile over REST); up when connected again. */
  onStatus?: (status: StreamStatus) => void;
  onError?: (error: unknown) => void;
  /** Default 30 min: half the key's validity, so one failed keep-alive still leaves time for another. */
  keepAliveIntervalMs?: number;
  /** After a failed keep-alive (and a failed re-create), try again this soon. Default 60 s. */
  keepAliveRetryMs?: number;
  /** How long an event is held waiting for earlier ones. Default 75 ms. */
  reorderWindowMs?: number;
  tuning?: ConnectionTuningInput;
  timers?: StreamTimers;
  logger?: StreamLogger;
  random?: () => number;
}

const USER_KEY = 'user';

/**
 * A user-data stream on a listenKey: creates the key, connects to `/ws/<listenKey>`, keeps the key alive, replaces
 * it when the server reports it expired, reconnects with backoff, rotates the connection before 24 h, delivers
 * events in `E` order (see reorder-buffer.ts for the policy on late events) and deletes the key on `close()`.
 *
 * Every (re)connection asks for the key again: the POST returns the same key while it is valid (extending it), and a
 * fresh one if it lapsed while we were offline, which the keep-alive alone would not notice.
 */
export class UserDataStream<T> {
  private readonly connection: ManagedConnection<string>;
  private readonly reorder: EventReorderBuffer<T>;
  private readonly keepAliveTimer: TimerSlot;
  private readonly keepAliveIntervalMs: number;
  private readonly keepAliveRetryMs: number;
  private readonly logger: StreamLogger;
  private readonly baseUrl: string;
  private readonly name: string;
  private listenKey: string | null = null;
  private up = false;
  private startPromise: Promise<void> | null = null;
  private closed = false;
  private everConnected = false;
  private startWaiters: { resolve: () => void; reject: (error: unknown) => void } | null = null;

  constructor(private readonly options: UserDataStreamOptions<T>) {
    const limits = ASTER_SOCKET_LIMITS[options.market];
    if (limits === undefined) {
      throw new ConfigError('market', `must be 'perp' or 'spot', got ${String(options.market)}`, {
        value: options.market,
      });
    }
    this.baseUrl = normaliseBaseUrl(options.wsBaseUrl);
    this.name = `${options.market} user data`;
    this.logger = options.logger ?? SILENT_LOGGER;
    const timers = options.timers ?? REAL_TIMERS;
    this.keepAliveIntervalMs = positiveMs('keepAliveIntervalMs', options.keepAliveIntervalMs ?? 30 * 60_000);
    this.keepAliveRetryMs = positiveMs('keepAliveRetryMs', options.keepAliveRetryMs ?? 60_000);
    const reorderWindowMs = options.reorderWindowMs ?? 75;
    if (!Number.isFinite(reorderWindowMs) || reorderWindowMs < 0) {
      throw new ConfigError('reorderWindowMs', `must be a number >= 0 (ms), got ${reorderWindowMs}`, {
        value: reorderWindowMs,
      });
    }
    this.keepAliveTimer = new TimerSlot(timers);
    this.reorder = new EventReorderBuffer<T>(reorderWindowMs, timers, (event, info) => this.emit(event, info));
    this.connection = new ManagedConnection<string>({
      name: this.name,
      tuning: resolveTuning(options.tuning ?? {}, limits.maxMessagesPerSecond),
      timers,
      logger: this.logger,
      random: options.random ?? Math.random,
      resolveTarget: async () => {
        const key = await this.acquireKey();
        return {
          url: `${this.baseUrl}/ws/${key}`,
          label: `${this.baseUrl}/ws/${maskToken(key)}`,
          secret: key,
          context: key,
        };
      },
      keyOf: () => USER_KEY,
      expectedKeys: () => [USER_KEY],
      onFrame: (frame) => this.handleFrame(frame),
      onSocketOpen: () => {},
      onSocketClosed: () => {},
      onPrimaryChange: (socket, reason) => this.setUp(socket !== null, reason),
    });
  }

  get isUp(): boolean {
    return this.up;
  }

  /**
   * Creates the key and connects. Resolves on the first connection; rejects if the key cannot be created for a
   * reason retrying cannot fix (a fatal `DnfarmError`, e.g. bad credentials), after shutting the stream down.
   * Transient failures are retried with backoff and reported through `onStatus`.
   */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new StreamError(this.name, 'stream is closed', { kind: 'fatal' }));
    if (this.startPromise === null) {
      this.startPromise = new Promise<void>((resolve, reject) => {
        this.startWaiters = { resolve, reject };
      });
      this.connection.start();
    }
    return this.startPromise;
  }

  /** Stops the connection and timers, delivers events still held for ordering, then deletes the listenKey. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.keepAliveTimer.cancel();
    await this.connection.close();
    this.reorder.flush();
    this.settleStart(new StreamError(this.name, 'closed before the first connection', { kind: 'fatal' }));
    const key = this.listenKey;
    this.listenKey = null;
    if (key === null) return;
    try {
      await this.options.listenKeys.close(key);
      this.logger.info({ stream: this.name, listenKey: maskToken(key) }, 'listenKey closed');
    } catch (error) {
      this.logger.warn(
        { stream: this.name, listenKey: maskToken(key), error: redact(describeError(error), key) },
        'listenKey close failed; it lapses by itself within 60 min',
      );
    }
  }

  private async acquireKey(): Promise<string> {
    let key: string;
    try {
      key = await this.options.listenKeys.create();
    } catch (error) {
      if (!this.everConnected && isDnfarmError(error) && error.kind === 'fatal' && !this.closed) {
        this.logger.error({ stream: this.name, error: describeError(error) }, 'listenKey cannot be created');
        this.settleStart(error);
        void this.close();
      }
      throw error;
    }
    if (typeof key !== 'string' || key.length === 0 || /[\s/?#]/.test(key)) {
      throw new StreamError(this.name, `listenKey from create() is not a usable token (length ${String(key).length})`, {
        kind: 'fatal',
      });
    }
    if (key !== this.listenKey) {
      this.logger.info(
        { stream: this.name, listenKey: maskToken(key), replaced: this.listenKey !== null },
        'listenKey obtained',
      );
    }
    this.listenKey = key;
    if (!this.closed) this.keepAliveTimer.arm(this.keepAliveIntervalMs, () => void this.keepAlive());
    return key;
  }

  private async keepAlive(): Promise<void> {
    const key = this.listenKey;
    if (this.closed || key === null) return;
    try {
      await this.options.listenKeys.keepAlive(key);
      if (this.closed) return;
      this.logger.debug({ stream: this.name, listenKey: maskToken(key) }, 'listenKey kept alive');
      this.keepAliveTimer.arm(this.keepAliveIntervalMs, () => void this.keepAlive());
      return;
    } catch (error) {
      if (this.closed) return;
      this.logger.warn(
        { stream: this.name, listenKey: maskToken(key), error: redact(describeError(error), key) },
        'listenKey keep-alive failed; asking for the key again',
      );
    }
    // The POST extends a valid key and replaces a lapsed one, so it covers both reasons the PUT may have failed.
    try {
      const previous = this.listenKey;
      const fresh = await this.acquireKey();
      if (!this.closed && fresh !== previous) this.connection.reconnectNow('listenKey replaced');
    } catch (error) {
      if (this.closed) return;
      this.logger.warn(
        { stream: this.name, error: redact(describeError(error), key), retryInMs: this.keepAliveRetryMs },
        'listenKey could not be renewed',
      );
      this.keepAliveTimer.arm(this.keepAliveRetryMs, () => void this.keepAlive());
    }
  }

  private handleFrame(frame: Frame): void {
    if (this.closed) return;
    const payload = frame.json;
    if (eventTypeOf(payload) === 'listenKeyExpired') this.handleExpired(payload);
    let event: T;
    try {
      event = this.options.parse(payload);
    } catch (error) {
      this.logger.warn({ stream: this.name, error: describeError(error) }, 'user-data payload rejected');
      this.report(error);
      return;
    }
    this.reorder.push(event, eventTimeOf(payload));
  }

  private handleExpired(payload: unknown): void {
    const named =
      typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)['listenKey'] : undefined;
    // A notice naming another key is about a key we already replaced.
    if (typeof named === 'string' && this.listenKey !== null && named !== this.listenKey) return;
    this.logger.warn(
      { stream: this.name, listenKey: this.listenKey === null ? null : maskToken(this.listenKey) },
      'listenKey expired; obtaining a new one',
    );
    this.listenKey = null;
    this.keepAliveTimer.cancel();
    this.connection.reconnectNow('listenKey expired');
  }

  private emit(event: T, info: ReleaseInfo): void {
    if (info.late) {
      this.logger.warn({ stream: this.name, eventTimeMs: info.eventTimeMs }, 'user-data event arrived out of order');
    }
    try {
      this.options.onEvent(event, info);
    } catch (error) {
      this.logger.error({ stream: this.name, error: describeError(error) }, 'user-data handler threw');
      this.report(error);
    }
  }

  private setUp(up: boolean, reason: string): void {
    if (up) {
      this.everConnected = true;
      this.settleStart(null);
    }
    if (up === this.up || this.closed) return;
    this.up = up;
    try {
      this.options.onStatus?.({ up, reason });
    } catch (error) {
      this.logger.error({ stream: this.name, error: describeError(error) }, 'user-data status handler threw');
    }
  }

  private settleStart(error: unknown): void {
    const waiters = this.startWaiters;
    this.startWaiters = null;
    if (waiters === null) return;
    if (error === null) waiters.resolve();
    else waiters.reject(error);
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch (nested) {
      this.logger.error({ stream: this.name, error: describeError(nested) }, 'user-data error handler threw');
    }
  }
}

function positiveMs(field: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(field, `must be a number > 0 (ms), got ${value}`, { value });
  }
  return value;
}
