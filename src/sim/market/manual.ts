/**
 * A market whose prices, books and funding rates are set by hand: for tests that need an exact book, a scripted
 * price move or a known funding rate, and for hosts that feed the engine from elsewhere (paper trading on live
 * prices). Changes take effect at the engine's next market update.
 */
import { Decimal, type DecimalInput, dec } from '../../domain/decimal.ts';
import type { FundingRateRecord, SymbolFilters } from '../../domain/market.ts';
import { hashString, hashUniform } from '../random.ts';
import { buildBook } from './book.ts';
import { filtersFor, SPOT_MAX_NOTIONAL } from './grid.ts';
import type {
  DepthBook,
  FundingSettlement,
  MarketSource,
  MarketState,
  PerpQuote,
  SimMarketDef,
  SpotQuote,
} from './types.ts';

export interface ManualSymbol {
  baseAsset: string;
  /** Default USDT. */
  quoteAsset?: string;
  /** Listed on spot / perp. Default both. */
  spot?: boolean;
  perp?: boolean;
  /** Spot mid, perp mark and index at the start. */
  price: DecimalInput;
  /** Default 8. */
  fundingIntervalHours?: number;
  /** Default 0.0001 per interval. */
  fundingRate?: DecimalInput;
  /** Override filters (both markets); by default derived from the price. */
  filters?: Partial<SymbolFilters>;
  /** Per-market overrides on top of `filters` (a live listing's spot and perp filters differ). */
  spotFilters?: Partial<SymbolFilters>;
  perpFilters?: Partial<SymbolFilters>;
  /** Default: spot 0.00005 / 0.0004, perp 0.0001 / 0.00035. */
  spotCommission?: { maker: DecimalInput; taker: DecimalInput };
  perpCommission?: { maker: DecimalInput; taker: DecimalInput };
  /** 24 h quote volume per market. Default 500 M perp, 100 M spot. */
  perpQuoteVolume?: DecimalInput;
  spotQuoteVolume?: DecimalInput;
  /** Shape of generated books: half spread (fraction), top-level notional (quote), levels. */
  halfSpread?: number;
  topLevelNotional?: number;
  levels?: number;
}

export interface ManualMarketOptions {
  startMs: number;
  symbols: readonly ManualSymbol[];
  /** Keys the settlement-time jitter. Default 1. */
  seed?: number;
  /** Settlements land this many ms after the boundary at most (the jitter is drawn from the seed). Default 40. */
  maxFundingJitterMs?: number;
  /** Settled funding before `startMs`, per perp symbol. */
  priorFunding?: Readonly<Record<string, readonly FundingRateRecord[]>>;
  /** Liquidation fee rate of every perp. Default 0.015. */
  liquidationFeeRate?: DecimalInput;
}

interface SymbolState {
  spec: ManualSymbol;
  symbol: string;
  spotPrice: Decimal;
  markPrice: Decimal;
  indexPrice: Decimal;
  /** Perp last traded price when pinned; otherwise it follows the mark. */
  perpLastPrice: Decimal | undefined;
  fundingRate: Decimal;
  spotQuoteVolume: Decimal;
  perpQuoteVolume: Decimal;
  spotBook: DepthBook | undefined;
  perpBook: DepthBook | undefined;
  spotDef: SimMarketDef | undefined;
  perpDef: SimMarketDef | undefined;
}

export class ManualMarketSource implements MarketSource {
  readonly startMs: number;
  private readonly seed: number;
  private readonly maxJitterMs: number;
  private readonly symbols = new Map<string, SymbolState>();
  private readonly prior: Readonly<Record<string, readonly FundingRateRecord[]>>;
  /** Rates fixed for particular boundaries (symbol|boundary), e.g. a null to simulate a missing settlement. */
  private readonly settlementOverrides = new Map<string, Decimal | null>();
  private lastMs: number;

