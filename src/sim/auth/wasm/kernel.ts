/**
 * The simulator's signature kernel: Keccak-256 and the secp256k1 arithmetic of a V3 signature check, compiled once
 * per process from the generators in this folder into one WebAssembly module (no toolchain, no dependency).
 *
 * Why: the simulator must attribute every V3 request to its signer. In pure JavaScript (BigInt) a field
 * multiplication costs close to a microsecond and a check several hundred; with 26-bit limbs in WebAssembly i64s
 * it costs tens of nanoseconds, which is what lets one simulator thread serve thousands of signed requests a second.
 *
 * What it decides is narrow and exact (see signer-keys.ts for the algebra): given a signer's public key Q with a
 * precomputed table, a digest e and a signature (r, s, v), whether u1·G + u2·Q (u1 = e/s, u2 = r/s mod n) is the
 * point R with x = r and the y parity v. It answers `undecided` when the arithmetic meets a case its formulas do not
 * cover (two points with the same x inside the sum), never a guess; the caller then recovers the key the slow way.
 */
import { ModuleBuilder } from './assembler.ts';
import { declareCurve, declarePointCopy, defineCurve, definePointCopy } from './curve.ts';
import { declareField, defineField } from './field.ts';
import { declareKeccak, defineKeccak, KECCAK_RATE_BYTES } from './keccak.ts';
import {
  DIGITS,
  INITIAL_PAGES,
  KECCAK_STATE,
  LIMB_BITS,
  LIMBS,
  MESSAGE,
  MESSAGE_CAPACITY,
  PAGE_BYTES,
  SCRATCH,
  TABLE_BYTES,
  TABLES,
  WINDOWS,
} from './layout.ts';
import { declareScalar, defineScalar, MONTGOMERY_R2, N } from './scalar.ts';

/** The part of the WebAssembly JS API used here: Node's global, which TypeScript types only with the DOM library. */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}

const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface KernelExports {
  memory: WasmMemory;
  fe_mul(r: number, a: number, b: number): void;
  fe_sqr(r: number, a: number): void;
  fe_add(r: number, a: number, b: number): void;
  fe_sub(r: number, a: number, b: number): void;
  fe_neg(r: number, a: number): void;
  fe_inv(r: number, a: number): void;
  fe_normalize(r: number): void;
  fe_is_zero(a: number): number;
  sc_mont_mul(r: number, a: number, b: number): void;
  sc_mont_sqr(r: number, a: number): void;
  sc_inverse_scalars(): void;
  keccak_absorb(state: number, src: number, blocks: number): void;
  ge_madd(p: number, x: number, y: number): void;
  ge_double(p: number): void;
  ge_set_affine(p: number, x: number, y: number): void;
  table_build(table: number): number;
  comb(table: number, digits: number, started: number): number;
  final_check(parity: number): number;
}

export type CheckVerdict = 'valid' | 'invalid' | 'undecided';

const GENERATOR_X = 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n;
const GENERATOR_Y = 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n;
const N_HEX = N.toString(16);
const ZERO_HEX = '0'.repeat(64);
const MASK26 = (1 << LIMB_BITS) - 1;
const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Table slots are spaced by whole 64-byte lines. */
const TABLE_STRIDE = Math.ceil(TABLE_BYTES / 64) * 64;
const DIGITS_U2 = DIGITS + 4 * WINDOWS;

function buildModule(): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder(INITIAL_PAGES);
  declareField(m);
  declareScalar(m);
  declareKeccak(m);
  declareCurve(m);
  declarePointCopy(m);
  defineField(m);
  defineScalar(m);
  defineKeccak(m);
  defineCurve(m);
  definePointCopy(m);
  return m.assemble();
}

/** 32-bit little-endian words of a 64-character hex number. */
function wordsOfHex(hex: string, words: Uint32Array): void {
  for (let j = 0; j < 8; j++) words[j] = Number.parseInt(hex.slice(56 - 8 * j, 64 - 8 * j), 16);
}

export class SignatureKernel {
  readonly #exports: KernelExports;
  #u8: Uint8Array;
  #i32: Int32Array;
  readonly #words = new Uint32Array(9);
  readonly #encoder = new TextEncoder();
  /** Table slots handed out so far, and released slot numbers to hand out again. */
  #slots = 0;
  readonly #free: number[] = [];
  #generator: number | undefined;

  constructor() {
    if (wasm === undefined) throw new Error('WebAssembly is not available in this process');
    const instance = new wasm.Instance(new wasm.Module(buildModule()), {});
    this.#exports = instance.exports as unknown as KernelExports;
    this.#u8 = new Uint8Array(this.#exports.memory.buffer);
    this.#i32 = new Int32Array(this.#exports.memory.buffer);
    this.#writeScalar(SCRATCH.scR2, MONTGOMERY_R2);
  }

