/**
 * API credentials, read from the environment and an optional `.env` file (the environment wins).
 *
 * V3 "Pro API" (EIP-712, and the original bot's legacy ABI scheme): API_USER is the main wallet address, API_SIGNER
 * the API wallet (agent) address, API_PRIVATE_KEY the API wallet's private key. V1 (HMAC): APIV1_PUBLIC_KEY and
 * APIV1_PRIVATE_KEY; Aster no longer issues V1 keys, existing ones still work.
 *
 * No message here ever contains a variable's value: a private key pasted into the wrong variable must not end up in
 * a terminal or a log because it failed a format check. Private keys live in `Secret`, which prints masked.
 */
import { isAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ConfigError } from '../errors.ts';
import { type ConfigIssue, ConfigValidationError } from './issues.ts';
import type { SigningScheme } from './schema.ts';

export type Address = `0x${string}`;

export const SECRET_VARIABLES = [
  'API_USER',
  'API_SIGNER',
  'API_PRIVATE_KEY',
  'APIV1_PUBLIC_KEY',
  'APIV1_PRIVATE_KEY',
] as const;
export type SecretVariable = (typeof SECRET_VARIABLES)[number];

/** `****…(64 chars)`: enough to see that something is set and how long it is, nothing more. */
export function maskSecret(value: string): string {
  return `****…(${value.length} chars)`;
}

/** A secret string that shows itself masked in template strings, JSON, `util.inspect` and loggers. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The plain value, for the signer only. */
  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return maskSecret(this.#value);
  }

  toJSON(): string {
    return maskSecret(this.#value);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${maskSecret(this.#value)})`;
  }
}

export interface Secrets {
  readonly apiUser?: Address;
  readonly apiSigner?: Address;
  /** 0x-prefixed, 64 hex digits. */
  readonly apiPrivateKey?: Secret;
  readonly apiV1PublicKey?: string;
  readonly apiV1PrivateKey?: Secret;
}

export type Credentials =
  | {
      readonly scheme: 'eip712' | 'legacy-abi';
      readonly user: Address;
      readonly signer: Address;
      readonly privateKey: Secret;
    }
  | { readonly scheme: 'hmac'; readonly apiKey: string; readonly apiSecret: Secret };

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const PRIVATE_KEY = /^(?:0x)?[0-9a-fA-F]{64}$/;
const HMAC_KEY = /^[A-Za-z0-9]{16,128}$/;

function checkAddress(name: SecretVariable, value: string, issues: ConfigIssue[]): Address | undefined {
  if (!ADDRESS.test(value)) {
    issues.push({ field: name, message: `must be 0x followed by 40 hex digits (got ${value.length} characters)` });
    return undefined;
  }
  // Mixed case means EIP-55 checksum; a wrong one is a mistyped address.
  if (!isAddress(value, { strict: true })) {
    issues.push({
      field: name,
      message:
        'has a wrong EIP-55 checksum (mixed upper and lower case); copy the address again or write it lower-case',
    });
    return undefined;
  }
  return value as Address;
}

/** The address a private key signs for, or undefined when it is not a valid secp256k1 key. */
function addressOfKey(privateKey: string): Address | undefined {
  try {
    return privateKeyToAccount(privateKey as Address).address;
  } catch {
    // The library's message contains the key as a number: never rethrow it, never keep it as a cause.
    return undefined;
  }
}

function checkPrivateKey(value: string, issues: ConfigIssue[]): Secret | undefined {
  if (!PRIVATE_KEY.test(value)) {
    issues.push({
      field: 'API_PRIVATE_KEY',
      message: `must be 64 hex digits, optionally prefixed with 0x (got ${maskSecret(value)})`,
    });
    return undefined;
  }
  const normalised = (value.startsWith('0x') ? value : `0x${value}`).toLowerCase();
  if (addressOfKey(normalised) === undefined) {
    issues.push({ field: 'API_PRIVATE_KEY', message: 'is not a valid secp256k1 private key (zero or too large)' });
    return undefined;
  }
  return new Secret(normalised);
}

function checkHmacKey(name: SecretVariable, value: string, issues: ConfigIssue[]): string | undefined {
  if (HMAC_KEY.test(value)) return value;
  issues.push({ field: name, message: `must be 16 to 128 letters and digits (got ${maskSecret(value)})` });
  return undefined;
}

