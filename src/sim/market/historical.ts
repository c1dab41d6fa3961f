/**
 * Replays historical funding series as a market. Each series becomes a pair (spot + perp) whose price follows the
 * series' own prices (mark price or kline close, interpolated between settlements) or, when the file has none, a
 * seeded random walk around a reference price. The funding rate shown during an interval is the rate that actually
 * settled at its end, and settlements keep their recorded (jittered) times; a missing row is a missing settlement.
 *
 * There is no spot data in these files, so spot trades at the perp price (no basis), with synthetic books and
 * volumes large enough to pass the bot's filters.
 */
import { Decimal } from '../../domain/decimal.ts';
import type { FundingRateRecord } from '../../domain/market.ts';
import { ConfigError } from '../../errors.ts';
import { hashString } from '../random.ts';
import { buildBook } from './book.ts';
import { filtersFor, quantize, SPOT_MAX_NOTIONAL } from './grid.ts';
import { detectIntervalHours, type HistoricalFundingRow, type HistoricalFundingSeries } from './historical-csv.ts';
import { brownian } from './noise.ts';
import type {
  DepthBook,
  FundingSettlement,
  MarketSource,
  MarketState,
  PerpQuote,
  SimMarketDef,
  SpotQuote,
} from './types.ts';

export interface HistoricalSymbolInput {
  series: HistoricalFundingSeries;
  /** Default: the symbol without its quote asset. */
  baseAsset?: string;
  /** Default USDT. */
  quoteAsset?: string;
  /** Default: detected from the series. */
  fundingIntervalHours?: number;
  /** Required when the series carries no prices: the random walk starts here. */
  referencePrice?: number;
  /** Annualised volatility of that walk. Default 0.6. */
  annualVolatility?: number;
}

export interface HistoricalMarketOptions {
  symbols: readonly HistoricalSymbolInput[];
  /** Default: the first boundary at which every series has started. */
  startMs?: number;
  /** Keys the random walks and book sizes. Default 1. */
  seed?: number;
  /** 24 h quote volume per market. Default 600 M perp, 100 M spot. */
  perpQuoteVolume?: number;
  spotQuoteVolume?: number;
  /** Half the bid–ask spread (fraction of mid). Default 0.0002. */
  halfSpread?: number;
}

const HOUR_MS = 3_600_000;

interface Replay {
  symbol: string;
  index: number;
  intervalMs: number;
  rows: readonly HistoricalFundingRow[];
  /** Settlement rows keyed by their boundary (the recorded time rounded to the interval grid). */
  byBoundary: Map<number, HistoricalFundingRow>;
  /** Rows that carry a price, ascending. */
  priced: HistoricalFundingRow[];
  referencePrice: number;
  dailyVolatility: number;
  spot: SimMarketDef;
  perp: SimMarketDef;
}

export class HistoricalMarketSource implements MarketSource {
  readonly startMs: number;
  private readonly seed: number;
  private readonly replays: Replay[] = [];
  private readonly bySymbol = new Map<string, Replay>();
  private readonly perpQuoteVolume: number;
  private readonly spotQuoteVolume: number;
  private readonly halfSpread: number;
  private lastMs: number;

  constructor(options: HistoricalMarketOptions) {
    this.seed = options.seed ?? 1;
    this.perpQuoteVolume = options.perpQuoteVolume ?? 600_000_000;
    this.spotQuoteVolume = options.spotQuoteVolume ?? 100_000_000;
    this.halfSpread = options.halfSpread ?? 0.0002;
    options.symbols.forEach((input, index) => {
      const replay = this.replayOf(input, index);
      this.replays.push(replay);
      this.bySymbol.set(replay.symbol, replay);
    });
    if (this.replays.length === 0) throw new ConfigError('historical.symbols', 'at least one series is needed');
    this.startMs = options.startMs ?? Math.max(...this.replays.map((r) => firstBoundary(r)));
    this.lastMs = this.startMs;
  }

