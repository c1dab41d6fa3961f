/**
 * The kernel's Keccak-256 against viem's: empty input, inputs around the 136-byte block boundary, multi-block and
 * multi-byte UTF-8 text, concatenated parts (including a view of the previous digest), and the EIP-712 digest of a
 * parameter string too long for the kernel's buffer, which is hashed the slow way with the same result.
 */
import { concatBytes, hexToBytes, keccak256, stringToBytes } from 'viem';
import { describe, expect, it } from 'vitest';
import { asterDigest } from '../../../../../src/sim/auth/eip712.ts';
import { SignatureKernel, signatureKernel } from '../../../../../src/sim/auth/wasm/kernel.ts';

describe('Keccak-256', () => {
  const kernel = signatureKernel();

  it('hashes text of every length around the rate like viem', () => {
    const lengths = [0, 1, 2, 31, 32, 55, 64, 134, 135, 136, 137, 200, 271, 272, 273, 1000, 4096];
    for (const length of lengths) {
      const text = Array.from({ length }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join('');
      const digest = kernel.keccakText(text);
      expect(digest && SignatureKernel.toHex(digest), `length ${length}`).toBe(keccak256(stringToBytes(text)));
    }
  });

  it('hashes multi-byte UTF-8 as its bytes', () => {
    for (const text of ['ünïcødé', '€'.repeat(50), '𝄞 symbol=BTCUSDT', 'a'.repeat(134) + 'é']) {
      const digest = kernel.keccakText(text);
      expect(digest && SignatureKernel.toHex(digest)).toBe(keccak256(stringToBytes(text)));
    }
  });

  it('hashes concatenated parts, a part may be the previous digest', () => {
    const first = kernel.keccakText('first') as Uint8Array;
    const prefix = new Uint8Array([0x19, 0x01]);
    const expected = keccak256(concatBytes([prefix, hexToBytes(keccak256(stringToBytes('first')))]));
    expect(SignatureKernel.toHex(kernel.keccakParts([prefix, first]))).toBe(expected);
    expect(() => kernel.keccakParts([new Uint8Array(SignatureKernel.MAX_INPUT_BYTES + 1)])).toThrow(/too long/);
  });

  it('declines text beyond its buffer, and the digest of such a message is still right', () => {
    const long = `symbol=BTCUSDT&note=${'x'.repeat(SignatureKernel.MAX_INPUT_BYTES)}`;
    expect(kernel.keccakText(long)).toBeNull();
    const structHash = keccak256(
      concatBytes([
        hexToBytes(keccak256(stringToBytes('Message(string msg)'))),
        hexToBytes(keccak256(stringToBytes(long))),
      ]),
    );
    // The documented mainnet domain separator (aster-api.md §3, TV-5).
    const separator = '0xa95d0a7a6f3f17fcebb0c2336645385ce79cde7523f71ab147fdb7f15e9f37f9';
    const expected = keccak256(
      concatBytes([new Uint8Array([0x19, 0x01]), hexToBytes(separator), hexToBytes(structHash)]),
    );
    expect(asterDigest(long)).toBe(expected);
    const short = 'nonce=1&signer=0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0';
    expect(asterDigest(short)).not.toBe(asterDigest(`${short} `));
  });
});
