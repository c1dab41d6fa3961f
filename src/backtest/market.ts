/**
 * The replayed market: prepared funding series as a `MarketSource` for the simulator's account engine, and the
 * market snapshots the strategy decides on.
 *
 * Per symbol, a cursor walks the settlements as time moves forward; quotes are rebuilt only for symbols whose state
 * changed (a settlement passed, or a gap's interval began), so a step costs what changed, not the whole universe.
 * Decimals are the parsed ones: nothing is re-parsed or re-derived per step.
 *
 * At time t a symbol shows:
 * - the funding rate of the interval that starts at or contains t: the rate that settles at its end (the settlement
 *   data is all there is; Aster's premium index shows the running estimate of that same rate). At a settlement
 *   instant that is already the next interval's rate: the settling one is what `settlement` reports, which is all
 *   the account engine reads then. Inside a gap in the data, the last settled rate stands in for it, and nothing
 *   settles at the missing boundary;
 * - the price of its latest settlement at or before t (one price per settlement: the market does not move between
 *   two rows), spot and perp alike (the data has no spot market, so there is no basis), with books from `book.ts`
 *   and fixed 24 h volumes.
 * A symbol is listed from the start of its first interval to its last settlement.
 */
import { Decimal, ZERO } from '../domain/decimal.ts';
import type {
  BookTop,
  FundingInfo,
  FundingRateRecord,
  MarketInfo,
  PremiumIndex,
  ScanSnapshot,
  Ticker24h,
} from '../domain/market.ts';
import { filtersFor, SPOT_MAX_NOTIONAL } from '../sim/market/grid.ts';
import type {
  DepthBook,
  FundingSettlement,
  MarketSource,
  MarketState,
  PerpQuote,
  SimMarketDef,
  SpotQuote,
} from '../sim/market/types.ts';
import { type BookModel, bookTop, depthBook, type Grid, gridOf, levelsFor, type Quote, quoteOf } from './book.ts';
import { HOUR_MS, listingWindow, type PreparedSeries } from './series.ts';

/** Commission rates of the replayed account (Aster's fee tier is per account, so one schedule serves all pairs). */
export interface FeeSchedule {
  readonly spotMaker: Decimal;
  readonly spotTaker: Decimal;
  readonly perpMaker: Decimal;
  readonly perpTaker: Decimal;
}

/** The simulator's defaults for historical markets: Aster's base tier. */
export const DEFAULT_FEES: FeeSchedule = Object.freeze({
  spotMaker: new Decimal('0.00005'),
  spotTaker: new Decimal('0.0004'),
  perpMaker: new Decimal('0.0001'),
  perpTaker: new Decimal('0.00035'),
});

export interface ReplayMarketOptions {
  readonly series: readonly PreparedSeries[];
  readonly startMs: number;
  readonly fees?: FeeSchedule;
  /** 24 h quote volume of every perp and spot market (USDT). Defaults: 600 M and 100 M. */
  readonly perpQuoteVolume?: number;
  readonly spotQuoteVolume?: number;
  /** Quote value each side of a book must hold (the levels follow from it). Default 1 M. */
  readonly bookDepthUsdt?: number;
}

const HALF_SPREAD = 0.0002;
const LEVEL_GAP = 0.0003;
/** The best level holds this share of the market's 24 h volume. */
const TOP_LEVEL_SHARE = 0.0004;

/** One symbol's replay state. Read by the ranking; written only by the market. */
export interface Track {
  /** Position in `ReplayMarket.tracks`. */
  readonly index: number;
  readonly series: PreparedSeries;
  readonly symbol: string;
  readonly listedFromMs: number;
  readonly listedUntilMs: number;
  readonly spotDef: SimMarketDef;
  readonly perpDef: SimMarketDef;
  readonly spotInfo: MarketInfo;
  readonly perpInfo: MarketInfo;
  /** Settlements at or before the market time. */
  settled: number;
  /** The row whose rate the market shows now. */
  rateRow: number;
  /** The row whose price the market shows now. */
  priceRow: number;
  /** Bumped whenever `rateRow`, `priceRow` or `settled` changes. */
  version: number;
  /** The earliest time after the market time at which this symbol's state changes. */
  nextChangeMs: number;
}

