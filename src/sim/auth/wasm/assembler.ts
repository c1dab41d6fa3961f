/**
 * A small WebAssembly assembler: enough of the binary format (types, functions, one exported memory, exports, code)
 * and of the instruction set (integer arithmetic, memory, locals, structured control) to write the simulator's
 * signature-checking kernel by hand, with no toolchain and no dependency.
 *
 * Functions are declared first (so any body can call any function by name), then defined; `assemble()` checks that
 * every declared function has a body and returns the module's bytes. Instructions are appended through the methods
 * of `Body`, which follow the stack machine: operands are pushed first, then the operator.
 */

export const I32 = 0x7f;
export const I64 = 0x7e;
export type ValType = typeof I32 | typeof I64;

const BLOCK_VOID = 0x40;

/** Opcodes used by the kernel (WebAssembly core specification, binary format). */
export const Op = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  i32Load8u: 0x2d,
  i64Load32u: 0x35,
  i32Store: 0x36,
  i64Store: 0x37,
  i32Store8: 0x3a,
  i64Store32: 0x3e,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GeU: 0x4f,
  i64Eqz: 0x50,
  i64Eq: 0x51,
  i64Ne: 0x52,
  i64LtU: 0x54,
  i64GtU: 0x56,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  i64Rotl: 0x89,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
} as const;

export function unsignedLeb(value: number): number[] {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`unsigned LEB128 needs a natural number, got ${value}`);
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest !== 0) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0);
  return out;
}

