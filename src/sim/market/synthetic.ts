/**
 * A synthetic Aster-like market, fully determined by its seed.
 *
 * Per instrument:
 * - index (spot) price: geometric random walk at the instrument's volatility, anchored at its reference price at
 *   `startMs`;
 * - premium: a regime driver (a slow mean-reverting signal plus the instrument's bias) switches between calm (the
 *   premium sits near the interest rate, so funding settles at exactly the 0.01 % clamp, as most real settlements
 *   do), hot (high positive funding) and negative spells; fast noise rides on top;
 * - funding: Aster's formula F = P̄ + clamp(I − P̄, ±0.05 %) on the premium averaged over the interval, scaled to
 *   the interval (4 h pays half of 8 h), capped, settled a few ms after the boundary;
 * - mark = index × (1 + basis), the basis following the premium (plus an offset for dislocated pairs);
 * - books around spot and perp mids with the instrument's spread; 24 h volumes drifting around their level.
 *
 * Every value is a pure function of (seed, instrument, time), so the path does not depend on how it is sampled. The
 * market moves in steps of `tickMs` (default 1 s): a time inside a step reads the state at the step's end.
 */
import { Decimal } from '../../domain/decimal.ts';
import type { FundingRateRecord } from '../../domain/market.ts';
import { hashUniform } from '../random.ts';
import { buildBook } from './book.ts';
import { filtersFor, gridDecimal, gridUnits, powerGrid, quantize, type Rounding, SPOT_MAX_NOTIONAL } from './grid.ts';
import { brownian, stationary } from './noise.ts';
import type {
  DepthBook,
  FundingSettlement,
  MarketSource,
  MarketState,
  PerpQuote,
  SimMarketDef,
  SpotQuote,
} from './types.ts';
import { drawUniverse, type InstrumentSpec } from './universe.ts';

export interface SyntheticOptions {
  /** Same seed, same universe and same path. Default 1. */
  seed?: number;
  /** Symbols listed on both markets (the first four are BTC, ETH, SOL, BNB). Default 24. */
  pairs?: number;
  /** Symbols listed on the perp market only. Default max(2, pairs / 6). */
  perpOnly?: number;
  /** Symbols listed on the spot market only. Default max(2, pairs / 8). */
  spotOnly?: number;
  /** First instant of the path. Default 2025-06-01T00:00:00Z. */
  startMs?: number;
  /** Depth levels per book side. Default 20. */
  bookLevels?: number;
  /** Days of settled funding available before `startMs`. Default 30. */
  historyDays?: number;
  /**
   * The market moves in steps of this many simulator ms (prices, books, volumes, predicted funding), as Aster
   * publishes mark prices once a second; within a step every reader sees the same state, so it is computed once
   * however many requests and streams ask (100 symbols cost milliseconds). Default 1000; 1 makes every
   * millisecond a step.
   */
  tickMs?: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const DEFAULT_START_MS = Date.UTC(2025, 5, 1);
const DEFAULT_TICK_MS = 1000;
/** Aster's interest component per 8 h and the ±0.05 % clamp of the funding formula. */
const INTEREST_8H = 0.0001;
const CLAMP_8H = 0.0005;
/** Premium samples averaged per funding interval. */
const PREMIUM_SAMPLES = 8;

/** Distinct random processes of one instrument; each gets its own noise key. */
const PROCESS = { price: 0, regime: 1, premium: 2, basis: 3, spotMid: 4, perpMid: 5, volume: 6, jitter: 7, book: 8 };

export class SyntheticMarketSource implements MarketSource {
  readonly startMs: number;
  readonly seed: number;
  readonly instruments: readonly InstrumentSpec[];
  private readonly bookLevels: number;
  private readonly historyDays: number;
  private readonly spotDefs: SimMarketDef[] = [];
  private readonly perpDefs: SimMarketDef[] = [];
  private readonly spotDefBySymbol = new Map<string, SimMarketDef>();
  private readonly perpDefBySymbol = new Map<string, SimMarketDef>();
  private readonly bySymbol = new Map<string, InstrumentSpec>();
  /** Per instrument, what every update needs and never changes: its symbol and definitions. */
  private readonly listed: { spec: InstrumentSpec; symbol: string; spot?: SimMarketDef; perp?: SimMarketDef }[] = [];
  /** A tenth of each perp tick: marks and index prices carry one more digit than the book. */
  private readonly fineTicks = new Map<string, Decimal>();
  /** Anchors the price walk so each instrument starts at its reference price. */
  private readonly walkOrigin = new Map<number, number>();
  private readonly premiumCache = new Map<number, number>();
  private readonly tickMs: number;
  private lastMs: number;
  /** The state of the current step, returned again until the clock reaches the next one. */
  private current: MarketState | undefined;

