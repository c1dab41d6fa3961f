/**
 * V3 "Pro API" signing (default for `/fapi/v3/*` and `/api/v3/*`): an EIP-712 signature by the API-wallet (agent)
 * key over typed data `Message{string msg}` in the domain `AsterSignTransaction` v1, chainId 1666 (mainnet) or
 * 714 (testnet), verifyingContract 0x0, where `msg` is the exact parameter string of the request.
 *
 * Parameter order: the business parameters in the caller's order, then `nonce`, `user`, `signer`, and the
 * `signature` last. This is the layout of the official examples (the Python demo appends `nonce` and `signer` to
 * the business dict, the earlier examples and demos also `user` between them), so a server that rebuilds the
 * string in the documented order and a server that verifies the string as received both see what we signed.
 * `user` is included because every working client sends it; whether the server still requires it is unconfirmed
 * (aster-api.md §2.2), hence `includeUser`.
 *
 * The signature is plain secp256k1 over the EIP-712 digest (no EIP-191 prefix), encoded `0x` + r‖s‖v, v = 27/28.
 */
import { type Hex, hashDomain, hashStruct, hashTypedData, zeroAddress } from 'viem';
import { sign } from 'viem/accounts';
import { ASTER_CODES } from '../errors.ts';
import { scrubSecrets } from '../log.ts';
import { assertKeyMatchesSigner, parseAddress, parsePrivateKey } from './keys.ts';
import type { NonceSource } from './nonce.ts';
import { encodeParams, type ParamList } from './params.ts';
import type { RequestSigner, SignedRequest } from './signer.ts';

export const ASTER_CHAIN_ID = { mainnet: 1666, testnet: 714 } as const;

const DOMAIN_NAME = 'AsterSignTransaction';
const DOMAIN_VERSION = '1';

export const ASTER_MESSAGE_TYPES = {
  EIP712Domain: [
    { name: 'name', type: 'string' },
    { name: 'version', type: 'string' },
    { name: 'chainId', type: 'uint256' },
    { name: 'verifyingContract', type: 'address' },
  ],
  Message: [{ name: 'msg', type: 'string' }],
} as const;

export function asterDomain(chainId: number) {
  return {
    name: DOMAIN_NAME,
    version: DOMAIN_VERSION,
    chainId: BigInt(chainId),
    verifyingContract: zeroAddress,
  } as const;
}

/** The complete typed-data document for `msg`, as a wallet would be asked to sign it. */
export function asterTypedData(msg: string, chainId: number) {
  return {
    domain: asterDomain(chainId),
    types: ASTER_MESSAGE_TYPES,
    primaryType: 'Message',
    message: { msg },
  } as const;
}

export function asterDomainSeparator(chainId: number): Hex {
  return hashDomain({ domain: asterDomain(chainId), types: ASTER_MESSAGE_TYPES });
}

/** hashStruct(Message{msg}) = keccak(typeHash(Message) ‖ keccak(utf8(msg))). */
export function asterMessageHash(msg: string): Hex {
  return hashStruct({ data: { msg }, primaryType: 'Message', types: ASTER_MESSAGE_TYPES });
}

/** keccak(0x1901 ‖ domainSeparator ‖ hashStruct(Message)). */
export function asterDigest(msg: string, chainId: number): Hex {
  return hashTypedData(asterTypedData(msg, chainId));
}

export async function signAsterMessage(msg: string, privateKey: Hex, chainId: number): Promise<Hex> {
  return sign({ hash: asterDigest(msg, chainId), privateKey, to: 'hex' });
}

export interface Eip712SignerOptions {
  chainId: number;
  /** Main (login) wallet address. */
  user: string;
  /** API-wallet (agent) address; `privateKey` must be its key. */
  signer: string;
  privateKey: string;
  /** Send and sign `user` (default true). */
  includeUser?: boolean;
  nonces: NonceSource;
}

export function createEip712Signer(options: Eip712SignerOptions): RequestSigner {
  if (!Number.isSafeInteger(options.chainId) || options.chainId <= 0) {
    throw new RangeError(`chainId must be a positive integer, got ${options.chainId}`);
  }
  const privateKey = parsePrivateKey('credentials.privateKey', options.privateKey);
  const user = parseAddress('credentials.user', options.user);
  const signer = parseAddress('credentials.signer', options.signer);
  assertKeyMatchesSigner(privateKey, signer, 'credentials.privateKey', 'credentials.signer');
  const { chainId, nonces } = options;
  const includeUser = options.includeUser ?? true;

  return {
    scheme: 'eip712',
    family: 'v3',
    staleTimeCodes: [ASTER_CODES.NONCE_EXPIRED],
    async sign(params: ParamList): Promise<SignedRequest> {
      const auth: Array<readonly [string, string]> = [['nonce', String(nonces.next())]];
      if (includeUser) auth.push(['user', user]);
      auth.push(['signer', signer]);
      const unsigned = [...params, ...auth];
      const signature = await signAsterMessage(encodeParams(unsigned), privateKey, chainId);
      return {
        params: [...unsigned, ['signature', signature]],
        // V3 authenticates by signature alone: no API-key header.
        headers: {},
        signature,
      };
    },
    apiKeyHeaders: () => null,
    scrub: (text) => scrubSecrets(text, [privateKey]),
  };
}
