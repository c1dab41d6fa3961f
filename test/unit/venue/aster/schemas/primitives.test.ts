import { describe, expect, it } from 'vitest';
import {
  toBoolean,
  toDecimal,
  toDecimalOrNull,
  toEpochMs,
  toId,
  toInteger,
  toMarginType,
  toOptionalId,
} from '../../../../../src/venue/aster/schemas/primitives.ts';

function value<T>(result: { ok: true; value: T } | { ok: false; problem: string }): T {
  if (!result.ok) throw new Error(`unexpected problem: ${result.problem}`);
  return result.value;
}

function problem(result: { ok: boolean; problem?: string }): string {
  expect(result.ok).toBe(false);
  return result.problem ?? '';
}

describe('toDecimal: lenient about form, strict about content', () => {
  it('reads decimal strings exactly, keeping every digit', () => {
    expect(value(toDecimal('0.00100000')).toFixed()).toBe('0.001');
    expect(value(toDecimal('122607.35137903')).toFixed()).toBe('122607.35137903');
    expect(value(toDecimal('12345678901234567890.123456789')).toFixed()).toBe('12345678901234567890.123456789');
    expect(value(toDecimal('-0.03750000')).toFixed()).toBe('-0.0375');
    expect(value(toDecimal('1e-8')).toFixed()).toBe('0.00000001');
  });

  it('reads JSON numbers through their shortest decimal form (0.03 stays 0.03, not a binary fraction)', () => {
    expect(value(toDecimal(0.03)).toFixed()).toBe('0.03');
    expect(value(toDecimal(-0.02)).toFixed()).toBe('-0.02');
    expect(value(toDecimal(21)).toFixed()).toBe('21');
  });

  it.each([
    ['empty string', ''],
    ['blank string', '  '],
    ['null', null],
    ['missing', undefined],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['"NaN"', 'NaN'],
    ['"Infinity"', 'Infinity'],
    ['hex', '0x10'],
    ['padded', ' 1'],
    ['words', 'abc'],
    ['boolean', true],
    ['object', { value: '1' }],
  ])('rejects %s', (_name, input) => {
    expect(problem(toDecimal(input))).toMatch(/expected a decimal/);
  });

  it('enforces sign bounds', () => {
    expect(problem(toDecimal('-1', 'nonNegative'))).toBe('must not be negative');
    expect(value(toDecimal('0', 'nonNegative')).isZero()).toBe(true);
    expect(value(toDecimal('-0', 'nonNegative')).isZero()).toBe(true);
    expect(problem(toDecimal('0', 'positive'))).toBe('must be greater than zero');
    expect(problem(toDecimal('-5', 'positive'))).toBe('must be greater than zero');
    expect(value(toDecimal('0.0001', 'positive')).toFixed()).toBe('0.0001');
  });

  it('toDecimalOrNull maps null and absence to null but still rejects junk', () => {
    expect(value(toDecimalOrNull(null))).toBeNull();
    expect(value(toDecimalOrNull(undefined))).toBeNull();
    expect(value(toDecimalOrNull(0.02))?.toFixed()).toBe('0.02');
    expect(problem(toDecimalOrNull(''))).toMatch(/expected a decimal/);
  });
});

describe('toInteger', () => {
  it('accepts numbers and digit strings', () => {
    expect(value(toInteger(10))).toBe(10);
    expect(value(toInteger('10'))).toBe(10);
    expect(value(toInteger('-1'))).toBe(-1);
  });

  it('rejects fractions, junk and values beyond 2^53', () => {
    expect(problem(toInteger('1.5'))).toMatch(/integer/);
    expect(problem(toInteger(1.5))).toMatch(/2\^53/);
    expect(problem(toInteger(''))).toMatch(/integer/);
    expect(problem(toInteger(null))).toMatch(/integer/);
    expect(problem(toInteger('9007199254740993'))).toMatch(/2\^53/);
  });

  it('enforces bounds', () => {
    expect(problem(toInteger(0, { min: 1 }))).toBe('must be at least 1');
    expect(problem(toInteger('25', { max: 24 }))).toBe('must be at most 24');
  });
});

describe('toEpochMs: timestamps normalised to milliseconds', () => {
  it('keeps millisecond values, numbers or strings', () => {
    expect(value(toEpochMs(1597370495002))).toBe(1597370495002);
    expect(value(toEpochMs('1779359311580'))).toBe(1779359311580);
    expect(value(toEpochMs(0))).toBe(0);
    expect(value(toEpochMs('0'))).toBe(0);
  });

  it('converts the 19-digit nanosecond spot updateTime exactly (truncating to the millisecond)', () => {
    expect(value(toEpochMs('1767810156430279925'))).toBe(1767810156430);
  });

  it('converts microseconds', () => {
    expect(value(toEpochMs('1767810156430279'))).toBe(1767810156430);
  });

  it('still yields the right millisecond from a nanosecond number already rounded by JSON.parse', () => {
    expect(value(toEpochMs(Number('1767810156430279925')))).toBe(1767810156430);
  });

  it('rejects negatives, fractions, junk and absurd magnitudes', () => {
    expect(problem(toEpochMs(-1))).toBe('must not be negative');
    expect(problem(toEpochMs(1.5))).toMatch(/epoch timestamp/);
    expect(problem(toEpochMs(''))).toMatch(/epoch timestamp/);
    expect(problem(toEpochMs(undefined))).toMatch(/epoch timestamp/);
    expect(problem(toEpochMs('123456789012345678901'))).toMatch(/too large/);
  });
});

describe('ids are strings, and never silently rounded', () => {
  it('accepts safe integers and strings', () => {
    expect(value(toId(22542179))).toBe('22542179');
    expect(value(toId('456720177'))).toBe('456720177');
    expect(value(toId('4480321991774044580'))).toBe('4480321991774044580');
  });

  it('rejects an integer id that JSON.parse has already rounded', () => {
    expect(problem(toId(Number('1759115482304540227')))).toMatch(/lost precision/);
  });

  it('rejects empty, blank, negative and non-integer ids', () => {
    expect(problem(toId(''))).toMatch(/non-empty/);
    expect(problem(toId('a b'))).toMatch(/whitespace/);
    expect(problem(toId(-1))).toMatch(/non-negative/);
    expect(problem(toId(1.5))).toMatch(/non-negative integer/);
    expect(problem(toId(null))).toMatch(/expected an id/);
  });

  it('optional ids map "", null and absence to ""', () => {
    expect(value(toOptionalId(''))).toBe('');
    expect(value(toOptionalId(null))).toBe('');
    expect(value(toOptionalId(undefined))).toBe('');
    expect(value(toOptionalId(2059192))).toBe('2059192');
  });
});

describe('booleans and margin types', () => {
  it('accepts JSON booleans and their string forms only', () => {
    expect(value(toBoolean(true))).toBe(true);
    expect(value(toBoolean('false'))).toBe(false);
    expect(problem(toBoolean('yes'))).toMatch(/boolean/);
    expect(problem(toBoolean(1))).toMatch(/boolean/);
    expect(problem(toBoolean(undefined))).toMatch(/boolean/);
  });

  it('maps every spelling of cross and isolated', () => {
    expect(value(toMarginType('cross'))).toBe('cross');
    expect(value(toMarginType('CROSSED'))).toBe('cross');
    expect(value(toMarginType('isolated'))).toBe('isolated');
    expect(value(toMarginType('ISOLATED'))).toBe('isolated');
    expect(problem(toMarginType('portfolio'))).toMatch(/margin type/);
  });
});