  constructor(options: SyntheticOptions = {}) {
    this.seed = (options.seed ?? 1) >>> 0;
    this.startMs = options.startMs ?? DEFAULT_START_MS;
    this.bookLevels = options.bookLevels ?? 20;
    this.historyDays = options.historyDays ?? 30;
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    if (!Number.isSafeInteger(this.tickMs) || this.tickMs < 1) {
      throw new RangeError(`tickMs must be a positive integer, got ${this.tickMs}`);
    }
    const pairs = options.pairs ?? 24;
    this.instruments = drawUniverse({
      seed: this.seed,
      pairs,
      perpOnly: options.perpOnly ?? Math.max(2, Math.round(pairs / 6)),
      spotOnly: options.spotOnly ?? Math.max(2, Math.round(pairs / 8)),
    });
    for (const spec of this.instruments) {
      const symbol = symbolOf(spec);
      this.bySymbol.set(symbol, spec);
      this.walkOrigin.set(spec.index, brownian(this.seed, key(spec, PROCESS.price), this.startMs, 1000, 13));
      const entry: (typeof this.listed)[number] = { spec, symbol };
      if (spec.hasSpot) {
        const def = definition(spec, 'spot');
        this.spotDefs.push(def);
        this.spotDefBySymbol.set(symbol, def);
        entry.spot = def;
      }
      if (spec.hasPerp) {
        const def = definition(spec, 'perp');
        this.perpDefs.push(def);
        this.perpDefBySymbol.set(symbol, def);
        this.fineTicks.set(symbol, def.filters.tickSize.div(10));
        entry.perp = def;
      }
      this.listed.push(entry);
    }
    this.lastMs = this.startMs;
  }

  definitions(): { spot: readonly SimMarketDef[]; perp: readonly SimMarketDef[] } {
    return { spot: this.spotDefs, perp: this.perpDefs };
  }

  advance(toMs: number): MarketState {
    if (toMs < this.lastMs) throw new RangeError(`market time cannot go back from ${this.lastMs} to ${toMs}`);
    this.lastMs = toMs;
    // Steps end on multiples of tickMs: every funding boundary (a whole hour) is a step's last instant, so the
    // rate settling there is what that step shows, and the next instant already belongs to the new interval.
    const rest = toMs % this.tickMs;
    const stepMs = rest === 0 ? toMs : toMs - rest + this.tickMs;
    if (this.current !== undefined && this.current.timeMs === stepMs) return this.current;
    this.current = this.stateAt(stepMs);
    return this.current;
  }

  private stateAt(toMs: number): MarketState {
    const spot = new Map<string, SpotQuote>();
    const perp = new Map<string, PerpQuote>();
    for (const { spec, symbol, spot: spotDef, perp: perpDef } of this.listed) {
      const index = this.indexPrice(spec, toMs);
      if (spotDef) spot.set(symbol, this.spotQuote(spec, spotDef, symbol, index, toMs));
      if (perpDef) perp.set(symbol, this.perpQuote(spec, perpDef, symbol, index, toMs));
    }
    return { timeMs: toMs, spot, perp };
  }

  settlement(symbol: string, boundaryMs: number): FundingSettlement | null {
    const spec = this.bySymbol.get(symbol);
    if (!spec?.hasPerp) return null;
    return {
      fundingRate: this.intervalRate(spec, boundaryMs, boundaryMs),
      fundingTimeMs: boundaryMs + this.jitterMs(spec, boundaryMs),
    };
  }

  priorFunding(symbol: string): readonly FundingRateRecord[] {
    const spec = this.bySymbol.get(symbol);
    if (!spec?.hasPerp) return [];
    const intervalMs = spec.fundingIntervalHours * HOUR_MS;
    const first = (Math.floor((this.startMs - this.historyDays * DAY_MS) / intervalMs) + 1) * intervalMs;
    const rows: FundingRateRecord[] = [];
    for (let boundary = first; boundary <= this.startMs; boundary += intervalMs) {
      const settled = this.settlement(symbol, boundary);
      if (settled) rows.push({ symbol, ...settled });
    }
    return rows;
  }

  /** The instrument behind a symbol (tests and tooling inspect the universe through it). */
  instrument(symbol: string): InstrumentSpec | undefined {
    return this.bySymbol.get(symbol);
  }