/** What the market derives from a symbol's state, computed on first use and dropped when the state changes. */
interface Derived {
  quote: Quote | null;
  premium: PremiumIndex | null;
  spotTop: BookTop | null;
  perpTop: BookTop | null;
}

interface Books {
  /** In the engine's view (see `engage`). */
  engaged: boolean;
  spotGrid: Grid;
  perpGrid: Grid;
  spotQuote: ReplayQuote;
  perpQuote: ReplayQuote;
  derived: Derived;
}

/**
 * A symbol's quote on one market. One object per symbol and market, updated in place when the symbol's state
 * changes: the engine replaces its view of the market at every update and keeps no quote across one.
 */
class ReplayQuote implements PerpQuote {
  readonly symbol: string;
  lastPrice: Decimal = ZERO;
  markPrice: Decimal = ZERO;
  indexPrice: Decimal = ZERO;
  fundingRate: Decimal = ZERO;
  readonly quoteVolume24h: Decimal;
  #book: DepthBook | null = null;
  readonly #build: () => DepthBook;

  constructor(symbol: string, quoteVolume: Decimal, build: () => DepthBook) {
    this.symbol = symbol;
    this.quoteVolume24h = quoteVolume;
    this.#build = build;
  }

  set(price: Decimal, rate: Decimal): void {
    this.lastPrice = price;
    this.markPrice = price;
    this.indexPrice = price;
    this.fundingRate = rate;
    this.#book = null;
  }

  /** Built on first read: most steps never trade. */
  get book(): DepthBook {
    this.#book ??= this.#build();
    return this.#book;
  }

  get volume24h(): Decimal {
    return this.quoteVolume24h.div(this.lastPrice).toDecimalPlaces(8, Decimal.ROUND_DOWN);
  }
}

function marketInfo(def: SimMarketDef): MarketInfo {
  const info: MarketInfo = {
    market: def.market,
    symbol: def.symbol,
    baseAsset: def.baseAsset,
    quoteAsset: def.quoteAsset,
    status: def.status,
    filters: def.filters,
  };
  return def.market === 'perp' ? { ...info, contractType: 'PERPETUAL' } : info;
}

export class ReplayMarket implements MarketSource {
  readonly startMs: number;
  readonly fees: FeeSchedule;
  readonly tracks: readonly Track[];
  /** The market time: the last `advance`. */
  timeMs: number;
  /** The earliest change of any symbol after `timeMs`. */
  nextChangeMs = Number.POSITIVE_INFINITY;
  readonly #bySymbol = new Map<string, Track>();
  readonly #books: Books[] = [];
  /** The quotes the account engine sees: the symbols the account holds or is about to trade (see `engage`). */
  readonly #spot = new Map<string, SpotQuote>();
  readonly #perp = new Map<string, PerpQuote>();
  readonly #spotModel: BookModel;
  readonly #perpModel: BookModel;
  readonly #spotVolume: Decimal;
  readonly #perpVolume: Decimal;
  readonly #spotTicker = new Map<string, Ticker24h>();
  readonly #perpTicker = new Map<string, Ticker24h>();
  readonly #fundingInfo = new Map<string, FundingInfo>();

