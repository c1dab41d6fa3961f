/**
 * The kernel's signature check decides only what its formulas cover. A sum that passes through two points with the
 * same x (a doubling, or a point and its opposite) is reported as undecided, never as a verdict. Crafted with the
 * key Q = G (private key 1): with s = 1 the check adds e·G and then r·G digit by digit, so e = 5 meets r's first
 * digit 5 (a doubling) and e = −5 meets it as its opposite (the point at infinity).
 */
import { secp256k1 } from '@noble/curves/secp256k1';
import { type Hex, keccak256, stringToBytes } from 'viem';
import { privateKeyToAccount, sign } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { recoversTo, tableFor } from '../../../../../src/sim/auth/signer-keys.ts';
import { signatureKernel } from '../../../../../src/sim/auth/wasm/kernel.ts';

const N = secp256k1.CURVE.n;
const ONE_KEY = `0x${'0'.repeat(63)}1` as Hex;
const hex64 = (value: bigint) => value.toString(16).padStart(64, '0');

describe('signature kernel check', () => {
  const kernel = signatureKernel();
  const generatorSlot = tableFor(privateKeyToAccount(ONE_KEY).publicKey);

  it('reports a sum through equal or opposite points as undecided', () => {
    const r = 5n + 256n * 12345n;
    for (const e of [5n, N - 5n]) {
      for (const parity of [0, 1] as const) {
        expect(kernel.check(generatorSlot, hex64(e), hex64(r), hex64(1n), parity)).toBe('undecided');
      }
    }
    // One digit further and the sum is an ordinary one: a verdict.
    expect(kernel.check(generatorSlot, hex64(6n), hex64(r), hex64(1n), 0)).not.toBe('undecided');
  });

  it('still decides genuine and altered signatures of that key exactly', async () => {
    const digest = keccak256(stringToBytes('key one'));
    const signature = (await sign({ hash: digest, privateKey: ONE_KEY, to: 'hex' })) as Hex;
    expect(recoversTo(generatorSlot, digest, signature)).toBe('valid');
    const otherV = `${signature.slice(0, 130)}${signature.endsWith('1b') ? '1c' : '1b'}` as Hex;
    expect(recoversTo(generatorSlot, digest, otherV)).toBe('invalid');
  });

  it('reuses a released table slot for the next key', async () => {
    const privateKey = `0x${'0'.repeat(62)}2a` as Hex;
    const { x, y } = secp256k1.ProjectivePoint.fromPrivateKey(privateKey.slice(2)).toAffine();
    const slot = kernel.buildTable(x, y);
    kernel.releaseTable(slot);
    expect(kernel.buildTable(x, y)).toBe(slot);
    const digest = keccak256(stringToBytes('reused slot'));
    const signature = (await sign({ hash: digest, privateKey, to: 'hex' })) as Hex;
    expect(recoversTo(slot, digest, signature)).toBe('valid');
    kernel.releaseTable(slot);
  });
});