  // ------------------------------------------------------------ processes

  private indexPrice(spec: InstrumentSpec, tMs: number): number {
    const dailyVol = spec.annualVolatility / Math.sqrt(365);
    const walk = brownian(this.seed, key(spec, PROCESS.price), tMs, 1000, 13) - (this.walkOrigin.get(spec.index) ?? 0);
    return spec.referencePrice * Math.exp(dailyVol * walk);
  }

  /** Premium index as an 8 h-equivalent fraction. */
  private premium(spec: InstrumentSpec, tMs: number): number {
    const driver = stationary(this.seed, key(spec, PROCESS.regime), tMs, 3 * HOUR_MS, 4);
    const z = driver + spec.fundingBias;
    let level: number;
    if (z > 1.1) level = 0.0004 + 0.0012 * (z - 1.1);
    else if (z < -1.4) level = -0.0004 - 0.001 * (-1.4 - z);
    else level = INTEREST_8H + 0.0002 * driver;
    return level + 0.00015 * stationary(this.seed, key(spec, PROCESS.premium), tMs, 5 * 60_000, 4);
  }

  /**
   * The premium at a sample point of the funding grid. Every mark-price update re-reads the predicted rate, which
   * averages these points, so they are remembered (a pure function's cache: it changes speed, never values).
   */
  private gridPremium(spec: InstrumentSpec, tMs: number): number {
    const cacheKey = spec.index * 1e13 + tMs;
    let value = this.premiumCache.get(cacheKey);
    if (value === undefined) {
      if (this.premiumCache.size >= 50_000) this.premiumCache.clear();
      value = this.premium(spec, tMs);
      this.premiumCache.set(cacheKey, value);
    }
    return value;
  }

  /**
   * The funding rate of the interval ending at `boundaryMs`, from the premium sampled on the interval's grid up to
   * `tMs`: the predicted rate while the interval runs, the settled rate at its end.
   */
  private intervalRate(spec: InstrumentSpec, boundaryMs: number, tMs: number): Decimal {
    const intervalMs = spec.fundingIntervalHours * HOUR_MS;
    const startMs = boundaryMs - intervalMs;
    const sampleMs = intervalMs / PREMIUM_SAMPLES;
    let sum = 0;
    let count = 0;
    for (let k = 1; k <= PREMIUM_SAMPLES && startMs + k * sampleMs <= tMs; k++) {
      sum += this.gridPremium(spec, startMs + k * sampleMs);
      count++;
    }
    if (count === 0 || startMs + count * sampleMs < tMs) {
      sum += this.premium(spec, tMs);
      count++;
    }
    const p = sum / count;
    const f8 = p + Math.min(CLAMP_8H, Math.max(-CLAMP_8H, INTEREST_8H - p));
    let rate = (f8 * spec.fundingIntervalHours) / 8;
    if (spec.fundingCap !== null) rate = Math.min(spec.fundingCap, Math.max(-spec.fundingCap, rate));
    return new Decimal(rate.toFixed(8));
  }

  /** Real settlements land a few ms after the boundary, occasionally tens of ms. */
  private jitterMs(spec: InstrumentSpec, boundaryMs: number): number {
    const u = hashUniform(this.seed, key(spec, PROCESS.jitter), Math.floor(boundaryMs / 1000));
    return Math.floor(u ** 4 * 45);
  }

  private basis(spec: InstrumentSpec, tMs: number): number {
    return (
      0.4 * this.premium(spec, tMs) +
      0.00008 * stationary(this.seed, key(spec, PROCESS.basis), tMs, 2000, 4) +
      spec.basisOffset
    );
  }

  private spotQuote(spec: InstrumentSpec, def: SimMarketDef, symbol: string, index: number, tMs: number): SpotQuote {
    const mid = index * (1 + 0.00003 * stationary(this.seed, key(spec, PROCESS.spotMid), tMs, 1000, 3));
    const market = this.marketData(spec, def, mid, spec.spotQuoteVolume, 0, tMs);
    return {
      symbol,
      get book(): DepthBook {
        return market.book();
      },
      lastPrice: market.lastPrice,
      volume24h: market.volume24h,
      quoteVolume24h: market.quoteVolume24h,
    };
  }

