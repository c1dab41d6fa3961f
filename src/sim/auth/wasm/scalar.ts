/**
 * Arithmetic modulo the secp256k1 group order n, generated as WebAssembly: Montgomery multiplication with
 * R = 2^260 on the same 10 × 26-bit limbs as the field, and inversion by Fermat (s^(n−2)) with a 4-bit window.
 *
 * A signature check needs s⁻¹ once per request; BigInt's extended Euclid costs tens of microseconds, this a few.
 * With x = s⁻¹·R (the Montgomery form of s⁻¹), mont(x, e) = e·s⁻¹ mod n directly, for any e below 2^256: the two
 * scalars of the check come out of one multiplication each, in normal form.
 */
import { type Body, I32, I64, type ModuleBuilder } from './assembler.ts';
import { loadLimbs, toLimbs } from './field.ts';
import { LIMB_BITS, LIMBS, SCRATCH } from './layout.ts';

export const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const MASK26 = (1n << 26n) - 1n;
const N_LIMBS = toLimbs(N);
/** −n⁻¹ mod 2^26: the factor that clears the low limb in each Montgomery step. */
const N_PRIME = (() => {
  const modulus = 1n << 26n;
  let inverse = 1n;
  // Newton iteration doubles the correct low bits each time: 1 → 2 → … → 32 ≥ 26.
  for (let i = 0; i < 5; i++) {
    inverse = (((inverse * (2n - (N % modulus) * inverse)) % modulus) + modulus) % modulus;
  }
  return (modulus - inverse) % modulus;
})();
/** R² mod n, R = 2^260: mont(a, R²) = a·R, the Montgomery form of a. */
export const MONTGOMERY_R2 = (1n << BigInt(2 * LIMBS * LIMB_BITS)) % N;

export function declareScalar(m: ModuleBuilder): void {
  m.declare('sc_mont_mul', [I32, I32, I32], [], true);
  m.declare('sc_mont_sqr', [I32, I32], [], true);
  m.declare('sc_inverse_scalars', [], [], true);
}

/**
 * The end of a Montgomery product: `acc` (10 limbs, any size, value below 2n) carried to 26-bit limbs, n subtracted
 * when the result is not below n, and stored at the address in local 0.
 */
function finish(b: Body, acc: readonly number[]): void {
  const v = b.local(I64);
  const ge = b.local(I32);
  const d = b.locals(I64, LIMBS);
  for (let k = 0; k < LIMBS - 1; k++) {
    const low = acc[k] as number;
    const high = acc[k + 1] as number;
    b.get(high).get(low).i64(26).op(0x88).op(0x7c).set(high);
    b.get(low).i64(MASK26).op(0x83).set(low);
  }
  // d = acc − n with borrows; keep d when it is not negative.
  b.i64(0).set(v);
  for (let k = 0; k < LIMBS; k++) {
    b.get(acc[k] as number)
      .i64(N_LIMBS[k] as bigint)
      .op(0x7d)
      .get(v)
      .op(0x7c)
      .set(v);
    b.get(v)
      .i64(MASK26)
      .op(0x83)
      .set(d[k] as number);
    if (k < LIMBS - 1) b.get(v).i64(26).op(0x87).set(v);
  }
  // v is now the signed top limb of acc − n.
  b.get(v).i64(0).op(0x59).set(ge); // i64.ge_s
  for (let k = 0; k < LIMBS; k++) {
    b.get(0)
      .get(d[k] as number)
      .get(acc[k] as number)
      .get(ge)
      .op(0x1b)
      .store64(k * 8);
  }
}

