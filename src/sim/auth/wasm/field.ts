/**
 * Arithmetic modulo the secp256k1 field prime p = 2^256 − 2^32 − 977, generated as WebAssembly.
 *
 * Representation: 10 limbs of 26 bits (limb i weighs 2^(26·i)), each held in an i64 so that a product of two limbs
 * (52 bits) and a sum of ten of them still fit. Every function returns a "weakly reduced" element: limbs below 2^27
 * (most below 2^26), limb 9 below 2^22, the value congruent to the true result, below 2^256 + 2^78 but possibly not
 * below p. `fe_normalize` makes an element canonical (below p), which comparisons and parity need.
 *
 * Reduction uses 2^256 ≡ 0x1000003D1 (mod p). Limb 10 weighs 2^260 ≡ 2^4 · 0x1000003D1 = 2^36 + 0x3D10, and
 * 2^36 = 2^26 · 2^10, so a carry-normalised high limb h at position 10+i folds into limb i as h·0x3D10 and into
 * limb i+1 as h·2^10. Bits above 2^256 in limb 9 (beyond its 22 bits) fold as top·977 into limb 0 and top·2^6 into
 * limb 1 (0x1000003D1 = 2^32 + 977, 2^32 = 2^26 · 2^6).
 *
 * Input bounds (weakly reduced inputs) keep every intermediate below 2^64: a column of a product sums at most ten
 * products of limbs below 2^27, i.e. below 2^58; 4p has every limb above 2^27 (limb 9 above 2^22), so a − b is
 * computed as a + 4p − b without a borrow.
 */
import { type Body, I32, I64, type ModuleBuilder } from './assembler.ts';
import { LIMB_BITS, LIMBS, SCRATCH } from './layout.ts';

export const P = 2n ** 256n - 2n ** 32n - 977n;
const MASK26 = (1n << 26n) - 1n;
const MASK22 = (1n << 22n) - 1n;

export function toLimbs(value: bigint): bigint[] {
  return Array.from({ length: LIMBS }, (_, i) => (value >> BigInt(LIMB_BITS * i)) & MASK26);
}

/** 4p: limbs 0..8 above 2^27, limb 9 above 2^22, so 4p − b never borrows for a weakly reduced b. */
const FOUR_P_LIMBS = toLimbs(P).map((limb) => 4n * limb);

/** Loads 10 limbs from the element at the address in local `pointer`. */
export function loadLimbs(b: Body, pointer: number, limbs: readonly number[]): void {
  limbs.forEach((limb, i) => {
    b.get(pointer)
      .load64(i * 8)
      .set(limb);
  });
}

export function storeLimbs(b: Body, pointer: number, limbs: readonly number[]): void {
  limbs.forEach((limb, i) => {
    b.get(pointer)
      .get(limb)
      .store64(i * 8);
  });
}

/** limbs[k+1] += limbs[k] >> 26; limbs[k] &= 2^26 − 1, for k in [from, to). */
function carry(b: Body, limbs: readonly number[], from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const low = limbs[k] as number;
    const high = limbs[k + 1] as number;
    b.get(high).get(low).i64(26).op(0x88).op(0x7c).set(high);
    b.get(low).i64(MASK26).op(0x83).set(low);
  }
}

/**
 * Weak reduction of limbs[0..9] (any size below 2^63 each) plus an optional `high` limb of weight 2^260 (the remnant
 * of the wide fold; 2^260 = 2^256 · 2^4). Leaves limbs 0, 1 and 3..8 below 2^26, limb 2 below 2^27 and limb 9 below
 * 2^22: the fold of the top into limbs 0 and 1 is carried only as far as limb 2, which is all the slack a product or
 * a difference needs, and saves a second full carry pass on every operation.
 */
function weakReduce(b: Body, limbs: readonly number[], top: number, high?: number): void {
  const [l0, l1, l9] = [limbs[0] as number, limbs[1] as number, limbs[9] as number];
  carry(b, limbs, 0, 9);
  // top = (l9 >> 22) [+ high << 4]: the multiple of 2^256.
  b.get(l9).i64(22).op(0x88);
  if (high !== undefined) b.get(high).i64(4).op(0x86).op(0x7c);
  b.set(top);
  b.get(l9).i64(MASK22).op(0x83).set(l9);
  b.get(l0).get(top).i64(977).op(0x7e).op(0x7c).set(l0);
  b.get(l1).get(top).i64(6).op(0x86).op(0x7c).set(l1);
  carry(b, limbs, 0, 2);
}

