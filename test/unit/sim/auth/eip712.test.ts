/**
 * The simulator's V3 digest and signature handling against the EIP-712 vectors of aster-api.md §3 (TV-5), which were
 * computed independently from the documented typed data.
 */
import { describe, expect, it } from 'vitest';
import { asterDigest, domainSeparator, normaliseSignature, recoverSigner } from '../../../../src/sim/auth/eip712.ts';

const SIGNER = '0x21cf8ae13bb72632562c6fff438652ba1a151bb0';
const MSG_5A =
  'symbol=ASTERUSDT&type=LIMIT&side=BUY&timeInForce=GTC&quantity=20&price=0.5&nonce=1748310859508867&signer=0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0';
const SIG_5A =
  '0xd82a6784f5eff00b95ecb88145cf7a5fa6803ea6f67e0217262073da628750a742bb3ba555af418320e55029afe358957808d4f810d73ea663d9c91852cd6d941c';
const MSG_5D = 'nonce=1748310859508867&signer=0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0';
const SIG_5D =
  '0xcd0ea4d53d67b3aa39bb62a85fbd4b819f83f745a6eb30c6dfd31991b7b9f00a359d9be3656c8c0860e71e2416f0c06b89d7f64e291f0d7ebe71f7fb76a144c11b';

describe('EIP-712 digest', () => {
  it('matches the documented domain separators for mainnet and testnet', () => {
    expect(domainSeparator(1666)).toBe('0xa95d0a7a6f3f17fcebb0c2336645385ce79cde7523f71ab147fdb7f15e9f37f9');
    expect(domainSeparator(714)).toBe('0xfad01b07bed5729a04dbb977fd86da612eba71d668660bf12cf10b3d65b74d94');
  });

  it('matches the TV-5a and TV-5d digests, and the testnet TV-5c digest', () => {
    expect(asterDigest(MSG_5A)).toBe('0xed6fe2804fb7a74d857c73d838ce3722b0f44d2c023c24bca0acb2bdf0d56267');
    expect(asterDigest(MSG_5D)).toBe('0xd5181d2f501c0a68c31516a89d610155f8dcd0a837ec4d7d629a36bc46ca4c83');
    expect(asterDigest(MSG_5A, 714)).toBe('0x9dcd200534ea4cd58f431d0445a26170e5d4c436e4f0e30317cbe98916285c58');
  });

  it('recovers the demo signer from the TV-5 signatures', async () => {
    expect(await recoverSigner(asterDigest(MSG_5A), SIG_5A)).toBe(SIGNER);
    expect(await recoverSigner(asterDigest(MSG_5D), SIG_5D)).toBe(SIGNER);
  });

  it('recovers another address when one byte of the message changes', async () => {
    const tampered = MSG_5A.replace('quantity=20', 'quantity=21');
    expect(await recoverSigner(asterDigest(tampered), SIG_5A)).not.toBe(SIGNER);
  });
});

describe('signature normalisation', () => {
  it('accepts v as 27/28 or 0/1, with or without the 0x prefix', async () => {
    const raw = `${SIG_5A.slice(0, 130)}01`;
    expect(normaliseSignature(raw)).toBe(SIG_5A);
    expect(normaliseSignature(SIG_5A.slice(2))).toBe(SIG_5A);
    const normalised = normaliseSignature(raw);
    expect(normalised && (await recoverSigner(asterDigest(MSG_5A), normalised))).toBe(SIGNER);
  });

  it('rejects a wrong length, non-hex characters or an impossible v', () => {
    expect(normaliseSignature(SIG_5A.slice(0, 128))).toBeNull();
    expect(normaliseSignature(`${SIG_5A.slice(0, 130)}1d`)).toBeNull();
    expect(normaliseSignature(`0x${'z'.repeat(130)}`)).toBeNull();
  });
});
