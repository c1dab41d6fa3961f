import { inspect } from 'node:util';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import {
  ConfigValidationError,
  MissingCredentialsError,
  maskSecrets,
  readSecrets,
  requireCredentials,
  Secret,
} from '../../../src/config/index.ts';
import type { ConfigError } from '../../../src/errors.ts';
import { configErrorOf } from './helpers.ts';

const SIGNER_KEY = `0x${'4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'}`;
const USER_KEY = `0x${'8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f'}`;
const SIGNER = privateKeyToAccount(SIGNER_KEY as `0x${string}`).address;
const USER = privateKeyToAccount(USER_KEY as `0x${string}`).address;
const HMAC_KEY = 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83';
const HMAC_SECRET = '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9';

function vars(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries));
}

/** Every representation of an error a log line or terminal could show. */
function everythingShown(error: ConfigError): string {
  return [error.message, error.field, String(error.value), String(error), inspect(error), JSON.stringify(error)].join(
    '\n',
  );
}

/** No 8-character run of the secret (hex or its decimal form) appears in the text. */
function expectNoTraceOf(secret: string, text: string): void {
  const plain = secret.replace(/^0x/, '');
  for (let i = 0; i + 8 <= plain.length; i++) expect(text).not.toContain(plain.slice(i, i + 8));
  if (/^[0-9a-fA-F]+$/.test(plain) && plain.length > 0) {
    const decimal = BigInt(`0x${plain}`).toString();
    expect(text).not.toContain(decimal.slice(0, 12));
  }
}

describe('credential variables', () => {
  it('reads and checks the V3 trio and the V1 pair', () => {
    const secrets = readSecrets(
      vars({
        API_USER: USER,
        API_SIGNER: SIGNER.toLowerCase(),
        API_PRIVATE_KEY: ` ${SIGNER_KEY.slice(2).toUpperCase()} `,
        APIV1_PUBLIC_KEY: HMAC_KEY,
        APIV1_PRIVATE_KEY: HMAC_SECRET,
      }),
    );
    expect(secrets.apiUser).toBe(USER);
    expect(secrets.apiSigner).toBe(SIGNER.toLowerCase());
    // Normalised: trimmed, 0x-prefixed, lower-case.
    expect(secrets.apiPrivateKey?.reveal()).toBe(SIGNER_KEY);
    expect(secrets.apiV1PublicKey).toBe(HMAC_KEY);
    expect(secrets.apiV1PrivateKey?.reveal()).toBe(HMAC_SECRET);
  });

  it('treats blank variables as unset', () => {
    expect(readSecrets(vars({ API_USER: '', API_SIGNER: '   ', API_PRIVATE_KEY: '' }))).toEqual({});
  });

  it('a malformed private key is an error naming the variable, never showing the value', () => {
    const malformed = SIGNER_KEY.slice(0, -1); // 63 hex digits
    const error = configErrorOf(() => readSecrets(vars({ API_PRIVATE_KEY: malformed })));
    expect(error.field).toBe('API_PRIVATE_KEY');
    expect(error.message).toMatch(/^API_PRIVATE_KEY: must be 64 hex digits, optionally prefixed with 0x/);
    expectNoTraceOf(malformed, everythingShown(error));
  });

  it('a private key outside the curve order is rejected without the library’s message (which prints the key)', () => {
    const tooLarge = `0x${'f'.repeat(64)}`;
    const error = configErrorOf(() => readSecrets(vars({ API_PRIVATE_KEY: tooLarge })));
    expect(error.field).toBe('API_PRIVATE_KEY');
    expect(error.message).toMatch(/not a valid secp256k1 private key/);
    expect(error.cause).toBeUndefined();
    expectNoTraceOf(tooLarge, everythingShown(error));
  });

  it('a private key pasted into an address variable is not echoed', () => {
    const error = configErrorOf(() => readSecrets(vars({ API_USER: SIGNER_KEY })));
    expect(error.field).toBe('API_USER');
    expect(error.message).toMatch(/must be 0x followed by 40 hex digits \(got 66 characters\)/);
    expectNoTraceOf(SIGNER_KEY, everythingShown(error));
  });

  it('a malformed HMAC secret is an error naming the variable, never showing the value', () => {
    const bad = `${HMAC_SECRET.slice(0, 40)}-${HMAC_SECRET.slice(40)}`;
    const error = configErrorOf(() => readSecrets(vars({ APIV1_PRIVATE_KEY: bad })));
    expect(error.field).toBe('APIV1_PRIVATE_KEY');
    expectNoTraceOf(HMAC_SECRET, everythingShown(error));
  });

  it('a mixed-case address with a wrong checksum is rejected', () => {
    const flipped = SIGNER.replace(/[a-f]/, (c) => c.toUpperCase());
    const error = configErrorOf(() => readSecrets(vars({ API_SIGNER: flipped })));
    expect(error.field).toBe('API_SIGNER');
    expect(error.message).toMatch(/checksum/);
  });

  it('a private key that does not belong to API_SIGNER is rejected, with a hint when it is the main wallet’s', () => {
    const error = configErrorOf(() =>
      readSecrets(vars({ API_USER: USER, API_SIGNER: SIGNER, API_PRIVATE_KEY: USER_KEY })),
    );
    expect(error.field).toBe('API_PRIVATE_KEY');
    expect(error.message).toContain(`does not belong to API_SIGNER ${SIGNER}: it signs for ${USER}`);
    expect(error.message).toMatch(/main wallet/);
    expectNoTraceOf(USER_KEY, everythingShown(error));
  });

  it('reports every bad variable in one error', () => {
    const error = configErrorOf(() =>
      readSecrets(vars({ API_USER: 'nope', API_SIGNER: '0x12', API_PRIVATE_KEY: 'zz', APIV1_PUBLIC_KEY: 'short' })),
    );
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).issues.map((i) => i.field)).toEqual([
      'API_USER',
      'API_SIGNER',
      'API_PRIVATE_KEY',
      'APIV1_PUBLIC_KEY',
    ]);
  });
});

