/**
 * From live Aster market data to the paper market: which live pairs the paper exchange lists, with which filters,
 * prices, books, funding and volumes. Pure functions over the venue's validated domain types (the scan snapshot);
 * the feed (feed.ts) does the reading and the timing.
 *
 * Public market data tells a lot but not everything, and what it does not tell is filled in here, on purpose:
 * - commissions are per account (the commissionRate endpoint is signed), so the paper account pays Aster's
 *   published base tier: perps maker 0.010 % / taker 0.035 %, spot maker 0.005 % / taker 0.04 %;
 * - book tickers give only the best level of each side, so the paper book is that live level (price and size) with
 *   synthetic depth behind it. An order larger than the live best level fills partly on that synthetic depth: its
 *   average price is an estimate, not what the live book would have given.
 */
import { type Decimal, dec, maxDec } from '../../domain/decimal.ts';
import type { BookTop, MarketInfo, Pair, ScanSnapshot, SymbolFilters } from '../../domain/market.ts';
import type { DepthBook, ManualMarketSource, ManualSymbol } from '../../sim/market/index.ts';
import { discoverPairs } from '../../strategy/pairs.ts';

/** Aster's base-tier commission rates (docs: fees), used because an unsigned client cannot ask for the account's. */
export const PAPER_COMMISSION = Object.freeze({
  spot: Object.freeze({ maker: '0.00005', taker: '0.0004' }),
  perp: Object.freeze({ maker: '0.0001', taker: '0.00035' }),
});

/** Aster's default funding interval; fundingInfo names the symbols that differ (4 h ones). */
export const DEFAULT_FUNDING_INTERVAL_HOURS = 8;

/** Synthetic depth behind the live best level: levels per side, their spacing and their size. */
export const PAPER_DEPTH = Object.freeze({
  levels: 10,
  /** Distance between two levels as a fraction of the mid (at least one tick). */
  levelGap: 0.0003,
  /** Quote value of the first synthetic level; each deeper one holds 35 % more. */
  levelNotional: 50_000,
  growth: 0.35,
});

/** A live pair the paper market can list: spot and perp symbols both equal base + quote. */
export interface PaperPair {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  spot: MarketInfo;
  perp: MarketInfo;
}

export interface SkippedListing {
  symbol: string;
  reason: string;
}

/**
 * The live pairs the paper market lists: trading on both markets with the same base and quote assets (the
 * strategy's own pair rule), and named base + quote on both, which is how the paper exchange names its symbols.
 * Everything else is reported with the reason it was left out.
 */
export function paperPairs(
  spotMarkets: readonly MarketInfo[],
  perpMarkets: readonly MarketInfo[],
): { pairs: PaperPair[]; skipped: SkippedListing[] } {
  const found = discoverPairs(spotMarkets, perpMarkets);
  const paired = new Set<string>();
  const pairs: PaperPair[] = [];
  const skipped: SkippedListing[] = [];
  for (const pair of found) {
    paired.add(`perp:${pair.perp.symbol}`);
    paired.add(`spot:${pair.spot.symbol}`);
    const named = `${pair.baseAsset}${pair.quoteAsset}`;
    if (pair.symbol !== named || pair.spotSymbol !== named) {
      skipped.push({
        symbol: pair.symbol,
        reason: `perp ${pair.symbol} and spot ${pair.spotSymbol} are not both named ${named}`,
      });
      continue;
    }
    pairs.push(toPaperPair(pair));
  }
  for (const perp of perpMarkets) {
    if (!paired.has(`perp:${perp.symbol}`)) skipped.push({ symbol: perp.symbol, reason: unpairedReason(perp, 'spot') });
  }
  for (const spot of spotMarkets) {
    if (!paired.has(`spot:${spot.symbol}`)) skipped.push({ symbol: spot.symbol, reason: unpairedReason(spot, 'perp') });
  }
  return { pairs, skipped };
}

function toPaperPair(pair: Pair): PaperPair {
  return {
    symbol: pair.symbol,
    baseAsset: pair.baseAsset,
    quoteAsset: pair.quoteAsset,
    spot: pair.spot,
    perp: pair.perp,
  };
}