  constructor(options: ManualMarketOptions) {
    this.startMs = options.startMs;
    this.lastMs = options.startMs;
    this.seed = options.seed ?? 1;
    this.maxJitterMs = options.maxFundingJitterMs ?? 40;
    this.prior = options.priorFunding ?? {};
    const liquidationFeeRate = dec(options.liquidationFeeRate ?? '0.015');
    for (const spec of options.symbols) {
      const quoteAsset = spec.quoteAsset ?? 'USDT';
      const symbol = `${spec.baseAsset}${quoteAsset}`;
      const price = dec(spec.price);
      const interval = spec.fundingIntervalHours ?? 8;
      const make = (market: 'spot' | 'perp'): SimMarketDef => {
        const derived = filtersFor(price.toNumber(), {
          priceDigits: 6,
          stepValue: market === 'perp' ? 2 : 0.2,
          minNotional: new Decimal(5),
          ...(market === 'perp' ? {} : { maxNotional: SPOT_MAX_NOTIONAL }),
        });
        const commission =
          market === 'perp'
            ? (spec.perpCommission ?? { maker: '0.0001', taker: '0.00035' })
            : (spec.spotCommission ?? { maker: '0.00005', taker: '0.0004' });
        return {
          market,
          symbol,
          baseAsset: spec.baseAsset,
          quoteAsset,
          status: 'TRADING',
          filters: { ...derived, ...spec.filters, ...(market === 'perp' ? spec.perpFilters : spec.spotFilters) },
          makerCommissionRate: dec(commission.maker),
          takerCommissionRate: dec(commission.taker),
          fundingIntervalHours: market === 'perp' ? interval : 8,
          fundingFeeCap: null,
          fundingFeeFloor: null,
          interestRate: new Decimal(((0.0001 * interval) / 8).toFixed(8)),
          marketTakeBound: market === 'perp' ? new Decimal('0.05') : new Decimal(0),
          liquidationFeeRate: market === 'perp' ? liquidationFeeRate : new Decimal(0),
        };
      };
      this.symbols.set(symbol, {
        spec,
        symbol,
        spotPrice: price,
        markPrice: price,
        indexPrice: price,
        perpLastPrice: undefined,
        fundingRate: dec(spec.fundingRate ?? '0.0001'),
        spotQuoteVolume: dec(spec.spotQuoteVolume ?? 100_000_000),
        perpQuoteVolume: dec(spec.perpQuoteVolume ?? 500_000_000),
        spotBook: undefined,
        perpBook: undefined,
        spotDef: spec.spot === false ? undefined : make('spot'),
        perpDef: spec.perp === false ? undefined : make('perp'),
      });
    }
  }

  definitions(): { spot: readonly SimMarketDef[]; perp: readonly SimMarketDef[] } {
    const spot: SimMarketDef[] = [];
    const perp: SimMarketDef[] = [];
    for (const s of this.symbols.values()) {
      if (s.spotDef) spot.push(s.spotDef);
      if (s.perpDef) perp.push(s.perpDef);
    }
    return { spot, perp };
  }

  /** Moves every price of `symbol` (spot mid, mark, index) to `price`; generated books follow. */
  setPrice(symbol: string, price: DecimalInput): void {
    const s = this.get(symbol);
    s.spotPrice = s.markPrice = s.indexPrice = dec(price);
  }

  setSpotPrice(symbol: string, price: DecimalInput): void {
    this.get(symbol).spotPrice = dec(price);
  }

  /** Moves the perp's mark (and its generated book) without touching spot or the index. */
  setMarkPrice(symbol: string, price: DecimalInput): void {
    this.get(symbol).markPrice = dec(price);
  }

  /** Moves the perp's index price alone. */
  setIndexPrice(symbol: string, price: DecimalInput): void {
    this.get(symbol).indexPrice = dec(price);
  }

  /** Pins the perp's last traded price (what CONTRACT_PRICE stops watch); `undefined` lets it follow the mark. */
  setLastPrice(symbol: string, price: DecimalInput | undefined): void {
    this.get(symbol).perpLastPrice = price === undefined ? undefined : dec(price);
  }

  /** Pins a book; `undefined` returns to a generated book around the current price. */
  setBook(market: 'spot' | 'perp', symbol: string, book: DepthBook | undefined): void {
    const s = this.get(symbol);
    if (market === 'spot') s.spotBook = book;
    else s.perpBook = book;
  }

