/**
 * Request authentication exactly as Aster performs it, for the three schemes a client may use:
 * - V3 EIP-712 (`/fapi/v3/*`, `/api/v3/*`): `user`, `signer`, `nonce` (µs), `signature` over the sent parameter string;
 * - V1 HMAC (`/fapi/v1|v2|v4/*`, `/api/v1/*`): `X-MBX-APIKEY` header, `timestamp` (+ `recvWindow`), `signature`;
 * - the legacy ABI + personal_sign V3 variant, only when enabled.
 *
 * Any validly signed V3 identity is accepted (the simulator has no agent registry): the account is the `user`
 * address, or the signer's when no `user` is sent. V1 keys must be configured; each maps to an account.
 * Nothing here logs or echoes a secret, a signature or a key: errors carry Aster's generic messages only.
 */
import { apiErrors } from '../http/api-error.ts';
import { optional, type RequestParams, required, withoutSignature } from '../http/params.ts';
import { asterDigest, MAINNET_CHAIN_ID, normaliseSignature } from './eip712.ts';
import { checkTimestamp, DEFAULT_RECV_WINDOW_MS, hmacMatches, MAX_RECV_WINDOW_MS } from './hmac.ts';
import { legacyDigest } from './legacy-abi.ts';
import { NONCE_WINDOW_US, NONCES_KEPT, NonceBook } from './nonces.ts';
import { SignerKeys } from './signer-keys.ts';

export type AuthScheme = 'eip712' | 'legacy-abi' | 'hmac' | 'api-key';

export interface Identity {
  /** Account key: a lowercase 0x address. */
  account: string;
  scheme: AuthScheme;
  /** V3 only: the lowercase agent address that signed. */
  signer?: string;
}

export interface ApiKeyCredential {
  apiKey: string;
  apiSecret: string;
  /** The account (lowercase 0x address) this key trades for. */
  account: string;
}

export interface AuthOptions {
  /** The simulator clock, in ms. */
  nowMs: () => number;
  /** EIP-712 domain chainId: 1666 mainnet (default), 714 testnet. */
  chainId?: number;
  /** Also accept the superseded ABI + personal_sign V3 signatures. */
  legacyAbi?: boolean;
  apiKeys?: readonly ApiKeyCredential[];
  nonceWindowMs?: number;
  noncesKept?: number;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function joinParamStrings(query: string, body: string): string {
  if (query === '') return body;
  if (body === '') return query;
  return `${query}&${body}`;
}

/** The same parameter string with every key and value percent-decoded (some clients sign before encoding). */
function decodedVariant(msg: string): string {
  return msg
    .split('&')
    .map((pair) => {
      try {
        return decodeURIComponent(pair.replaceAll('+', ' '));
      } catch {
        return pair;
      }
    })
    .join('&');
}

export class Authenticator {
  /** Public keys of the signers seen so far: their next signatures are checked without recovery (signer-keys.ts). */
  readonly signerKeys = new SignerKeys();
  private readonly nonces: NonceBook;
  private readonly keys = new Map<string, ApiKeyCredential>();
  private readonly chainId: number;
  private readonly legacyAbi: boolean;

  constructor(private readonly options: AuthOptions) {
    this.chainId = options.chainId ?? MAINNET_CHAIN_ID;
    this.legacyAbi = options.legacyAbi ?? false;
    const windowUs = options.nonceWindowMs === undefined ? NONCE_WINDOW_US : BigInt(options.nonceWindowMs) * 1000n;
    this.nonces = new NonceBook(windowUs, options.noncesKept ?? NONCES_KEPT);
    for (const key of options.apiKeys ?? []) this.keys.set(key.apiKey, { ...key, account: key.account.toLowerCase() });
  }

