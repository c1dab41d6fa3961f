import type { MarketKind } from '../../../domain/market.ts';

/**
 * What Aster enforces on a WebSocket connection (aster-api.md §5, §8 item 15).
 *
 * - Every frame the client sends counts against the inbound limit: JSON requests, pings and pongs alike. A client
 *   over the limit is disconnected, so pongs and our own pings go through the same budget as SUBSCRIBE messages.
 * - A connection carries a bounded number of streams; more streams need more connections.
 * - The server drops every connection after 24 h, and pings every 5 min (futures) / 3 min (spot), expecting a pong
 *   within 15 / 10 min. Unsolicited pongs are allowed.
 */
export interface VenueSocketLimits {
  /** Frames per second the server accepts from one connection. */
  maxMessagesPerSecond: number;
  maxStreamsPerConnection: number;
  /** The server closes a connection after this long. */
  connectionLifetimeMs: number;
}

const HOUR_MS = 3_600_000;

export const ASTER_SOCKET_LIMITS: Record<MarketKind, VenueSocketLimits> = {
  perp: { maxMessagesPerSecond: 10, maxStreamsPerConnection: 200, connectionLifetimeMs: 24 * HOUR_MS },
  spot: { maxMessagesPerSecond: 5, maxStreamsPerConnection: 1024, connectionLifetimeMs: 24 * HOUR_MS },
};

/**
 * The client measures its rate over a window longer than the server's second: the server counts at its end, and
 * transit or scheduling jitter can bunch frames that left us just over a second apart.
 */
export const DEFAULT_RATE_WINDOW_MS = 1_100;

/** Rotate an hour before the server's 24 h cut so a slow or failed handover still has time to be retried. */
export const DEFAULT_ROTATE_AFTER_MS = 23 * HOUR_MS;
