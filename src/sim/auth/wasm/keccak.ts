/**
 * Keccak-f[1600] and the Keccak-256 sponge (rate 136 bytes), generated as WebAssembly with the 25 lanes in locals
 * and the 24 rounds unrolled. Ethereum's keccak256 is this permutation with the original 0x01 padding (not SHA3's
 * 0x06), which is why Node's built-in sha3-256 cannot stand in for it.
 *
 * Rotation offsets and round constants are derived here from their definitions (FIPS 202 §3.2.2 and §3.2.5) rather
 * than typed in; the tests compare the result with viem's keccak256.
 */
import { type Body, I32, I64, type ModuleBuilder } from './assembler.ts';

export const KECCAK_RATE_BYTES = 136;
const ROUNDS = 24;

/** ρ offsets by lane index x + 5y: walk (x, y) → (y, 2x + 3y) from (1, 0), offset (t+1)(t+2)/2 mod 64. */
function rotationOffsets(): number[] {
  const offsets = new Array<number>(25).fill(0);
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t++) {
    offsets[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return offsets;
}

/** The bit rc(t) of the LFSR with polynomial x^8 + x^6 + x^5 + x^4 + 1. */
function rcBit(t: number): number {
  let register = 1;
  for (let i = 0; i < t % 255; i++) {
    register <<= 1;
    if (register & 0x100) register ^= 0x171;
  }
  return register & 1;
}

function roundConstants(): bigint[] {
  return Array.from({ length: ROUNDS }, (_, round) => {
    let rc = 0n;
    for (let j = 0; j <= 6; j++) if (rcBit(j + 7 * round) === 1) rc |= 1n << BigInt(2 ** j - 1);
    return rc;
  });
}

export function declareKeccak(m: ModuleBuilder): void {
  m.declare('keccak_f', [I32], [], true);
  m.declare('keccak_absorb', [I32, I32, I32], [], true);
}

function round(b: Body, lanes: readonly number[], scratch: readonly number[], c: readonly number[], rc: bigint): void {
  const offsets = rotationOffsets();
  const lane = (i: number) => lanes[i] as number;
  // θ: column parities, then each lane takes the parity of its left column and the rotated right column.
  for (let x = 0; x < 5; x++) {
    b.get(lane(x))
      .get(lane(x + 5))
      .op(0x85)
      .get(lane(x + 10))
      .op(0x85)
      .get(lane(x + 15))
      .op(0x85)
      .get(lane(x + 20))
      .op(0x85)
      .set(c[x] as number);
  }
  for (let x = 0; x < 5; x++) {
    const d = scratch[0] as number;
    b.get(c[(x + 4) % 5] as number)
      .get(c[(x + 1) % 5] as number)
      .i64(1)
      .op(0x89)
      .op(0x85)
      .set(d);
    for (let y = 0; y < 5; y++)
      b.get(lane(x + 5 * y))
        .get(d)
        .op(0x85)
        .set(lane(x + 5 * y));
  }
  // ρ and π: B[y, 2x + 3y] = rot(A[x, y], r[x, y]).
  for (let x = 0; x < 5; x++) {
    for (let y = 0; y < 5; y++) {
      const target = scratch[y + 5 * ((2 * x + 3 * y) % 5)] as number;
      const offset = offsets[x + 5 * y] as number;
      b.get(lane(x + 5 * y));
      if (offset !== 0) b.i64(offset).op(0x89);
      b.set(target);
    }
  }
  // χ: A[x, y] = B[x, y] ^ (¬B[x+1, y] & B[x+2, y]); ι on lane 0.
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      const at = (dx: number) => scratch[((x + dx) % 5) + 5 * y] as number;
      b.get(at(0)).get(at(1)).i64(-1).op(0x85).get(at(2)).op(0x83).op(0x85);
      if (x === 0 && y === 0) b.i64(rc).op(0x85);
      b.set(lane(x + 5 * y));
    }
  }
}

export function defineKeccak(m: ModuleBuilder): void {
  // keccak_f(state): the permutation on 25 little-endian lanes at `state`.
  m.define('keccak_f', (b) => {
    const lanes = b.locals(I64, 25);
    const scratch = b.locals(I64, 25);
    const c = b.locals(I64, 5);
    lanes.forEach((lane, i) => {
      b.get(0)
        .load64(i * 8)
        .set(lane);
    });
    for (const rc of roundConstants()) round(b, lanes, scratch, c, rc);
    lanes.forEach((lane, i) => {
      b.get(0)
        .get(lane)
        .store64(i * 8);
    });
  });

  // keccak_absorb(state, src, blocks): XORs each 136-byte block at src into the state and permutes.
  m.define('keccak_absorb', (b) => {
    b.block(() => {
      b.get(2).op(0x45).brIf(0);
      b.loop(() => {
        for (let i = 0; i < KECCAK_RATE_BYTES / 8; i++) {
          b.get(0)
            .get(0)
            .load64(i * 8)
            .get(1)
            .load64(i * 8)
            .op(0x85)
            .store64(i * 8);
        }
        b.get(0).call('keccak_f');
        b.get(1).i32(KECCAK_RATE_BYTES).op(0x6a).set(1);
        b.get(2).i32(1).op(0x6b).tee(2).brIf(0);
      });
    });
  });
}
