/**
 * The fast check of a known signer's V3 signatures gives recovery's verdict, exactly: it accepts what recovery
 * attributes to the key (including the high-s form) and rejects a wrong v, a changed digest and another key's
 * signature. The Authenticator uses it for every signer after its second request, and still rejects a replayed or
 * expired nonce, a wrong v, a changed parameter and a foreign key.
 */
import { secp256k1 } from '@noble/curves/secp256k1';
import { type Hex, keccak256, recoverAddress, stringToBytes } from 'viem';
import { generatePrivateKey, privateKeyToAccount, sign } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { asterDigest } from '../../../../src/sim/auth/eip712.ts';
import { Authenticator } from '../../../../src/sim/auth/index.ts';
import { recoversTo, SignerKeys, signatureParts } from '../../../../src/sim/auth/signer-keys.ts';
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

/** The key of `privateKey` as a point with its table, as SignerKeys keeps it. */
function tableFor(privateKey: Hex) {
  const point = secp256k1.ProjectivePoint.fromHex(secp256k1.getPublicKey(privateKey.slice(2), false));
  secp256k1.utils.precompute(8, point);
  return point;
}

describe('recoversTo', () => {
  it('agrees with recovering the address, for genuine, wrong-v, high-s, changed and foreign signatures', async () => {
    let cases = 0;
    for (let k = 0; k < 10; k++) {
      const privateKey = generatePrivateKey();
      const address = privateKeyToAccount(privateKey).address;
      const table = tableFor(privateKey);
      for (let m = 0; m < 2; m++) {
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
          expect(recoversTo(table, BigInt(hash), signatureParts(signature)), `key ${k} msg ${m}`).toBe(byRecovery);
          cases++;
        }
        // What recovery must say about the variants, so the comparison above means something.
        expect(recoversTo(table, BigInt(digest), signatureParts(genuine))).toBe(true);
        expect(recoversTo(table, BigInt(digest), signatureParts(flipV(genuine)))).toBe(false);
        expect(recoversTo(table, BigInt(digest), signatureParts(highS(genuine, true)))).toBe(true);
      }
    }
    expect(cases).toBe(120);
  });

  it('rejects r or s outside 1..n−1', async () => {
    const privateKey = generatePrivateKey();
    const table = tableFor(privateKey);
    const digest = keccak256(stringToBytes('range'));
    const parts = signatureParts(await signHex(digest, privateKey));
    expect(recoversTo(table, BigInt(digest), { ...parts, s: 0n })).toBe(false);
    expect(recoversTo(table, BigInt(digest), { ...parts, r: N })).toBe(false);
    expect(recoversTo(table, BigInt(digest), { ...parts, s: parts.s + N })).toBe(false);
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

    const digest = keccak256(stringToBytes('request 4'));
    const genuine = await signHex(digest, privateKey);
    // Each rejection falls back to recovery, which rejects too.
    expect(await keys.signedBy(digest, flipV(genuine), signer)).toBe(false);
    expect(await keys.signedBy(keccak256(stringToBytes('changed')), genuine, signer)).toBe(false);
    expect(await keys.signedBy(digest, await signHex(digest, generatePrivateKey()), signer)).toBe(false);
    expect(keys.counts).toEqual({ recovered: 5, fast: 2 });
    expect(await keys.signedBy(digest, highS(genuine, true), signer)).toBe(true);
    expect(keys.counts).toEqual({ recovered: 5, fast: 3 });
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
    // The newest two are known; the first was evicted and is recovered again.
    expect(await use(signers[2] as Hex, 'c2')).toBe(true);
    expect(await use(signers[1] as Hex, 'c1')).toBe(true);
    expect(keys.counts.fast).toBe(2);
    expect(await use(signers[0] as Hex, 'c0')).toBe(true);
    expect(keys.counts).toEqual({ recovered: 7, fast: 2 });
    expect(() => new SignerKeys({ capacity: 0 })).toThrow(/capacity must be a positive integer, got 0/);
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

  it('accepts repeat requests through the fast check and keeps every rejection', async () => {
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

    const accepted = await request(base + 13n);
    await verify(auth, accepted);
    await expect(verify(auth, accepted)).rejects.toMatchObject({ code: -4225 });
    const old = await request(base - 10_000_001n);
    await expect(verify(auth, old)).rejects.toMatchObject({ code: -4225 });
    expect(auth.signerKeys.counts.fast).toBe(3);
  });
});
