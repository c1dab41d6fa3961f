/**
 * The table check of a known signer's V3 signatures gives recovery's verdict, exactly: it accepts what recovery
 * attributes to the key (including the high-s form) and refuses a wrong v, a changed digest, another key's
 * signature and r or s out of range. Once a signer's key is known, a forged or mismatched signature is refused by
 * the check itself, with no recovery. The Authenticator uses it for every signer after its second request (from the
 * first for an agent it prepared), and still refuses a replayed or expired nonce, a wrong v, a changed parameter
 * and a foreign key.
 */
import { secp256k1 } from '@noble/curves/secp256k1';
import { type Hex, keccak256, recoverAddress, stringToBytes } from 'viem';
import { generatePrivateKey, privateKeyToAccount, sign } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { asterDigest } from '../../../../src/sim/auth/eip712.ts';
import { Authenticator } from '../../../../src/sim/auth/index.ts';
import { recoversTo, SignerKeys, tableFor } from '../../../../src/sim/auth/signer-keys.ts';
import { parseRequestParams } from '../../../../src/sim/http/params.ts';

const N = secp256k1.CURVE.n;

async function signHex(hash: Hex, privateKey: Hex): Promise<Hex> {
  return (await sign({ hash, privateKey, to: 'hex' })) as Hex;
}

function withV(signature: Hex, v: 27 | 28): Hex {
  return `${signature.slice(0, 130)}${v.toString(16)}` as Hex;
}

function flipV(signature: Hex): Hex {
  return withV(signature, signature.endsWith('1b') ? 28 : 27);
}

/** The same signature with s replaced by n − s (and v by the other one when `flip`). */
function highS(signature: Hex, flip: boolean): Hex {
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const high = `${signature.slice(0, 66)}${(N - s).toString(16).padStart(64, '0')}${signature.slice(130)}` as Hex;
  return flip ? flipV(high) : high;
}

function withS(signature: Hex, s: bigint): Hex {
  return `${signature.slice(0, 66)}${s.toString(16).padStart(64, '0')}${signature.slice(130)}` as Hex;
}

function withR(signature: Hex, r: bigint): Hex {
  return `0x${r.toString(16).padStart(64, '0')}${signature.slice(66)}` as Hex;
}

const publicKeyOf = (privateKey: Hex) => privateKeyToAccount(privateKey).publicKey;

describe('recoversTo', () => {
  it('agrees with recovering the address, for genuine, wrong-v, high-s, changed and foreign signatures', async () => {
    let cases = 0;
    for (let k = 0; k < 10; k++) {
      const privateKey = generatePrivateKey();
      const address = privateKeyToAccount(privateKey).address;
      const slot = tableFor(publicKeyOf(privateKey));
      for (let m = 0; m < 3; m++) {
        const digest = keccak256(stringToBytes(`key ${k} message ${m} ${privateKey}`));
        const genuine = await signHex(digest, privateKey);
        const variants: Hex[] = [
          genuine,
          flipV(genuine),
          highS(genuine, true),
          highS(genuine, false),
          await signHex(digest, generatePrivateKey()),
        ];
        const otherDigest = keccak256(stringToBytes(`another message ${k} ${m}`));
        for (const [hash, signature] of [
          ...variants.map((v) => [digest, v] as const),
          [otherDigest, genuine] as const,
        ]) {
          const byRecovery = (await recoverAddress({ hash, signature })) === address;
          expect(recoversTo(slot, hash, signature), `key ${k} msg ${m}`).toBe(byRecovery ? 'valid' : 'invalid');
          cases++;
        }
        // What recovery says about the variants, so the comparison above means something.
        expect(recoversTo(slot, digest, genuine)).toBe('valid');
        expect(recoversTo(slot, digest, flipV(genuine))).toBe('invalid');
        expect(recoversTo(slot, digest, highS(genuine, true))).toBe('valid');
      }
    }
    expect(cases).toBe(180);
  });

  it('refuses r or s outside 1..n−1, as recovery does', async () => {
    const privateKey = generatePrivateKey();
    const slot = tableFor(publicKeyOf(privateKey));
    const digest = keccak256(stringToBytes('range'));
    const genuine = await signHex(digest, privateKey);
    for (const forged of [withS(genuine, 0n), withS(genuine, N), withR(genuine, N), withR(genuine, 0n)]) {
      expect(recoversTo(slot, digest, forged)).toBe('invalid');
      await expect(recoverAddress({ hash: digest, signature: forged })).rejects.toThrow();
    }
  });

  it('reads the digest and the signature in either hex case', async () => {
    const privateKey = generatePrivateKey();
    const slot = tableFor(publicKeyOf(privateKey));
    const digest = keccak256(stringToBytes('case'));
    const genuine = await signHex(digest, privateKey);
    expect(recoversTo(slot, digest.toUpperCase().replace('0X', '0x') as Hex, genuine.toUpperCase() as Hex)).toBe(
      'valid',
    );
  });
});