function unpairedReason(market: MarketInfo, other: 'spot' | 'perp'): string {
  const kind = market.market === 'perp' ? 'perp' : 'spot';
  if (market.status !== 'TRADING') return `${kind} status is ${market.status}`;
  if (market.market === 'perp' && market.contractType !== undefined && market.contractType !== 'PERPETUAL') {
    return `contract type ${market.contractType}`;
  }
  return `listed on ${kind} only: no trading ${other} market with base ${market.baseAsset} and quote ${market.quoteAsset}`;
}

/** Why a pair the paper market lists is not in the live market lists any more (delisted, halted). */
export function delistedReason(symbol: string, snapshot: Pick<ScanSnapshot, 'spotMarkets' | 'perpMarkets'>): string {
  const perp = snapshot.perpMarkets.find((m) => m.symbol === symbol);
  const spot = snapshot.spotMarkets.find((m) => m.symbol === symbol);
  if (perp === undefined) return 'no longer listed on the live perp market';
  if (perp.status !== 'TRADING') return `live perp status is ${perp.status}`;
  if (spot === undefined) return 'no longer listed on the live spot market';
  if (spot.status !== 'TRADING') return `live spot status is ${spot.status}`;
  return 'no longer a live spot/perp pair';
}

export interface LiveMark {
  markPrice: Decimal;
  indexPrice: Decimal;
  fundingRate: Decimal;
  nextFundingTimeMs: number;
  /** When the exchange computed it. */
  timeMs: number;
}

/** One pair's live figures, as one scan snapshot gives them. */
export interface LiveQuote {
  mark: LiveMark;
  spotTop: BookTop;
  perpTop: BookTop;
  spotQuoteVolume: Decimal;
  perpQuoteVolume: Decimal;
  fundingIntervalHours: number;
}

function usableTop(top: BookTop | undefined): top is BookTop {
  return top?.bidPrice.greaterThan(0) === true && top.askPrice.greaterThan(top.bidPrice);
}

/**
 * The pair's live figures, or the reason it has none a trader could use (no premium index row, an empty or crossed
 * book): such a symbol must not be traded on old numbers. A missing 24 h ticker counts as zero volume, which the
 * volume filter then rejects (fail closed).
 */
export function liveQuoteOf(snapshot: ScanSnapshot, symbol: string): LiveQuote | string {
  const premium = snapshot.premiumIndex.get(symbol);
  if (premium === undefined || !premium.markPrice.greaterThan(0)) return 'no live mark price';
  const spotTop = snapshot.spotBooks.get(symbol);
  if (!usableTop(spotTop)) return 'no live spot bid and ask';
  const perpTop = snapshot.perpBooks.get(symbol);
  if (!usableTop(perpTop)) return 'no live perp bid and ask';
  return {
    mark: {
      markPrice: premium.markPrice,
      indexPrice: premium.indexPrice.greaterThan(0) ? premium.indexPrice : premium.markPrice,
      fundingRate: premium.lastFundingRate,
      nextFundingTimeMs: premium.nextFundingTimeMs,
      timeMs: premium.timeMs > 0 ? premium.timeMs : snapshot.timeMs,
    },
    spotTop,
    perpTop,
    spotQuoteVolume: snapshot.spotTickers.get(symbol)?.quoteVolume ?? dec(0),
    perpQuoteVolume: snapshot.perpTickers.get(symbol)?.quoteVolume ?? dec(0),
    fundingIntervalHours: snapshot.fundingInfo.get(symbol)?.fundingIntervalHours ?? DEFAULT_FUNDING_INTERVAL_HOURS,
  };
}

/** The paper market's definition of a live pair: the live filters of each market, live prices, funding, volumes. */
export function manualSymbolOf(pair: PaperPair, quote: LiveQuote): ManualSymbol {
  return {
    baseAsset: pair.baseAsset,
    quoteAsset: pair.quoteAsset,
    price: quote.mark.markPrice,
    fundingIntervalHours: quote.fundingIntervalHours,
    fundingRate: quote.mark.fundingRate,
    spotFilters: pair.spot.filters,
    perpFilters: pair.perp.filters,
    spotCommission: PAPER_COMMISSION.spot,
    perpCommission: PAPER_COMMISSION.perp,
    spotQuoteVolume: quote.spotQuoteVolume,
    perpQuoteVolume: quote.perpQuoteVolume,
  };
}

