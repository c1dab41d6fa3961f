/**
 * A small, static market for front-end tests: prices never move on their own (tests move them through the control
 * API), so every expected number can be written down. Two pairs (BTCUSDT 8 h funding, ETHUSDT 4 h), one perp-only
 * symbol, one spot-only symbol.
 */
import { type Decimal, dec, ZERO } from '../../../../src/domain/decimal.ts';
import type { FundingRateRecord, MarketKind, SymbolFilters } from '../../../../src/domain/market.ts';
import type {
  BookLevel,
  FundingSettlement,
  MarketSource,
  MarketState,
  PerpQuote,
  SimMarketDef,
  SpotQuote,
} from '../../../../src/sim/market/types.ts';

interface SymbolSpec {
  symbol: string;
  base: string;
  mid: string;
  tick: string;
  step: string;
  minQty: string;
  intervalHours: number;
  fundingRate: string;
}

const SPECS: SymbolSpec[] = [
  {
    symbol: 'BTCUSDT',
    base: 'BTC',
    mid: '100000',
    tick: '0.1',
    step: '0.001',
    minQty: '0.001',
    intervalHours: 8,
    fundingRate: '0.0001',
  },
  {
    symbol: 'ETHUSDT',
    base: 'ETH',
    mid: '3500',
    tick: '0.01',
    step: '0.001',
    minQty: '0.001',
    intervalHours: 4,
    fundingRate: '0.0002',
  },
  {
    symbol: 'PERPONLYUSDT',
    base: 'PERPONLY',
    mid: '2',
    tick: '0.0001',
    step: '1',
    minQty: '1',
    intervalHours: 8,
    fundingRate: '-0.00005',
  },
  {
    symbol: 'SPOTONLYUSDT',
    base: 'SPOTONLY',
    mid: '0.5',
    tick: '0.0001',
    step: '0.1',
    minQty: '0.1',
    intervalHours: 8,
    fundingRate: '0',
  },
];

function filters(spec: SymbolSpec, market: MarketKind): SymbolFilters {
  return {
    tickSize: dec(spec.tick),
    minPrice: dec(spec.tick),
    maxPrice: dec('1000000'),
    stepSize: dec(spec.step),
    minQty: dec(spec.minQty),
    maxQty: dec('10000000'),
    marketStepSize: dec(spec.step),
    marketMinQty: dec(spec.minQty),
    marketMaxQty: dec('1000000'),
    minNotional: dec('5'),
    // Spot listings carry Aster's 9 000 000 USDT order-value ceiling; perps are bounded by leverage instead.
    maxNotional: market === 'spot' ? dec('9000000') : ZERO,
  };
}

function definition(spec: SymbolSpec, market: MarketKind): SimMarketDef {
  return {
    market,
    symbol: spec.symbol,
    baseAsset: spec.base,
    quoteAsset: 'USDT',
    status: 'TRADING',
    filters: filters(spec, market),
    makerCommissionRate: dec(market === 'perp' ? '0.0001' : '0.00005'),
    takerCommissionRate: dec(market === 'perp' ? '0.00035' : '0.0004'),
    fundingIntervalHours: spec.intervalHours,
    fundingFeeCap: spec.symbol === 'BTCUSDT' ? null : dec('0.02'),
    fundingFeeFloor: spec.symbol === 'BTCUSDT' ? null : dec('-0.02'),
    interestRate: dec('0.0001'),
    marketTakeBound: dec('0.3'),
    liquidationFeeRate: dec('0.015'),
  };
}

/** Five levels a side, 2 ticks apart, 1 tick half-spread, each level worth about 200 000 USDT. */
function book(spec: SymbolSpec): { bids: BookLevel[]; asks: BookLevel[] } {
  const tick = dec(spec.tick);
  const mid = dec(spec.mid);
  const qty = dec('200000').dividedBy(mid).dividedToIntegerBy(dec(spec.step)).times(dec(spec.step));
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  for (let i = 0; i < 5; i++) {
    bids.push({ price: mid.minus(tick.times(1 + 2 * i)), qty });
    asks.push({ price: mid.plus(tick.times(1 + 2 * i)), qty });
  }
  return { bids, asks };
}

export const FIXED_SYMBOLS = SPECS.map((s) => s.symbol);

export class FixedMarketSource implements MarketSource {
  readonly startMs: number;
  private readonly spotSpecs = SPECS.filter((s) => s.symbol !== 'PERPONLYUSDT');
  private readonly perpSpecs = SPECS.filter((s) => s.symbol !== 'SPOTONLYUSDT');
  private lastMs: number;

  constructor(startMs: number) {
    this.startMs = startMs;
    this.lastMs = startMs;
  }

  definitions(): { spot: readonly SimMarketDef[]; perp: readonly SimMarketDef[] } {
    return {
      spot: this.spotSpecs.map((s) => definition(s, 'spot')),
      perp: this.perpSpecs.map((s) => definition(s, 'perp')),
    };
  }

  advance(toMs: number): MarketState {
    if (toMs < this.lastMs) throw new RangeError(`time went back from ${this.lastMs} to ${toMs}`);
    this.lastMs = toMs;
    const spot = new Map<string, SpotQuote>();
    for (const s of this.spotSpecs) {
      spot.set(s.symbol, {
        symbol: s.symbol,
        book: book(s),
        lastPrice: dec(s.mid),
        volume24h: dec('1000'),
        quoteVolume24h: dec('1000').times(dec(s.mid)),
      });
    }
    const perp = new Map<string, PerpQuote>();
    for (const s of this.perpSpecs) {
      perp.set(s.symbol, {
        symbol: s.symbol,
        book: book(s),
        lastPrice: dec(s.mid),
        volume24h: dec('5000'),
        quoteVolume24h: dec('5000').times(dec(s.mid)),
        markPrice: dec(s.mid),
        indexPrice: dec(s.mid),
        fundingRate: dec(s.fundingRate),
      });
    }
    return { timeMs: toMs, spot, perp };
  }

  settlement(symbol: string, boundaryMs: number): FundingSettlement | null {
    const spec = this.perpSpecs.find((s) => s.symbol === symbol);
    return spec ? { fundingRate: dec(spec.fundingRate), fundingTimeMs: boundaryMs + 7 } : null;
  }

  priorFunding(symbol: string): readonly FundingRateRecord[] {
    const spec = this.perpSpecs.find((s) => s.symbol === symbol);
    if (!spec) return [];
    const intervalMs = spec.intervalHours * 3_600_000;
    const last = Math.floor(this.startMs / intervalMs) * intervalMs;
    const rows: FundingRateRecord[] = [];
    for (let i = 3; i >= 1; i--) {
      rows.push({ symbol, fundingRate: dec(spec.fundingRate), fundingTimeMs: last - (i - 1) * intervalMs + 4 });
    }
    return rows;
  }
}

export function midOf(symbol: string): Decimal {
  return dec(SPECS.find((s) => s.symbol === symbol)?.mid ?? '0');
}
