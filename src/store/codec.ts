/**
 * Column encoding. Decimals go in as plain strings (`toFixed()`, never exponent notation) and come back
 * through `dec`, so "0.000000012345678901" survives byte for byte. A value that does not decode is
 * reported with its table and column: the store never hands the engine a guessed number.
 */
import { Decimal, dec, toPlain } from '../domain/decimal.ts';
import { InvalidDataError } from '../errors.ts';

export type Row = Record<string, unknown>;

export function encDec(value: Decimal): string {
  if (!(value instanceof Decimal) || !value.isFinite()) {
    throw new RangeError(`expected a finite Decimal, got ${String(value)}`);
  }
  return toPlain(value);
}

export function encDecOrNull(value: Decimal | null | undefined): string | null {
  return value === null || value === undefined ? null : encDec(value);
}

export function encTime(value: number, field: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${field}: expected integer milliseconds, got ${value}`);
  return value;
}

export function encInt(value: number, field: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${field}: expected an integer, got ${value}`);
  return value;
}

export function encTimeOrNull(value: number | null | undefined, field: string): number | null {
  return value === null || value === undefined ? null : encTime(value, field);
}

export function encBool(value: boolean): number {
  return value ? 1 : 0;
}

function bad(table: string, column: string, value: unknown, expected: string): InvalidDataError {
  return new InvalidDataError('store', `${table}.${column}`, `expected ${expected}, got ${JSON.stringify(value)}`, {
    value,
  });
}

export function decCol(row: Row, table: string, column: string): Decimal {
  const v = row[column];
  if (typeof v !== 'string') throw bad(table, column, v, 'a decimal string');
  try {
    return dec(v);
  } catch {
    throw bad(table, column, v, 'a decimal string');
  }
}

export function decColOrNull(row: Row, table: string, column: string): Decimal | null {
  return row[column] === null ? null : decCol(row, table, column);
}

export function intCol(row: Row, table: string, column: string): number {
  const v = row[column];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad(table, column, v, 'an integer');
  return v;
}

export function intColOrNull(row: Row, table: string, column: string): number | null {
  return row[column] === null ? null : intCol(row, table, column);
}

export function textCol(row: Row, table: string, column: string): string {
  const v = row[column];
  if (typeof v !== 'string') throw bad(table, column, v, 'text');
  return v;
}

export function textColOrNull(row: Row, table: string, column: string): string | null {
  return row[column] === null ? null : textCol(row, table, column);
}

export function boolCol(row: Row, table: string, column: string): boolean {
  const v = intCol(row, table, column);
  if (v !== 0 && v !== 1) throw bad(table, column, v, '0 or 1');
  return v === 1;
}

export function oneOf<T extends string>(row: Row, table: string, column: string, allowed: readonly T[]): T {
  const v = textCol(row, table, column);
  if (!(allowed as readonly string[]).includes(v)) throw bad(table, column, v, `one of ${allowed.join(', ')}`);
  return v as T;
}

/**
 * JSON for intent payloads and results. Decimals are written as plain strings (the replacer sees the
 * original value through `this`, before decimal.js's own toJSON could choose exponent notation).
 */
export function encJson(value: unknown, field: string): string {
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const original = this[key];
    return original instanceof Decimal ? toPlain(original) : v;
  });
  if (text === undefined) throw new RangeError(`${field}: not representable as JSON`);
  return text;
}

export function jsonCol(row: Row, table: string, column: string): unknown {
  const text = textCol(row, table, column);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw bad(table, column, text, 'JSON');
  }
}
