/**
 * The cheaper ways of writing market answers write the same bytes: exchangeInfo assembled from per-symbol parts is
 * exactly JSON.stringify of the full body (both markets, before and after a definition changes), and a formatted
 * number remembered per Decimal is the one `padded` writes.
 */
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../../src/domain/decimal.ts';
import { exchangeInfoJson, futuresExchangeInfo, spotExchangeInfo } from '../../../../src/sim/http/format/market.ts';
import { padded, paddedOnce } from '../../../../src/sim/http/format/numbers.ts';
import { DEFAULT_RATE_LIMITS } from '../../../../src/sim/http/rate-limit.ts';
import { SyntheticMarketSource } from '../../../../src/sim/market/synthetic.ts';
import { hashUniform } from '../../../../src/sim/random.ts';

describe('exchangeInfo text', () => {
  it('is JSON.stringify of the full body, for both markets, and follows a definition change', () => {
    const defs = new SyntheticMarketSource({ seed: 8, pairs: 40 }).definitions();
    const onboardMs = 1_760_000_000_000;
    for (const serverTimeMs of [1_780_000_000_000, 1_780_000_001_234]) {
      expect(exchangeInfoJson('perp', defs.perp, DEFAULT_RATE_LIMITS.perp, serverTimeMs, onboardMs).text).toBe(
        JSON.stringify(futuresExchangeInfo(defs.perp, DEFAULT_RATE_LIMITS.perp, serverTimeMs, onboardMs)),
      );
      expect(exchangeInfoJson('spot', defs.spot, DEFAULT_RATE_LIMITS.spot, serverTimeMs, onboardMs).text).toBe(
        JSON.stringify(spotExchangeInfo(defs.spot, DEFAULT_RATE_LIMITS.spot, serverTimeMs)),
      );
    }
    const halted = defs.perp[3];
    if (halted === undefined) throw new Error('the synthetic market lists more than three perps');
    (halted as { status: string }).status = 'BREAK';
    const text = exchangeInfoJson('perp', defs.perp, DEFAULT_RATE_LIMITS.perp, 1, onboardMs).text;
    expect(text).toBe(JSON.stringify(futuresExchangeInfo(defs.perp, DEFAULT_RATE_LIMITS.perp, 1, onboardMs)));
    expect(text).toContain(`"symbol":"${halted.symbol}","pair":"${halted.symbol}"`);
    expect(JSON.parse(text).symbols[3].status).toBe('BREAK');
  });
});

describe('remembered number formatting', () => {
  it('writes what padded writes, for any value and places, the second time too', () => {
    for (let k = 0; k < 500; k++) {
      const value = new Decimal((hashUniform(2, k) * 10 ** Math.floor(hashUniform(2, k, 1) * 12 - 4)).toPrecision(12));
      const places = Math.floor(hashUniform(2, k, 2) * 10);
      expect(paddedOnce(value, places)).toBe(padded(value, places));
      expect(paddedOnce(value, places)).toBe(padded(value, places));
      expect(paddedOnce(value, places + 3)).toBe(padded(value, places + 3));
    }
  });
});
