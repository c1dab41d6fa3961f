import { describe, expect, it } from 'vitest';
import { discoverPairs } from '../../../src/strategy/pairs.ts';
import { market } from './support/builders.ts';

describe('discoverPairs', () => {
  it('W-25: matches on base and quote assets, not on the symbol string', () => {
    const spot = [
      market('spot', 'BTCUSDT', 'BTC'),
      // Same symbol string, different quote asset: not a hedge for a USDT-margined perp.
      market('spot', 'ETHUSDT', 'ETH', { quoteAsset: 'USDC' }),
      // Different symbol string, same assets: a valid pair.
      market('spot', 'WBNB-USDT', 'BNB'),
      // A 1000× contract's base is not the spot base.
      market('spot', 'PEPEUSDT', 'PEPE'),
    ];
    const perp = [
      market('perp', 'BTCUSDT', 'BTC'),
      market('perp', 'ETHUSDT', 'ETH'),
      market('perp', 'BNBUSDT', 'BNB'),
      market('perp', '1000PEPEUSDT', '1000PEPE'),
    ];
    const pairs = discoverPairs(spot, perp);
    expect(pairs.map((p) => [p.symbol, p.spotSymbol, p.baseAsset, p.quoteAsset])).toEqual([
      ['BNBUSDT', 'WBNB-USDT', 'BNB', 'USDT'],
      ['BTCUSDT', 'BTCUSDT', 'BTC', 'USDT'],
    ]);
  });

  it('requires both markets TRADING and a perpetual contract (or no contractType)', () => {
    const spot = [
      market('spot', 'AUSDT', 'A'),
      market('spot', 'BUSDT', 'B', { status: 'BREAK' }),
      market('spot', 'CUSDT', 'C'),
      market('spot', 'DUSDT', 'D'),
      market('spot', 'EUSDT', 'E'),
    ];
    // Aster may omit contractType altogether.
    const noType = market('perp', 'EUSDT', 'E');
    delete noType.contractType;
    const perp = [
      market('perp', 'AUSDT', 'A'),
      market('perp', 'BUSDT', 'B'),
      market('perp', 'CUSDT', 'C', { status: 'PENDING_TRADING' }),
      market('perp', 'DUSDT', 'D', { contractType: 'CURRENT_QUARTER' }),
      noType,
    ];
    expect(discoverPairs(spot, perp).map((p) => p.symbol)).toEqual(['AUSDT', 'EUSDT']);
  });

  it('removes excluded symbols, case-insensitively, by perp or spot symbol', () => {
    const spot = [market('spot', 'AUSDT', 'A'), market('spot', 'BSPOT', 'B'), market('spot', 'CUSDT', 'C')];
    const perp = [market('perp', 'AUSDT', 'A'), market('perp', 'BUSDT', 'B'), market('perp', 'CUSDT', 'C')];
    expect(discoverPairs(spot, perp, ['ausdt', 'BSPOT']).map((p) => p.symbol)).toEqual(['CUSDT']);
  });

  it('returns pairs sorted by symbol and prefers the spot market with the same symbol', () => {
    const spot = [market('spot', 'ZUSDT', 'Z'), market('spot', 'Z-ALT', 'Z'), market('spot', 'MUSDT', 'M')];
    const perp = [market('perp', 'ZUSDT', 'Z'), market('perp', 'MUSDT', 'M')];
    const pairs = discoverPairs(spot, perp);
    expect(pairs.map((p) => p.symbol)).toEqual(['MUSDT', 'ZUSDT']);
    expect(pairs[1]?.spotSymbol).toBe('ZUSDT');
    expect(pairs[1]?.spot.market).toBe('spot');
    expect(pairs[1]?.perp.market).toBe('perp');
  });
});
