/**
 * The venue's WebSocket side: mark prices from the futures market streams, and account events from the user-data
 * streams of BOTH markets (spot fills arrive only on the spot key, perp fills and funding only on the futures key).
 *
 * Connection management (reconnects, keep-alives, 24 h rotation, event ordering) is the ws layer's job; this file
 * wires it to the REST listenKey calls and the payload schemas, and folds the two user-data connections into the
 * port's single subscription with a single up/down status.
 */
import type { MarketKind } from '../../domain/market.ts';
import { DnfarmError, describeError } from '../../errors.ts';
import type { MarkPriceUpdate, StreamHandlers, Subscription, UserEvent } from '../port.ts';
import type { AsterLogger } from './log.ts';
import { isPortUserEvent, parseMarkPriceUpdate, parseUserStreamEvent } from './schemas/index.ts';
import {
  type ConnectionTuningInput,
  type ListenKeyApi,
  MarketStreams,
  type StreamStatus,
  UserDataStream,
} from './ws/index.ts';

export interface AsterStreamsOptions {
  /** e.g. `wss://fstream.asterdex.com`. */
  futuresWsUrl: string;
  /** e.g. `wss://sstream.asterdex.com`. */
  spotWsUrl: string;
  listenKeys: Record<MarketKind, ListenKeyApi>;
  logger: AsterLogger;
  tuning?: ConnectionTuningInput;
  /** listenKey keep-alive period; default 30 min (half the key's 60 min validity). */
  keepAliveIntervalMs?: number;
}

/** Mark price updates every second rather than every 3 s: the stop-loss reacts within one update. */
export function markPriceStreamName(symbol: string): string {
  return `${symbol.toLowerCase()}@markPrice@1s`;
}

const USER_MARKETS: readonly MarketKind[] = ['spot', 'perp'];

export class AsterStreams {
  readonly #options: AsterStreamsOptions;
  readonly #log: AsterLogger;
  #markets: MarketStreams | null = null;
  readonly #userStreams = new Set<UserDataStream<UserEvent[]>>();
  #closed = false;

  constructor(options: AsterStreamsOptions) {
    this.#options = options;
    this.#log = options.logger;
  }

  async subscribeMarkPrice(symbol: string, handlers: StreamHandlers<MarkPriceUpdate>): Promise<Subscription> {
    this.#assertOpen();
    this.#markets ??= new MarketStreams({
      wsBaseUrl: this.#options.futuresWsUrl,
      market: 'perp',
      logger: this.#log,
      ...(this.#options.tuning === undefined ? {} : { tuning: this.#options.tuning }),
    });
    const stream = markPriceStreamName(symbol);
    const subscription = await this.#markets.subscribe<MarkPriceUpdate>(stream, {
      parse: (data, name) => parseMarkPriceUpdate(data, `perp ${name} stream`),
      onEvent: (update) => handlers.onEvent(update),
      onStatus: (status) => handlers.onStatus?.(portStatus(status)),
      onError: (error) => this.#log.warn({ stream, error: describeError(error) }, 'mark price update dropped'),
    });
    return { close: () => subscription.close() };
  }

  /**
   * Starts the spot and the futures user-data streams and resolves once both are connected. Status is up only
   * while both are: a consumer that sees `up: false` must assume it may have missed events on either market.
   */
  async subscribeUserData(handlers: StreamHandlers<UserEvent>): Promise<Subscription> {
    this.#assertOpen();
    const up: Record<MarketKind, boolean> = { spot: false, perp: false };
    let reported = false;
    const onStatus = (market: MarketKind, status: StreamStatus) => {
      up[market] = status.up;
      const both = up.spot && up.perp;
      if (both === reported) return;
      reported = both;
      const reason = status.reason === undefined ? market : `${market}: ${status.reason}`;
      handlers.onStatus?.({ up: both, reason });
    };

    const streams = USER_MARKETS.map(
      (market) =>
        new UserDataStream<UserEvent[]>({
          wsBaseUrl: market === 'perp' ? this.#options.futuresWsUrl : this.#options.spotWsUrl,
          market,
          listenKeys: this.#options.listenKeys[market],
          parse: (payload) => parseUserStreamEvent(payload, market).filter(isPortUserEvent),
          onEvent: (events) => {
            for (const event of events) handlers.onEvent(event);
          },
          onStatus: (status) => onStatus(market, status),
          onError: (error) =>
            this.#log.warn({ market, error: describeError(error) }, 'user-data event dropped or handler failed'),
          logger: this.#log,
          ...(this.#options.tuning === undefined ? {} : { tuning: this.#options.tuning }),
          ...(this.#options.keepAliveIntervalMs === undefined
            ? {}
            : { keepAliveIntervalMs: this.#options.keepAliveIntervalMs }),
        }),
    );
    for (const stream of streams) this.#userStreams.add(stream);
    const closeAll = async () => {
      await Promise.all(
        streams.map(async (stream) => {
          this.#userStreams.delete(stream);
          await stream.close();
        }),
      );
    };
    try {
      await Promise.all(streams.map((stream) => stream.start()));
    } catch (error) {
      await closeAll();
      throw error;
    }
    let closed = false;
    return {
      close: async () => {
        if (closed) return;
        closed = true;
        await closeAll();
      },
    };
  }

  /** Closes every stream (user-data ones delete their listenKeys). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const users = [...this.#userStreams];
    this.#userStreams.clear();
    await Promise.all([...users.map((stream) => stream.close()), this.#markets?.close()]);
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new DnfarmError('aster streams: the venue is closed, no stream can be opened', { kind: 'fatal' });
  }
}

function portStatus(status: StreamStatus): { up: boolean; reason?: string } {
  return status.reason === undefined ? { up: status.up } : { up: status.up, reason: status.reason };
}
