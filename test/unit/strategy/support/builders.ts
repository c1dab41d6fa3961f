/** Builders of realistic strategy inputs: markets with Aster-like filters, snapshots, accounts, positions. */
import type { PerpAssetBalance, PerpPosition, SpotBalance } from '../../../../src/domain/account.ts';
import { type Decimal, dec, ZERO } from '../../../../src/domain/decimal.ts';
import type {
  BookTop,
  FundingInfo,
  FundingRateRecord,
  MarketInfo,
  PremiumIndex,
  ScanSnapshot,
  SymbolFilters,
  Ticker24h,
} from '../../../../src/domain/market.ts';
import { DEFAULT_STRATEGY_PARAMS, type StrategyParams } from '../../../../src/strategy/params.ts';
import type { AccountView, HeldPosition, StrategyState } from '../../../../src/strategy/state.ts';

export const H = 3_600_000;
export const NOW = Date.UTC(2025, 9, 15, 12, 0, 0);

export function params(overrides: Partial<StrategyParams> = {}): StrategyParams {
  return { ...DEFAULT_STRATEGY_PARAMS, ...overrides };
}

export function filters(overrides: Partial<Record<keyof SymbolFilters, string>> = {}): SymbolFilters {
  const base: Record<keyof SymbolFilters, string> = {
    tickSize: '0.01',
    minPrice: '0.01',
    maxPrice: '1000000',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '1000',
    marketStepSize: '0.001',
    marketMinQty: '0.001',
    marketMaxQty: '1000',
    minNotional: '5',
    maxNotional: '0',
  };
  const merged = { ...base, ...overrides };
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, dec(v)])) as unknown as SymbolFilters;
}

export function market(
  kind: 'spot' | 'perp',
  symbol: string,
  baseAsset: string,
  options: { quoteAsset?: string; status?: string; contractType?: string; filters?: SymbolFilters } = {},
): MarketInfo {
  const m: MarketInfo = {
    market: kind,
    symbol,
    baseAsset,
    quoteAsset: options.quoteAsset ?? 'USDT',
    status: options.status ?? 'TRADING',
    filters: options.filters ?? filters(),
  };
  if (options.contractType !== undefined) m.contractType = options.contractType;
  else if (kind === 'perp') m.contractType = 'PERPETUAL';
  return m;
}

/** One pair's market data, in realistic magnitudes. */
export interface PairData {
  symbol: string;
  base: string;
  /** Per-interval funding rate. */
  rate: string;
  intervalHours?: number;
  price: string;
  /** Spot and perp 24 h quote volume; the defaults pass the $250M floor together. */
  spotVolume?: string;
  perpVolume?: string;
  /** Perp mid relative to spot, e.g. '1.001' for a 0.1 % premium. */
  perpPremium?: string;
  history?: string[];
  spotFilters?: SymbolFilters;
  perpFilters?: SymbolFilters;
  /** Leave out parts of the data to test fail-closed behaviour. */
  omit?: Array<'spotBook' | 'perpBook' | 'spotTicker' | 'perpTicker' | 'premium' | 'fundingInfo'>;
}

function book(symbol: string, mid: Decimal): BookTop {
  const half = mid.times('0.0001');
  return { symbol, bidPrice: mid.minus(half), bidQty: dec(10), askPrice: mid.plus(half), askQty: dec(10) };
}

