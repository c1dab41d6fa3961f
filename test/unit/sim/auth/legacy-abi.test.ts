/** The legacy ABI scheme's JSON canonicalisation (Python json.dumps, sorted, spaces removed) and digest. */
import { encodeAbiParameters, hashMessage, keccak256 } from 'viem';
import { describe, expect, it } from 'vitest';
import { legacyDigest, legacyJson } from '../../../../src/sim/auth/legacy-abi.ts';

describe('legacy ABI scheme', () => {
  it('writes sorted compact JSON without the auth fields, as the original bot did', () => {
    const params = new Map([
      ['timestamp', '1700000000000'],
      ['recvWindow', '50000'],
      ['nonce', '1'],
      ['signature', '0x00'],
      ['Zeta', 'x'],
    ]);
    expect(legacyJson(params)).toBe('{"Zeta":"x","recvWindow":"50000","timestamp":"1700000000000"}');
  });

  it('escapes like Python: non-ASCII as \\uXXXX, quotes, control characters; spaces removed everywhere', () => {
    const params = new Map([['note', 'café "a b"\n']]);
    expect(legacyJson(params)).toBe('{"note":"caf\\u00e9\\"ab\\"\\n"}');
  });

  it('hashes abi.encode(json, user, signer, nonce) under EIP-191', () => {
    const user = '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e';
    const signer = '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0';
    const params = new Map([['symbol', 'BTCUSDT']]);
    const expected = hashMessage({
      raw: keccak256(
        encodeAbiParameters(
          [{ type: 'string' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }],
          ['{"symbol":"BTCUSDT"}', user, signer, 1748310859508867n],
        ),
      ),
    });
    expect(legacyDigest(params, user, signer, 1748310859508867n)).toBe(expected);
  });
});
