/**
 * What the simulator needs to know about markets: their definitions (filters, fees, funding interval) and, at any
 * moment, their prices, books, funding rates and volumes. A market source produces this; the account engine consumes
 * it. Sources are synthetic (seeded), historical (CSV replay) or, later, live.
 */
import type { Decimal } from '../../domain/decimal.ts';
import type { FundingRateRecord, MarketKind, SymbolFilters } from '../../domain/market.ts';

/** One tradable symbol on one market, as the simulator's exchangeInfo describes it. */
export interface SimMarketDef {
  market: MarketKind;
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** `TRADING` when orders are accepted. */
  status: string;
  filters: SymbolFilters;
  makerCommissionRate: Decimal;
  takerCommissionRate: Decimal;
  /** Perp only; spot definitions carry 8 and it is ignored. Funding settles on the UTC grid of this interval. */
  fundingIntervalHours: number;
  /** Perp only: per-interval funding clamp; null when the exchange sets none (live BTCUSDT). */
  fundingFeeCap: Decimal | null;
  fundingFeeFloor: Decimal | null;
  /** Perp only: the interest component of the funding formula, per interval. */
  interestRate: Decimal;
  /**
   * Perp only: a market order is rejected (-4131) when the best counterparty price is further than this fraction
   * from the mark price. Zero disables the check.
   */
  marketTakeBound: Decimal;
  /** Perp only: fraction of the closed notional charged when a position is liquidated (exchangeInfo `liquidationFee`). */
  liquidationFeeRate: Decimal;
}

/**
 * One price level. A source may compute the fields when they are read (prototype getters): copy a level by naming
 * its fields, never by spreading it.
 */
export interface BookLevel {
  /** On the symbol's tick grid. */
  readonly price: Decimal;
  /** On the symbol's step grid, > 0. */
  readonly qty: Decimal;
}

/** Bids descending, asks ascending; best prices first. */
export interface DepthBook {
  bids: readonly BookLevel[];
  asks: readonly BookLevel[];
}

export interface SpotQuote {
  symbol: string;
  book: DepthBook;
  lastPrice: Decimal;
  /** Rolling 24 h traded volume in base and quote units. */
  volume24h: Decimal;
  quoteVolume24h: Decimal;
}

export interface PerpQuote extends SpotQuote {
  markPrice: Decimal;
  indexPrice: Decimal;
  /**
   * The rate of the funding interval that contains this moment (the predicted rate, `lastFundingRate` in
   * premiumIndex). At a boundary instant it is the rate that settles there.
   */
  fundingRate: Decimal;
}

/** Prices and books of every symbol at one instant. Maps are keyed by the symbol of their own market. */
export interface MarketState {
  timeMs: number;
  spot: ReadonlyMap<string, SpotQuote>;
  perp: ReadonlyMap<string, PerpQuote>;
}

/** A funding settlement as the exchange records it: the rate and the actual (slightly late) settlement time. */
export interface FundingSettlement {
  fundingRate: Decimal;
  /** The interval boundary plus a few ms of jitter, as in real `fundingTime` values. */
  fundingTimeMs: number;
}

/**
 * A source of market data. Time only moves forward: `advance` with a time earlier than the last one is an error.
 * Implementations must be deterministic: the same construction and the same sequence of `advance` times give the same
 * states.
 */
export interface MarketSource {
  /** The first instant this source can describe. */
  readonly startMs: number;
  /** Every symbol of both markets; fixed for the source's lifetime. */
  definitions(): { spot: readonly SimMarketDef[]; perp: readonly SimMarketDef[] };
  /** The state of every symbol at `toMs` (≥ the previous call's time and ≥ startMs). */
  advance(toMs: number): MarketState;
  /**
   * The settlement of `symbol`'s funding interval ending at `boundaryMs` (a multiple of its interval on the UTC
   * grid), or null when nothing settled there (a gap in historical data). Called after `advance(boundaryMs)`.
   */
  settlement(symbol: string, boundaryMs: number): FundingSettlement | null;
  /** Settled funding before `startMs`, ascending, so history queries work from the first moment. */
  priorFunding(symbol: string): readonly FundingRateRecord[];
}
