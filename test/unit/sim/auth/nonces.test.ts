/** Aster's V3 nonce rules: ±10 s around the server clock (µs), unique among the user's last 100. */
import { describe, expect, it } from 'vitest';
import { NonceBook } from '../../../../src/sim/auth/nonces.ts';

const NOW = 1_748_310_859_508_867n;

describe('NonceBook', () => {
  it('accepts nonces within ±10 s and rejects those outside', () => {
    const book = new NonceBook();
    expect(book.check('u', String(NOW - 10_000_000n), NOW)).toBe('ok');
    expect(book.check('u', String(NOW + 10_000_000n), NOW)).toBe('ok');
    expect(book.check('u', String(NOW - 10_000_001n), NOW)).toBe('outside-window');
    expect(book.check('u', String(NOW + 10_000_001n), NOW)).toBe('outside-window');
    expect(book.check('u', '12abc', NOW)).toBe('malformed');
  });

  it('rejects a nonce the same user already used, but not another user', () => {
    const book = new NonceBook();
    book.record('u', String(NOW));
    expect(book.check('u', String(NOW), NOW)).toBe('duplicate');
    expect(book.check('v', String(NOW), NOW)).toBe('ok');
  });

  it('keeps the newest 100 and then rejects anything below the smallest kept', () => {
    const book = new NonceBook();
    for (let i = 0n; i < 101n; i++) book.record('u', String(NOW + i));
    // NOW itself was evicted; it is now below the minimum of the full list.
    expect(book.check('u', String(NOW), NOW)).toBe('below-minimum');
    expect(book.check('u', String(NOW + 1n), NOW)).toBe('duplicate');
    expect(book.check('u', String(NOW + 500n), NOW)).toBe('ok');
  });

  it('accepts nonces that arrive out of order while the list has room', () => {
    const book = new NonceBook();
    book.record('u', String(NOW + 5n));
    expect(book.check('u', String(NOW + 1n), NOW)).toBe('ok');
  });
});
