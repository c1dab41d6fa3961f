/**
 * Aster V1 request signatures: hex(HMAC-SHA256(secret, totalParams)) where totalParams is the query string
 * concatenated directly with the form body (no `&` between them), `signature` excluded. The signature is compared
 * case-insensitively, as the docs say. Timestamps follow the documented rule:
 * accepted when `timestamp < serverTime + 1000` and `serverTime - timestamp <= recvWindow` (default 5000, max 60000).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DEFAULT_RECV_WINDOW_MS = 5000;
export const MAX_RECV_WINDOW_MS = 60_000;
export const MAX_AHEAD_MS = 1000;

export function hmacHex(secret: string, totalParams: string): string {
  return createHmac('sha256', secret).update(totalParams).digest('hex');
}

/** Constant-time comparison of a received hex signature with the expected one. */
export function hmacMatches(secret: string, totalParams: string, received: string): boolean {
  const expected = Buffer.from(hmacHex(secret, totalParams), 'utf8');
  const got = Buffer.from(received.toLowerCase(), 'utf8');
  return expected.length === got.length && timingSafeEqual(expected, got);
}

export type TimestampVerdict = 'ok' | 'ahead' | 'outside-window';

export function checkTimestamp(timestampMs: number, recvWindowMs: number, serverTimeMs: number): TimestampVerdict {
  if (timestampMs >= serverTimeMs + MAX_AHEAD_MS) return 'ahead';
  if (serverTimeMs - timestampMs > recvWindowMs) return 'outside-window';
  return 'ok';
}