  /** The current (predicted) rate; it is also what settles at the next boundary unless overridden. */
  setFundingRate(symbol: string, rate: DecimalInput): void {
    this.get(symbol).fundingRate = dec(rate);
  }

  /** The rolling 24 h quote volume of one market of `symbol`. */
  setQuoteVolume(market: 'spot' | 'perp', symbol: string, quoteVolume: DecimalInput): void {
    const s = this.get(symbol);
    if (market === 'spot') s.spotQuoteVolume = dec(quoteVolume);
    else s.perpQuoteVolume = dec(quoteVolume);
  }

  /**
   * The listing status of both markets of `symbol` (`TRADING`, or e.g. `BREAK` for a halted or delisted one, whose
   * orders are then refused). Definitions are shared with the engine, so this applies at once, not at the next
   * market update.
   */
  setStatus(symbol: string, status: string): void {
    const s = this.get(symbol);
    if (s.spotDef) s.spotDef.status = status;
    if (s.perpDef) s.perpDef.status = status;
  }

  /** Fixes what settles at one boundary; null means nothing settles there (a gap, as in historical data). */
  setSettlement(symbol: string, boundaryMs: number, rate: DecimalInput | null): void {
    this.settlementOverrides.set(`${symbol}|${boundaryMs}`, rate === null ? null : dec(rate));
  }

  advance(toMs: number): MarketState {
    if (toMs < this.lastMs) throw new RangeError(`market time cannot go back from ${this.lastMs} to ${toMs}`);
    this.lastMs = toMs;
    const spot = new Map<string, SpotQuote>();
    const perp = new Map<string, PerpQuote>();
    for (const s of this.symbols.values()) {
      if (s.spotDef) {
        const book = s.spotBook ?? this.generated(s, s.spotDef, s.spotPrice, 0, toMs);
        spot.set(s.symbol, {
          symbol: s.symbol,
          book,
          lastPrice: s.spotPrice,
          quoteVolume24h: s.spotQuoteVolume,
          volume24h: s.spotQuoteVolume.div(s.spotPrice).toDecimalPlaces(8),
        });
      }
      if (s.perpDef) {
        const book = s.perpBook ?? this.generated(s, s.perpDef, s.markPrice, 1, toMs);
        perp.set(s.symbol, {
          symbol: s.symbol,
          book,
          lastPrice: s.perpLastPrice ?? s.markPrice,
          quoteVolume24h: s.perpQuoteVolume,
          volume24h: s.perpQuoteVolume.div(s.markPrice).toDecimalPlaces(8),
          markPrice: s.markPrice,
          indexPrice: s.indexPrice,
          fundingRate: s.fundingRate,
        });
      }
    }
    return { timeMs: toMs, spot, perp };
  }

  settlement(symbol: string, boundaryMs: number): FundingSettlement | null {
    const s = this.symbols.get(symbol);
    if (!s?.perpDef) return null;
    const key = `${symbol}|${boundaryMs}`;
    const override = this.settlementOverrides.get(key);
    if (override === null) return null;
    const jitter = Math.floor(
      hashUniform(this.seed, hashString(symbol), Math.floor(boundaryMs / 1000)) * (this.maxJitterMs + 1),
    );
    return { fundingRate: override ?? s.fundingRate, fundingTimeMs: boundaryMs + jitter };
  }

  priorFunding(symbol: string): readonly FundingRateRecord[] {
    return this.prior[symbol] ?? [];
  }

  private generated(s: SymbolState, def: SimMarketDef, price: Decimal, marketKey: number, tMs: number): DepthBook {
    return buildBook(
      price.toNumber(),
      {
        halfSpread: s.spec.halfSpread ?? 0.0001,
        levelGap: 0.0003,
        topLevelNotional: s.spec.topLevelNotional ?? 50_000,
        levels: s.spec.levels ?? 10,
        tickSize: def.filters.tickSize,
        stepSize: def.filters.stepSize,
      },
      this.seed,
      (hashString(s.symbol) >>> 2) * 2 + marketKey,
      tMs,
    );
  }

  private get(symbol: string): SymbolState {
    const s = this.symbols.get(symbol);
    if (!s) throw new RangeError(`unknown symbol ${symbol}`);
    return s;
  }
}
