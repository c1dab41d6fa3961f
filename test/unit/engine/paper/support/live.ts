/**
 * A live market in memory for the feed's tests: scan snapshots built from a few lines per pair, a stand-in for the
 * public Aster venue that counts what it is asked, a hand-moved wall clock and a logger that keeps its lines.
 */
import { dec } from '../../../../../src/domain/decimal.ts';
import type {
  BookTop,
  FundingRateRecord,
  MarketInfo,
  ScanSnapshot,
  SymbolFilters,
} from '../../../../../src/domain/market.ts';
import type { LiveMarketData } from '../../../../../src/engine/paper/index.ts';
import type { MarkPriceUpdate, StreamHandlers, Subscription } from '../../../../../src/venue/port.ts';

/** 2025-01-01 01:00 UTC: the next 8 h boundary is 08:00. */
export const T0 = Date.UTC(2025, 0, 1, 1);
export const HOUR = 3_600_000;
export const NEXT_BOUNDARY = Date.UTC(2025, 0, 1, 8);

export function filters(tick: string, step: string, minNotional = '5'): SymbolFilters {
  return {
    tickSize: dec(tick),
    minPrice: dec(tick),
    maxPrice: dec(1_000_000),
    stepSize: dec(step),
    minQty: dec(step),
    maxQty: dec(1_000_000),
    marketStepSize: dec(step),
    marketMinQty: dec(step),
    marketMaxQty: dec(100_000),
    minNotional: dec(minNotional),
    maxNotional: dec(0),
  };
}

export interface LivePair {
  base: string;
  mark: string;
  /** Default 0.0001. */
  rate?: string;
  /** Books: default mark ± 0.01 on both markets. */
  spotBid?: string;
  spotAsk?: string;
  perpBid?: string;
  perpAsk?: string;
  /** Listed on spot / perp (default both), and the perp's status (default TRADING). */
  spot?: boolean;
  perp?: boolean;
  perpStatus?: string;
  /** No premium index row (a symbol the exchange stopped quoting). */
  noPremium?: boolean;
  intervalHours?: number;
  spotVolume?: string;
  perpVolume?: string;
}

export const SPOT_FILTERS = filters('0.01', '0.001');
export const PERP_FILTERS = filters('0.01', '0.01');

function market(kind: 'spot' | 'perp', pair: LivePair, status: string): MarketInfo {
  return {
    market: kind,
    symbol: `${pair.base}USDT`,
    baseAsset: pair.base,
    quoteAsset: 'USDT',
    status,
    ...(kind === 'perp' ? { contractType: 'PERPETUAL' } : {}),
    filters: kind === 'spot' ? SPOT_FILTERS : PERP_FILTERS,
  };
}

function top(symbol: string, bid: string, ask: string, qty: string): BookTop {
  return { symbol, bidPrice: dec(bid), bidQty: dec(qty), askPrice: dec(ask), askQty: dec(qty) };
}

/** One scan snapshot of the live exchange at `timeMs`, funding predicted for `nextFundingTimeMs`. */
export function liveSnapshot(
  pairs: readonly LivePair[],
  timeMs: number,
  nextFundingTimeMs: number = NEXT_BOUNDARY,
): ScanSnapshot {
  const snapshot = {
    timeMs,
    spotMarkets: [] as MarketInfo[],
    perpMarkets: [] as MarketInfo[],
    premiumIndex: new Map(),
    fundingInfo: new Map(),
    spotTickers: new Map(),
    perpTickers: new Map(),
    spotBooks: new Map(),
    perpBooks: new Map(),
    fundingHistory: new Map(),
  } satisfies ScanSnapshot;
  for (const pair of pairs) {
    const symbol = `${pair.base}USDT`;
    const mark = dec(pair.mark);
    const low = mark.minus('0.01').toFixed();
    const high = mark.plus('0.01').toFixed();
    if (pair.spot !== false) {
      snapshot.spotMarkets.push(market('spot', pair, 'TRADING'));
      snapshot.spotBooks.set(symbol, top(symbol, pair.spotBid ?? low, pair.spotAsk ?? high, '500'));
      snapshot.spotTickers.set(symbol, { symbol, quoteVolume: dec(pair.spotVolume ?? '100000000') });
    }
    if (pair.perp !== false) {
      snapshot.perpMarkets.push(market('perp', pair, pair.perpStatus ?? 'TRADING'));
      snapshot.perpBooks.set(symbol, top(symbol, pair.perpBid ?? low, pair.perpAsk ?? high, '400'));
      snapshot.perpTickers.set(symbol, { symbol, quoteVolume: dec(pair.perpVolume ?? '500000000') });
      snapshot.fundingInfo.set(symbol, {
        symbol,
        fundingIntervalHours: pair.intervalHours ?? 8,
        fundingFeeCap: null,
        fundingFeeFloor: null,
      });
      if (pair.noPremium !== true) {
        snapshot.premiumIndex.set(symbol, {
          symbol,
          markPrice: mark,
          indexPrice: mark.minus('0.05'),
          lastFundingRate: dec(pair.rate ?? '0.0001'),
          nextFundingTimeMs,
          timeMs,
        });
      }
    }
  }
  return snapshot;
}

/** The public venue as the feed sees it: answers with `snapshot` (or fails with `failure`) and counts the calls. */
export class FakeLive implements LiveMarketData {
  snapshot: ScanSnapshot;
  failure: Error | null = null;
  snapshotCalls = 0;
  readonly historyCalls: string[] = [];
  readonly history = new Map<string, FundingRateRecord[]>();
  readonly streams = new Map<string, { handlers: StreamHandlers<MarkPriceUpdate>; closed: boolean }>();

  constructor(snapshot: ScanSnapshot) {
    this.snapshot = snapshot;
  }

  async scanSnapshot(): Promise<ScanSnapshot> {
    this.snapshotCalls += 1;
    if (this.failure !== null) throw this.failure;
    return this.snapshot;
  }

  async fundingHistory(symbol: string, limit: number): Promise<FundingRateRecord[]> {
    this.historyCalls.push(symbol);
    return (this.history.get(symbol) ?? []).slice(-limit);
  }

  async subscribeMarkPrice(symbol: string, handlers: StreamHandlers<MarkPriceUpdate>): Promise<Subscription> {
    const stream = { handlers, closed: false };
    this.streams.set(symbol, stream);
    return {
      close: async () => {
        stream.closed = true;
      },
    };
  }

  /** Sends one mark-price stream update for `symbol`. */
  pushMark(update: MarkPriceUpdate): void {
    const stream = this.streams.get(update.symbol);
    if (stream === undefined || stream.closed) throw new Error(`no open mark stream for ${update.symbol}`);
    stream.handlers.onEvent(update);
  }
}

export class WallClock {
  constructor(public ms: number) {}
  nowMs(): number {
    return this.ms;
  }
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

export function memoryLogger(): {
  lines: LogLine[];
  logger: Record<LogLine['level'], (obj: object, msg: string) => void>;
} {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}