/**
 * The boundary whose settlement `rate` predicts: premiumIndex `nextFundingTime` when it lies on the paper market's
 * grid for the symbol's interval (it does on Aster: boundaries are whole multiples of the interval since the epoch),
 * else the grid boundary after the observation.
 */
export function settlementBoundaryMs(nextFundingTimeMs: number, intervalHours: number, observedAtMs: number): number {
  const intervalMs = intervalHours * 3_600_000;
  if (nextFundingTimeMs > 0 && nextFundingTimeMs % intervalMs === 0) return nextFundingTimeMs;
  return (Math.floor(observedAtMs / intervalMs) + 1) * intervalMs;
}

/**
 * The paper book of one market: the live best bid and ask with their live sizes, then synthetic levels every
 * `levelGap` of the mid (on the tick grid) with sizes on the step grid.
 */
export function bookAroundTop(top: BookTop, filters: SymbolFilters, depth = PAPER_DEPTH): DepthBook {
  const mid = top.bidPrice.plus(top.askPrice).div(2);
  const tick = filters.tickSize;
  const rawGap = mid.times(depth.levelGap);
  const gap = tick.isZero() ? rawGap : maxDec(tick, rawGap.div(tick).round().times(tick));
  const bids = [{ price: top.bidPrice, qty: top.bidQty.greaterThan(0) ? top.bidQty : levelQty(top.bidPrice, 0) }];
  const asks = [{ price: top.askPrice, qty: top.askQty.greaterThan(0) ? top.askQty : levelQty(top.askPrice, 0) }];
  for (let level = 1; level < depth.levels; level++) {
    const bid = top.bidPrice.minus(gap.times(level));
    if (bid.greaterThan(0)) bids.push({ price: bid, qty: levelQty(bid, level) });
    const ask = top.askPrice.plus(gap.times(level));
    asks.push({ price: ask, qty: levelQty(ask, level) });
  }
  return { bids, asks };

  function levelQty(price: Decimal, level: number): Decimal {
    const notional = dec(depth.levelNotional).times(dec(depth.growth).times(level).plus(1));
    const qty = notional.div(price);
    const step = filters.stepSize;
    if (step.isZero()) return qty.toDecimalPlaces(8);
    const onGrid = qty.div(step).floor().times(step);
    return onGrid.greaterThan(0) ? onGrid : step;
  }
}

/** Puts one pair's live books and volumes into the paper market. */
export function applyBooksAndVolumes(source: ManualMarketSource, pair: PaperPair, quote: LiveQuote): void {
  const symbol = pair.symbol;
  source.setSpotPrice(symbol, quote.spotTop.bidPrice.plus(quote.spotTop.askPrice).div(2));
  source.setBook('spot', symbol, bookAroundTop(quote.spotTop, pair.spot.filters));
  source.setBook('perp', symbol, bookAroundTop(quote.perpTop, pair.perp.filters));
  source.setQuoteVolume('spot', symbol, quote.spotQuoteVolume);
  source.setQuoteVolume('perp', symbol, quote.perpQuoteVolume);
}

/**
 * Puts a live mark and funding rate into the paper market. The rate is also fixed as the settlement of the boundary
 * it is predicted for, so the paper account is paid, at each real boundary, the last rate the live exchange
 * predicted before it: that is the last predicted rate, which can differ slightly from the rate Aster finally
 * settles (Aster's own premium index moves until the boundary; a feed a few seconds behind misses the last move).
 */
export function applyMark(source: ManualMarketSource, symbol: string, mark: LiveMark, intervalHours: number): void {
  source.setMarkPrice(symbol, mark.markPrice);
  source.setIndexPrice(symbol, mark.indexPrice);
  source.setFundingRate(symbol, mark.fundingRate);
  source.setSettlement(
    symbol,
    settlementBoundaryMs(mark.nextFundingTimeMs, intervalHours, mark.timeMs),
    mark.fundingRate,
  );
}
