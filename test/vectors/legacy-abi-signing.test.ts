/**
 * The opt-in legacy V3 signer (ABI + keccak + EIP-191), checked against an independent computation of the same
 * steps written here with viem primitives and by hand (aster-api.md §2.4, seed-spec §1.3), plus recovery of the
 * signer address from the signature.
 */
import { encodeAbiParameters, type Hex, keccak256, recoverMessageAddress, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { createLegacyAbiSigner, legacyAbiJson } from '../../src/venue/aster/sign/legacy-abi.ts';
import { NonceSource } from '../../src/venue/aster/sign/nonce.ts';
import { encodeParams } from '../../src/venue/aster/sign/params.ts';

const USER: Hex = '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e';
const SIGNER: Hex = '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0';
const PRIVATE_KEY: Hex = '0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1';
const NONCE_US = 1748310859508867;
const TIMESTAMP_MS = 1748310859508;

function makeSigner(recvWindowMs = 50000) {
  const clock = { nowMs: () => NONCE_US / 1000 };
  return createLegacyAbiSigner({
    user: USER,
    signer: SIGNER,
    privateKey: PRIVATE_KEY,
    recvWindowMs,
    nonces: new NonceSource(clock),
    clock,
  });
}

/** The steps of the original bot, written out independently of the implementation. */
async function reference(json: string): Promise<Hex> {
  const encoded = encodeAbiParameters(
    [{ type: 'string' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }],
    [json, USER, SIGNER, BigInt(NONCE_US)],
  );
  const hash = keccak256(encoded);
  return privateKeyToAccount(PRIVATE_KEY).signMessage({ message: { raw: hash } });
}

describe('legacy ABI signer', () => {
  it('serialises parameters as compact JSON with keys in code-point order, all values strings', () => {
    expect(
      legacyAbiJson([
        ['symbol', 'BTCUSDT'],
        ['type', 'MARKET'],
        ['Zeta', '1'],
        ['recvWindow', '50000'],
      ]),
    ).toBe('{"Zeta":"1","recvWindow":"50000","symbol":"BTCUSDT","type":"MARKET"}');
  });

  it('signs a POST order exactly as the independent computation does, and the signature recovers to the signer', async () => {
    const signed = await makeSigner().sign([
      ['symbol', 'BTCUSDT'],
      ['side', 'SELL'],
      ['type', 'MARKET'],
      ['quantity', '0.010'],
    ]);
    const json =
      '{"quantity":"0.010","recvWindow":"50000","side":"SELL","symbol":"BTCUSDT","timestamp":"1748310859508","type":"MARKET"}';
    const expected = await reference(json);
    expect(signed.signature).toBe(expected);
    expect(
      await recoverMessageAddress({ message: { raw: keccakOfAbi(json) }, signature: signed.signature as Hex }),
    ).toBe(SIGNER);
    expect(encodeParams(signed.params)).toBe(
      `symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.010&recvWindow=50000&timestamp=${TIMESTAMP_MS}` +
        `&nonce=${NONCE_US}&user=${USER}&signer=${SIGNER}&signature=${expected}`,
    );
  });

  it('signs a parameterless GET (account) with only recvWindow and timestamp in the JSON', async () => {
    const signed = await makeSigner(5000).sign([]);
    const json = `{"recvWindow":"5000","timestamp":"${TIMESTAMP_MS}"}`;
    expect(signed.signature).toBe(await reference(json));
  });

  it('the ABI encoding has the documented word layout (offset, user, signer, nonce, length, padded bytes)', () => {
    const json = '{"recvWindow":"5000","timestamp":"1748310859508"}';
    const encoded = encodeAbiParameters(
      [{ type: 'string' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }],
      [json, USER, SIGNER, BigInt(NONCE_US)],
    );
    const word = (i: number) => encoded.slice(2 + i * 64, 2 + (i + 1) * 64);
    expect(word(0)).toBe('80'.padStart(64, '0'));
    expect(word(1)).toBe(USER.slice(2).toLowerCase().padStart(64, '0'));
    expect(word(2)).toBe(SIGNER.slice(2).toLowerCase().padStart(64, '0'));
    expect(word(3)).toBe(NONCE_US.toString(16).padStart(64, '0'));
    expect(word(4)).toBe(json.length.toString(16).padStart(64, '0'));
    const bytesHex = toHex(json).slice(2);
    expect(encoded.slice(2 + 5 * 64)).toBe(bytesHex.padEnd(Math.ceil(bytesHex.length / 64) * 64, '0'));
  });
});

function keccakOfAbi(json: string): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'string' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }],
      [json, USER, SIGNER, BigInt(NONCE_US)],
    ),
  );
}
