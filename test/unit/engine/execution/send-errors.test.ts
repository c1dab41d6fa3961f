import { describe, expect, it } from 'vitest';
import { classifySendError } from '../../../../src/engine/execution/send-errors.ts';
import { DnfarmError, InvalidDataError } from '../../../../src/errors.ts';
import { AsterApiError, AsterRequestError } from '../../../../src/venue/aster/errors.ts';

const endpoint = 'POST /fapi/v3/order';

describe('what a failed send says about the order', () => {
  it('a definite exchange rejection means nothing executed', () => {
    const e = new AsterApiError({ kind: 'fatal', reason: 'api', endpoint, httpStatus: 400, code: -2019, sent: true });
    expect(classifySendError(e)).toBe('rejected');
  });

  it('a request refused before it left means nothing executed', () => {
    expect(classifySendError(new AsterRequestError(endpoint, 'quantity', 'must be positive'))).toBe('rejected');
    const banned = new AsterApiError({ kind: 'retryable', reason: 'banned', endpoint, sent: false });
    expect(classifySendError(banned)).toBe('not_sent');
  });

  it('a timeout, a 503 or a reset may have executed', () => {
    for (const reason of ['timeout', 'http', 'network'] as const) {
      expect(classifySendError(new AsterApiError({ kind: 'ambiguous', reason, endpoint, sent: true }))).toBe('unknown');
    }
  });

  it('a retryable answer to a request that was sent is still queried first', () => {
    const limited = new AsterApiError({
      kind: 'retryable',
      reason: 'rate-limited',
      endpoint,
      httpStatus: 429,
      sent: true,
    });
    expect(classifySendError(limited)).toBe('unknown');
  });

  it('an unreadable success body and anything unexpected are unknown', () => {
    expect(classifySendError(new InvalidDataError('order', 'status', 'missing'))).toBe('unknown');
    expect(classifySendError(new TypeError('boom'))).toBe('unknown');
    expect(classifySendError(new DnfarmError('x', { kind: 'ambiguous' }))).toBe('unknown');
  });
});
