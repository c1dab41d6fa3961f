/**
 * Chooses the signer from configuration. One nonce source per signer: nonces must increase per agent key, and
 * spot and futures share that key.
 */
import { createEip712Signer } from './eip712.ts';
import { createHmacSigner } from './hmac.ts';
import { createLegacyAbiSigner } from './legacy-abi.ts';
import { NonceSource } from './nonce.ts';
import type { ServerClock } from './server-clock.ts';
import type { RequestSigner } from './signer.ts';

export type SigningConfig =
  | {
      scheme: 'eip712';
      /** 1666 mainnet, 714 testnet (`ASTER_CHAIN_ID`). */
      chainId: number;
      user: string;
      signer: string;
      privateKey: string;
      includeUser?: boolean;
    }
  | { scheme: 'legacy-abi'; user: string; signer: string; privateKey: string; recvWindowMs?: number }
  | { scheme: 'hmac'; apiKey: string; apiSecret: string; recvWindowMs?: number };

export function createSigner(config: SigningConfig, clock: ServerClock): RequestSigner {
  switch (config.scheme) {
    case 'eip712':
      return createEip712Signer({
        chainId: config.chainId,
        user: config.user,
        signer: config.signer,
        privateKey: config.privateKey,
        ...(config.includeUser === undefined ? {} : { includeUser: config.includeUser }),
        nonces: new NonceSource(clock),
      });
    case 'legacy-abi':
      return createLegacyAbiSigner({
        user: config.user,
        signer: config.signer,
        privateKey: config.privateKey,
        ...(config.recvWindowMs === undefined ? {} : { recvWindowMs: config.recvWindowMs }),
        nonces: new NonceSource(clock),
        clock,
      });
    case 'hmac':
      return createHmacSigner({
        apiKey: config.apiKey,
        apiSecret: config.apiSecret,
        ...(config.recvWindowMs === undefined ? {} : { recvWindowMs: config.recvWindowMs }),
        clock,
      });
  }
}

export {
  ASTER_CHAIN_ID,
  asterDigest,
  asterDomainSeparator,
  asterMessageHash,
  asterTypedData,
  createEip712Signer,
  signAsterMessage,
} from './eip712.ts';
export { createHmacSigner, DEFAULT_RECV_WINDOW_MS, hmacSha256Hex, MAX_RECV_WINDOW_MS } from './hmac.ts';
export { createLegacyAbiSigner, legacyAbiHash, legacyAbiJson, signLegacyAbiHash } from './legacy-abi.ts';
export { NonceSource } from './nonce.ts';
export {
  encodeParams,
  isValidClientOrderId,
  normalizeParams,
  ParamError,
  type ParamInput,
  type ParamList,
  type ParamValue,
} from './params.ts';
export { ServerClock } from './server-clock.ts';
export type { ApiFamily, RequestSigner, SignedRequest, SigningScheme } from './signer.ts';
