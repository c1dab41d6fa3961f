/**
 * Market data as the strategy sees it, independent of any exchange's wire format.
 * Venue adapters parse responses into these types; the simulator produces the wire format from its own state.
 */
import type { Decimal } from './decimal.ts';

export type MarketKind = 'spot' | 'perp';

/**
 * Exchange filters of one symbol on one market. A zero bound disables that rule, as on Aster.
 * `market*` fields come from MARKET_LOT_SIZE and fall back to LOT_SIZE when the symbol has none:
 * market orders are validated against them, not against LOT_SIZE.
 */
export interface SymbolFilters {
  tickSize: Decimal;
  minPrice: Decimal;
  maxPrice: Decimal;
  stepSize: Decimal;
  minQty: Decimal;
  maxQty: Decimal;
  marketStepSize: Decimal;
  marketMinQty: Decimal;
  marketMaxQty: Decimal;
  /** Minimum order value in quote currency (MIN_NOTIONAL `notional`/`minNotional`, or NOTIONAL `minNotional`). */
  minNotional: Decimal;
  /** Maximum order value in quote currency; zero when unlimited. */
  maxNotional: Decimal;
}

export interface MarketInfo {
  market: MarketKind;
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** `TRADING` when open for trading. */
  status: string;
  /** Perpetual contracts only: `PERPETUAL` for the contracts this bot trades. */
  contractType?: string;
  filters: SymbolFilters;
}

/** A symbol trading on both spot and perp with the same base and quote assets. */
export interface Pair {
  /** The perp symbol; the key used everywhere a pair is named. */
  symbol: string;
  spotSymbol: string;
  baseAsset: string;
  quoteAsset: string;
  spot: MarketInfo;
  perp: MarketInfo;
}

export interface BookTop {
  symbol: string;
  bidPrice: Decimal;
  bidQty: Decimal;
  askPrice: Decimal;
  askQty: Decimal;
}

export interface PremiumIndex {
  symbol: string;
  markPrice: Decimal;
  indexPrice: Decimal;
  /** The funding rate of the current interval (per interval, decimal fraction). */
  lastFundingRate: Decimal;
  nextFundingTimeMs: number;
  timeMs: number;
}

export interface FundingInfo {
  symbol: string;
  fundingIntervalHours: number;
  /** Null when the exchange sets no cap (live BTCUSDT). */
  fundingFeeCap: Decimal | null;
  fundingFeeFloor: Decimal | null;
}

export interface FundingRateRecord {
  symbol: string;
  fundingRate: Decimal;
  /** Settlement time; real data carries a few ms of jitter after the interval boundary. */
  fundingTimeMs: number;
}

export interface Ticker24h {
  symbol: string;
  quoteVolume: Decimal;
}

/**
 * Everything one scan needs, fetched in a constant number of requests whatever the number of pairs.
 * Maps are keyed by exchange symbol of their own market.
 */
export interface ScanSnapshot {
  timeMs: number;
  spotMarkets: readonly MarketInfo[];
  perpMarkets: readonly MarketInfo[];
  premiumIndex: ReadonlyMap<string, PremiumIndex>;
  fundingInfo: ReadonlyMap<string, FundingInfo>;
  spotTickers: ReadonlyMap<string, Ticker24h>;
  perpTickers: ReadonlyMap<string, Ticker24h>;
  spotBooks: ReadonlyMap<string, BookTop>;
  perpBooks: ReadonlyMap<string, BookTop>;
  /**
   * Settled funding history per perp symbol, ascending by time. Present only for the symbols
   * whose history was fetched (MA mode fetches it for pairs that passed the cheap filters).
   */
  fundingHistory: ReadonlyMap<string, readonly FundingRateRecord[]>;
}