  private replayOf(input: HistoricalSymbolInput, index: number): Replay {
    const { series } = input;
    const field = `historical.symbols[${index}]`;
    if (series.rows.length === 0) throw new ConfigError(field, `series ${series.symbol} has no rows`);
    const quoteAsset = input.quoteAsset ?? 'USDT';
    const baseAsset = input.baseAsset ?? series.symbol.replace(new RegExp(`${quoteAsset}$`), '');
    const intervalHours = input.fundingIntervalHours ?? detectIntervalHours(series.rows) ?? 8;
    const intervalMs = intervalHours * HOUR_MS;
    const priced = series.rows.filter((r) => r.price !== undefined);
    const referencePrice = priced[0]?.price?.toNumber() ?? input.referencePrice;
    if (referencePrice === undefined || !(referencePrice > 0)) {
      throw new ConfigError(
        `${field}.referencePrice`,
        `series ${series.symbol} has no prices: give a positive referencePrice`,
        {
          value: input.referencePrice,
        },
      );
    }
    const byBoundary = new Map<number, HistoricalFundingRow>();
    for (const row of series.rows) byBoundary.set(Math.round(row.fundingTimeMs / intervalMs) * intervalMs, row);
    const def = (market: 'spot' | 'perp'): SimMarketDef => ({
      market,
      symbol: series.symbol,
      baseAsset,
      quoteAsset,
      status: 'TRADING',
      filters: filtersFor(referencePrice, {
        priceDigits: 6,
        stepValue: market === 'perp' ? 2 : 0.2,
        minNotional: new Decimal(5),
        ...(market === 'perp' ? {} : { maxNotional: SPOT_MAX_NOTIONAL }),
      }),
      makerCommissionRate: new Decimal(market === 'perp' ? '0.0001' : '0.00005'),
      takerCommissionRate: new Decimal(market === 'perp' ? '0.00035' : '0.0004'),
      fundingIntervalHours: market === 'perp' ? intervalHours : 8,
      fundingFeeCap: null,
      fundingFeeFloor: null,
      interestRate: new Decimal(((0.0001 * intervalHours) / 8).toFixed(8)),
      marketTakeBound: market === 'perp' ? new Decimal('0.05') : new Decimal(0),
      liquidationFeeRate: market === 'perp' ? new Decimal('0.015') : new Decimal(0),
    });
    return {
      symbol: series.symbol,
      index,
      intervalMs,
      rows: series.rows,
      byBoundary,
      priced,
      referencePrice,
      dailyVolatility: (input.annualVolatility ?? 0.6) / Math.sqrt(365),
      spot: def('spot'),
      perp: def('perp'),
    };
  }

  definitions(): { spot: readonly SimMarketDef[]; perp: readonly SimMarketDef[] } {
    return { spot: this.replays.map((r) => r.spot), perp: this.replays.map((r) => r.perp) };
  }

  advance(toMs: number): MarketState {
    if (toMs < this.lastMs) throw new RangeError(`market time cannot go back from ${this.lastMs} to ${toMs}`);
    this.lastMs = toMs;
    const spot = new Map<string, SpotQuote>();
    const perp = new Map<string, PerpQuote>();
    for (const r of this.replays) {
      const price = this.priceAt(r, toMs);
      // Books are built on first read: most updates only need prices.
      let spotBook: DepthBook | undefined;
      let perpBook: DepthBook | undefined;
      const spotBookOf = (): DepthBook => {
        spotBook ??= this.book(r, r.spot, price, 0, toMs);
        return spotBook;
      };
      const perpBookOf = (): DepthBook => {
        perpBook ??= this.book(r, r.perp, price, 1, toMs);
        return perpBook;
      };
      const fine = r.perp.filters.tickSize.div(10);
      spot.set(r.symbol, {
        symbol: r.symbol,
        get book(): DepthBook {
          return spotBookOf();
        },
        lastPrice: quantize(price, r.spot.filters.tickSize, 'round'),
        quoteVolume24h: new Decimal(this.spotQuoteVolume),
        volume24h: quantize(this.spotQuoteVolume / price, r.spot.filters.stepSize, 'round'),
      });
      perp.set(r.symbol, {
        symbol: r.symbol,
        get book(): DepthBook {
          return perpBookOf();
        },
        lastPrice: quantize(price, r.perp.filters.tickSize, 'round'),
        quoteVolume24h: new Decimal(this.perpQuoteVolume),
        volume24h: quantize(this.perpQuoteVolume / price, r.perp.filters.stepSize, 'round'),
        markPrice: quantize(price, fine, 'round'),
        indexPrice: quantize(price, fine, 'round'),
        fundingRate: this.currentRate(r, toMs),
      });
    }
    return { timeMs: toMs, spot, perp };
  }

