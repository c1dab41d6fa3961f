/**
 * Scenario overrides on top of any market source, driven by `POST /_sim/price` and `POST /_sim/funding-rate`:
 * move a symbol's price to a given level (the path then continues from there), or pin its funding rate.
 *
 * A price override is a factor on the underlying path, fixed when it is set so that the mark (or spot) price equals
 * the requested level at that instant; books, last and index prices move by the same factor (rounded onto the tick
 * grid), so spreads and depth keep their shape. A funding override replaces the predicted rate and the settlements
 * while it is set.
 */
import { type Decimal, ONE } from '../../domain/decimal.ts';
import type { FundingRateRecord } from '../../domain/market.ts';
import type {
  BookLevel,
  DepthBook,
  FundingSettlement,
  MarketSource,
  MarketState,
  PerpQuote,
  SimMarketDef,
  SpotQuote,
} from '../market/types.ts';

/** Settlement times carry a few ms of jitter, as real `fundingTime` values do. */
const OVERRIDE_SETTLEMENT_JITTER_MS = 3;

function scaleLevels(levels: readonly BookLevel[], factor: Decimal, tick: Decimal, side: 'bids' | 'asks'): BookLevel[] {
  const merged = new Map<string, BookLevel>();
  for (const level of levels) {
    let price = level.price.times(factor);
    if (!tick.isZero()) {
      const steps = price.dividedBy(tick);
      price = (side === 'bids' ? steps.floor() : steps.ceil()).times(tick);
    }
    if (price.lessThanOrEqualTo(0)) continue;
    const key = price.toFixed();
    const existing = merged.get(key);
    merged.set(key, existing ? { price, qty: existing.qty.plus(level.qty) } : { price, qty: level.qty });
  }
  return [...merged.values()];
}

function scaleBook(book: DepthBook, factor: Decimal, tick: Decimal): DepthBook {
  return { bids: scaleLevels(book.bids, factor, tick, 'bids'), asks: scaleLevels(book.asks, factor, tick, 'asks') };
}

function onTick(value: Decimal, tick: Decimal): Decimal {
  return tick.isZero() ? value : value.dividedBy(tick).round().times(tick);
}

function midOf(quote: SpotQuote): Decimal {
  const bid = quote.book.bids[0]?.price;
  const ask = quote.book.asks[0]?.price;
  if (bid && ask) return bid.plus(ask).dividedBy(2);
  return quote.lastPrice;
}

export class OverridableMarketSource implements MarketSource {
  readonly startMs: number;
  private readonly spotFactors = new Map<string, Decimal>();
  private readonly perpFactors = new Map<string, Decimal>();
  private readonly fundingRates = new Map<string, Decimal>();
  private readonly spotDefs = new Map<string, SimMarketDef>();
  private readonly perpDefs = new Map<string, SimMarketDef>();
  /** `market|symbol|side` → the most base quantity that side offers (`capDepth`). */
  private readonly depthCaps = new Map<string, Decimal>();
  private lastInner: MarketState | undefined;
  private lastTimeMs: number;
  private revisionCount = 0;

  constructor(private readonly inner: MarketSource) {
    this.startMs = inner.startMs;
    this.lastTimeMs = inner.startMs;
    const defs = inner.definitions();
    for (const d of defs.spot) this.spotDefs.set(d.symbol, d);
    for (const d of defs.perp) this.perpDefs.set(d.symbol, d);
  }

  /** Increases on every override change, so a host knows the market must be re-read. */
  get revision(): number {
    return this.revisionCount;
  }

  definitions(): { spot: readonly SimMarketDef[]; perp: readonly SimMarketDef[] } {
    return this.inner.definitions();
  }

  advance(toMs: number): MarketState {
    const time = Math.max(toMs, this.lastTimeMs);
    const inner = this.lastInner && this.lastInner.timeMs === time ? this.lastInner : this.inner.advance(time);
    this.lastInner = inner;
    this.lastTimeMs = time;
    return this.apply(inner);
  }

  settlement(symbol: string, boundaryMs: number): FundingSettlement | null {
    const base = this.inner.settlement(symbol, boundaryMs);
    const pinned = this.fundingRates.get(symbol);
    if (pinned === undefined) return base;
    return { fundingRate: pinned, fundingTimeMs: base?.fundingTimeMs ?? boundaryMs + OVERRIDE_SETTLEMENT_JITTER_MS };
  }

  priorFunding(symbol: string): readonly FundingRateRecord[] {
    return this.inner.priorFunding(symbol);
  }

  /**
   * Moves `symbol` so that, at the current instant, the perp mark equals `perpMark` and/or the spot mid equals
   * `spotMid`. Throws a RangeError naming the symbol when it has no quote on that market.
   */
  setPrice(symbol: string, levels: { perpMark?: Decimal; spotMid?: Decimal }): void {
    const inner = this.lastInner ?? this.inner.advance(this.lastTimeMs);
    this.lastInner = inner;
    if (levels.perpMark !== undefined) {
      const quote = inner.perp.get(symbol);
      if (!quote || quote.markPrice.isZero()) throw new RangeError(`no perp quote for symbol ${symbol}`);
      if (!levels.perpMark.greaterThan(0)) throw new RangeError(`price must be positive, got ${levels.perpMark}`);
      this.perpFactors.set(symbol, levels.perpMark.dividedBy(quote.markPrice));
    }
    if (levels.spotMid !== undefined) {
      const quote = inner.spot.get(symbol);
      if (!quote) throw new RangeError(`no spot quote for symbol ${symbol}`);
      if (!levels.spotMid.greaterThan(0)) throw new RangeError(`price must be positive, got ${levels.spotMid}`);
      this.spotFactors.set(symbol, levels.spotMid.dividedBy(midOf(quote)));
    }
    this.revisionCount++;
  }

