import { describe, expect, it } from 'vitest';
import type { Decimal } from '../../../../src/domain/decimal.ts';
import { SyntheticMarketSource } from '../../../../src/sim/market/synthetic.ts';
import type { DepthBook, MarketState } from '../../../../src/sim/market/types.ts';
import { DEFAULT_STRATEGY_PARAMS } from '../../../../src/strategy/params.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function snapshot(state: MarketState): string[] {
  const out: string[] = [];
  for (const [symbol, q] of state.perp) {
    out.push(`${symbol} mark=${q.markPrice} index=${q.indexPrice} rate=${q.fundingRate} vol=${q.quoteVolume24h}`);
    out.push(`${symbol} perp ${bookText(q.book)}`);
  }
  for (const [symbol, q] of state.spot) out.push(`${symbol} spot last=${q.lastPrice} ${bookText(q.book)}`);
  return out;
}

function bookText(book: DepthBook): string {
  return [...book.bids, ...book.asks].map((l) => `${l.price}x${l.qty}`).join(',');
}

const mid = (book: DepthBook): Decimal =>
  (book.bids[0]?.price ?? book.asks[0]?.price)!.plus(book.asks[0]?.price ?? 0).div(2);

describe('synthetic market source', () => {
  it('the same seed gives the same universe and the same path; another seed gives another', () => {
    const times = [0, 1_000, 7 * HOUR + 1, 3 * DAY + 12_345];
    const run = (seed: number) => {
      const source = new SyntheticMarketSource({ seed });
      return {
        symbols: source.definitions().perp.map((d) => `${d.symbol}/${d.fundingIntervalHours}/${d.filters.tickSize}`),
        states: times.map((t) => snapshot(source.advance(source.startMs + t))),
      };
    };
    const a = run(11);
    expect(run(11)).toEqual(a);
    const b = run(12);
    expect(b.states).not.toEqual(a.states);
    expect(b.symbols).not.toEqual(a.symbols);
  });

  it('the path does not depend on how the market was stepped', () => {
    const target = 2 * DAY + 5 * HOUR + 777;
    const oneJump = new SyntheticMarketSource({ seed: 5 });
    const manySteps = new SyntheticMarketSource({ seed: 5 });
    for (let t = 0; t < target; t += 3 * HOUR + 17) manySteps.advance(manySteps.startMs + t);
    expect(snapshot(manySteps.advance(manySteps.startMs + target))).toEqual(
      snapshot(oneJump.advance(oneJump.startMs + target)),
    );
  });

  it('prices look like a perp DEX: BTC near 100k, ETH near 3.5k, alts between 0.01 and 100', () => {
    const source = new SyntheticMarketSource();
    const state = source.advance(source.startMs);
    const price = (symbol: string) => state.perp.get(symbol)?.markPrice.toNumber() ?? 0;
    expect(price('BTCUSDT')).toBeGreaterThan(95_000);
    expect(price('BTCUSDT')).toBeLessThan(105_000);
    expect(price('ETHUSDT')).toBeGreaterThan(3_300);
    expect(price('ETHUSDT')).toBeLessThan(3_700);
    const alts = source.instruments.filter((s) => !['BTC', 'ETH', 'SOL', 'BNB'].includes(s.baseAsset));
    expect(alts.length).toBeGreaterThan(20);
    for (const alt of alts) {
      expect(alt.referencePrice).toBeGreaterThanOrEqual(0.01);
      expect(alt.referencePrice).toBeLessThanOrEqual(100);
    }
    // A random walk: BTC moves over a month, but stays plausible.
    const later =
      source
        .advance(source.startMs + 30 * DAY)
        .perp.get('BTCUSDT')
        ?.markPrice.toNumber() ?? 0;
    expect(later).not.toBe(price('BTCUSDT'));
    expect(later).toBeGreaterThan(50_000);
    expect(later).toBeLessThan(200_000);
  });

  it('books sit on the tick and step grids, sorted, with several levels and a positive spread', () => {
    const source = new SyntheticMarketSource({ seed: 3 });
    const defs = new Map(
      [...source.definitions().spot, ...source.definitions().perp].map((d) => [`${d.market}:${d.symbol}`, d]),
    );
    const state = source.advance(source.startMs + 12 * HOUR);
    const books: [string, DepthBook][] = [
      ...[...state.spot].map(([s, q]): [string, DepthBook] => [`spot:${s}`, q.book]),
      ...[...state.perp].map(([s, q]): [string, DepthBook] => [`perp:${s}`, q.book]),
    ];
    for (const [key, book] of books) {
      const filters = defs.get(key)?.filters;
      expect(filters).toBeDefined();
      if (!filters) continue;
      expect(book.bids.length, key).toBeGreaterThanOrEqual(5);
      expect(book.asks.length, key).toBeGreaterThanOrEqual(5);
      expect(book.bids[0]?.price.lessThan(book.asks[0]?.price ?? 0), key).toBe(true);
      for (const side of [book.bids, book.asks]) {
        for (const level of side) {
          expect(level.price.mod(filters.tickSize).isZero(), `${key} price ${level.price}`).toBe(true);
          expect(level.qty.mod(filters.stepSize).isZero(), `${key} qty ${level.qty}`).toBe(true);
          expect(level.qty.isPositive()).toBe(true);
        }
      }
      for (let i = 1; i < book.bids.length; i++)
        expect(book.bids[i]?.price.lessThan(book.bids[i - 1]?.price ?? 0)).toBe(true);
      for (let i = 1; i < book.asks.length; i++)
        expect(book.asks[i]?.price.greaterThan(book.asks[i - 1]?.price ?? 0)).toBe(true);
    }
  });

  it('filters are realistic: minimum notional 5, perp steps valid on spot too', () => {
    const source = new SyntheticMarketSource();
    const spot = new Map(source.definitions().spot.map((d) => [d.symbol, d]));
    for (const perp of source.definitions().perp) {
      expect(perp.filters.minNotional.toFixed()).toBe('5');
      expect(perp.filters.tickSize.isPositive()).toBe(true);
      const spotDef = spot.get(perp.symbol);
      if (spotDef) expect(perp.filters.stepSize.mod(spotDef.filters.stepSize).isZero()).toBe(true);
    }
  });

  it('lists 4 h symbols, perp-only and spot-only symbols, and pairs on both markets', () => {
    const source = new SyntheticMarketSource();
    const spot = new Set(source.definitions().spot.map((d) => d.symbol));
    const perp = source.definitions().perp;
    expect(perp.filter((d) => d.fundingIntervalHours === 4).length).toBeGreaterThanOrEqual(2);
    expect(perp.filter((d) => !spot.has(d.symbol)).length).toBeGreaterThanOrEqual(2);
    const perpSymbols = new Set(perp.map((d) => d.symbol));
    expect([...spot].filter((s) => !perpSymbols.has(s)).length).toBeGreaterThanOrEqual(2);
    expect(perp.filter((d) => spot.has(d.symbol)).length).toBe(24);
  });

  it('with the default seed several pairs pass the default filters, and every filter excludes someone', () => {
    const source = new SyntheticMarketSource();
    const state = source.advance(source.startMs);
    const p = DEFAULT_STRATEGY_PARAMS;
    const outcomes = source.definitions().perp.flatMap((def) => {
      const perp = state.perp.get(def.symbol);
      const spot = state.spot.get(def.symbol);
      if (!perp || !spot) return [];
      const volume = perp.quoteVolume24h.plus(spot.quoteVolume24h);
      const spotMid = mid(spot.book);
      const spreadPct = mid(perp.book).minus(spotMid).abs().div(spotMid).times(100);
      const aprPct = perp.fundingRate.times((24 / def.fundingIntervalHours) * 365 * 100);
      return [
        {
          symbol: def.symbol,
          volumeOk: volume.greaterThanOrEqualTo(p.minVolumeUsdt),
          spreadOk: spreadPct.lessThanOrEqualTo(p.maxSpreadPct),
          rateOk: !perp.fundingRate.isNegative() && aprPct.greaterThanOrEqualTo(p.minFundingAprPct),
        },
      ];
    });
    const passing = outcomes.filter((o) => o.volumeOk && o.spreadOk && o.rateOk);
    expect(passing.length).toBeGreaterThanOrEqual(3);
    expect(outcomes.some((o) => !o.volumeOk)).toBe(true);
    expect(outcomes.some((o) => !o.spreadOk)).toBe(true);
    expect(outcomes.some((o) => !o.rateOk)).toBe(true);
  });

  it('funding mean-reverts around the interest clamp with hot regimes and negative spells', () => {
    const source = new SyntheticMarketSource({ seed: 9 });
    let total = 0;
    let negative = 0;
    let atClamp = 0;
    let hot = 0;
    const symbolsWithBothSigns = new Set<string>();
    for (const def of source.definitions().perp) {
      const interval = def.fundingIntervalHours * HOUR;
      let sawNegative = false;
      let sawPositive = false;
      for (let b = source.startMs + interval; b <= source.startMs + 90 * DAY; b += interval) {
        const rate = source.settlement(def.symbol, b)?.fundingRate;
        if (!rate) continue;
        const per8h = rate.times(8 / def.fundingIntervalHours);
        total++;
        if (rate.isNegative()) {
          negative++;
          sawNegative = true;
        } else sawPositive = true;
        if (per8h.equals('0.0001')) atClamp++;
        if (per8h.greaterThan('0.0005')) hot++;
      }
      if (sawNegative && sawPositive) symbolsWithBothSigns.add(def.symbol);
    }
    expect(negative / total).toBeGreaterThan(0.03);
    expect(negative / total).toBeLessThan(0.25);
    expect(atClamp / total).toBeGreaterThan(0.4);
    expect(hot / total).toBeGreaterThan(0.02);
    expect(symbolsWithBothSigns.size).toBeGreaterThan(5);
  });

  it('a 4 h symbol settles half the 8 h rate at the clamp, and every 4 h', () => {
    const source = new SyntheticMarketSource();
    const def = source.definitions().perp.find((d) => d.fundingIntervalHours === 4);
    expect(def).toBeDefined();
    const rates = [];
    for (let b = source.startMs + 4 * HOUR; b <= source.startMs + 10 * DAY; b += 4 * HOUR) {
      rates.push(source.settlement(def?.symbol ?? '', b)?.fundingRate.toFixed());
    }
    expect(rates).toContain('0.00005');
    expect(def?.interestRate.toFixed()).toBe('0.00005');
  });

  it('the rate shown during an interval converges to the one that settles at its end', () => {
    const source = new SyntheticMarketSource({ seed: 4 });
    const boundary = source.startMs + 16 * HOUR;
    const atBoundary = source.advance(boundary);
    for (const def of source.definitions().perp.filter((d) => d.fundingIntervalHours === 8)) {
      expect(atBoundary.perp.get(def.symbol)?.fundingRate.toFixed()).toBe(
        source.settlement(def.symbol, boundary)?.fundingRate.toFixed(),
      );
    }
  });

  it('settlement times carry a few ms of jitter after the boundary', () => {
    const source = new SyntheticMarketSource();
    const jitters: number[] = [];
    for (let b = source.startMs + 8 * HOUR; b <= source.startMs + 60 * DAY; b += 8 * HOUR) {
      const settled = source.settlement('BTCUSDT', b);
      if (settled) jitters.push(settled.fundingTimeMs - b);
    }
    expect(Math.min(...jitters)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...jitters)).toBeLessThanOrEqual(44);
    expect(jitters.filter((j) => j > 0).length).toBeGreaterThan(jitters.length / 4);
  });

  it('offers 30 days of settled history before the start', () => {
    const source = new SyntheticMarketSource();
    const history = source.priorFunding('BTCUSDT');
    expect(history.length).toBe(90);
    const last = history.at(-1);
    expect(last && last.fundingTimeMs - source.startMs).toBeLessThanOrEqual(44);
    expect(history[0] && source.startMs - history[0].fundingTimeMs).toBeLessThan(30 * DAY);
    expect(source.priorFunding('NOPEUSDT')).toEqual([]);
  });

  it('refuses to go back in time', () => {
    const source = new SyntheticMarketSource();
    source.advance(source.startMs + 1_000);
    expect(() => source.advance(source.startMs)).toThrow(RangeError);
  });
});
