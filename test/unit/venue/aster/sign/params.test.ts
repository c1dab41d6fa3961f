import { describe, expect, it } from 'vitest';
import { dec } from '../../../../../src/domain/decimal.ts';
import { encodeParams, normalizeParams, ParamError } from '../../../../../src/venue/aster/sign/params.ts';

const signed = { signed: true };

function refusal(fn: () => unknown): ParamError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ParamError) return error;
    throw error;
  }
  throw new Error('expected a ParamError');
}

describe('request parameters', () => {
  it('renders decimals as plain strings, never in exponent notation', () => {
    const list = normalizeParams(
      { quantity: dec('0.0000001'), price: dec('1e21'), leverage: 3, reduceOnly: true, startTime: 1_700_000_000_000n },
      signed,
    );
    expect(list).toEqual([
      ['quantity', '0.0000001'],
      ['price', '1000000000000000000000'],
      ['leverage', '3'],
      ['reduceOnly', 'true'],
      ['startTime', '1700000000000'],
    ]);
  });

  it('refuses floats and exponent strings, naming the field and the value', () => {
    const float = refusal(() => normalizeParams({ quantity: 0.1 }, signed));
    expect(float.field).toBe('quantity');
    expect(float.value).toBe(0.1);
    expect(float.message).toMatch(/Decimal/);
    const exp = refusal(() => normalizeParams({ price: '1e-7' }, signed));
    expect(exp.field).toBe('price');
    expect(exp.value).toBe('1e-7');
  });

  it('keeps the caller order, drops undefined record values and rejects duplicates', () => {
    expect(normalizeParams({ b: '1', a: undefined, c: '2' }, signed)).toEqual([
      ['b', '1'],
      ['c', '2'],
    ]);
    expect(
      refusal(() =>
        normalizeParams(
          [
            ['symbol', 'A'],
            ['symbol', 'B'],
          ],
          signed,
        ),
      ).field,
    ).toBe('symbol');
  });

  it('restricts client ids to [A-Za-z0-9_-] with Aster length limits', () => {
    expect(normalizeParams({ newClientOrderId: 'dn-1_abc' }, signed)).toEqual([['newClientOrderId', 'dn-1_abc']]);
    expect(refusal(() => normalizeParams({ newClientOrderId: 'a:b' }, signed)).value).toBe('a:b');
    expect(refusal(() => normalizeParams({ origClientOrderId: 'x'.repeat(37) }, signed)).field).toBe(
      'origClientOrderId',
    );
    expect(normalizeParams({ clientTranId: 't'.repeat(63) }, signed)).toHaveLength(1);
    expect(refusal(() => normalizeParams({ clientTranId: 't'.repeat(64) }, signed)).field).toBe('clientTranId');
    // Client ids are checked on public calls too.
    expect(refusal(() => normalizeParams({ newClientOrderId: 'a/b' }, { signed: false })).field).toBe(
      'newClientOrderId',
    );
  });

  it('signed requests allow only values for which URL encoding is the identity', () => {
    expect(refusal(() => normalizeParams({ symbol: 'BTC USDT' }, signed)).value).toBe('BTC USDT');
    expect(refusal(() => normalizeParams({ symbols: '["A"]' }, signed)).field).toBe('symbols');
    // Public calls may carry such values; they are URL-encoded.
    const list = normalizeParams({ symbols: '["A","B"]' }, { signed: false });
    expect(encodeParams(list)).toBe('symbols=%5B%22A%22%2C%22B%22%5D');
  });

  it('the signer adds the auth parameters; a caller may not', () => {
    for (const key of ['signature', 'nonce', 'user', 'signer', 'timestamp', 'recvWindow']) {
      expect(refusal(() => normalizeParams({ [key]: '1' }, signed)).field).toBe(key);
    }
  });

  it('rejects malformed parameter names', () => {
    expect(refusal(() => normalizeParams({ 'a&b': '1' }, { signed: false })).field).toBe('a&b');
  });
});
