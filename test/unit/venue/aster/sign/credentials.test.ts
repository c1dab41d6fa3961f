import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../../src/errors.ts';
import { createSigner } from '../../../../../src/venue/aster/sign/index.ts';
import { ServerClock } from '../../../../../src/venue/aster/sign/server-clock.ts';

const PRIVATE_KEY = '0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1';
const SIGNER = '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0';
const USER = '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e';
const clock = new ServerClock({ nowMs: () => 1_750_000_000_000 });

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('signer credentials', () => {
  it('builds each scheme from configuration', () => {
    expect(
      createSigner({ scheme: 'eip712', chainId: 1666, user: USER, signer: SIGNER, privateKey: PRIVATE_KEY }, clock),
    ).toMatchObject({ scheme: 'eip712', family: 'v3', staleTimeCodes: [-4225] });
    expect(
      createSigner({ scheme: 'legacy-abi', user: USER, signer: SIGNER, privateKey: PRIVATE_KEY }, clock),
    ).toMatchObject({ scheme: 'legacy-abi', family: 'v3' });
    expect(createSigner({ scheme: 'hmac', apiKey: 'k'.repeat(64), apiSecret: 's'.repeat(64) }, clock)).toMatchObject({
      scheme: 'hmac',
      family: 'v1',
      staleTimeCodes: [-1021],
    });
  });

  it('a malformed private key is named without echoing the key', () => {
    const bad = `${PRIVATE_KEY.slice(0, -1)}z`;
    const error = configError(() =>
      createSigner({ scheme: 'eip712', chainId: 1666, user: USER, signer: SIGNER, privateKey: bad }, clock),
    );
    expect(error.field).toBe('credentials.privateKey');
    expect(error.message).not.toContain(bad.slice(2, 40));
    expect(error.value).toBeUndefined();
  });

  it('a key that does not belong to the signer address is refused, naming both public addresses', () => {
    const otherSigner = '0x0000000000000000000000000000000000000001';
    const error = configError(() =>
      createSigner(
        { scheme: 'eip712', chainId: 1666, user: USER, signer: otherSigner, privateKey: PRIVATE_KEY },
        clock,
      ),
    );
    expect(error.field).toBe('credentials.signer');
    expect(error.message).toContain(otherSigner);
    expect(error.message.toLowerCase()).toContain(SIGNER.toLowerCase());
    expect(error.message).not.toContain(PRIVATE_KEY.slice(2));
  });

  it('an address with a wrong EIP-55 checksum is refused', () => {
    const badCase = USER.replace('DD', 'dD');
    expect(
      configError(() =>
        createSigner(
          { scheme: 'eip712', chainId: 1666, user: badCase, signer: SIGNER, privateKey: PRIVATE_KEY },
          clock,
        ),
      ).field,
    ).toBe('credentials.user');
  });

  it('HMAC credentials and recvWindow are validated', () => {
    expect(
      configError(() => createSigner({ scheme: 'hmac', apiKey: '', apiSecret: 'x'.repeat(10) }, clock)).field,
    ).toBe('credentials.apiKey');
    expect(configError(() => createSigner({ scheme: 'hmac', apiKey: 'k', apiSecret: 'a b' }, clock)).field).toBe(
      'credentials.apiSecret',
    );
    expect(
      configError(() =>
        createSigner({ scheme: 'hmac', apiKey: 'k', apiSecret: 's'.repeat(16), recvWindowMs: 60_001 }, clock),
      ).field,
    ).toBe('recvWindowMs');
  });

  it('a signer object exposes no secret when serialised or inspected', async () => {
    const { inspect } = await import('node:util');
    const signer = createSigner(
      { scheme: 'eip712', chainId: 1666, user: USER, signer: SIGNER, privateKey: PRIVATE_KEY },
      clock,
    );
    const hmac = createSigner({ scheme: 'hmac', apiKey: 'key123', apiSecret: 'supersecretvalue' }, clock);
    for (const text of [JSON.stringify(signer), inspect(signer, { depth: 5 }), JSON.stringify(hmac), inspect(hmac)]) {
      expect(text).not.toContain(PRIVATE_KEY.slice(2));
      expect(text).not.toContain('supersecretvalue');
    }
  });
});
