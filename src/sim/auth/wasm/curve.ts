/**
 * secp256k1 point arithmetic (y² = x³ + 7) in Jacobian coordinates, generated as WebAssembly on top of field.ts:
 * mixed addition of an affine point, doubling, building a fixed-base table, accumulating a scalar's signed digits
 * over a table, and the final comparison with a signature's R.
 *
 * Jacobian (X, Y, Z) stands for the affine point (X/Z², Y/Z³). Mixed addition of (x2, y2):
 *   U2 = x2·Z1², S2 = y2·Z1³, H = U2 − X1, R = S2 − Y1,
 *   X3 = R² − H³ − 2·X1·H², Y3 = R·(X1·H² − X3) − Y1·H³, Z3 = Z1·H.
 * H ≡ 0 means the two points share x (equal or opposite): the formula does not apply there and yields Z3 ≡ 0, and
 * every later addition keeps Z ≡ 0 (Z3 = Z1·H). Instead of testing H at every step, the final check tests Z once
 * and reports such a sum as undecided, never as a verdict, so the caller falls back to a general method. A sum whose
 * Z is not zero met no such case: each Z is the product of the H's, all nonzero. Doubling (a = 0):
 *   A = X², B = Y², C = B², D = 2·((X + B)² − A − C), E = 3A,
 *   X3 = E² − 2D, Y3 = E·(D − X3) − 8C, Z3 = 2·Y·Z.
 */
import { type Body, I32, type ModuleBuilder } from './assembler.ts';
import {
  ACC,
  BUILD_COUNT,
  BUILD_POINTS,
  BUILD_PRODUCTS,
  ELEMENT_BYTES,
  JACOBIAN_BYTES,
  POINTS_PER_WINDOW,
  SCRATCH,
  TABLE_POINT_BYTES,
  WINDOWS,
} from './layout.ts';

const X = 0;
const Y = ELEMENT_BYTES;
const Z = 2 * ELEMENT_BYTES;

export function declareCurve(m: ModuleBuilder): void {
  m.declare('ge_madd', [I32, I32, I32], [], true);
  m.declare('ge_double', [I32], [], true);
  m.declare('ge_set_affine', [I32, I32, I32], [], true);
  m.declare('table_build', [I32], [I32], true);
  m.declare('comb', [I32, I32, I32], [I32], true);
  m.declare('final_check', [I32], [I32], true);
}

/** Emits fe_<op>(dst, a[, b]) where each operand is an address: a constant or `param + offset`. */
type Operand = number | { param: number; offset: number };

function push(b: Body, operand: Operand): void {
  if (typeof operand === 'number') b.i32(operand);
  else if (operand.offset === 0) b.get(operand.param);
  else b.get(operand.param).i32(operand.offset).op(0x6a);
}

function fe(b: Body, op: 'mul' | 'sqr' | 'add' | 'sub' | 'neg' | 'copy', ...operands: Operand[]): void {
  for (const operand of operands) push(b, operand);
  b.call(`fe_${op}`);
}

