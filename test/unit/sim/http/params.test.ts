/** Parameter reading as Aster does it: query wins over body, duplicates rejected, signature stripped byte-exact. */
import { describe, expect, it } from 'vitest';
import { AsterApiError } from '../../../../src/sim/http/api-error.ts';
import {
  optionalBool,
  optionalInt,
  parseRequestParams,
  required,
  withoutSignature,
} from '../../../../src/sim/http/params.ts';

describe('request parameters', () => {
  it('decodes query and body, the query winning on a clash', () => {
    const params = parseRequestParams('symbol=BTCUSDT&side=BUY', 'side=SELL&quantity=0.5&note=a+b%2Fc');
    expect(params.values.get('side')).toBe('BUY');
    expect(params.values.get('quantity')).toBe('0.5');
    expect(params.values.get('note')).toBe('a b/c');
  });

  it('rejects a parameter repeated in one place with -1101', () => {
    expect(() => parseRequestParams('a=1&a=2', '')).toThrow(AsterApiError);
  });

  it('removes signature pairs and keeps everything else byte for byte', () => {
    expect(withoutSignature('b=2&a=%2F1&signature=0xabc')).toBe('b=2&a=%2F1');
    expect(withoutSignature('signature=0x1&a=1')).toBe('a=1');
    expect(withoutSignature('a=1')).toBe('a=1');
  });

  it('names a missing or malformed parameter', () => {
    const params = parseRequestParams('limit=ten&flag=maybe&empty=', '');
    expect(() => required(params, 'empty')).toThrow("Mandatory parameter 'empty'");
    expect(() => optionalInt(params, 'limit')).toThrow("parameter 'limit' is not valid");
    expect(() => optionalBool(params, 'flag')).toThrow("parameter 'flag' is not valid");
    expect(optionalInt(parseRequestParams('limit=10', ''), 'limit')).toBe(10);
  });
});
