/** V1 HMAC: the official TV-1 / TV-2 vectors, query+body concatenation, and the documented timestamp rule. */
import { describe, expect, it } from 'vitest';
import { checkTimestamp, hmacHex, hmacMatches } from '../../../../src/sim/auth/hmac.ts';

describe('HMAC signatures', () => {
  it('reproduces the official futures and spot vectors', () => {
    expect(
      hmacHex(
        '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9',
        'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943',
      ),
    ).toBe('3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9');
    expect(
      hmacHex(
        'fdde510a2b71fa43a43bff3e3cf7819c8c66df34633d338050f4f59664b3b313',
        'symbol=BNBUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=5&price=1.1&recvWindow=5000&timestamp=1756187806000',
      ),
    ).toBe('e09169bf6c02ec4b29fa1bdc3a967f92c8c6cfcde0551ba1d477b2d3cf4c51b0');
  });

  it('signs query and body concatenated without a separator', () => {
    expect(
      hmacHex(
        '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9',
        'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=9000&recvWindow=5000&timestamp=1591702613943',
      ),
    ).toBe('30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4');
  });

  it('compares signatures case-insensitively', () => {
    const secret = 'abc';
    const sig = hmacHex(secret, 'a=1');
    expect(hmacMatches(secret, 'a=1', sig.toUpperCase())).toBe(true);
    expect(hmacMatches(secret, 'a=2', sig)).toBe(false);
    expect(hmacMatches(secret, 'a=1', sig.slice(1))).toBe(false);
  });

  it('accepts a timestamp less than 1 s ahead and within recvWindow behind', () => {
    expect(checkTimestamp(10_999, 5000, 10_000)).toBe('ok');
    expect(checkTimestamp(11_000, 5000, 10_000)).toBe('ahead');
    expect(checkTimestamp(5_000, 5000, 10_000)).toBe('ok');
    expect(checkTimestamp(4_999, 5000, 10_000)).toBe('outside-window');
  });
});