export function defineCurve(m: ModuleBuilder): void {
  const s = SCRATCH;

  // ge_madd(p, x2, y2): p += (x2, y2). p is Jacobian (in place); x2, y2 are elements. See above for H ≡ 0.
  m.define('ge_madd', (b) => {
    const X1: Operand = { param: 0, offset: X };
    const Y1: Operand = { param: 0, offset: Y };
    const Z1: Operand = { param: 0, offset: Z };
    const x2: Operand = { param: 1, offset: 0 };
    const y2: Operand = { param: 2, offset: 0 };
    fe(b, 'sqr', s.mZ1Z1, Z1);
    fe(b, 'mul', s.mU2, x2, s.mZ1Z1);
    fe(b, 'mul', s.mT, Z1, s.mZ1Z1);
    fe(b, 'mul', s.mS2, y2, s.mT);
    fe(b, 'sub', s.mH, s.mU2, X1);
    fe(b, 'sub', s.mR, s.mS2, Y1);
    fe(b, 'sqr', s.mHH, s.mH);
    fe(b, 'mul', s.mHHH, s.mH, s.mHH);
    fe(b, 'mul', s.mV, X1, s.mHH);
    fe(b, 'sqr', s.mX3, s.mR);
    fe(b, 'sub', s.mX3, s.mX3, s.mHHH);
    fe(b, 'sub', s.mX3, s.mX3, s.mV);
    fe(b, 'sub', s.mX3, s.mX3, s.mV);
    fe(b, 'sub', s.mT2, s.mV, s.mX3);
    fe(b, 'mul', s.mY3, s.mR, s.mT2);
    fe(b, 'mul', s.mT2, Y1, s.mHHH);
    fe(b, 'sub', s.mY3, s.mY3, s.mT2);
    fe(b, 'mul', Z1, Z1, s.mH);
    fe(b, 'copy', X1, s.mX3);
    fe(b, 'copy', Y1, s.mY3);
  });

  // ge_double(p): p = 2p in place (Jacobian).
  m.define('ge_double', (b) => {
    const X1: Operand = { param: 0, offset: X };
    const Y1: Operand = { param: 0, offset: Y };
    const Z1: Operand = { param: 0, offset: Z };
    fe(b, 'sqr', s.dA, X1);
    fe(b, 'sqr', s.dB, Y1);
    fe(b, 'sqr', s.dC, s.dB);
    fe(b, 'add', s.dD, X1, s.dB);
    fe(b, 'sqr', s.dD, s.dD);
    fe(b, 'sub', s.dD, s.dD, s.dA);
    fe(b, 'sub', s.dD, s.dD, s.dC);
    fe(b, 'add', s.dD, s.dD, s.dD);
    fe(b, 'add', s.dE, s.dA, s.dA);
    fe(b, 'add', s.dE, s.dE, s.dA);
    fe(b, 'sqr', s.dF, s.dE);
    // Z3 first: it reads Y1 and Z1 before they change.
    fe(b, 'mul', Z1, Y1, Z1);
    fe(b, 'add', Z1, Z1, Z1);
    fe(b, 'sub', s.dT, s.dF, s.dD);
    fe(b, 'sub', X1, s.dT, s.dD);
    fe(b, 'sub', s.dT, s.dD, X1);
    fe(b, 'mul', s.dT, s.dE, s.dT);
    // 8C = C doubled three times.
    fe(b, 'add', s.dC, s.dC, s.dC);
    fe(b, 'add', s.dC, s.dC, s.dC);
    fe(b, 'add', s.dC, s.dC, s.dC);
    fe(b, 'sub', Y1, s.dT, s.dC);
  });

  // ge_set_affine(p, x, y): p = (x, y, 1).
  m.define('ge_set_affine', (b) => {
    fe(b, 'copy', { param: 0, offset: X }, { param: 1, offset: 0 });
    fe(b, 'copy', { param: 0, offset: Y }, { param: 2, offset: 0 });
    b.get(0).i32(Z).op(0x6a).i32(1).call('fe_set_small');
  });

  // table_build(table) -> 0, or 1 on an impossible degenerate addition. Starts from the affine base in
  // (baseX, baseY) and fills, for each window i, the affine points d·2^(8i)·base for d = 1..128.
  m.define('table_build', (b) => {
    const window = b.local(I32);
    const index = b.local(I32);
    const point = b.local(I32);
    const product = b.local(I32);
    const out = b.local(I32);
    b.i32(0).set(window);
    b.loop(() => {
      // Jacobian multiples 1..128 of the base, then 256·base (the next window's base) as the 129th point.
      b.i32(BUILD_POINTS).i32(s.baseX).i32(s.baseY).call('ge_set_affine');
      b.i32(BUILD_POINTS + JACOBIAN_BYTES)
        .i32(BUILD_POINTS)
        .call('ge_copy_point');
      b.i32(BUILD_POINTS + JACOBIAN_BYTES).call('ge_double');
      b.i32(2).set(index);
      b.loop(() => {
        b.i32(BUILD_POINTS).get(index).i32(JACOBIAN_BYTES).op(0x6c).op(0x6a).set(point);
        b.get(point).get(point).i32(JACOBIAN_BYTES).op(0x6b).call('ge_copy_point');
        b.get(point).i32(s.baseX).i32(s.baseY).call('ge_madd');
        b.get(index).i32(1).op(0x6a).tee(index).i32(POINTS_PER_WINDOW).op(0x49).brIf(0);
      });
      const last = BUILD_POINTS + (BUILD_COUNT - 1) * JACOBIAN_BYTES;
      b.i32(last)
        .i32(last - JACOBIAN_BYTES)
        .call('ge_copy_point');
      b.i32(last).call('ge_double');
      // Running products of Z: products[k] = Z0·…·Zk.
      b.i32(BUILD_PRODUCTS)
        .i32(BUILD_POINTS + Z)
        .call('fe_copy');
      b.i32(1).set(index);
      b.loop(() => {
        b.i32(BUILD_PRODUCTS).get(index).i32(ELEMENT_BYTES).op(0x6c).op(0x6a).set(product);
        b.get(product)
          .get(product)
          .i32(ELEMENT_BYTES)
          .op(0x6b)
          .i32(BUILD_POINTS + Z)
          .get(index)
          .i32(JACOBIAN_BYTES)
          .op(0x6c)
          .op(0x6a)
          .call('fe_mul');
        b.get(index).i32(1).op(0x6a).tee(index).i32(BUILD_COUNT).op(0x49).brIf(0);
      });
      // A zero product means some addition met equal x (impossible for a point of prime order): give up.
      b.i32(BUILD_PRODUCTS + (BUILD_COUNT - 1) * ELEMENT_BYTES).call('fe_is_zero');
      b.ifThen(() => {
        b.i32(1).op(0x0f);
      });
      b.i32(s.batchInv)
        .i32(BUILD_PRODUCTS + (BUILD_COUNT - 1) * ELEMENT_BYTES)
        .call('fe_inv');
      // Backwards: 1/Zk = inv · products[k−1]; then inv ·= Zk. Points 0..127 go to the table, 128 to the base.
      b.i32(BUILD_COUNT - 1).set(index);
      b.block(() => {
        b.loop(() => {
          b.i32(BUILD_POINTS).get(index).i32(JACOBIAN_BYTES).op(0x6c).op(0x6a).set(point);
          b.get(index).op(0x45);
          b.ifThen(
            () => {
              b.i32(s.fZinv).i32(s.batchInv).call('fe_copy');
            },
            () => {
              b.i32(s.fZinv)
                .i32(s.batchInv)
                .i32(BUILD_PRODUCTS)
                .get(index)
                .i32(1)
                .op(0x6b)
                .i32(ELEMENT_BYTES)
                .op(0x6c)
                .op(0x6a)
                .call('fe_mul');
              b.i32(s.batchInv).i32(s.batchInv).get(point).i32(Z).op(0x6a).call('fe_mul');
            },
          );
          b.i32(s.batchZ2).i32(s.fZinv).call('fe_sqr');
          b.i32(s.fX).get(point).i32(s.batchZ2).call('fe_mul');
          b.i32(s.batchT).i32(s.batchZ2).i32(s.fZinv).call('fe_mul');
          b.i32(s.fY).get(point).i32(Y).op(0x6a).i32(s.batchT).call('fe_mul');
          b.get(index).i32(POINTS_PER_WINDOW).op(0x46);
          b.ifThen(
            () => {
              b.i32(s.baseX).i32(s.fX).call('fe_copy');
              b.i32(s.fY).call('fe_normalize');
              b.i32(s.baseY).i32(s.fY).call('fe_copy');
            },
            () => {
              b.get(0)
                .get(window)
                .i32(POINTS_PER_WINDOW)
                .op(0x6c)
                .get(index)
                .op(0x6a)
                .i32(TABLE_POINT_BYTES)
                .op(0x6c)
                .op(0x6a)
                .set(out);
              b.get(out).i32(s.fX).call('fe_to_table');
              b.get(out)
                .i32(TABLE_POINT_BYTES / 2)
                .op(0x6a)
                .i32(s.fY)
                .call('fe_to_table');
            },
          );
          // Leave the block (depth 2: the if, the loop, the block) after point 0.
          b.get(index).op(0x45);
          b.ifThen(() => {
            b.br(2);
          });
          b.get(index).i32(1).op(0x6b).set(index);
          b.br(0);
        });
      });
      b.get(window).i32(1).op(0x6a).tee(window).i32(WINDOWS).op(0x49).brIf(0);
    });
    b.i32(0);
  });

  // comb(table, digits, started) -> 1 when the accumulator holds a sum, 0 when it is still empty. Adds
  // Σ digit_i·2^(8i)·P over the table's windows into ACC.
  m.define('comb', (b) => {
    const window = b.local(I32);
    const digit = b.local(I32);
    const entry = b.local(I32);
    b.i32(0).set(window);
    b.loop(() => {
      b.get(1).get(window).i32(4).op(0x6c).op(0x6a).load32().tee(digit);
      b.ifThen(() => {
        // entry = table + (window·128 + |digit| − 1)·80
        b.get(0)
          .get(window)
          .i32(POINTS_PER_WINDOW)
          .op(0x6c)
          .i32(0)
          .get(digit)
          .op(0x6b)
          .get(digit)
          .get(digit)
          .i32(0)
          .op(0x48)
          .op(0x1b)
          .op(0x6a)
          .i32(1)
          .op(0x6b)
          .i32(TABLE_POINT_BYTES)
          .op(0x6c)
          .op(0x6a)
          .set(entry);
        b.i32(s.pointX).get(entry).call('fe_from_table');
        b.i32(s.pointY)
          .get(entry)
          .i32(TABLE_POINT_BYTES / 2)
          .op(0x6a)
          .call('fe_from_table');
        b.get(digit).i32(0).op(0x48);
        b.ifThen(() => {
          b.i32(s.pointY).i32(s.pointY).call('fe_neg');
        });
        b.get(2);
        b.ifThen(
          () => {
            b.i32(ACC).i32(s.pointX).i32(s.pointY).call('ge_madd');
          },
          () => {
            b.i32(ACC).i32(s.pointX).i32(s.pointY).call('ge_set_affine');
            b.i32(1).set(2);
          },
        );
      });
      b.get(window).i32(1).op(0x6a).tee(window).i32(WINDOWS).op(0x49).brIf(0);
    });
    b.get(2);
  });

  // final_check(parity) -> 1 when ACC, in affine form, has x equal to inR (canonical) and y of that parity; 0 when
  // not; 2 when ACC's Z is zero (a degenerate sum, see above: no verdict).
  m.define('final_check', (b) => {
    b.i32(ACC + Z).call('fe_is_zero');
    b.ifThen(() => {
      b.i32(2).op(0x0f);
    });
    b.i32(s.fZinv)
      .i32(ACC + Z)
      .call('fe_inv');
    b.i32(s.fZ2).i32(s.fZinv).call('fe_sqr');
    b.i32(s.fX)
      .i32(ACC + X)
      .i32(s.fZ2)
      .call('fe_mul');
    b.i32(s.fX).call('fe_normalize');
    b.i32(s.fX).i32(s.inR).call('fe_equal');
    b.op(0x45);
    b.ifThen(() => {
      b.i32(0).op(0x0f);
    });
    b.i32(s.fZ3).i32(s.fZ2).i32(s.fZinv).call('fe_mul');
    b.i32(s.fY)
      .i32(ACC + Y)
      .i32(s.fZ3)
      .call('fe_mul');
    b.i32(s.fY).call('fe_normalize');
    b.i32(s.fY).load32().i32(1).op(0x71).get(0).op(0x46);
  });
}

export function declarePointCopy(m: ModuleBuilder): void {
  m.declare('ge_copy_point', [I32, I32], [], false);
}

export function definePointCopy(m: ModuleBuilder): void {
  m.define('ge_copy_point', (b) => {
    for (let i = 0; i < JACOBIAN_BYTES / 8; i++)
      b.get(0)
        .get(1)
        .load64(i * 8)
        .store64(i * 8);
  });
}