describe('SignerKeys', () => {
  it('recovers a new signer, builds its table on the second signature, then checks without recovery', async () => {
    const keys = new SignerKeys();
    const privateKey = generatePrivateKey();
    const signer = privateKeyToAccount(privateKey).address.toLowerCase();
    const digests = [0, 1, 2, 3].map((i) => keccak256(stringToBytes(`request ${i}`)));
    for (const digest of digests)
      expect(await keys.signedBy(digest, await signHex(digest, privateKey), signer)).toBe(true);
    expect(keys.counts).toEqual({ recovered: 2, fast: 2 });
  });

  it('once the key is known, refuses forged and mismatched signatures by the check alone, never by recovery', async () => {
    const keys = new SignerKeys();
    const privateKey = generatePrivateKey();
    const signer = privateKeyToAccount(privateKey).address.toLowerCase();
    for (const i of [0, 1]) {
      const digest = keccak256(stringToBytes(`learn ${i}`));
      expect(await keys.signedBy(digest, await signHex(digest, privateKey), signer)).toBe(true);
    }
    expect(keys.counts).toEqual({ recovered: 2, fast: 0 });

    const digest = keccak256(stringToBytes('request 4'));
    const genuine = await signHex(digest, privateKey);
    // A wrong v, a changed digest, another key claiming this signer, r or s out of range: all refused.
    expect(await keys.signedBy(digest, flipV(genuine), signer)).toBe(false);
    expect(await keys.signedBy(keccak256(stringToBytes('changed')), genuine, signer)).toBe(false);
    expect(await keys.signedBy(digest, await signHex(digest, generatePrivateKey()), signer)).toBe(false);
    expect(await keys.signedBy(digest, withS(genuine, 0n), signer)).toBe(false);
    expect(await keys.signedBy(digest, withR(genuine, N + 1n), signer)).toBe(false);
    expect(keys.counts).toEqual({ recovered: 2, fast: 5 });
    // The high-s form of the genuine signature recovers to the same key: accepted, as Aster accepts it.
    expect(await keys.signedBy(digest, highS(genuine, true), signer)).toBe(true);
    expect(await keys.signedBy(digest, genuine, signer)).toBe(true);
    expect(keys.counts).toEqual({ recovered: 2, fast: 7 });
  });

  it('leaves an undecided check to recovery, which then gives the verdict', async () => {
    const verdicts: string[] = [];
    const keys = new SignerKeys({
      check: () => {
        verdicts.push('undecided');
        return 'undecided';
      },
    });
    const privateKey = generatePrivateKey();
    const signer = privateKeyToAccount(privateKey).address.toLowerCase();
    const sign3 = [0, 1, 2].map((i) => keccak256(stringToBytes(`undecided ${i}`)));
    for (const digest of sign3)
      expect(await keys.signedBy(digest, await signHex(digest, privateKey), signer)).toBe(true);
    const digest = keccak256(stringToBytes('undecided forged'));
    expect(await keys.signedBy(digest, await signHex(digest, generatePrivateKey()), signer)).toBe(false);
    // The third and fourth signatures reached the check (the table exists from the second), which passed them on.
    expect(verdicts).toEqual(['undecided', 'undecided']);
    expect(keys.counts).toEqual({ recovered: 4, fast: 0 });
  });

  it('a signature that recovers to another address is refused, whatever the signer claims', async () => {
    const keys = new SignerKeys();
    const privateKey = generatePrivateKey();
    const claimed = privateKeyToAccount(generatePrivateKey()).address.toLowerCase();
    const digest = keccak256(stringToBytes('claim'));
    expect(await keys.signedBy(digest, await signHex(digest, privateKey), claimed)).toBe(false);
    expect(await keys.signedBy(digest, `0x${'00'.repeat(64)}1b`, claimed)).toBe(false);
  });

  it('forgets the least recently used signer beyond its capacity', async () => {
    const keys = new SignerKeys({ capacity: 2 });
    const signers = [0, 1, 2].map(() => generatePrivateKey());
    const use = async (privateKey: Hex, label: string) => {
      const digest = keccak256(stringToBytes(label));
      const signer = privateKeyToAccount(privateKey).address.toLowerCase();
      return keys.signedBy(digest, await signHex(digest, privateKey), signer);
    };
    for (const [i, key] of signers.entries()) {
      expect(await use(key, `a${i}`)).toBe(true);
      expect(await use(key, `b${i}`)).toBe(true);
    }
    expect(keys.counts).toEqual({ recovered: 6, fast: 0 });
    // The newest two are known; the first was forgotten and is recovered again.
    expect(await use(signers[2] as Hex, 'c2')).toBe(true);
    expect(await use(signers[1] as Hex, 'c1')).toBe(true);
    expect(keys.counts.fast).toBe(2);
    expect(await use(signers[0] as Hex, 'c0')).toBe(true);
    expect(keys.counts).toEqual({ recovered: 7, fast: 2 });
    expect(() => new SignerKeys({ capacity: 0 })).toThrow(/capacity must be a positive integer, got 0/);
  });

  it('a prepared agent is checked without recovery from its first request, and its key cannot be spoofed', async () => {
    const keys = new SignerKeys();
    const privateKey = generatePrivateKey();
    const address = privateKeyToAccount(privateKey).address;
    const warnings: string[] = [];
    await keys.prepare([{ address, privateKey }], (m) => warnings.push(m));
    expect(warnings).toEqual([]);
    const digest = keccak256(stringToBytes('first request'));
    expect(await keys.signedBy(digest, await signHex(digest, privateKey), address.toLowerCase())).toBe(true);
    expect(await keys.signedBy(digest, await signHex(digest, generatePrivateKey()), address.toLowerCase())).toBe(false);
    expect(keys.counts).toEqual({ recovered: 0, fast: 2 });
  });
});

