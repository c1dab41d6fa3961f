/**
 * Aster WebSocket streams, independent of the REST transport and of payload schemas: both are injected.
 *
 * Market data:
 *   const streams = new MarketStreams({ wsBaseUrl: 'wss://fstream.asterdex.com', market: 'perp', logger });
 *   const sub = await streams.subscribe('btcusdt@markPrice@1s', { parse, onEvent, onStatus });
 *   await sub.close();  await streams.close();
 *
 * Account events:
 *   const user = new UserDataStream({ wsBaseUrl, market: 'perp', listenKeys: { create, keepAlive, close }, parse,
 *     onEvent, onStatus, logger });
 *   await user.start();  ...  await user.close();
 */
export { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF } from './backoff.ts';
export { StreamError } from './errors.ts';
export { ASTER_SOCKET_LIMITS, type VenueSocketLimits } from './limits.ts';
export { maskToken, SILENT_LOGGER, type StreamLogFn, type StreamLogger } from './logger.ts';
export {
  type MarketStreamHandlers,
  MarketStreams,
  type MarketStreamsOptions,
  type MarketSubscription,
} from './market-streams.ts';
export type { StreamStatus } from './status.ts';
export { REAL_TIMERS, type StreamTimers, type TimerHandle } from './timers.ts';
export { type ConnectionTuning, type ConnectionTuningInput, DEFAULT_CONNECTION_TUNING } from './tuning.ts';
export {
  type ListenKeyApi,
  type UserDataDelivery,
  UserDataStream,
  type UserDataStreamOptions,
} from './user-data-stream.ts';