  /** Verifies a V3 (EIP-712, or legacy ABI when enabled) signed request; throws an AsterApiError otherwise. */
  async verifyV3(params: RequestParams): Promise<Identity> {
    const signerParam = required(params, 'signer');
    const nonce = required(params, 'nonce');
    const signatureParam = required(params, 'signature');
    const userParam = optional(params, 'user');
    if (!ADDRESS.test(signerParam)) throw apiErrors.invalidParam('signer');
    if (userParam !== undefined && !ADDRESS.test(userParam)) throw apiErrors.invalidParam('user');
    const signer = signerParam.toLowerCase();
    const account = (userParam ?? signerParam).toLowerCase();

    const nowUs = BigInt(Math.floor(this.options.nowMs())) * 1000n;
    const verdict = this.nonces.check(account, nonce, nowUs);
    if (verdict === 'malformed') throw apiErrors.invalidParam('nonce');
    if (verdict !== 'ok') throw apiErrors.nonceExpired();

    const signature = normaliseSignature(signatureParam);
    if (signature === null) throw apiErrors.invalidSignature();

    const msg = joinParamStrings(withoutSignature(params.rawQuery), withoutSignature(params.rawBody));
    const keys = this.signerKeys;
    let scheme: AuthScheme | undefined;
    if (await keys.signedBy(asterDigest(msg, this.chainId), signature, signer)) scheme = 'eip712';
    else {
      const decoded = decodedVariant(msg);
      if (decoded !== msg && (await keys.signedBy(asterDigest(decoded, this.chainId), signature, signer))) {
        scheme = 'eip712';
      } else if (this.legacyAbi && /^\d{1,20}$/.test(nonce)) {
        const digest = legacyDigest(params.values, userParam ?? signerParam, signerParam, BigInt(nonce));
        if (await keys.signedBy(digest, signature, signer)) scheme = 'legacy-abi';
      }
    }
    if (scheme === undefined) throw apiErrors.invalidSignature();
    this.nonces.record(account, nonce);
    return { account, scheme, signer };
  }

  /** Verifies a V1 HMAC signed request. `apiKeyHeader` is the `X-MBX-APIKEY` header value. */
  verifyHmac(params: RequestParams, apiKeyHeader: string | undefined): Identity {
    const credential = this.credentialFor(apiKeyHeader);
    const signature = required(params, 'signature');
    const timestampText = required(params, 'timestamp');
    if (!/^\d{1,16}$/.test(timestampText)) throw apiErrors.invalidParam('timestamp');
    const recvWindowText = optional(params, 'recvWindow');
    let recvWindow = DEFAULT_RECV_WINDOW_MS;
    if (recvWindowText !== undefined) {
      if (!/^\d{1,6}$/.test(recvWindowText) || Number(recvWindowText) > MAX_RECV_WINDOW_MS) {
        throw apiErrors.invalidParam('recvWindow');
      }
      recvWindow = Number(recvWindowText);
    }
    const totalParams = withoutSignature(params.rawQuery) + withoutSignature(params.rawBody);
    if (!hmacMatches(credential.apiSecret, totalParams, signature)) throw apiErrors.invalidSignature();
    const verdict = checkTimestamp(Number(timestampText), recvWindow, this.options.nowMs());
    if (verdict === 'ahead') throw apiErrors.invalidTimestampAhead();
    if (verdict === 'outside-window') throw apiErrors.invalidTimestampWindow();
    return { account: credential.account, scheme: 'hmac' };
  }

  /** V1 USER_STREAM endpoints need only a known API key, no signature. */
  verifyApiKey(apiKeyHeader: string | undefined): Identity {
    return { account: this.credentialFor(apiKeyHeader).account, scheme: 'api-key' };
  }

  /**
   * Prepares V3 checks ahead of the first request and learns the keys of `agents` (see SignerKeys.prepare). Safe
   * to skip: everything it does otherwise happens on first use.
   */
  prepare(
    agents: readonly { address: string; privateKey: `0x${string}` }[],
    warn: (message: string) => void,
  ): Promise<void> {
    return this.signerKeys.prepare(agents, warn);
  }

  /** Forgets every recorded nonce (simulator reset). */
  reset(): void {
    this.nonces.clear();
  }

  private credentialFor(apiKeyHeader: string | undefined): ApiKeyCredential {
    if (apiKeyHeader === undefined || apiKeyHeader === '' || !/^[A-Za-z0-9]{1,128}$/.test(apiKeyHeader)) {
      throw apiErrors.badApiKeyFormat();
    }
    const credential = this.keys.get(apiKeyHeader);
    if (credential === undefined) throw apiErrors.rejectedApiKey();
    return credential;
  }
}

export { asterDigest, MAINNET_CHAIN_ID, TESTNET_CHAIN_ID } from './eip712.ts';