  private perpQuote(spec: InstrumentSpec, def: SimMarketDef, symbol: string, index: number, tMs: number): PerpQuote {
    const markValue = index * (1 + this.basis(spec, tMs));
    const mid = markValue * (1 + 0.00003 * stationary(this.seed, key(spec, PROCESS.perpMid), tMs, 1000, 3));
    const market = this.marketData(spec, def, mid, spec.perpQuoteVolume, 1, tMs);
    const fine = this.fineTicks.get(symbol) as Decimal;
    const intervalMs = spec.fundingIntervalHours * HOUR_MS;
    // At a boundary instant the rate shown is the one settling there.
    const boundary = tMs % intervalMs === 0 ? tMs : (Math.floor(tMs / intervalMs) + 1) * intervalMs;
    let fundingRate: Decimal | undefined;
    const rateOf = (): Decimal => {
      fundingRate ??= this.intervalRate(spec, boundary, tMs);
      return fundingRate;
    };
    return {
      symbol,
      get book(): DepthBook {
        return market.book();
      },
      lastPrice: market.lastPrice,
      volume24h: market.volume24h,
      quoteVolume24h: market.quoteVolume24h,
      markPrice: onGrid(markValue, fine, 'round'),
      indexPrice: onGrid(index, fine, 'round'),
      get fundingRate(): Decimal {
        return rateOf();
      },
    };
  }

  /** Last price, volumes, and a book that is only built when someone reads it. */
  private marketData(
    spec: InstrumentSpec,
    def: SimMarketDef,
    mid: number,
    quoteVolumeLevel: number,
    marketKey: number,
    tMs: number,
  ): { lastPrice: Decimal; volume24h: Decimal; quoteVolume24h: Decimal; book: () => DepthBook } {
    const drift = stationary(this.seed, key(spec, PROCESS.volume) + marketKey * 977, tMs, HOUR_MS, 3);
    const quoteVolume = quoteVolumeLevel * Math.exp(0.25 * drift);
    let book: DepthBook | undefined;
    return {
      lastPrice: onGrid(mid, def.filters.tickSize, 'round'),
      volume24h: onGrid(quoteVolume / mid, def.filters.stepSize, 'round'),
      quoteVolume24h: new Decimal(quoteVolume.toFixed(2)),
      book: () => {
        book ??= buildBook(
          mid,
          {
            halfSpread: spec.halfSpread,
            levelGap: Math.max(spec.halfSpread, 0.0003),
            topLevelNotional: Math.max(2_000, quoteVolumeLevel * 0.0004),
            levels: this.bookLevels,
            tickSize: def.filters.tickSize,
            stepSize: def.filters.stepSize,
          },
          this.seed,
          key(spec, PROCESS.book) * 2 + marketKey,
          tMs,
        );
        return book;
      },
    };
  }
}

/** `quantize`, through the cheaper integer path when the step is a power of ten (same value either way). */
function onGrid(value: number, step: Decimal, rounding: Rounding): Decimal {
  const grid = powerGrid(step);
  return grid === null ? quantize(value, step, rounding) : gridDecimal(gridUnits(value, grid, rounding), grid);
}

function symbolOf(spec: InstrumentSpec): string {
  return `${spec.baseAsset}${spec.quoteAsset}`;
}

function key(spec: InstrumentSpec, process: number): number {
  return spec.index * 16 + process;
}

function definition(spec: InstrumentSpec, market: 'spot' | 'perp'): SimMarketDef {
  const perp = market === 'perp';
  const filters = filtersFor(spec.referencePrice, {
    priceDigits: 6,
    // Perp steps are 10× spot steps, so a perp-valid quantity is always spot-valid too.
    stepValue: perp ? 2 : 0.2,
    minNotional: new Decimal(5),
    ...(perp ? {} : { maxNotional: SPOT_MAX_NOTIONAL }),
  });
  return {
    market,
    symbol: symbolOf(spec),
    baseAsset: spec.baseAsset,
    quoteAsset: spec.quoteAsset,
    status: 'TRADING',
    filters,
    makerCommissionRate: new Decimal(perp ? '0.0001' : '0.00005'),
    takerCommissionRate: new Decimal(perp ? '0.00035' : '0.0004'),
    fundingIntervalHours: perp ? spec.fundingIntervalHours : 8,
    fundingFeeCap: perp && spec.fundingCap !== null ? new Decimal(spec.fundingCap) : null,
    fundingFeeFloor: perp && spec.fundingCap !== null ? new Decimal(-spec.fundingCap) : null,
    interestRate: new Decimal(((INTEREST_8H * spec.fundingIntervalHours) / 8).toFixed(8)),
    marketTakeBound: perp ? new Decimal('0.05') : new Decimal(0),
    liquidationFeeRate: perp ? new Decimal('0.015') : new Decimal(0),
  };
}
