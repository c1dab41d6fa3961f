/**
 * Known-answer tests of V3 EIP-712 signing (aster-api.md §3 TV-5a–d, computed from the documented typed data with
 * the official demo key), the domain constants, and the signer's wire layout.
 */
import { type Hex, keccak256, recoverTypedDataAddress, stringToBytes } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  ASTER_CHAIN_ID,
  asterDigest,
  asterDomainSeparator,
  asterMessageHash,
  asterTypedData,
  createEip712Signer,
  signAsterMessage,
} from '../../src/venue/aster/sign/eip712.ts';
import { NonceSource } from '../../src/venue/aster/sign/nonce.ts';
import { encodeParams, type ParamList } from '../../src/venue/aster/sign/params.ts';

const USER = '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e';
const SIGNER = '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0';
const PRIVATE_KEY: Hex = '0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1';
const NONCE_US = 1748310859508867;

const BUSINESS: ParamList = [
  ['symbol', 'ASTERUSDT'],
  ['type', 'LIMIT'],
  ['side', 'BUY'],
  ['timeInForce', 'GTC'],
  ['quantity', '20'],
  ['price', '0.5'],
];
const BUSINESS_STRING = 'symbol=ASTERUSDT&type=LIMIT&side=BUY&timeInForce=GTC&quantity=20&price=0.5';

const VECTORS = [
  {
    id: '5a',
    chainId: 1666,
    msg: `${BUSINESS_STRING}&nonce=${NONCE_US}&signer=${SIGNER}`,
    structHash: '0xfda3c00f7da2bede0ed7f9362bda29d068cf3c41eee370fceb6cde0ec623b8fc',
    digest: '0xed6fe2804fb7a74d857c73d838ce3722b0f44d2c023c24bca0acb2bdf0d56267',
    signature:
      '0xd82a6784f5eff00b95ecb88145cf7a5fa6803ea6f67e0217262073da628750a742bb3ba555af418320e55029afe358957808d4f810d73ea663d9c91852cd6d941c',
  },
  {
    id: '5b',
    chainId: 1666,
    msg: `${BUSINESS_STRING}&nonce=${NONCE_US}&user=${USER}&signer=${SIGNER}`,
    structHash: '0x8a2e8bf68d83a0783bbc0f9be4f6dd0030db52cf4d5d0c3712c9a3d23d4fce8c',
    digest: '0x214122039b686e20a15baab91d368d354cf8c88067cb8b0e96e9018d8b08a625',
    signature:
      '0x0a56c5923ebf3524475c5f631940ec4c0e41dbd300ad28198d1915d8f3ca49ce26fd1aeb8b0c3079133595da0de38322ae7e860e0c76d032c4a491d27c1430b01c',
  },
  {
    id: '5c',
    chainId: 714,
    msg: `${BUSINESS_STRING}&nonce=${NONCE_US}&signer=${SIGNER}`,
    structHash: '0xfda3c00f7da2bede0ed7f9362bda29d068cf3c41eee370fceb6cde0ec623b8fc',
    digest: '0x9dcd200534ea4cd58f431d0445a26170e5d4c436e4f0e30317cbe98916285c58',
    signature:
      '0x798abbc1eb6244bdf530e3890383494679aecf574a0d65cd79ed48b151df2e182cafc9a2b055701c9c0dbc091898f6c3eae29307ca554f3ab97c8b860de35bef1c',
  },
  {
    id: '5d',
    chainId: 1666,
    msg: `nonce=${NONCE_US}&signer=${SIGNER}`,
    structHash: '0xa38335aaa23f0f5a3cfbce5218177f14c26b2d6eb03765d25ee679a611ebb006',
    digest: '0xd5181d2f501c0a68c31516a89d610155f8dcd0a837ec4d7d629a36bc46ca4c83',
    signature:
      '0xcd0ea4d53d67b3aa39bb62a85fbd4b819f83f745a6eb30c6dfd31991b7b9f00a359d9be3656c8c0860e71e2416f0c06b89d7f64e291f0d7ebe71f7fb76a144c11b',
  },
] as const;

