/**
 * V1 signing (`/api/v1`, `/fapi/v1`, `/fapi/v2`, `/fapi/v4`): HMAC-SHA256 keyed by the API secret over the exact
 * parameter string, lowercase hex, `signature` appended last; the API key travels in the `X-MBX-APIKEY` header.
 *
 * Aster signs "query string concatenated with body" (no `&` between). The transport always puts every parameter in
 * one place (query for GET/DELETE, form body for POST/PUT), so that total is simply the string we send.
 * `recvWindow` then `timestamp` are appended in the order of the official example; `timestamp` is server time in
 * ms (local clock corrected by the measured offset), since the server rejects anything more than 1 s ahead of it
 * or older than `recvWindow` with -1021.
 */
import { createHmac } from 'node:crypto';
import { ConfigError } from '../../../errors.ts';
import { ASTER_CODES } from '../errors.ts';
import { scrubSecrets } from '../log.ts';
import { encodeParams, type ParamList } from './params.ts';
import type { ServerClock } from './server-clock.ts';
import type { RequestSigner, SignedRequest } from './signer.ts';

/** Aster accepts a `recvWindow` of at most 60 s. */
export const MAX_RECV_WINDOW_MS = 60_000;
export const DEFAULT_RECV_WINDOW_MS = 5_000;

export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

export interface HmacSignerOptions {
  apiKey: string;
  apiSecret: string;
  recvWindowMs?: number;
  clock: Pick<ServerClock, 'nowMs'>;
}

export function validateRecvWindowMs(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_RECV_WINDOW_MS) {
    throw new ConfigError(field, `must be an integer from 1 to ${MAX_RECV_WINDOW_MS} ms, got ${value}`, { value });
  }
  return value;
}

export function createHmacSigner(options: HmacSignerOptions): RequestSigner {
  const apiKey = options.apiKey.trim();
  const apiSecret = options.apiSecret.trim();
  // Keys are opaque, case-sensitive tokens; they travel in a header, so they must be header-safe.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) throw new ConfigError('credentials.apiKey', 'must be non-empty printable ASCII');
  if (!/^[\x21-\x7e]+$/.test(apiSecret)) {
    throw new ConfigError('credentials.apiSecret', 'must be non-empty printable ASCII');
  }
  const recvWindowMs = validateRecvWindowMs('recvWindowMs', options.recvWindowMs ?? DEFAULT_RECV_WINDOW_MS);
  const { clock } = options;
  const headers = { 'X-MBX-APIKEY': apiKey };

  return {
    scheme: 'hmac',
    family: 'v1',
    staleTimeCodes: [ASTER_CODES.INVALID_TIMESTAMP],
    async sign(params: ParamList): Promise<SignedRequest> {
      const unsigned: ParamList = [
        ...params,
        ['recvWindow', String(recvWindowMs)],
        ['timestamp', String(Math.floor(clock.nowMs()))],
      ];
      const signature = hmacSha256Hex(apiSecret, encodeParams(unsigned));
      return { params: [...unsigned, ['signature', signature]], headers, signature };
    },
    apiKeyHeaders: () => headers,
    scrub: (text) => scrubSecrets(text, [apiSecret]),
  };
}