export function snapshot(pairs: PairData[], extra: { timeMs?: number; markets?: MarketInfo[] } = {}): ScanSnapshot {
  const spotMarkets: MarketInfo[] = [];
  const perpMarkets: MarketInfo[] = [];
  const premiumIndex = new Map<string, PremiumIndex>();
  const fundingInfo = new Map<string, FundingInfo>();
  const spotTickers = new Map<string, Ticker24h>();
  const perpTickers = new Map<string, Ticker24h>();
  const spotBooks = new Map<string, BookTop>();
  const perpBooks = new Map<string, BookTop>();
  const fundingHistory = new Map<string, FundingRateRecord[]>();
  const timeMs = extra.timeMs ?? NOW;
  for (const p of pairs) {
    const omit = new Set(p.omit ?? []);
    const hours = p.intervalHours ?? 8;
    const price = dec(p.price);
    const perpMid = price.times(p.perpPremium ?? '1');
    spotMarkets.push(market('spot', p.symbol, p.base, p.spotFilters ? { filters: p.spotFilters } : {}));
    perpMarkets.push(market('perp', p.symbol, p.base, p.perpFilters ? { filters: p.perpFilters } : {}));
    if (!omit.has('premium')) {
      premiumIndex.set(p.symbol, {
        symbol: p.symbol,
        markPrice: perpMid,
        indexPrice: price,
        lastFundingRate: dec(p.rate),
        nextFundingTimeMs: Math.ceil(timeMs / (hours * H)) * hours * H,
        timeMs,
      });
    }
    if (!omit.has('fundingInfo')) {
      fundingInfo.set(p.symbol, {
        symbol: p.symbol,
        fundingIntervalHours: hours,
        fundingFeeCap: null,
        fundingFeeFloor: null,
      });
    }
    if (!omit.has('spotTicker')) {
      spotTickers.set(p.symbol, { symbol: p.symbol, quoteVolume: dec(p.spotVolume ?? '50000000') });
    }
    if (!omit.has('perpTicker')) {
      perpTickers.set(p.symbol, { symbol: p.symbol, quoteVolume: dec(p.perpVolume ?? '900000000') });
    }
    if (!omit.has('spotBook')) spotBooks.set(p.symbol, book(p.symbol, price));
    if (!omit.has('perpBook')) perpBooks.set(p.symbol, book(p.symbol, perpMid));
    if (p.history) {
      const n = p.history.length;
      fundingHistory.set(
        p.symbol,
        p.history.map((rate, i) => ({
          symbol: p.symbol,
          fundingRate: dec(rate),
          // Settled on the interval grid with a few ms of jitter, newest last.
          fundingTimeMs: Math.floor(timeMs / (hours * H)) * hours * H - (n - 1 - i) * hours * H + (i % 5) * 7,
        })),
      );
    }
  }
  for (const m of extra.markets ?? []) (m.market === 'spot' ? spotMarkets : perpMarkets).push(m);
  return {
    timeMs,
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

export function spotBalance(asset: string, free: string, locked = '0'): SpotBalance {
  return { asset, free: dec(free), locked: dec(locked) };
}

export function perpBalance(asset: string, wallet: string, available = wallet): PerpAssetBalance {
  return {
    asset,
    walletBalance: dec(wallet),
    crossWalletBalance: dec(wallet),
    crossUnPnl: ZERO,
    availableBalance: dec(available),
    maxWithdrawAmount: dec(available),
  };
}

export function perpPosition(
  symbol: string,
  amt: string,
  entry: string,
  mark: string,
  options: { leverage?: number; unrealized?: string } = {},
): PerpPosition {
  const amount = dec(amt);
  const unrealized = options.unrealized ?? amount.times(dec(mark).minus(entry)).toFixed();
  return {
    symbol,
    positionAmt: amount,
    entryPrice: dec(entry),
    markPrice: dec(mark),
    unrealizedProfit: dec(unrealized),
    liquidationPrice: ZERO,
    leverage: options.leverage ?? 1,
    marginType: 'cross',
    positionSide: 'BOTH',
    notional: amount.times(mark),
    updateTimeMs: NOW,
  };
}

export function account(
  spot: SpotBalance[],
  perp: PerpAssetBalance[] = [perpBalance('USDT', '0')],
  positions: PerpPosition[] = [],
): AccountView {
  return { spotBalances: spot, perpBalances: perp, perpPositions: positions };
}

export function heldPosition(overrides: Partial<HeldPosition> = {}): HeldPosition {
  return {
    symbol: 'ASTERUSDT',
    spotSymbol: 'ASTERUSDT',
    baseAsset: 'ASTER',
    quoteAsset: 'USDT',
    openedAtMs: NOW - 2 * H,
    leverage: 1,
    spotQty: dec('450.12'),
    perpQty: dec('450.12'),
    entryPrice: dec('1.94726'),
    spotEntryPrice: dec('1.94700'),
    notionalUsdt: dec('450.12').times('1.94726'),
    entryFeesUsdt: dec('0.65'),
    fundingReceivedUsdt: ZERO,
    entryAprPct: dec('11.17'),
    ...overrides,
  };
}

export function state(overrides: Partial<StrategyState> = {}): StrategyState {
  return {
    position: null,
    account: account([spotBalance('USDT', '500')], [perpBalance('USDT', '500')]),
    feeRates: { spotTaker: dec('0.0004'), perpTaker: dec('0.00035'), spotCommissionInBase: true },
    pendingClose: null,
    ...overrides,
  };
}