export function defineScalar(m: ModuleBuilder): void {
  // sc_mont_mul(r, a, b): r = a·b·R⁻¹ mod n, canonical; a, b below 2n with 26-bit limbs. r may alias a or b.
  m.define('sc_mont_mul', (b) => {
    const a = b.locals(I64, LIMBS);
    const y = b.locals(I64, LIMBS);
    let acc = b.locals(I64, LIMBS + 1);
    const q = b.local(I64);
    loadLimbs(b, 1, a);
    loadLimbs(b, 2, y);
    for (const limb of acc) b.i64(0).set(limb);
    for (let i = 0; i < LIMBS; i++) {
      for (let j = 0; j < LIMBS; j++) {
        const t = acc[j] as number;
        b.get(t)
          .get(a[i] as number)
          .get(y[j] as number)
          .op(0x7e)
          .op(0x7c)
          .set(t);
      }
      const t0 = acc[0] as number;
      b.get(t0).i64(MASK26).op(0x83).i64(N_PRIME).op(0x7e).i64(MASK26).op(0x83).set(q);
      for (let j = 0; j < LIMBS; j++) {
        const t = acc[j] as number;
        b.get(t)
          .get(q)
          .i64(N_LIMBS[j] as bigint)
          .op(0x7e)
          .op(0x7c)
          .set(t);
      }
      // The low limb is now a multiple of 2^26: carry it up and shift every accumulator down one limb.
      const t1 = acc[1] as number;
      b.get(t1).get(t0).i64(26).op(0x88).op(0x7c).set(t1);
      b.i64(0).set(t0);
      acc = [...acc.slice(1), t0];
    }
    finish(b, acc.slice(0, LIMBS));
  });

  // sc_mont_sqr(r, a): r = a²·R⁻¹ mod n. The square's 19 columns first (cross products once, doubled), then the
  // reduction limb by limb (separated operand scanning): about a quarter fewer multiplications than sc_mont_mul.
  m.define('sc_mont_sqr', (b) => {
    const a = b.locals(I64, LIMBS);
    const twice = b.locals(I64, LIMBS);
    const cols = b.locals(I64, 2 * LIMBS);
    const q = b.local(I64);
    loadLimbs(b, 1, a);
    a.forEach((limb, i) => {
      b.get(limb)
        .i64(1)
        .op(0x86)
        .set(twice[i] as number);
    });
    for (let k = 0; k < 2 * LIMBS - 1; k++) {
      let first = true;
      for (let i = Math.max(0, k - 9); i <= Math.min(9, k); i++) {
        const j = k - i;
        if (j < i) break;
        b.get(a[i] as number)
          .get((j === i ? a : twice)[j] as number)
          .op(0x7e);
        if (!first) b.op(0x7c);
        first = false;
      }
      b.set(cols[k] as number);
    }
    b.i64(0).set(cols[2 * LIMBS - 1] as number);
    for (let i = 0; i < LIMBS; i++) {
      const low = cols[i] as number;
      b.get(low).i64(MASK26).op(0x83).i64(N_PRIME).op(0x7e).i64(MASK26).op(0x83).set(q);
      for (let j = 0; j < LIMBS; j++) {
        const t = cols[i + j] as number;
        b.get(t)
          .get(q)
          .i64(N_LIMBS[j] as bigint)
          .op(0x7e)
          .op(0x7c)
          .set(t);
      }
      const next = cols[i + 1] as number;
      b.get(next).get(low).i64(26).op(0x88).op(0x7c).set(next);
    }
    finish(b, cols.slice(LIMBS));
  });

  // sc_inverse_scalars(): from s (inS), r (inR) and the digest e (inE), writes u1 = e·s⁻¹ (scU1) and
  // u2 = r·s⁻¹ (scU2) mod n. scR2 must hold R² mod n.
  m.define('sc_inverse_scalars', (b) => {
    const s = SCRATCH;
    const mont = (dst: number, x: number, y: number) => b.i32(dst).i32(x).i32(y).call('sc_mont_mul');
    const powers = [
      s.scPow1,
      s.scPow2,
      s.scPow3,
      s.scPow4,
      s.scPow5,
      s.scPow6,
      s.scPow7,
      s.scPow8,
      s.scPow9,
      s.scPow10,
      s.scPow11,
      s.scPow12,
      s.scPow13,
      s.scPow14,
      s.scPow15,
    ];
    mont(s.scSm, s.inS, s.scR2);
    b.i32(s.scPow1).i32(s.scSm).call('fe_copy');
    for (let k = 2; k <= 15; k++) mont(powers[k - 1] as number, powers[k - 2] as number, s.scSm);
    // s^(n−2) by nibbles from the top; the top nibble of n − 2 is nonzero, so the result starts from its power.
    const exponent = (N - 2n).toString(16).padStart(64, '0');
    const first = Number.parseInt(exponent[0] as string, 16);
    b.i32(s.scInv)
      .i32(powers[first - 1] as number)
      .call('fe_copy');
    for (const digit of exponent.slice(1)) {
      for (let k = 0; k < 4; k++) b.i32(s.scInv).i32(s.scInv).call('sc_mont_sqr');
      const nibble = Number.parseInt(digit, 16);
      if (nibble !== 0) mont(s.scInv, s.scInv, powers[nibble - 1] as number);
    }
    mont(s.scU1, s.scInv, s.inE);
    mont(s.scU2, s.scInv, s.inR);
  });
}