const fixedNonce = () => new NonceSource({ nowMs: () => NONCE_US / 1000 });

describe('EIP-712 constants', () => {
  it('type hashes and domain field hashes match the documented values', () => {
    const k = (s: string) => keccak256(stringToBytes(s));
    expect(k('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)')).toBe(
      '0x8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f',
    );
    expect(k('Message(string msg)')).toBe('0xc4cfb57eea370ef2a92403a7e865b2de262d7ca272333665b54ad7e6a602ef68');
    expect(k('AsterSignTransaction')).toBe('0x04dd1131d2ee96e6ed8c0489b64f3d9dcfa34fbc927a825cb16a351ac29e4542');
    expect(k('1')).toBe('0xc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc6');
  });

  it('domain separators for mainnet 1666 and testnet 714', () => {
    expect(ASTER_CHAIN_ID).toEqual({ mainnet: 1666, testnet: 714 });
    expect(asterDomainSeparator(1666)).toBe('0xa95d0a7a6f3f17fcebb0c2336645385ce79cde7523f71ab147fdb7f15e9f37f9');
    expect(asterDomainSeparator(714)).toBe('0xfad01b07bed5729a04dbb977fd86da612eba71d668660bf12cf10b3d65b74d94');
  });
});

describe('EIP-712 vectors TV-5a–d', () => {
  for (const v of VECTORS) {
    it(`TV-${v.id}: struct hash, digest and signature (chainId ${v.chainId})`, async () => {
      expect(asterMessageHash(v.msg)).toBe(v.structHash);
      expect(asterDigest(v.msg, v.chainId)).toBe(v.digest);
      const signature = await signAsterMessage(v.msg, PRIVATE_KEY, v.chainId);
      expect(signature).toBe(v.signature);
      // 65 bytes, v = 27 or 28 in the last byte.
      expect(signature).toMatch(/^0x[0-9a-f]{128}(1b|1c)$/);
      const recovered = await recoverTypedDataAddress({ ...asterTypedData(v.msg, v.chainId), signature });
      expect(recovered.toLowerCase()).toBe(SIGNER.toLowerCase());
    });
  }
});

describe('EIP-712 signer wire layout', () => {
  it('appends nonce, user, signer after the business parameters and the signature last (TV-5b)', async () => {
    const signer = createEip712Signer({
      chainId: 1666,
      user: USER,
      signer: SIGNER,
      privateKey: PRIVATE_KEY,
      nonces: fixedNonce(),
    });
    const signed = await signer.sign(BUSINESS);
    const v = VECTORS[1];
    expect(encodeParams(signed.params)).toBe(`${v.msg}&signature=${v.signature}`);
    expect(signed.signature).toBe(v.signature);
    expect(signed.headers).toEqual({});
    expect(signer.apiKeyHeaders()).toBeNull();
  });

  it('without user it produces TV-5a, and on testnet TV-5c', async () => {
    const mainnet = createEip712Signer({
      chainId: 1666,
      user: USER,
      signer: SIGNER,
      privateKey: PRIVATE_KEY,
      includeUser: false,
      nonces: fixedNonce(),
    });
    expect(encodeParams((await mainnet.sign(BUSINESS)).params)).toBe(
      `${VECTORS[0].msg}&signature=${VECTORS[0].signature}`,
    );
    const testnet = createEip712Signer({
      chainId: 714,
      user: USER,
      signer: SIGNER,
      privateKey: PRIVATE_KEY.slice(2),
      includeUser: false,
      nonces: fixedNonce(),
    });
    expect((await testnet.sign(BUSINESS)).signature).toBe(VECTORS[2].signature);
  });

  it('a call without business parameters signs only the auth fields (TV-5d)', async () => {
    const signer = createEip712Signer({
      chainId: 1666,
      user: USER,
      signer: SIGNER,
      privateKey: PRIVATE_KEY,
      includeUser: false,
      nonces: fixedNonce(),
    });
    expect((await signer.sign([])).signature).toBe(VECTORS[3].signature);
  });
});
