/**
 * The kernel's arithmetic modulo the field prime p and the group order n against BigInt, on edge values (0, 1,
 * p − 1, p, 2^256 − 1, all-ones limbs) and random ones, and on chains of operations whose intermediate results are
 * only weakly reduced, which is how the curve code uses them.
 */
import { describe, expect, it } from 'vitest';
import { signatureKernel } from '../../../../../src/sim/auth/wasm/kernel.ts';
import { SCRATCH } from '../../../../../src/sim/auth/wasm/layout.ts';
import { N } from '../../../../../src/sim/auth/wasm/scalar.ts';

const P = 2n ** 256n - 2n ** 32n - 977n;
const R = 2n ** 260n;
const mod = (x: bigint, m: bigint) => ((x % m) + m) % m;

function power(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

/** A reproducible stream of 256-bit values. */
function* values(seed: number, count: number): Generator<bigint> {
  let state = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  for (let i = 0; i < count; i++) {
    state = (state * 6364136223846793005n + 1442695040888963407n) & (2n ** 256n - 1n);
    yield state ^ (state >> 77n);
  }
}

const EDGES = [0n, 1n, 2n, P - 1n, P, P + 1n, 2n ** 256n - 1n, 2n ** 255n, (1n << 26n) - 1n, 2n ** 32n + 977n];

describe('field arithmetic mod p', () => {
  const kernel = signatureKernel();
  const ops = kernel.operations;
  const [A, B, OUT] = [SCRATCH.pointX, SCRATCH.pointY, SCRATCH.baseX];
  const read = (address: number) => {
    ops.fe_normalize(address);
    return kernel.readElement(address);
  };

  it('multiplies, squares, adds, subtracts and negates like BigInt, canonical after normalising', () => {
    const inputs = [...EDGES, ...values(1, 300)];
    let checked = 0;
    for (const [i, a] of inputs.entries()) {
      const b = inputs[(i * 7 + 3) % inputs.length] as bigint;
      kernel.writeElement(A, a);
      kernel.writeElement(B, b);
      ops.fe_mul(OUT, A, B);
      expect(read(OUT)).toBe(mod(a * b, P));
      ops.fe_sqr(OUT, A);
      expect(read(OUT)).toBe(mod(a * a, P));
      ops.fe_add(OUT, A, B);
      expect(read(OUT)).toBe(mod(a + b, P));
      ops.fe_sub(OUT, A, B);
      expect(read(OUT)).toBe(mod(a - b, P));
      ops.fe_neg(OUT, A);
      expect(read(OUT)).toBe(mod(-a, P));
      expect(ops.fe_is_zero(A)).toBe(mod(a, P) === 0n ? 1 : 0);
      checked++;
    }
    expect(checked).toBe(310);
  });

  it('inverts (0 maps to 0)', () => {
    for (const a of [...EDGES, ...values(2, 40)]) {
      kernel.writeElement(A, a);
      ops.fe_inv(OUT, A);
      expect(read(OUT)).toBe(power(a, P - 2n, P));
    }
  });

  it('stays exact along chains of weakly reduced intermediate results', () => {
    const [X, Y, Z] = [SCRATCH.dA, SCRATCH.dB, SCRATCH.dC];
    for (const [a, b] of [...values(3, 60)].map((v, i, all) => [v, all[(i + 1) % all.length] as bigint] as const)) {
      kernel.writeElement(X, a);
      kernel.writeElement(Y, b);
      let x = a;
      let y = b;
      for (let step = 0; step < 25; step++) {
        ops.fe_sub(Z, X, Y);
        ops.fe_mul(X, Z, Z);
        ops.fe_add(Y, Y, X);
        ops.fe_neg(Z, Y);
        ops.fe_sqr(Y, Z);
        const z = mod(x - y, P);
        x = mod(z * z, P);
        y = mod(mod(-(y + x), P) ** 2n, P);
      }
      expect(read(X)).toBe(x);
      expect(read(Y)).toBe(y);
    }
  });
});

describe('scalar arithmetic mod n', () => {
  const kernel = signatureKernel();
  const ops = kernel.operations;
  const [A, B, OUT] = [SCRATCH.scPow1, SCRATCH.scPow2, SCRATCH.scPow3];
  const rInverse = power(R, N - 2n, N);

  it('Montgomery multiplication and squaring give a·b·2^−260 mod n, canonical', () => {
    const scalars = [0n, 1n, N - 1n, ...[...values(4, 200)].map((v) => v % N)];
    for (const [i, a] of scalars.entries()) {
      const b = (scalars[(i * 5 + 1) % scalars.length] as bigint) + (i % 2 === 0 ? 0n : N);
      kernel.writeElement(A, a);
      kernel.writeElement(B, b < 2n ** 256n ? b : b - N);
      ops.sc_mont_mul(OUT, A, B);
      expect(kernel.readElement(OUT)).toBe(mod(a * (b < 2n ** 256n ? b : b - N) * rInverse, N));
      ops.sc_mont_sqr(OUT, A);
      expect(kernel.readElement(OUT)).toBe(mod(a * a * rInverse, N));
    }
  });

  it('derives u1 = e/s and u2 = r/s mod n for any 256-bit digest e', () => {
    for (const [i, v] of [...values(5, 40)].entries()) {
      const s = (v % (N - 1n)) + 1n;
      const r = ((v >> 3n) % (N - 1n)) + 1n;
      const e = i % 3 === 0 ? 2n ** 256n - 1n - BigInt(i) : v ^ ((v << 5n) & (2n ** 256n - 1n));
      kernel.writeElement(SCRATCH.inS, s);
      kernel.writeElement(SCRATCH.inR, r);
      kernel.writeElement(SCRATCH.inE, e);
      ops.sc_inverse_scalars();
      const sInverse = power(s, N - 2n, N);
      expect(kernel.readElement(SCRATCH.scU1)).toBe(mod(e * sInverse, N));
      expect(kernel.readElement(SCRATCH.scU2)).toBe(mod(r * sInverse, N));
    }
  });
});