describe('Authenticator with known signers', () => {
  const privateKey = generatePrivateKey();
  const signer = privateKeyToAccount(privateKey).address;
  const user = privateKeyToAccount(generatePrivateKey()).address;
  const NOW_MS = 1_750_000_000_000;

  async function request(nonceUs: bigint, params = 'symbol=BTCUSDT', tamper?: (sent: string) => string) {
    const msg = `${params}&nonce=${nonceUs}&user=${user}&signer=${signer}`;
    const signature = await signHex(asterDigest(msg), privateKey);
    return { msg, signature, sent: tamper ? tamper(msg) : msg };
  }

  async function verify(auth: Authenticator, wire: { sent: string; signature: string }) {
    return auth.verifyV3(parseRequestParams(`${wire.sent}&signature=${wire.signature}`, ''));
  }

  it('accepts repeat requests through the table check and keeps every rejection', async () => {
    const auth = new Authenticator({ nowMs: () => NOW_MS });
    const base = BigInt(NOW_MS) * 1000n;
    for (let i = 0n; i < 4n; i++) {
      expect((await verify(auth, await request(base + i))).account).toBe(user.toLowerCase());
    }
    expect(auth.signerKeys.counts).toEqual({ recovered: 2, fast: 2 });

    const fresh = await request(base + 10n);
    await expect(verify(auth, { ...fresh, signature: flipV(fresh.signature) })).rejects.toMatchObject({ code: -1022 });
    const tampered = await request(base + 11n, 'symbol=BTCUSDT', (s) => s.replace('BTCUSDT', 'ETHUSDT'));
    await expect(verify(auth, tampered)).rejects.toMatchObject({ code: -1022 });
    const foreign = await request(base + 12n);
    const foreignSignature = await signHex(asterDigest(foreign.msg), generatePrivateKey());
    await expect(verify(auth, { ...foreign, signature: foreignSignature })).rejects.toMatchObject({ code: -1022 });
    // None of the refusals needed a recovery.
    expect(auth.signerKeys.counts.recovered).toBe(2);

    const accepted = await request(base + 13n);
    await verify(auth, accepted);
    await expect(verify(auth, accepted)).rejects.toMatchObject({ code: -4225 });
    const old = await request(base - 10_000_001n);
    await expect(verify(auth, old)).rejects.toMatchObject({ code: -4225 });
    expect(auth.signerKeys.counts.recovered).toBe(2);
  });
});
