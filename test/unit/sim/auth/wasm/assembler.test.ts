/**
 * The hand-written WebAssembly assembler: LEB128 encodings (the only variable-length part of the format), modules
 * that the engine accepts and runs, and clear errors for a function used before it is declared or defined twice.
 */
import { describe, expect, it } from 'vitest';
import { I32, I64, ModuleBuilder, signedLeb, unsignedLeb } from '../../../../../src/sim/auth/wasm/assembler.ts';

/** Node's global WebAssembly API (TypeScript types it only with the DOM library). */
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      validate(bytes: Uint8Array): boolean;
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
    };
  }
).WebAssembly;

describe('LEB128', () => {
  it('encodes unsigned and signed values as the format specifies', () => {
    expect(unsignedLeb(0)).toEqual([0x00]);
    expect(unsignedLeb(127)).toEqual([0x7f]);
    expect(unsignedLeb(128)).toEqual([0x80, 0x01]);
    expect(unsignedLeb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(signedLeb(0n)).toEqual([0x00]);
    expect(signedLeb(63n)).toEqual([0x3f]);
    expect(signedLeb(64n)).toEqual([0xc0, 0x00]);
    expect(signedLeb(-1n)).toEqual([0x7f]);
    expect(signedLeb(-64n)).toEqual([0x40]);
    expect(signedLeb(-65n)).toEqual([0xbf, 0x7f]);
    expect(signedLeb(-123456n)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => unsignedLeb(-1)).toThrow(/natural number, got -1/);
  });
});

describe('ModuleBuilder', () => {
  it('assembles a module that validates and computes with 64-bit arithmetic, loops and memory', () => {
    const m = new ModuleBuilder(1);
    m.declare('square_sum', [I32], [I64], true);
    m.declare('square', [I64], [I64]);
    // square_sum(n) = Σ_{i=1..n} i², through a helper and a value kept in memory.
    m.define('square', (b) => {
      b.get(0).get(0).op(0x7e);
    });
    m.define('square_sum', (b) => {
      const i = b.local(I64);
      b.i64(0).set(i);
      b.i32(0).i64(0).store64();
      b.block(() => {
        b.get(0).op(0x45).brIf(0);
        b.loop(() => {
          b.get(i).i64(1).op(0x7c).set(i);
          b.i32(0).i32(0).load64().get(i).call('square').op(0x7c).store64();
          b.get(0).i32(1).op(0x6b).tee(0).brIf(0);
        });
      });
      b.i32(0).load64();
    });
    const bytes = m.assemble();
    expect(wasm.validate(bytes)).toBe(true);
    const instance = new wasm.Instance(new wasm.Module(bytes), {});
    const squareSum = instance.exports['square_sum'] as (n: number) => bigint;
    expect(squareSum(0)).toBe(0n);
    expect(squareSum(10)).toBe(385n);
    expect(squareSum(3_000_000)).toBe((3_000_000n * 3_000_001n * 6_000_001n) / 6n);
    expect(instance.exports['square']).toBeUndefined();
  });

  it('names the function when it is called before being declared, declared twice or never defined', () => {
    const m = new ModuleBuilder(1);
    m.declare('f', [], [], true);
    expect(() => m.declare('f', [])).toThrow(/wasm function f declared twice/);
    expect(() => m.define('g', () => {})).toThrow(/wasm function g is not declared/);
    expect(() => m.assemble()).toThrow(/wasm function f declared but never defined/);
    m.define('f', (b) => {
      expect(() => b.call('h')).toThrow(/wasm function h is not declared/);
    });
    expect(() => m.define('f', () => {})).toThrow(/wasm function f defined twice/);
  });
});
