import { describe, expect, it } from 'vitest';
import { createEip712Signer } from '../../../../../src/venue/aster/sign/eip712.ts';
import { NonceSource } from '../../../../../src/venue/aster/sign/nonce.ts';
import { ServerClock } from '../../../../../src/venue/aster/sign/server-clock.ts';

const PRIVATE_KEY = '0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1';
const SIGNER = '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0';
const USER = '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e';

describe('NonceSource', () => {
  it('is server time in microseconds', () => {
    const clock = new ServerClock({ nowMs: () => 1_750_000_000_123.25 });
    clock.setOffsetMs(-2_000);
    expect(new NonceSource(clock).next()).toBe(1_749_999_998_123_250);
  });

  it('never repeats or goes back when the clock stands still or steps backwards', () => {
    let nowMs = 1_750_000_000_000;
    const nonces = new NonceSource({ nowMs: () => nowMs });
    const a = nonces.next();
    const b = nonces.next();
    nowMs -= 5_000;
    const c = nonces.next();
    nowMs += 10_000;
    const d = nonces.next();
    expect([a, b, c]).toEqual([1_750_000_000_000_000, 1_750_000_000_000_001, 1_750_000_000_000_002]);
    expect(d).toBe(1_750_000_005_000_000);
  });

  it('follows a measured server offset', () => {
    let localMs = 1_000_000;
    const clock = new ServerClock({ nowMs: () => localMs });
    // Sent at 1_000_000, answered at 1_000_100; the server read its clock at 1_003_050 → offset 3_000.
    localMs = 1_000_100;
    expect(clock.recordSample(1_000_000, 1_000_100, 1_003_050)).toBe(3_000);
    expect(new NonceSource(clock).next()).toBe(1_003_100_000);
  });

  it('gives distinct, strictly increasing nonces to concurrent signatures', async () => {
    const nowMs = 1_750_000_000_000;
    const signer = createEip712Signer({
      chainId: 1666,
      user: USER,
      signer: SIGNER,
      privateKey: PRIVATE_KEY,
      nonces: new NonceSource({ nowMs: () => nowMs }),
    });
    const signed = await Promise.all(Array.from({ length: 50 }, () => signer.sign([['symbol', 'BTCUSDT']])));
    const nonces = signed.map((s) => Number(s.params.find(([k]) => k === 'nonce')?.[1]));
    for (let i = 1; i < nonces.length; i += 1) expect(nonces[i]).toBe((nonces[i - 1] as number) + 1);
    expect(new Set(signed.map((s) => s.signature)).size).toBe(50);
  });
});

describe('ServerClock', () => {
  it('rejects a sample whose answer precedes its request', () => {
    const clock = new ServerClock({ nowMs: () => 0 });
    expect(() => clock.recordSample(100, 50, 1_000)).toThrow(/receivedAtMs=50/);
  });
});