  constructor(options: ReplayMarketOptions) {
    this.startMs = options.startMs;
    this.timeMs = options.startMs;
    this.fees = options.fees ?? DEFAULT_FEES;
    const perpVolume = options.perpQuoteVolume ?? 600_000_000;
    const spotVolume = options.spotQuoteVolume ?? 100_000_000;
    this.#perpVolume = new Decimal(perpVolume);
    this.#spotVolume = new Decimal(spotVolume);
    const depth = options.bookDepthUsdt ?? 1_000_000;
    const model = (volume: number): BookModel => {
      const topLevelNotional = volume * TOP_LEVEL_SHARE;
      return {
        halfSpread: HALF_SPREAD,
        levelGap: LEVEL_GAP,
        topLevelNotional,
        levels: levelsFor({ topLevelNotional }, depth),
      };
    };
    this.#perpModel = model(perpVolume);
    this.#spotModel = model(spotVolume);
    const tracks: Track[] = [];
    for (const series of options.series) {
      if (this.#bySymbol.has(series.symbol)) throw new RangeError(`${series.symbol} is given twice`);
      const track = this.#trackOf(series, tracks.length);
      tracks.push(track);
      this.#bySymbol.set(series.symbol, track);
    }
    this.tracks = tracks;
    this.advance(options.startMs);
  }

  #trackOf(series: PreparedSeries, index: number): Track {
    const referencePrice = (series.prices[0] as Decimal).toNumber();
    const def = (market: 'spot' | 'perp'): SimMarketDef => ({
      market,
      symbol: series.symbol,
      baseAsset: series.baseAsset,
      quoteAsset: series.quoteAsset,
      status: 'TRADING',
      filters: filtersFor(referencePrice, {
        priceDigits: 6,
        stepValue: market === 'perp' ? 2 : 0.2,
        minNotional: new Decimal(5),
        ...(market === 'perp' ? {} : { maxNotional: SPOT_MAX_NOTIONAL }),
      }),
      makerCommissionRate: market === 'perp' ? this.fees.perpMaker : this.fees.spotMaker,
      takerCommissionRate: market === 'perp' ? this.fees.perpTaker : this.fees.spotTaker,
      fundingIntervalHours: market === 'perp' ? series.gridHours : 8,
      fundingFeeCap: null,
      fundingFeeFloor: null,
      interestRate: ZERO,
      marketTakeBound: market === 'perp' ? new Decimal('0.05') : ZERO,
      liquidationFeeRate: market === 'perp' ? new Decimal('0.015') : ZERO,
    });
    const spotDef = def('spot');
    const perpDef = def('perp');
    const window = listingWindow(series);
    const symbol = series.symbol;
    this.#spotTicker.set(symbol, { symbol, quoteVolume: this.#spotVolume });
    this.#perpTicker.set(symbol, { symbol, quoteVolume: this.#perpVolume });
    const track: Track = {
      index,
      series,
      symbol,
      listedFromMs: window.fromMs,
      listedUntilMs: window.untilMs,
      spotDef,
      perpDef,
      spotInfo: marketInfo(spotDef),
      perpInfo: marketInfo(perpDef),
      settled: 0,
      rateRow: -1,
      priceRow: -1,
      version: 0,
      nextChangeMs: Number.NEGATIVE_INFINITY,
    };
    const spotGrid = gridOf(spotDef.filters);
    const perpGrid = gridOf(perpDef.filters);
    const books: Books = {
      engaged: false,
      spotGrid,
      perpGrid,
      spotQuote: new ReplayQuote(symbol, this.#spotVolume, () =>
        depthBook(this.#quote(track), spotGrid, this.#spotModel),
      ),
      perpQuote: new ReplayQuote(symbol, this.#perpVolume, () =>
        depthBook(this.#quote(track), perpGrid, this.#perpModel),
      ),
      derived: { quote: null, premium: null, spotTop: null, perpTop: null },
    };
    this.#books[index] = books;
    return track;
  }

  // ------------------------------------------------------------ MarketSource

  definitions(): { spot: readonly SimMarketDef[]; perp: readonly SimMarketDef[] } {
    return { spot: this.tracks.map((t) => t.spotDef), perp: this.tracks.map((t) => t.perpDef) };
  }

  advance(toMs: number): MarketState {
    if (toMs < this.timeMs) throw new RangeError(`market time cannot go back from ${this.timeMs} to ${toMs}`);
    this.timeMs = toMs;
    let next = Number.POSITIVE_INFINITY;
    const tracks = this.tracks;
    for (let i = 0; i < tracks.length; i++) {
      const track = tracks[i] as Track;
      if (track.nextChangeMs <= toMs) this.#step(track, toMs);
      if (track.nextChangeMs < next) next = track.nextChangeMs;
    }
    this.nextChangeMs = next;
    return { timeMs: toMs, spot: this.#spot, perp: this.#perp };
  }

  /**
   * Settlements are reported for the symbols in the engine's view only (see `engage`): funding is paid to positions,
   * and a symbol the account holds is always in view. The strategy's funding history comes from the series, never
   * from the engine's record of settlements.
   */
  settlement(symbol: string, boundaryMs: number): FundingSettlement | null {
    const track = this.#bySymbol.get(symbol);
    if (track === undefined || track.settled === 0 || !(this.#books[track.index] as Books).engaged) return null;
    const row = track.settled - 1;
    const series = track.series;
    if (series.boundaryMs[row] !== boundaryMs) return null;
    return { fundingRate: series.rates[row] as Decimal, fundingTimeMs: series.fundingTimeMs[row] as number };
  }

  priorFunding(symbol: string): readonly FundingRateRecord[] {
    const track = this.#bySymbol.get(symbol);
    if (track === undefined) return [];
    return this.settledRecords(track, track.settled);
  }

  // ------------------------------------------------------------ replay state

  /** Moves one symbol's cursor to `toMs` and refreshes its quotes when its state changed. */
  #step(track: Track, toMs: number): void {
    const { boundaryMs, rowIntervalHours } = track.series;
    const rows = boundaryMs.length;
    let settled = track.settled;
    while (settled < rows && (boundaryMs[settled] as number) <= toMs) settled++;
    let rateRow: number;
    let next: number;
    if (settled < rows) {
      const end = boundaryMs[settled] as number;
      const begin = end - (rowIntervalHours[settled] as number) * HOUR_MS;
      rateRow = begin <= toMs || settled === 0 ? settled : settled - 1;
      // In a gap the rate of the next row shows once its own interval has begun.
      next = begin > toMs ? begin : end;
    } else {
      rateRow = rows - 1;
      next = Number.POSITIVE_INFINITY;
    }
    const priceRow = settled > 0 ? settled - 1 : 0;
    track.nextChangeMs = next;
    if (settled === track.settled && rateRow === track.rateRow && priceRow === track.priceRow) return;
    track.settled = settled;
    track.rateRow = rateRow;
    track.priceRow = priceRow;
    track.version++;
    const books = this.#books[track.index] as Books;
    // Quotes outside the engine's view are brought up to date when they enter it.
    if (books.engaged) this.#syncQuotes(track, books);
    const derived = books.derived;
    derived.quote = null;
    derived.premium = null;
    derived.spotTop = null;
    derived.perpTop = null;
  }

  track(symbol: string): Track | undefined {
    return this.#bySymbol.get(symbol);
  }

  /**
   * Shows the symbol's quotes to the account engine, which then trades it, marks its positions and checks them for
   * liquidation. The engine reads quotes only for those purposes, so a symbol the account neither holds nor trades
   * stays out of its view: the engine's work per update (an event per quote, the checks) then follows the
   * account, not the universe. Quotes stay current whether shown or not.
   */
  engage(symbol: string): void {
    const track = this.#bySymbol.get(symbol);
    if (track === undefined) return;
    const books = this.#books[track.index] as Books;
    if (books.engaged) return;
    books.engaged = true;
    this.#syncQuotes(track, books);
    this.#spot.set(symbol, books.spotQuote);
    this.#perp.set(symbol, books.perpQuote);
  }

  #syncQuotes(track: Track, books: Books): void {
    const price = track.series.prices[track.priceRow] as Decimal;
    const rate = track.series.rates[track.rateRow] as Decimal;
    books.spotQuote.set(price, rate);
    books.perpQuote.set(price, rate);
  }

  /** Keeps only these symbols in the engine's view (the ones the account holds a position or balance in). */
  engageOnly(symbols: ReadonlySet<string>): void {
    for (const symbol of [...this.#perp.keys()]) {
      if (symbols.has(symbol)) continue;
      this.#spot.delete(symbol);
      this.#perp.delete(symbol);
      const track = this.#bySymbol.get(symbol);
      if (track !== undefined) (this.#books[track.index] as Books).engaged = false;
    }
    for (const symbol of symbols) this.engage(symbol);
  }

  /** True when the symbol can be traded at the market time. */
  listed(track: Track): boolean {
    return track.listedFromMs <= this.timeMs && this.timeMs <= track.listedUntilMs;
  }

  /** The price the symbol shows now. */
  price(track: Track): Decimal {
    return track.series.prices[track.priceRow] as Decimal;
  }

  /** The newest `limit` of the first `count` settlements of a symbol, as funding records. */
  settledRecords(track: Track, count: number, limit = count): FundingRateRecord[] {
    const { rates, fundingTimeMs } = track.series;
    const out: FundingRateRecord[] = [];
    for (let i = Math.max(0, count - limit); i < count; i++) {
      out.push({ symbol: track.symbol, fundingRate: rates[i] as Decimal, fundingTimeMs: fundingTimeMs[i] as number });
    }
    return out;
  }

  #derived(track: Track): Derived {
    return (this.#books[track.index] as Books).derived;
  }

  /** Best bid and ask now (spot and perp quote the same). */
  #quote(track: Track): Quote {
    const derived = this.#derived(track);
    derived.quote ??= quoteOf(this.price(track), (this.#books[track.index] as Books).perpGrid, this.#perpModel);
    return derived.quote;
  }

  #fundingInfoOf(track: Track): FundingInfo {
    const hours = track.series.rowIntervalHours[track.rateRow] as number;
    const key = `${track.symbol}|${hours}`;
    let info = this.#fundingInfo.get(key);
    if (info === undefined) {
      info = { symbol: track.symbol, fundingIntervalHours: hours, fundingFeeCap: null, fundingFeeFloor: null };
      this.#fundingInfo.set(key, info);
    }
    return info;
  }

  /** The premium index row of a symbol now. */
  premium(track: Track): PremiumIndex {
    const derived = this.#derived(track);
    if (derived.premium === null) {
      const { boundaryMs } = track.series;
      const price = this.price(track);
      derived.premium = {
        symbol: track.symbol,
        markPrice: price,
        indexPrice: price,
        lastFundingRate: track.series.rates[track.rateRow] as Decimal,
        // The next settlement in the data; 0 (unknown) after the last one.
        nextFundingTimeMs: track.settled < boundaryMs.length ? (boundaryMs[track.settled] as number) : 0,
        timeMs: this.timeMs,
      };
    }
    return derived.premium;
  }

  /** Top of the spot book now. */
  spotTop(track: Track): BookTop {
    const derived = this.#derived(track);
    const books = this.#books[track.index] as Books;
    derived.spotTop ??= bookTop(track.symbol, this.#quote(track), books.spotGrid, this.#spotModel);
    return derived.spotTop;
  }

  /** Top of the perp book now. */
  perpTop(track: Track): BookTop {
    const derived = this.#derived(track);
    const books = this.#books[track.index] as Books;
    derived.perpTop ??= bookTop(track.symbol, this.#quote(track), books.perpGrid, this.#perpModel);
    return derived.perpTop;
  }

  /**
   * What the strategy's scan reads, for the given symbols at the market time: markets, premium index, funding
   * intervals, tickers, books, and (`historyLimit` > 0, MA mode) the newest settled rates.
   */
  snapshot(tracks: readonly Track[], historyLimit: number): ScanSnapshot {
    const spotMarkets: MarketInfo[] = [];
    const perpMarkets: MarketInfo[] = [];
    const premiumIndex = new Map<string, PremiumIndex>();
    const fundingInfo = new Map<string, FundingInfo>();
    const spotTickers = new Map<string, Ticker24h>();
    const perpTickers = new Map<string, Ticker24h>();
    const spotBooks = new Map<string, BookTop>();
    const perpBooks = new Map<string, BookTop>();
    const fundingHistory = new Map<string, readonly FundingRateRecord[]>();
    for (const track of tracks) {
      const symbol = track.symbol;
      spotMarkets.push(track.spotInfo);
      perpMarkets.push(track.perpInfo);
      premiumIndex.set(symbol, this.premium(track));
      fundingInfo.set(symbol, this.#fundingInfoOf(track));
      spotTickers.set(symbol, this.#spotTicker.get(symbol) as Ticker24h);
      perpTickers.set(symbol, this.#perpTicker.get(symbol) as Ticker24h);
      spotBooks.set(symbol, this.spotTop(track));
      perpBooks.set(symbol, this.perpTop(track));
      if (historyLimit > 0) fundingHistory.set(symbol, this.settledRecords(track, track.settled, historyLimit));
    }
    return {
      timeMs: this.timeMs,
      spotMarkets,
      perpMarkets,
      premiumIndex,
      fundingInfo,
      spotTickers,
      perpTickers,
      spotBooks,
      perpBooks,
      fundingHistory,
    };
  }

  /** The 24 h quote volume a pair shows (spot + perp), the same for every pair. */
  get combinedQuoteVolume(): Decimal {
    return this.#spotVolume.plus(this.#perpVolume);
  }
}
