/**
 * Linear-memory layout of the signature kernel. Everything lives at fixed addresses (the kernel is single-threaded
 * and nothing in it recurses), so generated code names its temporaries by constant offsets.
 *
 * A field element or scalar is 10 limbs of 26 bits, each in an i64 (80 bytes). A Jacobian point is three of them
 * (X, Y, Z). Precomputed table points are affine and canonical, 10 limbs per coordinate in i32s (80 bytes a point).
 */

export const LIMBS = 10;
export const LIMB_BITS = 26;
export const ELEMENT_BYTES = LIMBS * 8;
export const JACOBIAN_BYTES = 3 * ELEMENT_BYTES;
export const TABLE_POINT_BYTES = 2 * LIMBS * 4;

/** Signed 8-bit windows over a 256-bit scalar: 32 windows plus the final carry. */
export const WINDOW_BITS = 8;
export const WINDOWS = 33;
/** Points per window: d·2^(8i)·P for d = 1..128 (digits are −128..127; the sign is applied when adding). */
export const POINTS_PER_WINDOW = 128;
export const TABLE_BYTES = WINDOWS * POINTS_PER_WINDOW * TABLE_POINT_BYTES;

const SCRATCH_NAMES = [
  // fe_inv
  'invT',
  'invX2',
  'invX3',
  'invX6',
  'invX9',
  'invX11',
  'invX22',
  'invX44',
  'invX88',
  'invX176',
  'invX220',
  'invX223',
  // fe_is_zero
  'zeroTest',
  // ge_madd
  'mZ1Z1',
  'mU2',
  'mT',
  'mS2',
  'mH',
  'mR',
  'mHH',
  'mHHH',
  'mV',
  'mX3',
  'mY3',
  'mT2',
  // ge_double
  'dA',
  'dB',
  'dC',
  'dD',
  'dE',
  'dF',
  'dT',
  // the affine point being added, and the base of the window being built
  'pointX',
  'pointY',
  'baseX',
  'baseY',
  // table building: running inverse and a temporary
  'batchInv',
  'batchT',
  'batchZ2',
  // final check
  'fZinv',
  'fZ2',
  'fZ3',
  'fX',
  'fY',
  // inputs of a check: r, s and the digest e, as limbs
  'inR',
  'inS',
  'inE',
  // scalar arithmetic mod n
  'scR2',
  'scSm',
  'scInv',
  'scU1',
  'scU2',
  'scPow1',
  'scPow2',
  'scPow3',
  'scPow4',
  'scPow5',
  'scPow6',
  'scPow7',
  'scPow8',
  'scPow9',
  'scPow10',
  'scPow11',
  'scPow12',
  'scPow13',
  'scPow14',
  'scPow15',
] as const;

export type ScratchName = (typeof SCRATCH_NAMES)[number];

/** Byte offset of each named field-element slot. */
export const SCRATCH = Object.fromEntries(SCRATCH_NAMES.map((slotName, i) => [slotName, i * ELEMENT_BYTES])) as Record<
  ScratchName,
  number
>;

const SCRATCH_END = SCRATCH_NAMES.length * ELEMENT_BYTES;

/** The accumulator of a combination (Jacobian). */
export const ACC = 6144;
/** Keccak state: 25 lanes of 8 bytes. */
export const KECCAK_STATE = 6400;
/** Signed digits of the two scalars, one i32 each: u1 at DIGITS, u2 at DIGITS + 4·WINDOWS. */
export const DIGITS = 6656;
/** Message bytes to hash (already padded to whole 136-byte blocks). */
export const MESSAGE = 16_384;
export const MESSAGE_CAPACITY = 49_152;
/** Table building: the Jacobian points of one window, then their running Z products. */
export const BUILD_POINTS = 65_536;
/** One more than a window: the 129th point is 2^8 times the window's base, the next window's base. */
export const BUILD_COUNT = POINTS_PER_WINDOW + 1;
export const BUILD_PRODUCTS = BUILD_POINTS + BUILD_COUNT * JACOBIAN_BYTES;
/** Tables follow, one per slot, allocated by the JavaScript side. */
export const TABLES = 131_072;
export const PAGE_BYTES = 65_536;
export const INITIAL_PAGES = TABLES / PAGE_BYTES;

if (SCRATCH_END > ACC) throw new Error('kernel scratch slots overlap the accumulator');
if (BUILD_PRODUCTS + BUILD_COUNT * ELEMENT_BYTES > TABLES) throw new Error('kernel build area overlaps the tables');