/** Reduces the 19 columns of a product (cols[19] is a spare set to zero here) into cols[0..9]. */
function reduceWide(b: Body, cols: readonly number[], top: number): void {
  const c = (i: number) => cols[i] as number;
  b.i64(0).set(c(19));
  carry(b, cols, 0, 19);
  for (let i = 0; i < LIMBS; i++) {
    b.get(c(i))
      .get(c(10 + i))
      .i64(0x3d10)
      .op(0x7e)
      .op(0x7c)
      .set(c(i));
    b.get(c(i + 1))
      .get(c(10 + i))
      .i64(10)
      .op(0x86)
      .op(0x7c)
      .set(c(i + 1));
    // Column 10 was folded just now; from here on it collects the fold of column 19 (weight 2^260).
    if (i === 0) b.i64(0).set(c(10));
  }
  weakReduce(b, cols.slice(0, LIMBS), top, c(10));
}

/** Pushes Σ x[i]·y[k−i] over the valid i. */
function column(b: Body, x: readonly number[], y: readonly number[], k: number): void {
  let first = true;
  for (let i = Math.max(0, k - 9); i <= Math.min(9, k); i++) {
    b.get(x[i] as number)
      .get(y[k - i] as number)
      .op(0x7e);
    if (!first) b.op(0x7c);
    first = false;
  }
}

export const FIELD_FUNCTIONS = [
  'fe_mul',
  'fe_sqr',
  'fe_add',
  'fe_sub',
  'fe_neg',
  'fe_copy',
  'fe_set_small',
  'fe_normalize',
  'fe_is_zero',
  'fe_equal',
  'fe_sqr_n',
  'fe_inv',
  'fe_from_table',
  'fe_to_table',
] as const;

export function declareField(m: ModuleBuilder): void {
  m.declare('fe_mul', [I32, I32, I32], [], true);
  m.declare('fe_sqr', [I32, I32], [], true);
  m.declare('fe_add', [I32, I32, I32], [], true);
  m.declare('fe_sub', [I32, I32, I32], [], true);
  m.declare('fe_neg', [I32, I32], [], true);
  m.declare('fe_copy', [I32, I32], [], true);
  m.declare('fe_set_small', [I32, I32], [], true);
  m.declare('fe_normalize', [I32], [], true);
  m.declare('fe_is_zero', [I32], [I32], true);
  m.declare('fe_equal', [I32, I32], [I32], true);
  m.declare('fe_sqr_n', [I32, I32, I32], [], true);
  m.declare('fe_inv', [I32, I32], [], true);
  m.declare('fe_from_table', [I32, I32], [], true);
  m.declare('fe_to_table', [I32, I32], [], true);
}