  settlement(symbol: string, boundaryMs: number): FundingSettlement | null {
    const row = this.bySymbol.get(symbol)?.byBoundary.get(boundaryMs);
    return row ? { fundingRate: row.fundingRate, fundingTimeMs: row.fundingTimeMs } : null;
  }

  priorFunding(symbol: string): readonly FundingRateRecord[] {
    const r = this.bySymbol.get(symbol);
    if (!r) return [];
    return r.rows
      .filter((row) => Math.round(row.fundingTimeMs / r.intervalMs) * r.intervalMs <= this.startMs)
      .map((row) => ({ symbol, fundingRate: row.fundingRate, fundingTimeMs: row.fundingTimeMs }));
  }

  /** The rate settling at the end of the interval that contains `tMs` (at a boundary: the one settling there). */
  private currentRate(r: Replay, tMs: number): Decimal {
    const boundary = tMs % r.intervalMs === 0 ? tMs : (Math.floor(tMs / r.intervalMs) + 1) * r.intervalMs;
    const row = r.byBoundary.get(boundary);
    if (row) return row.fundingRate;
    // Past the data or in a gap: the last rate known is the best prediction.
    const before = lastAtOrBefore(r.rows, tMs);
    return before?.fundingRate ?? (r.rows[0] as HistoricalFundingRow).fundingRate;
  }

  private priceAt(r: Replay, tMs: number): number {
    if (r.priced.length === 0) {
      const key = hashString(r.symbol) >>> 4;
      const walk = brownian(this.seed, key, tMs, 1000, 13) - brownian(this.seed, key, this.startMs, 1000, 13);
      return r.referencePrice * Math.exp(r.dailyVolatility * walk);
    }
    const i = lastIndexAtOrBefore(r.priced, tMs);
    const a = r.priced[Math.max(0, i)] as HistoricalFundingRow;
    const b = r.priced[i + 1];
    const pa = (a.price as Decimal).toNumber();
    if (i < 0 || !b) return pa;
    const pb = (b.price as Decimal).toNumber();
    return pa + ((pb - pa) * (tMs - a.fundingTimeMs)) / (b.fundingTimeMs - a.fundingTimeMs);
  }

  private book(r: Replay, def: SimMarketDef, price: number, marketKey: number, tMs: number): DepthBook {
    return buildBook(
      price,
      {
        halfSpread: this.halfSpread,
        levelGap: 0.0003,
        topLevelNotional: (marketKey === 1 ? this.perpQuoteVolume : this.spotQuoteVolume) * 0.0004,
        levels: 20,
        tickSize: def.filters.tickSize,
        stepSize: def.filters.stepSize,
      },
      this.seed,
      r.index * 2 + marketKey,
      tMs,
    );
  }
}

function firstBoundary(r: Replay): number {
  const first = r.rows[0] as HistoricalFundingRow;
  return Math.round(first.fundingTimeMs / r.intervalMs) * r.intervalMs;
}

/** Index of the last row at or before `tMs` (−1 when none), by binary search. */
function lastIndexAtOrBefore(rows: readonly HistoricalFundingRow[], tMs: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] as HistoricalFundingRow).fundingTimeMs <= tMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function lastAtOrBefore(rows: readonly HistoricalFundingRow[], tMs: number): HistoricalFundingRow | undefined {
  return rows[lastIndexAtOrBefore(rows, tMs)];
}
