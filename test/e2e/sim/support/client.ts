/**
 * A minimal Aster client for the simulator's tests: plain `fetch`, its own EIP-712 (viem) and HMAC (node:crypto)
 * signing, written from the documented scheme, independent of the simulator's verifier.
 */
import { createHmac } from 'node:crypto';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are inspected field by field in tests
  body: any;
}

export const ASTER_DOMAIN = {
  name: 'AsterSignTransaction',
  version: '1',
  chainId: 1666,
  verifyingContract: '0x0000000000000000000000000000000000000000',
} as const;

const MESSAGE_TYPES = { Message: [{ name: 'msg', type: 'string' }] } as const;

/** Order of the secp256k1 group. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export interface V3Identity {
  user: string;
  signer: string;
  privateKey: Hex;
}

export interface V3Options {
  /** Where the signed parameters travel. Default: query for GET, body otherwise. */
  placement?: 'query' | 'body';
  /** Override the nonce (µs). */
  nonce?: string;
  /** Send v as the raw recovery id (0/1) instead of 27/28. */
  rawRecoveryId?: boolean;
  /** Send the other v (28 for 27 and back): a signature that recovers to another key. */
  flipRecoveryId?: boolean;
  /** Send s as n − s with the other v: the same signature in its high-s form, which recovery accepts. */
  highS?: boolean;
  /** Rewrites the signed string before sending (to tamper with a parameter after signing). */
  alterSent?: (sent: string) => string;
  chainId?: number;
  /** Leave the `user` parameter out. */
  omitUser?: boolean;
}

export async function send(
  baseUrl: string,
  method: string,
  path: string,
  query = '',
  body = '',
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== '') {
    init.body = body;
    (init.headers as Record<string, string>)['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  const response = await fetch(`${baseUrl}${path}${query === '' ? '' : `?${query}`}`, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

export class TestClient {
  private lastNonce = 0n;

  constructor(
    readonly baseUrl: string,
    private readonly nowMs: () => number,
  ) {}

  /** A nonce from the simulator clock in µs, strictly increasing per client. */
  nextNonce(): string {
    let nonce = BigInt(Math.floor(this.nowMs())) * 1000n;
    if (nonce <= this.lastNonce) nonce = this.lastNonce + 1n;
    this.lastNonce = nonce;
    return nonce.toString();
  }

  async signV3(identity: V3Identity, params: Record<string, string>, options: V3Options = {}): Promise<string> {
    const all = new URLSearchParams(params);
    all.set('nonce', options.nonce ?? this.nextNonce());
    if (!options.omitUser) all.set('user', identity.user);
    all.set('signer', identity.signer);
    const msg = all.toString();
    const account = privateKeyToAccount(identity.privateKey);
    let signature = await account.signTypedData({
      domain: { ...ASTER_DOMAIN, chainId: options.chainId ?? ASTER_DOMAIN.chainId },
      types: MESSAGE_TYPES,
      primaryType: 'Message',
      message: { msg },
    });
    if (options.flipRecoveryId) {
      const v = Number.parseInt(signature.slice(130), 16);
      signature = `${signature.slice(0, 130)}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    }
    if (options.highS) {
      const s = BigInt(`0x${signature.slice(66, 130)}`);
      const v = Number.parseInt(signature.slice(130), 16);
      const flipped = (SECP256K1_N - s).toString(16).padStart(64, '0');
      signature = `${signature.slice(0, 66)}${flipped}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    }
    if (options.rawRecoveryId) {
      const v = Number.parseInt(signature.slice(130), 16) - 27;
      signature = `${signature.slice(0, 130)}0${v}` as Hex;
    }
    const sent = options.alterSent ? options.alterSent(msg) : msg;
    return `${sent}&signature=${signature}`;
  }

  async v3(
    identity: V3Identity,
    method: string,
    path: string,
    params: Record<string, string> = {},
    options: V3Options = {},
  ): Promise<Reply> {
    const wire = await this.signV3(identity, params, options);
    const placement = options.placement ?? (method === 'GET' ? 'query' : 'body');
    return placement === 'query' ? send(this.baseUrl, method, path, wire) : send(this.baseUrl, method, path, '', wire);
  }

  async hmac(
    key: { apiKey: string; apiSecret: string },
    method: string,
    path: string,
    params: Record<string, string> = {},
    options: { timestampMs?: number; recvWindow?: number; badSecret?: boolean; placement?: 'query' | 'body' } = {},
  ): Promise<Reply> {
    const all = new URLSearchParams(params);
    if (options.recvWindow !== undefined) all.set('recvWindow', String(options.recvWindow));
    all.set('timestamp', String(options.timestampMs ?? Math.floor(this.nowMs())));
    const total = all.toString();
    const secret = options.badSecret ? `${key.apiSecret.slice(0, -1)}0` : key.apiSecret;
    const signature = createHmac('sha256', secret).update(total).digest('hex');
    const wire = `${total}&signature=${signature}`;
    const headers = { 'X-MBX-APIKEY': key.apiKey };
    const placement = options.placement ?? (method === 'GET' ? 'query' : 'body');
    return placement === 'query'
      ? send(this.baseUrl, method, path, wire, '', headers)
      : send(this.baseUrl, method, path, '', wire, headers);
  }

  get(path: string, query = ''): Promise<Reply> {
    return send(this.baseUrl, 'GET', path, query);
  }

  async control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  }
}