export function defineField(m: ModuleBuilder): void {
  // fe_mul(r, a, b): r = a·b. All limbs are read before r is written, so r may alias a or b.
  m.define('fe_mul', (b) => {
    const a = b.locals(I64, LIMBS);
    const y = b.locals(I64, LIMBS);
    const cols = b.locals(I64, 20);
    const top = b.local(I64);
    loadLimbs(b, 1, a);
    loadLimbs(b, 2, y);
    for (let k = 0; k < 19; k++) {
      column(b, a, y, k);
      b.set(cols[k] as number);
    }
    reduceWide(b, cols, top);
    storeLimbs(b, 0, cols.slice(0, LIMBS));
  });

  // fe_sqr(r, a): r = a², with the cross products counted once and doubled.
  m.define('fe_sqr', (b) => {
    const a = b.locals(I64, LIMBS);
    const twice = b.locals(I64, LIMBS);
    const cols = b.locals(I64, 20);
    const top = b.local(I64);
    loadLimbs(b, 1, a);
    a.forEach((limb, i) => {
      b.get(limb)
        .i64(1)
        .op(0x86)
        .set(twice[i] as number);
    });
    for (let k = 0; k < 19; k++) {
      let first = true;
      for (let i = Math.max(0, k - 9); i <= Math.min(9, k); i++) {
        const j = k - i;
        if (j < i) break;
        if (j === i)
          b.get(a[i] as number)
            .get(a[i] as number)
            .op(0x7e);
        else
          b.get(a[i] as number)
            .get(twice[j] as number)
            .op(0x7e);
        if (!first) b.op(0x7c);
        first = false;
      }
      b.set(cols[k] as number);
    }
    reduceWide(b, cols, top);
    storeLimbs(b, 0, cols.slice(0, LIMBS));
  });

  m.define('fe_add', (b) => {
    const a = b.locals(I64, LIMBS);
    const top = b.local(I64);
    for (let i = 0; i < LIMBS; i++) {
      b.get(1)
        .load64(i * 8)
        .get(2)
        .load64(i * 8)
        .op(0x7c)
        .set(a[i] as number);
    }
    weakReduce(b, a, top);
    storeLimbs(b, 0, a);
  });

  // fe_sub(r, a, b): r = a + 4p − b.
  m.define('fe_sub', (b) => {
    const a = b.locals(I64, LIMBS);
    const top = b.local(I64);
    for (let i = 0; i < LIMBS; i++) {
      b.get(1)
        .load64(i * 8)
        .i64(FOUR_P_LIMBS[i] as bigint)
        .op(0x7c)
        .get(2)
        .load64(i * 8)
        .op(0x7d)
        .set(a[i] as number);
    }
    weakReduce(b, a, top);
    storeLimbs(b, 0, a);
  });

  // fe_neg(r, a): r = 4p − a.
  m.define('fe_neg', (b) => {
    const a = b.locals(I64, LIMBS);
    const top = b.local(I64);
    for (let i = 0; i < LIMBS; i++) {
      b.i64(FOUR_P_LIMBS[i] as bigint)
        .get(1)
        .load64(i * 8)
        .op(0x7d)
        .set(a[i] as number);
    }
    weakReduce(b, a, top);
    storeLimbs(b, 0, a);
  });

  m.define('fe_copy', (b) => {
    for (let i = 0; i < LIMBS; i++)
      b.get(0)
        .get(1)
        .load64(i * 8)
        .store64(i * 8);
  });

  // fe_set_small(r, k): r = k for 0 ≤ k < 2^26.
  m.define('fe_set_small', (b) => {
    b.get(0).get(1).op(0xad).store64(0);
    for (let i = 1; i < LIMBS; i++)
      b.get(0)
        .i64(0)
        .store64(i * 8);
  });

  // fe_normalize(r): the canonical representative, below p, in place.
  m.define('fe_normalize', (b) => {
    const a = b.locals(I64, LIMBS);
    const t = b.locals(I64, LIMBS);
    const top = b.local(I64);
    const ge = b.local(I32);
    loadLimbs(b, 0, a);
    weakReduce(b, a, top);
    carry(b, a, 2, 9);
    // Limbs 0..8 are below 2^26 again. Limb 9 may have reached 2^22 by that carry: fold once more.
    b.get(a[9] as number)
      .i64(22)
      .op(0x88)
      .set(top);
    b.get(a[9] as number)
      .i64(MASK22)
      .op(0x83)
      .set(a[9] as number);
    b.get(a[0] as number)
      .get(top)
      .i64(977)
      .op(0x7e)
      .op(0x7c)
      .set(a[0] as number);
    b.get(a[1] as number)
      .get(top)
      .i64(6)
      .op(0x86)
      .op(0x7c)
      .set(a[1] as number);
    carry(b, a, 0, 9);
    // Now a < 2^256 + 2^34 < 2p. a ≥ p exactly when t = a + (2^256 − p) reaches 2^256; then a − p = t − 2^256.
    a.forEach((limb, i) => {
      b.get(limb).set(t[i] as number);
    });
    b.get(t[0] as number)
      .i64(977)
      .op(0x7c)
      .set(t[0] as number);
    b.get(t[1] as number)
      .i64(64)
      .op(0x7c)
      .set(t[1] as number);
    carry(b, t, 0, 9);
    b.get(t[9] as number)
      .i64(22)
      .op(0x88)
      .op(0x50) // i64.eqz
      .op(0x45) // i32.eqz: 1 when t ≥ 2^256
      .set(ge);
    b.get(t[9] as number)
      .i64(MASK22)
      .op(0x83)
      .set(t[9] as number);
    for (let i = 0; i < LIMBS; i++) {
      b.get(0)
        .get(t[i] as number)
        .get(a[i] as number)
        .get(ge)
        .op(0x1b)
        .store64(i * 8);
    }
  });

  // fe_is_zero(a): 1 when a ≡ 0 (mod p).
  m.define('fe_is_zero', (b) => {
    const acc = b.local(I64);
    b.i32(SCRATCH.zeroTest).get(0).call('fe_copy');
    b.i32(SCRATCH.zeroTest).call('fe_normalize');
    b.i64(0).set(acc);
    for (let i = 0; i < LIMBS; i++) {
      b.get(acc)
        .i32(SCRATCH.zeroTest)
        .load64(i * 8)
        .op(0x84)
        .set(acc);
    }
    b.get(acc).op(0x50);
  });

  // fe_equal(a, b): 1 when the limbs are equal (both must be canonical).
  m.define('fe_equal', (b) => {
    const diff = b.local(I64);
    b.i64(0).set(diff);
    for (let i = 0; i < LIMBS; i++) {
      b.get(diff)
        .get(0)
        .load64(i * 8)
        .get(1)
        .load64(i * 8)
        .op(0x85)
        .op(0x84)
        .set(diff);
    }
    b.get(diff).op(0x50);
  });

  // fe_sqr_n(r, a, n): r = a^(2^n), n ≥ 1.
  m.define('fe_sqr_n', (b) => {
    b.get(0).get(1).call('fe_sqr');
    b.loop(() => {
      b.get(2).i32(1).op(0x6b).tee(2);
      b.ifThen(() => {
        b.get(0).get(0).call('fe_sqr');
        b.br(1);
      });
    });
  });

  // fe_inv(r, a): r = a^(p−2) = a⁻¹ (0 for 0). Builds x_k = a^(2^k − 1) for the runs of ones of p − 2 (223 ones,
  // a zero, 22 ones, then 0000101101), then walks the exponent from the top.
  m.define('fe_inv', (b) => {
    const s = SCRATCH;
    const sqrN = (dst: number, src: number, n: number) => b.i32(dst).i32(src).i32(n).call('fe_sqr_n');
    const mul = (dst: number, x: number, y: number) => b.i32(dst).i32(x).i32(y).call('fe_mul');
    const aPtr = 1;
    b.i32(s.invT).get(aPtr).call('fe_sqr');
    b.i32(s.invX2).i32(s.invT).get(aPtr).call('fe_mul');
    b.i32(s.invT).i32(s.invX2).call('fe_sqr');
    b.i32(s.invX3).i32(s.invT).get(aPtr).call('fe_mul');
    sqrN(s.invT, s.invX3, 3);
    mul(s.invX6, s.invT, s.invX3);
    sqrN(s.invT, s.invX6, 3);
    mul(s.invX9, s.invT, s.invX3);
    sqrN(s.invT, s.invX9, 2);
    mul(s.invX11, s.invT, s.invX2);
    sqrN(s.invT, s.invX11, 11);
    mul(s.invX22, s.invT, s.invX11);
    sqrN(s.invT, s.invX22, 22);
    mul(s.invX44, s.invT, s.invX22);
    sqrN(s.invT, s.invX44, 44);
    mul(s.invX88, s.invT, s.invX44);
    sqrN(s.invT, s.invX88, 88);
    mul(s.invX176, s.invT, s.invX88);
    sqrN(s.invT, s.invX176, 44);
    mul(s.invX220, s.invT, s.invX44);
    sqrN(s.invT, s.invX220, 3);
    mul(s.invX223, s.invT, s.invX3);
    // 223 ones, then one zero and 22 ones: t = x223^(2^23) · x22.
    sqrN(s.invT, s.invX223, 23);
    mul(s.invT, s.invT, s.invX22);
    // 0000101101: four zeros, then 1 0 1 1 0 1.
    sqrN(s.invT, s.invT, 5);
    b.i32(s.invT).i32(s.invT).get(aPtr).call('fe_mul');
    sqrN(s.invT, s.invT, 2);
    b.i32(s.invT).i32(s.invT).get(aPtr).call('fe_mul');
    sqrN(s.invT, s.invT, 1);
    b.i32(s.invT).i32(s.invT).get(aPtr).call('fe_mul');
    sqrN(s.invT, s.invT, 2);
    b.get(0).i32(s.invT).get(aPtr).call('fe_mul');
  });

  // fe_from_table(r, src): widens 10 i32 limbs (a table coordinate) into an element.
  m.define('fe_from_table', (b) => {
    for (let i = 0; i < LIMBS; i++)
      b.get(0)
        .get(1)
        .load32to64(i * 4)
        .store64(i * 8);
  });

  // fe_to_table(dst, a): normalises a in place and stores it as 10 i32 limbs.
  m.define('fe_to_table', (b) => {
    b.get(1).call('fe_normalize');
    for (let i = 0; i < LIMBS; i++)
      b.get(0)
        .get(1)
        .load64(i * 8)
        .store64to32(i * 4);
  });
}
