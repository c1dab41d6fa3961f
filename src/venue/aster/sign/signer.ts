/**
 * What the transport needs from a signing scheme. Each scheme lives in its own module (eip712, hmac, legacy-abi)
 * and captures its key in a closure: a signer object can be logged or serialised without exposing anything.
 */
import type { ParamList } from './params.ts';

export type SigningScheme = 'eip712' | 'hmac' | 'legacy-abi';
/** Which path family a scheme authenticates: V3 (`/fapi/v3`, `/api/v3`) or V1 (`/fapi/v1`, `/fapi/v2`, `/api/v1`). */
export type ApiFamily = 'v3' | 'v1';

export interface SignedRequest {
  /** Every parameter to send, in order, `signature` last. */
  params: ParamList;
  headers: Readonly<Record<string, string>>;
  /** The signature of this request: the transport scrubs it from anything that reaches a log or an error. */
  signature: string;
}

export interface RequestSigner {
  readonly scheme: SigningScheme;
  readonly family: ApiFamily;
  /** Aster codes meaning "your nonce/timestamp is out of window": resync the clock and sign again. */
  readonly staleTimeCodes: readonly number[];
  /** Adds the auth parameters (nonce or timestamp, identities) and the signature to business `params`. */
  sign(params: ParamList): Promise<SignedRequest>;
  /** Headers for calls authenticated by the API key alone (V1 user-data stream); null when the scheme has none. */
  apiKeyHeaders(): Readonly<Record<string, string>> | null;
  /** Removes this signer's secrets (and any signature-shaped text) from text bound for a log or an error. */
  scrub(text: string): string;
}