  /** The raw exports, for tests of the individual operations. */
  get operations(): Omit<KernelExports, 'memory'> {
    return this.#exports;
  }

  // ------------------------------------------------------------ memory access

  /** Views are rebuilt after the memory grows (growing detaches the old buffer). */
  #views(): void {
    if (this.#u8.buffer !== this.#exports.memory.buffer) {
      this.#u8 = new Uint8Array(this.#exports.memory.buffer);
      this.#i32 = new Int32Array(this.#exports.memory.buffer);
    }
  }

  /** Writes the 64-hex-digit number `hex` into the element at `address` as 10 limbs. */
  writeHex(address: number, hex: string): void {
    this.#views();
    const words = this.#words;
    wordsOfHex(hex, words);
    words[8] = 0;
    const base = address >> 2;
    for (let i = 0; i < LIMBS; i++) {
      const bit = LIMB_BITS * i;
      const j = bit >> 5;
      const offset = bit & 31;
      let limb = (words[j] as number) >>> offset;
      if (offset > 32 - LIMB_BITS) limb |= (words[j + 1] as number) << (32 - offset);
      this.#i32[base + 2 * i] = limb & MASK26;
      this.#i32[base + 2 * i + 1] = 0;
    }
  }

  #writeScalar(address: number, value: bigint): void {
    this.writeHex(address, value.toString(16).padStart(64, '0'));
  }

  /** Writes a non-negative value below 2^256 into the element at `address`. */
  writeElement(address: number, value: bigint): void {
    this.#writeScalar(address, value);
  }

  /** Reads the element at `address` as a number (its limbs as stored, not reduced). */
  readElement(address: number): bigint {
    this.#views();
    let value = 0n;
    const base = address >> 2;
    for (let i = LIMBS - 1; i >= 0; i--) {
      const low = BigInt(this.#i32[base + 2 * i] as number) & 0xffffffffn;
      const high = BigInt(this.#i32[base + 2 * i + 1] as number) & 0xffffffffn;
      value = (value << BigInt(LIMB_BITS)) + ((high << 32n) | low);
    }
    return value;
  }

  // ------------------------------------------------------------ Keccak-256

  /** Largest input `keccakText` and `keccakParts` take; longer inputs are the caller's to hash another way. */
  static readonly MAX_INPUT_BYTES = MESSAGE_CAPACITY - KECCAK_RATE_BYTES;

  /** Pads the `length` bytes at MESSAGE (keccak's 0x01 … 0x80), absorbs them, and returns a view of the digest. */
  #finishHash(length: number): Uint8Array {
    const u8 = this.#u8;
    const blocks = Math.floor(length / KECCAK_RATE_BYTES) + 1;
    const end = MESSAGE + blocks * KECCAK_RATE_BYTES;
    u8.fill(0, MESSAGE + length, end);
    u8[MESSAGE + length] = (u8[MESSAGE + length] as number) ^ 0x01;
    u8[end - 1] = (u8[end - 1] as number) ^ 0x80;
    u8.fill(0, KECCAK_STATE, KECCAK_STATE + 200);
    this.#exports.keccak_absorb(KECCAK_STATE, MESSAGE, blocks);
    return u8.subarray(KECCAK_STATE, KECCAK_STATE + 32);
  }

  /**
   * keccak256 of the UTF-8 bytes of `text`, or null when they exceed MAX_INPUT_BYTES. The result is a view that the
   * next hash overwrites.
   */
  keccakText(text: string): Uint8Array | null {
    this.#views();
    // UTF-8 takes at most 3 bytes per UTF-16 unit; only a text that might not fit needs the exact count.
    const room = SignatureKernel.MAX_INPUT_BYTES;
    if (text.length * 3 > room && Buffer.byteLength(text, 'utf8') > room) return null;
    const { written } = this.#encoder.encodeInto(text, this.#u8.subarray(MESSAGE, MESSAGE + room));
    return this.#finishHash(written);
  }

  /** keccak256 of the concatenation of `parts` (which may be views of an earlier digest); a view, as above. */
  keccakParts(parts: readonly Uint8Array[]): Uint8Array {
    this.#views();
    let length = 0;
    for (const part of parts) length += part.length;
    if (length > SignatureKernel.MAX_INPUT_BYTES) throw new RangeError(`keccak input of ${length} bytes is too long`);
    let at = MESSAGE;
    for (const part of parts) {
      this.#u8.set(part, at);
      at += part.length;
    }
    return this.#finishHash(length);
  }

  static toHex(bytes: Uint8Array): `0x${string}` {
    let hex = '0x';
    for (const byte of bytes) hex += HEX_BYTES[byte];
    return hex as `0x${string}`;
  }

  // ------------------------------------------------------------ tables

  #tableAddress(slot: number): number {
    return TABLES + slot * TABLE_STRIDE;
  }

  /** Builds the fixed-base table of the affine point (x, y), which must be on the curve; returns its slot. */
  buildTable(x: bigint, y: bigint): number {
    const slot = this.#free.pop() ?? this.#slots++;
    const needed = this.#tableAddress(slot) + TABLE_STRIDE;
    const memory = this.#exports.memory;
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
    this.#views();
    this.writeElement(SCRATCH.baseX, x);
    this.writeElement(SCRATCH.baseY, y);
    if (this.#exports.table_build(this.#tableAddress(slot)) !== 0) {
      this.#free.push(slot);
      throw new Error('table construction met a degenerate addition: the point is not a valid public key');
    }
    return slot;
  }

  releaseTable(slot: number): void {
    if (slot === this.#generator) throw new Error('the generator table is never released');
    this.#free.push(slot);
  }

  #generatorSlot(): number {
    this.#generator ??= this.buildTable(GENERATOR_X, GENERATOR_Y);
    return this.#generator;
  }

  // ------------------------------------------------------------ the check

  /** Signed 8-bit digits (−128..127, then the final carry) of the scalar at `address` (canonical, below n). */
  #recode(address: number, digits: number): void {
    const i32 = this.#i32;
    const base = address >> 2;
    const out = digits >> 2;
    let carry = 0;
    for (let k = 0; k < 32; k++) {
      const bit = 8 * k;
      const limb = Math.floor(bit / LIMB_BITS);
      const offset = bit - limb * LIMB_BITS;
      let byte = (i32[base + 2 * limb] as number) >>> offset;
      if (offset > LIMB_BITS - 8 && limb + 1 < LIMBS)
        byte |= (i32[base + 2 * (limb + 1)] as number) << (LIMB_BITS - offset);
      const value = (byte & 0xff) + carry;
      if (value >= 128) {
        i32[out + k] = value - 256;
        carry = 1;
      } else {
        i32[out + k] = value;
        carry = 0;
      }
    }
    i32[out + 32] = carry;
  }

  /**
   * Whether u1·G + u2·Q, for the key whose table is `slot`, is the point (r, y) with y of parity `parity`.
   * `digestHex`, `rHex` and `sHex` are 64 lowercase hex digits each. r and s outside 1..n−1 are invalid.
   */
  check(slot: number, digestHex: string, rHex: string, sHex: string, parity: 0 | 1): CheckVerdict {
    if (rHex === ZERO_HEX || sHex === ZERO_HEX || rHex >= N_HEX || sHex >= N_HEX) return 'invalid';
    const generator = this.#generatorSlot();
    this.#views();
    this.writeHex(SCRATCH.inR, rHex);
    this.writeHex(SCRATCH.inS, sHex);
    this.writeHex(SCRATCH.inE, digestHex);
    const ops = this.#exports;
    ops.sc_inverse_scalars();
    this.#recode(SCRATCH.scU1, DIGITS);
    this.#recode(SCRATCH.scU2, DIGITS_U2);
    const afterG = ops.comb(this.#tableAddress(generator), DIGITS, 0);
    // u2 = r/s is never zero, so the sum holds a point unless the arithmetic is broken: no guess either way.
    if (ops.comb(this.#tableAddress(slot), DIGITS_U2, afterG) === 0) return 'undecided';
    const verdict = ops.final_check(parity);
    return verdict === 1 ? 'valid' : verdict === 0 ? 'invalid' : 'undecided';
  }
}

let shared: SignatureKernel | undefined;
let unavailable: string | undefined;

/** The process-wide kernel, assembled and compiled on first use (tens of milliseconds, once). Throws without WebAssembly. */
export function signatureKernel(): SignatureKernel {
  shared ??= new SignatureKernel();
  return shared;
}

/**
 * The kernel, or null where WebAssembly cannot run (`node --jitless` has none): callers then hash and recover the
 * slow way. `kernelUnavailableReason()` says why.
 */
export function availableSignatureKernel(): SignatureKernel | null {
  if (shared !== undefined) return shared;
  if (unavailable !== undefined) return null;
  try {
    return signatureKernel();
  } catch (error) {
    unavailable = error instanceof Error ? error.message : String(error);
    return null;
  }
}

export function kernelUnavailableReason(): string | undefined {
  return unavailable;
}