/** Looks a variable up; blank counts as unset (the `.env.example` placeholders are blank). */
function lookup(vars: ReadonlyMap<string, string>, name: SecretVariable): string | undefined {
  const value = vars.get(name)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Format-checks the credential variables that are set. Throws one ConfigError listing every bad variable. */
export function readSecrets(vars: ReadonlyMap<string, string>): Secrets {
  const issues: ConfigIssue[] = [];
  const out: {
    apiUser?: Address;
    apiSigner?: Address;
    apiPrivateKey?: Secret;
    apiV1PublicKey?: string;
    apiV1PrivateKey?: Secret;
  } = {};
  const user = lookup(vars, 'API_USER');
  const signer = lookup(vars, 'API_SIGNER');
  const privateKey = lookup(vars, 'API_PRIVATE_KEY');
  const v1Public = lookup(vars, 'APIV1_PUBLIC_KEY');
  const v1Private = lookup(vars, 'APIV1_PRIVATE_KEY');
  if (user !== undefined) {
    const checked = checkAddress('API_USER', user, issues);
    if (checked !== undefined) out.apiUser = checked;
  }
  if (signer !== undefined) {
    const checked = checkAddress('API_SIGNER', signer, issues);
    if (checked !== undefined) out.apiSigner = checked;
  }
  if (privateKey !== undefined) {
    const checked = checkPrivateKey(privateKey, issues);
    if (checked !== undefined) out.apiPrivateKey = checked;
  }
  if (v1Public !== undefined) {
    const checked = checkHmacKey('APIV1_PUBLIC_KEY', v1Public, issues);
    if (checked !== undefined) out.apiV1PublicKey = checked;
  }
  if (v1Private !== undefined) {
    const checked = checkHmacKey('APIV1_PRIVATE_KEY', v1Private, issues);
    if (checked !== undefined) out.apiV1PrivateKey = new Secret(checked);
  }
  if (out.apiPrivateKey !== undefined && out.apiSigner !== undefined) {
    const derived = addressOfKey(out.apiPrivateKey.reveal());
    if (derived !== undefined && derived.toLowerCase() !== out.apiSigner.toLowerCase()) {
      const hint =
        out.apiUser !== undefined && derived.toLowerCase() === out.apiUser.toLowerCase()
          ? ' It is the key of API_USER: the API wallet’s key is needed, not the main wallet’s.'
          : '';
      issues.push({
        field: 'API_PRIVATE_KEY',
        message: `does not belong to API_SIGNER ${out.apiSigner}: it signs for ${derived}.${hint}`,
      });
    }
  }
  if (issues.length > 0) throw new ConfigValidationError(issues);
  return Object.freeze(out);
}

/** The variables each signing scheme needs. */
export function requiredVariables(scheme: SigningScheme): readonly SecretVariable[] {
  return scheme === 'hmac' ? ['APIV1_PUBLIC_KEY', 'APIV1_PRIVATE_KEY'] : ['API_USER', 'API_SIGNER', 'API_PRIVATE_KEY'];
}

/**
 * Credentials are missing for the chosen signing scheme. `field` lists the missing variables, comma-separated;
 * `missing` has them as an array.
 */
export class MissingCredentialsError extends ConfigError {
  override name = 'MissingCredentialsError';
  readonly missing: readonly SecretVariable[];

  constructor(scheme: SigningScheme, missing: readonly SecretVariable[]) {
    const needed = requiredVariables(scheme);
    const kind = scheme === 'hmac' ? 'V1 HMAC API key' : 'V3 API wallet';
    super(
      missing.join(', '),
      `${missing.length === 1 ? 'is' : 'are'} missing: live mode with signing "${scheme}" (${kind}) needs ` +
        `${needed.join(', ')}. Set them in the environment or in a .env file in the working directory.`,
    );
    this.missing = missing;
  }
}

/** The credentials a signing scheme needs, or a MissingCredentialsError naming every missing variable. */
export function requireCredentials(scheme: SigningScheme, secrets: Secrets): Credentials {
  const present: Record<SecretVariable, boolean> = {
    API_USER: secrets.apiUser !== undefined,
    API_SIGNER: secrets.apiSigner !== undefined,
    API_PRIVATE_KEY: secrets.apiPrivateKey !== undefined,
    APIV1_PUBLIC_KEY: secrets.apiV1PublicKey !== undefined,
    APIV1_PRIVATE_KEY: secrets.apiV1PrivateKey !== undefined,
  };
  const missing = requiredVariables(scheme).filter((name) => !present[name]);
  if (missing.length > 0) throw new MissingCredentialsError(scheme, missing);
  if (scheme === 'hmac') {
    return { scheme, apiKey: secrets.apiV1PublicKey as string, apiSecret: secrets.apiV1PrivateKey as Secret };
  }
  return {
    scheme,
    user: secrets.apiUser as Address,
    signer: secrets.apiSigner as Address,
    privateKey: secrets.apiPrivateKey as Secret,
  };
}

/**
 * Every credential variable for display: addresses in full, the V1 API key by its first 4 characters, private keys
 * and the HMAC secret fully masked; null when unset.
 */
export function maskSecrets(secrets: Secrets): Record<SecretVariable, string | null> {
  const v1 = secrets.apiV1PublicKey;
  return {
    API_USER: secrets.apiUser ?? null,
    API_SIGNER: secrets.apiSigner ?? null,
    API_PRIVATE_KEY: secrets.apiPrivateKey === undefined ? null : secrets.apiPrivateKey.toString(),
    APIV1_PUBLIC_KEY: v1 === undefined ? null : `${v1.slice(0, 4)}…(${v1.length} chars)`,
    APIV1_PRIVATE_KEY: secrets.apiV1PrivateKey === undefined ? null : secrets.apiV1PrivateKey.toString(),
  };
}