describe('Secret', () => {
  it('shows itself masked everywhere except reveal()', () => {
    const secret = new Secret(SIGNER_KEY);
    const shown = [
      String(secret),
      `${secret}`,
      JSON.stringify({ secret }),
      inspect({ secret }),
      inspect(secret),
      Object.keys(secret).join(','),
    ].join('\n');
    expectNoTraceOf(SIGNER_KEY, shown);
    expect(String(secret)).toBe('****…(66 chars)');
    expect(secret.length).toBe(66);
    expect(secret.reveal()).toBe(SIGNER_KEY);
  });
});

describe('credentials required in live mode', () => {
  const full = readSecrets(
    vars({
      API_USER: USER,
      API_SIGNER: SIGNER,
      API_PRIVATE_KEY: SIGNER_KEY,
      APIV1_PUBLIC_KEY: HMAC_KEY,
      APIV1_PRIVATE_KEY: HMAC_SECRET,
    }),
  );

  it('eip712 and legacy-abi need the V3 trio; every missing variable is named', () => {
    for (const scheme of ['eip712', 'legacy-abi'] as const) {
      const error = configErrorOf(() => requireCredentials(scheme, {}));
      expect(error).toBeInstanceOf(MissingCredentialsError);
      expect((error as MissingCredentialsError).missing).toEqual(['API_USER', 'API_SIGNER', 'API_PRIVATE_KEY']);
      expect(error.message).toMatch(/^API_USER, API_SIGNER, API_PRIVATE_KEY: are missing/);
    }
    const onlyKey = configErrorOf(() =>
      requireCredentials('eip712', { apiUser: full.apiUser!, apiSigner: full.apiSigner! }),
    );
    expect(onlyKey.field).toBe('API_PRIVATE_KEY');
    expect(onlyKey.message).toMatch(/^API_PRIVATE_KEY: is missing/);
  });

  it('hmac needs the V1 pair', () => {
    const error = configErrorOf(() => requireCredentials('hmac', { apiV1PublicKey: HMAC_KEY }));
    expect((error as MissingCredentialsError).missing).toEqual(['APIV1_PRIVATE_KEY']);
    expect(error.message).toMatch(/V1 HMAC API key/);
  });

  it('returns the credentials of the scheme', () => {
    expect(requireCredentials('eip712', full)).toEqual({
      scheme: 'eip712',
      user: USER,
      signer: SIGNER,
      privateKey: full.apiPrivateKey,
    });
    const hmac = requireCredentials('hmac', full);
    expect(hmac.scheme).toBe('hmac');
    if (hmac.scheme === 'hmac') expect(hmac.apiSecret.reveal()).toBe(HMAC_SECRET);
  });

  it('masking shows addresses, the API key’s first characters, and nothing of private keys', () => {
    const masked = maskSecrets(full);
    expect(masked).toEqual({
      API_USER: USER,
      API_SIGNER: SIGNER,
      API_PRIVATE_KEY: '****…(66 chars)',
      APIV1_PUBLIC_KEY: 'dbef…(64 chars)',
      APIV1_PRIVATE_KEY: '****…(64 chars)',
    });
    expect(maskSecrets({})).toEqual({
      API_USER: null,
      API_SIGNER: null,
      API_PRIVATE_KEY: null,
      APIV1_PUBLIC_KEY: null,
      APIV1_PRIVATE_KEY: null,
    });
  });
});
