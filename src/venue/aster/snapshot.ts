/**
 * The scan snapshot: every market datum one scan needs, in a number of requests that does not grow with the number
 * of pairs.
 *
 * The original bot asked for each symbol's premium index, funding interval and history one by one (N + 2 + 2V
 * requests per scan, 3N + 2 + 2V with the moving average). Every Aster market-data endpoint used here answers for
 * all symbols when called without one, so a scan is: premiumIndex, fundingInfo, two 24 h tickers and two book
 * tickers (six calls, all in flight at once), plus the two market lists, which come from the hourly cache. Only the
 * funding history has no all-symbols form; it is fetched just for the pairs the caller names (MA mode: the pairs
 * that passed the cheap filters), a few at a time.
 */
import type { FundingRateRecord, MarketInfo, ScanSnapshot } from '../../domain/market.ts';
import type { ScanSnapshotOptions } from '../port.ts';
import { AsterRequestError } from './errors.ts';
import { type AsterFuturesApi, MAX_PAGE_LIMIT } from './futures.ts';
import type { AsterSpotApi } from './spot.ts';

/** Rows per symbol when the caller does not say: Aster's own default for `fundingRate`. */
export const DEFAULT_FUNDING_HISTORY_LIMIT = 100;
/** Funding-history requests in flight at once: enough to hide latency, few enough to stay polite. */
export const DEFAULT_FUNDING_HISTORY_CONCURRENCY = 4;

export interface SnapshotSources {
  spotMarkets(): Promise<MarketInfo[]>;
  perpMarkets(): Promise<MarketInfo[]>;
  futures: Pick<
    AsterFuturesApi,
    'premiumIndexAll' | 'fundingInfoAll' | 'tickers24hAll' | 'bookTickersAll' | 'fundingRateHistory'
  >;
  spot: Pick<AsterSpotApi, 'tickers24hAll' | 'bookTickersAll'>;
  /** Estimated exchange time, used only when the premium index carries no time. */
  serverNowMs(): number;
}

export interface SnapshotTuning {
  fundingHistoryConcurrency: number;
}

/** Fetches the snapshot. Any failed request fails the whole snapshot: a scan never decides on partial data. */
export async function fetchScanSnapshot(
  sources: SnapshotSources,
  options: ScanSnapshotOptions = {},
  tuning: SnapshotTuning = { fundingHistoryConcurrency: DEFAULT_FUNDING_HISTORY_CONCURRENCY },
): Promise<ScanSnapshot> {
  const historySymbols = [...new Set(options.fundingHistoryFor ?? [])];
  const historyLimit = checkHistoryLimit(options.fundingHistoryLimit ?? DEFAULT_FUNDING_HISTORY_LIMIT);
  const wantHistory = historyLimit > 0 ? historySymbols : [];

  const [spotMarkets, perpMarkets, premium, fundingInfo, perpTickers, spotTickers, perpBooks, spotBooks, histories] =
    await Promise.all([
      sources.spotMarkets(),
      sources.perpMarkets(),
      sources.futures.premiumIndexAll(),
      sources.futures.fundingInfoAll(),
      sources.futures.tickers24hAll(),
      sources.spot.tickers24hAll(),
      sources.futures.bookTickersAll(),
      sources.spot.bookTickersAll(),
      mapWithConcurrency(wantHistory, tuning.fundingHistoryConcurrency, (symbol) =>
        sources.futures.fundingRateHistory(symbol, historyLimit),
      ),
    ]);

  const fundingHistory = new Map<string, readonly FundingRateRecord[]>();
  wantHistory.forEach((symbol, index) => {
    fundingHistory.set(symbol, histories[index] ?? []);
  });

  let timeMs = 0;
  for (const row of premium) timeMs = Math.max(timeMs, row.timeMs);

  return {
    // The exchange's own clock at the moment it computed the premium index: what funding timing is judged against.
    timeMs: timeMs > 0 ? timeMs : Math.floor(sources.serverNowMs()),
    spotMarkets,
    perpMarkets,
    premiumIndex: bySymbol(premium),
    fundingInfo: bySymbol(fundingInfo),
    spotTickers: bySymbol(spotTickers),
    perpTickers: bySymbol(perpTickers),
    spotBooks: bySymbol(spotBooks),
    perpBooks: bySymbol(perpBooks),
    fundingHistory,
  };
}

function checkHistoryLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_PAGE_LIMIT) {
    throw new AsterRequestError(
      'scan snapshot',
      'fundingHistoryLimit',
      `must be an integer from 0 to ${MAX_PAGE_LIMIT}`,
      limit,
    );
  }
  return limit;
}

function bySymbol<T extends { symbol: string }>(rows: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const row of rows) map.set(row.symbol, row);
  return map;
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results keep the order of `items`. The first
 * failure rejects the whole run and starts no further call.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