export function signedLeb(value: bigint): number[] {
  const out: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    const signBitSet = (byte & 0x40) !== 0;
    if ((rest === 0n && !signBitSet) || (rest === -1n && signBitSet)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Appends in a loop: spreading a large array into push() or a literal is slow and can overflow the stack. */
function append(target: number[], source: readonly number[]): number[] {
  for (const byte of source) target.push(byte);
  return target;
}

function vector(items: readonly number[][]): number[] {
  const out = unsignedLeb(items.length);
  for (const item of items) append(out, item);
  return out;
}

function section(id: number, content: number[]): number[] {
  return append([id, ...unsignedLeb(content.length)], content);
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

/** A function body under construction. Parameters are locals 0..n−1; `local()` adds more. */
export class Body {
  readonly code: number[] = [];
  readonly extraLocals: ValType[] = [];

  constructor(
    private readonly module: ModuleBuilder,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[],
  ) {}

  /** A new local of `type`; returns its index. */
  local(type: ValType): number {
    this.extraLocals.push(type);
    return this.params.length + this.extraLocals.length - 1;
  }

  locals(type: ValType, count: number): number[] {
    return Array.from({ length: count }, () => this.local(type));
  }

  op(...opcodes: number[]): this {
    this.code.push(...opcodes);
    return this;
  }

  get(index: number): this {
    return this.op(Op.localGet, ...unsignedLeb(index));
  }

  set(index: number): this {
    return this.op(Op.localSet, ...unsignedLeb(index));
  }

  tee(index: number): this {
    return this.op(Op.localTee, ...unsignedLeb(index));
  }

  i32(value: number): this {
    return this.op(Op.i32Const, ...signedLeb(BigInt(value)));
  }

  /** An i64 constant; values ≥ 2^63 are written as their two's-complement bit pattern. */
  i64(value: bigint | number): this {
    return this.op(Op.i64Const, ...signedLeb(BigInt.asIntN(64, BigInt(value))));
  }

  /** i64.load at (address on the stack) + offset; alignment hint 8 bytes. */
  load64(offset = 0): this {
    return this.op(Op.i64Load, 3, ...unsignedLeb(offset));
  }

  store64(offset = 0): this {
    return this.op(Op.i64Store, 3, ...unsignedLeb(offset));
  }

  /** An unsigned 32-bit word widened to i64. */
  load32to64(offset = 0): this {
    return this.op(Op.i64Load32u, 2, ...unsignedLeb(offset));
  }

  /** The low 32 bits of an i64. */
  store64to32(offset = 0): this {
    return this.op(Op.i64Store32, 2, ...unsignedLeb(offset));
  }

  load32(offset = 0): this {
    return this.op(Op.i32Load, 2, ...unsignedLeb(offset));
  }

  store32(offset = 0): this {
    return this.op(Op.i32Store, 2, ...unsignedLeb(offset));
  }

  load8(offset = 0): this {
    return this.op(Op.i32Load8u, 0, ...unsignedLeb(offset));
  }

  store8(offset = 0): this {
    return this.op(Op.i32Store8, 0, ...unsignedLeb(offset));
  }

  call(functionName: string): this {
    return this.op(Op.call, ...unsignedLeb(this.module.indexOf(functionName)));
  }

  /** `block … end`; `br 0` inside jumps past the end. */
  block(inner: () => void): this {
    this.op(Op.block, BLOCK_VOID);
    inner();
    return this.op(Op.end);
  }

  /** `loop … end`; `br 0` inside jumps back to the start. */
  loop(inner: () => void): this {
    this.op(Op.loop, BLOCK_VOID);
    inner();
    return this.op(Op.end);
  }

  /** `if … [else …] end` on the i32 condition on the stack. */
  ifThen(then: () => void, otherwise?: () => void): this {
    this.op(Op.if, BLOCK_VOID);
    then();
    if (otherwise) {
      this.op(Op.else);
      otherwise();
    }
    return this.op(Op.end);
  }

  br(depth: number): this {
    return this.op(Op.br, ...unsignedLeb(depth));
  }

  brIf(depth: number): this {
    return this.op(Op.brIf, ...unsignedLeb(depth));
  }

  /** Encoded body: local declarations (run-length by type), instructions, `end`. */
  encode(): number[] {
    const runs: number[][] = [];
    let i = 0;
    while (i < this.extraLocals.length) {
      const type = this.extraLocals[i] as ValType;
      let count = 0;
      while (i < this.extraLocals.length && this.extraLocals[i] === type) {
        count++;
        i++;
      }
      runs.push([...unsignedLeb(count), type]);
    }
    const body = append(vector(runs), this.code);
    body.push(Op.end);
    return append(unsignedLeb(body.length), body);
  }
}

interface Declared {
  name: string;
  params: readonly ValType[];
  results: readonly ValType[];
  exported: boolean;
  body?: Body;
}

export class ModuleBuilder {
  private readonly functions: Declared[] = [];
  private readonly byName = new Map<string, number>();

  constructor(private readonly memoryPages: number) {}

  /** Declares a function; `exported` makes it callable from JavaScript under its name. */
  declare(functionName: string, params: readonly ValType[], results: readonly ValType[] = [], exported = false): void {
    if (this.byName.has(functionName)) throw new Error(`wasm function ${functionName} declared twice`);
    this.byName.set(functionName, this.functions.length);
    this.functions.push({ name: functionName, params, results, exported });
  }

  indexOf(functionName: string): number {
    const index = this.byName.get(functionName);
    if (index === undefined) throw new Error(`wasm function ${functionName} is not declared`);
    return index;
  }

  /** Writes the body of a declared function. */
  define(functionName: string, write: (body: Body) => void): void {
    const declared = this.functions[this.indexOf(functionName)] as Declared;
    if (declared.body) throw new Error(`wasm function ${functionName} defined twice`);
    const body = new Body(this, declared.params, declared.results);
    write(body);
    declared.body = body;
  }

  assemble(): Uint8Array<ArrayBuffer> {
    const types = this.functions.map((f) => [
      0x60,
      ...vector(f.params.map((p) => [p])),
      ...vector(f.results.map((r) => [r])),
    ]);
    const exports: number[][] = [[...name('memory'), 0x02, 0]];
    this.functions.forEach((f, index) => {
      if (f.exported) exports.push([...name(f.name), 0x00, ...unsignedLeb(index)]);
    });
    const codes = this.functions.map((f) => {
      if (!f.body) throw new Error(`wasm function ${f.name} declared but never defined`);
      return f.body.encode();
    });
    // Magic number and version 1, then the sections in their required order.
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    append(out, section(1, vector(types)));
    append(out, section(3, vector(this.functions.map((_, index) => unsignedLeb(index)))));
    append(out, section(5, vector([[0x00, ...unsignedLeb(this.memoryPages)]])));
    append(out, section(7, vector(exports)));
    append(out, section(10, vector(codes)));
    return Uint8Array.from(out);
  }
}
