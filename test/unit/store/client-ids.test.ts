import { describe, expect, it } from 'vitest';
import { formatClientId, MAX_ATTEMPT, MAX_INTENT_ID } from '../../../src/store/client-ids.ts';
import {
  formatClientOrderId,
  formatClientTranId,
  MAX_CLIENT_ORDER_ID_LENGTH,
  MAX_CLIENT_TRAN_ID_LENGTH,
  parseClientId,
} from '../../../src/store/index.ts';

const ASTER_SAFE = /^[A-Za-z0-9_-]{1,36}$/;

describe('client ids', () => {
  it('are a pure function of store, intent, leg and attempt', () => {
    expect(formatClientOrderId('k3x9qa', 42, 'spot', 0)).toBe('dnf-k3x9qa-42-spot-0');
    expect(formatClientOrderId('k3x9qa', 42, 'spot', 0)).toBe(formatClientOrderId('k3x9qa', 42, 'spot', 0));
    expect(formatClientOrderId('k3x9qa', 42, 'spot', 1)).not.toBe(formatClientOrderId('k3x9qa', 42, 'spot', 0));
    expect(formatClientOrderId('k3x9qa', 42, 'perp', 0)).not.toBe(formatClientOrderId('k3x9qa', 42, 'spot', 0));
    expect(formatClientTranId('k3x9qa', 7, 2)).toBe('dnf-k3x9qa-7-transfer-2');
  });

  it('stay within Aster limits even at their longest', () => {
    const longestOrder = formatClientOrderId('zzzzzz', MAX_INTENT_ID, 'abcdefgh', MAX_ATTEMPT);
    expect(longestOrder).toMatch(ASTER_SAFE);
    expect(longestOrder.length).toBeLessThanOrEqual(MAX_CLIENT_ORDER_ID_LENGTH);
    const longestTran = formatClientTranId('zzzzzz', MAX_INTENT_ID, MAX_ATTEMPT);
    expect(longestTran.length).toBeLessThanOrEqual(MAX_CLIENT_TRAN_ID_LENGTH);
  });

  it('refuse parts that cannot be encoded, naming the part and value', () => {
    expect(() => formatClientOrderId('K3X9QA', 1, 'spot', 0)).toThrow(
      /storeId: expected 6 of \[a-z0-9\], got "K3X9QA"/,
    );
    expect(() => formatClientOrderId('k3x9qa', 0, 'spot', 0)).toThrow(/intentId: expected an integer 1\.\.\d+, got 0/);
    expect(() => formatClientOrderId('k3x9qa', MAX_INTENT_ID + 1, 'spot', 0)).toThrow(/intentId/);
    expect(() => formatClientOrderId('k3x9qa', 1, 'spot-leg', 0)).toThrow(
      /leg: expected 1-8 of \[a-z\], got "spot-leg"/,
    );
    expect(() => formatClientOrderId('k3x9qa', 1, 'spot', 1000)).toThrow(
      /attempt: expected an integer 0\.\.999, got 1000/,
    );
    expect(() => formatClientOrderId('k3x9qa', 1, 'spot', 1.5)).toThrow(/attempt/);
  });

  it('parse back to their parts, and anything else parses to null', () => {
    const parts = { storeId: 'a1b2c3', intentId: 123456, leg: 'stop', attempt: 12 };
    expect(parseClientId(formatClientId(parts))).toEqual(parts);
    for (const foreign of [
      'web_abc123',
      'dnf-a1b2c3-0-spot-0',
      'dnf-a1b2c3-1-spot-01',
      'dnf-a1b2c3-1-Spot-0',
      '',
      'x',
    ]) {
      expect(parseClientId(foreign)).toBeNull();
    }
  });
});
