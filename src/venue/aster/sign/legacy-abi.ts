/**
 * The superseded V3 scheme the original bot used (documented Sept 2025 – Jan 2026, replaced by EIP-712): opt-in
 * only, for accounts where it is known to still work.
 *
 * 1. The business parameters plus `recvWindow` and `timestamp` (ms), every value a string, serialised as compact
 *    JSON with keys in ASCII order (what Python's `json.dumps(sort_keys=True)` minus spaces produced; our values are
 *    restricted to `[A-Za-z0-9._-]`, so no escaping or space-stripping question arises);
 * 2. ABI-encode (string json, address user, address signer, uint256 nonce) — standard, not packed;
 * 3. keccak256 of that;
 * 4. EIP-191 personal_sign over the 32 raw hash bytes ("\x19Ethereum Signed Message:\n32" ‖ hash).
 *
 * Sent: the business parameters, `recvWindow`, `timestamp`, `nonce`, `user`, `signer`, then `signature`.
 */
import { encodeAbiParameters, type Hex, hashMessage, keccak256 } from 'viem';
import { sign } from 'viem/accounts';
import { ASTER_CODES } from '../errors.ts';
import { scrubSecrets } from '../log.ts';
import { DEFAULT_RECV_WINDOW_MS, validateRecvWindowMs } from './hmac.ts';
import { assertKeyMatchesSigner, parseAddress, parsePrivateKey } from './keys.ts';
import type { NonceSource } from './nonce.ts';
import type { ParamList } from './params.ts';
import type { ServerClock } from './server-clock.ts';
import type { RequestSigner, SignedRequest } from './signer.ts';

/** Compact JSON object of the parameters with keys sorted by code point. */
export function legacyAbiJson(params: ParamList): string {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${sorted.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/** keccak256(abi.encode(json, user, signer, nonce)). */
export function legacyAbiHash(json: string, user: Hex, signer: Hex, nonce: bigint): Hex {
  const encoded = encodeAbiParameters(
    [{ type: 'string' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }],
    [json, user, signer, nonce],
  );
  return keccak256(encoded);
}

export async function signLegacyAbiHash(hash: Hex, privateKey: Hex): Promise<Hex> {
  return sign({ hash: hashMessage({ raw: hash }), privateKey, to: 'hex' });
}

export interface LegacyAbiSignerOptions {
  user: string;
  signer: string;
  privateKey: string;
  recvWindowMs?: number;
  nonces: NonceSource;
  clock: Pick<ServerClock, 'nowMs'>;
}

export function createLegacyAbiSigner(options: LegacyAbiSignerOptions): RequestSigner {
  const privateKey = parsePrivateKey('credentials.privateKey', options.privateKey);
  const user = parseAddress('credentials.user', options.user);
  const signer = parseAddress('credentials.signer', options.signer);
  assertKeyMatchesSigner(privateKey, signer, 'credentials.privateKey', 'credentials.signer');
  const recvWindowMs = validateRecvWindowMs('recvWindowMs', options.recvWindowMs ?? DEFAULT_RECV_WINDOW_MS);
  const { nonces, clock } = options;

  return {
    scheme: 'legacy-abi',
    family: 'v3',
    // The scheme predates the removal of timestamps from V3, so either complaint can come back.
    staleTimeCodes: [ASTER_CODES.NONCE_EXPIRED, ASTER_CODES.INVALID_TIMESTAMP],
    async sign(params: ParamList): Promise<SignedRequest> {
      const timed: ParamList = [
        ...params,
        ['recvWindow', String(recvWindowMs)],
        ['timestamp', String(Math.floor(clock.nowMs()))],
      ];
      const nonce = nonces.next();
      const hash = legacyAbiHash(legacyAbiJson(timed), user, signer, BigInt(nonce));
      const signature = await signLegacyAbiHash(hash, privateKey);
      return {
        params: [...timed, ['nonce', String(nonce)], ['user', user], ['signer', signer], ['signature', signature]],
        headers: {},
        signature,
      };
    },
    apiKeyHeaders: () => null,
    scrub: (text) => scrubSecrets(text, [privateKey]),
  };
}
