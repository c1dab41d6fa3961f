import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseListenKey } from '../../../../../src/venue/aster/schemas/listen-key.ts';
import { describeValue, formatPath, parseWith } from '../../../../../src/venue/aster/schemas/parse.ts';
import { decimalField, nonNegativeDecimalField } from '../../../../../src/venue/aster/schemas/primitives.ts';
import { expectInvalid } from './expect-invalid.ts';

describe('error messages name the endpoint, the field path and the received value', () => {
  it('formats paths the way a reader writes them', () => {
    expect(formatPath(['symbols', 3, 'filters', 1, 'stepSize'])).toBe('symbols[3].filters[1].stepSize');
    expect(formatPath([0, 'markPrice'])).toBe('[0].markPrice');
    expect(formatPath([])).toBe('(body)');
  });

  it('renders values on one line and truncates long ones', () => {
    expect(describeValue(undefined)).toBe('nothing (field absent)');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue('')).toBe('""');
    expect(describeValue(null)).toBe('null');
    const long = describeValue('9'.repeat(300));
    expect(long.length).toBeLessThan(120);
    expect(long).toContain('(302 chars)');
  });

  it('reports the first problem and counts the others', () => {
    const schema = z.array(z.object({ price: nonNegativeDecimalField, qty: decimalField }));
    const error = expectInvalid(
      () =>
        parseWith(
          schema,
          [
            { price: '1', qty: '2' },
            { price: '-1', qty: 'x' },
          ],
          'GET /api/v3/depth',
        ),
      '[1].price',
      '"-1"',
      'GET /api/v3/depth',
    );
    expect(error.message).toContain('must not be negative');
    expect(error.message).toContain('(and 1 more problem)');
    expect(error.value).toBe('-1');
  });

  it('names zod structure errors in plain words', () => {
    const schema = z.object({ rows: z.array(z.object({ a: decimalField })) });
    const error = expectInvalid(() => parseWith(schema, { rows: { a: '1' } }, 'src'), 'rows', '{"a":"1"}');
    expect(error.message).toContain('expected an array');
    expectInvalid(() => parseWith(schema, 'oops', 'src'), '(body)', '"oops"');
  });

  it('never echoes a listen key, even in an error', () => {
    const error = expectInvalid(() => parseListenKey({ listenKey: 12345 }, 'POST /fapi/v3/listenKey'), 'listenKey');
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain('12345');
    expect(error.value).toBeUndefined();
  });
});