  /** Pins `symbol`'s funding rate (predicted and settled) until cleared with `null`. */
  setFundingRate(symbol: string, rate: Decimal | null): void {
    if (!this.perpDefs.has(symbol)) throw new RangeError(`unknown perp symbol ${symbol}`);
    if (rate === null) this.fundingRates.delete(symbol);
    else this.fundingRates.set(symbol, rate);
    this.revisionCount++;
  }

  /**
   * Limits the depth one side of a book offers to `maxQty` (best levels first) until cleared: a thin-book scenario
   * for every order on that side. The engine sees it at its next market update (`SimEngine.refreshMarket()` makes
   * that now). The `partial` fault does not use it: it limits one order through `PlaceOrderOptions.fillFraction`.
   */
  capDepth(market: 'spot' | 'perp', symbol: string, side: 'bids' | 'asks', maxQty: Decimal): void {
    this.depthCaps.set(`${market}|${symbol}|${side}`, maxQty);
    this.revisionCount++;
  }

  clearDepthCaps(): void {
    if (this.depthCaps.size === 0) return;
    this.depthCaps.clear();
    this.revisionCount++;
  }

  clear(): void {
    this.depthCaps.clear();
    this.spotFactors.clear();
    this.perpFactors.clear();
    this.fundingRates.clear();
    this.revisionCount++;
  }

  /** The active overrides, for `/_sim/state`. */
  describe(): {
    prices: Record<string, { spotFactor?: string; perpFactor?: string }>;
    fundingRates: Record<string, string>;
  } {
    const prices: Record<string, { spotFactor?: string; perpFactor?: string }> = {};
    for (const [s, f] of this.spotFactors) prices[s] = { ...prices[s], spotFactor: f.toFixed() };
    for (const [s, f] of this.perpFactors) prices[s] = { ...prices[s], perpFactor: f.toFixed() };
    return { prices, fundingRates: Object.fromEntries([...this.fundingRates].map(([s, r]) => [s, r.toFixed()])) };
  }

  private apply(state: MarketState): MarketState {
    const priced = this.applyPrices(state);
    return this.depthCaps.size === 0 ? priced : this.applyDepthCaps(priced);
  }

  private applyDepthCaps(state: MarketState): MarketState {
    const spot = new Map(state.spot);
    const perp = new Map(state.perp);
    for (const [key, maxQty] of this.depthCaps) {
      const [market, symbol, side] = key.split('|') as ['spot' | 'perp', string, 'bids' | 'asks'];
      const quotes: Map<string, SpotQuote> = market === 'spot' ? spot : perp;
      const quote = quotes.get(symbol);
      if (!quote) continue;
      const levels: BookLevel[] = [];
      let left = maxQty;
      for (const level of quote.book[side]) {
        if (left.lessThanOrEqualTo(0)) break;
        const qty = level.qty.lessThan(left) ? level.qty : left;
        levels.push({ price: level.price, qty });
        left = left.minus(qty);
      }
      quotes.set(symbol, { ...quote, book: { ...quote.book, [side]: levels } });
    }
    return { timeMs: state.timeMs, spot, perp: perp as Map<string, PerpQuote> };
  }

  private applyPrices(state: MarketState): MarketState {
    if (this.spotFactors.size === 0 && this.perpFactors.size === 0 && this.fundingRates.size === 0) return state;
    const spot = new Map(state.spot);
    for (const [symbol, factor] of this.spotFactors) {
      const quote = state.spot.get(symbol);
      const tick = this.spotDefs.get(symbol)?.filters.tickSize;
      if (quote && tick) spot.set(symbol, this.scaleSpot(quote, factor, tick));
    }
    const perp = new Map(state.perp);
    for (const symbol of new Set([...this.perpFactors.keys(), ...this.fundingRates.keys()])) {
      const quote = state.perp.get(symbol);
      const tick = this.perpDefs.get(symbol)?.filters.tickSize;
      if (!quote || !tick) continue;
      const factor = this.perpFactors.get(symbol) ?? ONE;
      const scaled: PerpQuote = factor.equals(ONE)
        ? { ...quote }
        : {
            ...this.scaleSpot(quote, factor, tick),
            markPrice: quote.markPrice.times(factor).toDecimalPlaces(8),
            indexPrice: quote.indexPrice.times(factor).toDecimalPlaces(8),
            fundingRate: quote.fundingRate,
          };
      const pinned = this.fundingRates.get(symbol);
      if (pinned !== undefined) scaled.fundingRate = pinned;
      perp.set(symbol, scaled);
    }
    return { timeMs: state.timeMs, spot, perp };
  }

  private scaleSpot<Q extends SpotQuote>(quote: Q, factor: Decimal, tick: Decimal): Q {
    return {
      ...quote,
      book: scaleBook(quote.book, factor, tick),
      lastPrice: onTick(quote.lastPrice.times(factor), tick),
      quoteVolume24h: quote.quoteVolume24h.times(factor).toDecimalPlaces(2),
    };
  }
}
