/** Stream names the simulator serves on each host. */
import { describe, expect, it } from 'vitest';
import { parseStream } from '../../../../src/sim/ws/streams.ts';

describe('parseStream', () => {
  it('reads futures mark-price and book-ticker streams', () => {
    expect(parseStream('btcusdt@markPrice', 'perp')).toEqual({ kind: 'markPrice', symbol: 'BTCUSDT', everyMs: 3000 });
    expect(parseStream('btcusdt@markPrice@1s', 'perp')).toEqual({
      kind: 'markPrice',
      symbol: 'BTCUSDT',
      everyMs: 1000,
    });
    expect(parseStream('!markPrice@arr', 'perp')).toEqual({ kind: 'markPrice', symbol: null, everyMs: 3000 });
    expect(parseStream('!markPrice@arr@1s', 'perp')).toEqual({ kind: 'markPrice', symbol: null, everyMs: 1000 });
    expect(parseStream('ethusdt@bookTicker', 'perp')).toEqual({ kind: 'bookTicker', symbol: 'ETHUSDT' });
    expect(parseStream('!bookTicker', 'perp')).toEqual({ kind: 'bookTicker', symbol: null });
  });

  it('serves only book tickers on the spot host, and nothing unknown', () => {
    expect(parseStream('btcusdt@bookTicker', 'spot')).toEqual({ kind: 'bookTicker', symbol: 'BTCUSDT' });
    expect(parseStream('btcusdt@markPrice', 'spot')).toBeNull();
    expect(parseStream('BTCUSDT@bookTicker', 'perp')).toBeNull();
    expect(parseStream('btcusdt@depth5', 'perp')).toBeNull();
  });
});
