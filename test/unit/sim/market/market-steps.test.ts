/**
 * The synthetic market moves in steps (default one second): within a step every reader gets the same state object,
 * the next step brings a new one, and a funding boundary is the last instant of its step, so the rate shown there
 * is the one settling there and the next instant shows the new interval's. `tickMs: 1` steps every millisecond.
 */
import { describe, expect, it } from 'vitest';
import { SyntheticMarketSource } from '../../../../src/sim/market/synthetic.ts';

const START = Date.UTC(2025, 5, 1);
const HOUR = 3_600_000;

describe('synthetic market steps', () => {
  it('answers every time inside a step with the same state, and the next step with a new one', () => {
    const source = new SyntheticMarketSource({ seed: 3, startMs: START });
    const first = source.advance(START + 1);
    expect(source.advance(START + 500)).toBe(first);
    expect(source.advance(START + 1000)).toBe(first);
    expect(first.timeMs).toBe(START + 1000);
    const next = source.advance(START + 1001);
    expect(next).not.toBe(first);
    expect(next.timeMs).toBe(START + 2000);
    // Same instant, same values, whoever steps there and however.
    const other = new SyntheticMarketSource({ seed: 3, startMs: START });
    expect(
      other
        .advance(START + 1999)
        .perp.get('BTCUSDT')
        ?.markPrice.toFixed(),
    ).toBe(next.perp.get('BTCUSDT')?.markPrice.toFixed());
  });

  it('shows the settling rate at a funding boundary and the next interval’s rate right after', () => {
    const source = new SyntheticMarketSource({ seed: 9, startMs: START });
    const boundary = START + 8 * HOUR;
    const atBoundary = source.advance(boundary);
    let differs = 0;
    for (const [symbol, quote] of atBoundary.perp) {
      const settled = source.settlement(symbol, boundary);
      expect(quote.fundingRate.toFixed(), symbol).toBe(settled?.fundingRate.toFixed());
    }
    const after = source.advance(boundary + 1);
    for (const [symbol, quote] of after.perp) {
      if (!quote.fundingRate.equals(atBoundary.perp.get(symbol)?.fundingRate ?? 0)) differs++;
    }
    expect(after).not.toBe(atBoundary);
    expect(differs).toBeGreaterThan(0);
  });

  it('steps every millisecond with tickMs 1, and refuses a step that is not a positive integer', () => {
    const source = new SyntheticMarketSource({ seed: 3, startMs: START, tickMs: 1 });
    const a = source.advance(START + 1);
    expect(source.advance(START + 1)).toBe(a);
    expect(source.advance(START + 2)).not.toBe(a);
    expect(() => new SyntheticMarketSource({ tickMs: 0 })).toThrow(/tickMs must be a positive integer, got 0/);
    expect(() => new SyntheticMarketSource({ tickMs: 2.5 })).toThrow(/tickMs must be a positive integer, got 2.5/);
  });
});
