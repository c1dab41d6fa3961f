/**
 * The live feed of paper mode: Aster's public market data poured into the simulator's market, so that the paper
 * account trades at live prices and is paid live funding.
 *
 * At start, one scan snapshot (exchange info of both markets, premium index, fundingInfo, 24 h tickers, book
 * tickers) lists the live pairs and builds the paper market from them (mapping.ts). Then:
 * - every `refreshIntervalMs` one more snapshot, a constant number of all-symbol requests whatever the number of
 *   pairs (the market lists themselves come from the venue's hourly cache), refreshes every price, book, funding
 *   rate and volume;
 * - the symbols the paper account holds a perp position in follow Aster's mark-price stream (one update a second),
 *   so the bot's stop-loss watches a live mark, not one up to a refresh old;
 * - a failed refresh is logged and the next tick tries again. After `staleAfterMs` without a successful refresh
 *   the feed reports itself stale (the engine then stops trading: link.ts) until a refresh succeeds again;
 * - a pair that leaves the live lists, halts, or loses its quotes is suspended: the paper exchange lists it with a
 *   non-trading status and refuses its orders, as Aster would, until it trades live again. Pairs listed after the
 *   start join at the next start (the paper market's symbol set is fixed for its lifetime), and so do changed filters.
 */
import type { Clock } from '../../domain/clock.ts';
import type { FundingRateRecord, ScanSnapshot } from '../../domain/market.ts';
import { DnfarmError, describeError } from '../../errors.ts';
import { ManualMarketSource, type ManualSymbol } from '../../sim/market/index.ts';
import type { MarkPriceUpdate, Subscription, Venue } from '../../venue/port.ts';
import type { Logger } from '../execution/index.ts';
import {
  applyBooksAndVolumes,
  applyMark,
  delistedReason,
  type LiveMark,
  type LiveQuote,
  liveQuoteOf,
  manualSymbolOf,
  type PaperPair,
  paperPairs,
} from './mapping.ts';

/** What the feed reads from the live exchange: public data only. */
export type LiveMarketData = Pick<Venue, 'scanSnapshot' | 'fundingHistory' | 'subscribeMarkPrice'>;

export interface LiveFeedSettings {
  /**
   * Between two snapshots. Default 5 s: by Aster's published weights a snapshot costs 44 on futures and 42 on spot,
   * so about 530 of the 2400 a minute futures allows.
   */
  refreshIntervalMs: number;
  /** Without a successful refresh for this long, the feed is stale and trading pauses. Default 60 s. */
  staleAfterMs: number;
  /** How often the feed looks at its age and at the held symbols. Default 1 s. */
  watchIntervalMs: number;
  /**
   * Settled rates read per pair at start, so that the moving average (`use_funding_ma`) has its history from the
   * first scan; 0 (the default) reads none. This is one request per pair, once.
   */
  fundingHistoryLimit: number;
}

export const DEFAULT_FEED_SETTINGS: Readonly<LiveFeedSettings> = Object.freeze({
  refreshIntervalMs: 5_000,
  staleAfterMs: 60_000,
  watchIntervalMs: 1_000,
  fundingHistoryLimit: 0,
});

/** History requests in flight at once at start: quick, and far below Aster's limits. */
const HISTORY_CONCURRENCY = 4;

/** What the feed tells its listeners. */
export type FeedNotice =
  | { type: 'stale'; lastRefreshMs: number; staleForMs: number }
  | { type: 'fresh'; staleForMs: number }
  | { type: 'suspended'; symbol: string; reason: string; held: boolean }
  | { type: 'resumed'; symbol: string };

export type FeedListener = (notice: FeedNotice) => void;

export interface LiveFeedOptions {
  live: LiveMarketData;
  /** Wall time: freshness is real age, whatever the exchange's clock says. */
  clock: Pick<Clock, 'nowMs'>;
  logger: Logger;
  settings?: Partial<LiveFeedSettings>;
}

/** The live market could not be read at start, or lists nothing the paper market could trade. */
export class PaperFeedError extends DnfarmError {
  override name = 'PaperFeedError';
}

interface PaperSymbol {
  pair: PaperPair;
  intervalHours: number;
  suspended: string | null;
  /** Exchange time of the mark last applied, so an older snapshot never overwrites a newer stream update. */
  markTimeMs: number;
}

export class LiveFeed {
  /** The paper market: hand it to the simulator. */
  readonly source: ManualMarketSource;
  readonly #live: LiveMarketData;
  readonly #clock: Pick<Clock, 'nowMs'>;
  readonly #log: Logger;
  readonly #settings: LiveFeedSettings;
  readonly #symbols: Map<string, PaperSymbol>;
  readonly #listeners = new Set<FeedListener>();
  readonly #marks = new Map<string, Promise<Subscription | null>>();
  readonly #announcedListings = new Set<string>();
  #lastRefreshMs: number;
  #lastAttemptMs: number;
  #refreshing: Promise<boolean> | null = null;
  #stale = false;
  #timer: ReturnType<typeof setInterval> | null = null;
  #held: () => readonly string[] = () => [];
  #closed = false;

  private constructor(
    options: LiveFeedOptions,
    settings: LiveFeedSettings,
    source: ManualMarketSource,
    symbols: Map<string, PaperSymbol>,
  ) {
    this.#live = options.live;
    this.#clock = options.clock;
    this.#log = options.logger;
    this.#settings = settings;
    this.source = source;
    this.#symbols = symbols;
    this.#lastRefreshMs = options.clock.nowMs();
    this.#lastAttemptMs = this.#lastRefreshMs;
  }

  /** Reads the live market once and builds the paper market from it. Nothing runs until `start`. */
  static async open(options: LiveFeedOptions): Promise<LiveFeed> {
    const settings = { ...DEFAULT_FEED_SETTINGS, ...options.settings };
    const log = options.logger;
    let snapshot: ScanSnapshot;
    try {
      snapshot = await options.live.scanSnapshot();
    } catch (error) {
      throw new PaperFeedError(`paper mode could not read the live market: ${describeError(error)}`, {
        kind: 'retryable',
        cause: error,
      });
    }
    const { pairs, skipped } = paperPairs(snapshot.spotMarkets, snapshot.perpMarkets);
    for (const s of skipped) log.debug({ symbol: s.symbol, reason: s.reason }, 'paper: live listing not traded');
    const specs: ManualSymbol[] = [];
    const symbols = new Map<string, PaperSymbol>();
    const quotes = new Map<string, LiveQuote>();
    for (const pair of pairs) {
      const quote = liveQuoteOf(snapshot, pair.symbol);
      if (typeof quote === 'string') {
        log.info({ symbol: pair.symbol, reason: quote }, 'paper: live pair left out: no usable quote at start');
        continue;
      }
      quotes.set(pair.symbol, quote);
      specs.push(manualSymbolOf(pair, quote));
      symbols.set(pair.symbol, { pair, intervalHours: quote.fundingIntervalHours, suspended: null, markTimeMs: 0 });
    }
    if (symbols.size === 0) {
      throw new PaperFeedError(
        `the live market lists no pair trading on both spot and perp with usable quotes (${pairs.length} pairs, ` +
          `${snapshot.perpMarkets.length} perp and ${snapshot.spotMarkets.length} spot listings): nothing to paper-trade`,
      );
    }
    const priorFunding = await readPriorFunding(options.live, [...symbols.keys()], settings.fundingHistoryLimit);
    const source = new ManualMarketSource({ startMs: options.clock.nowMs(), symbols: specs, priorFunding });
    const feed = new LiveFeed(options, settings, source, symbols);
    for (const [symbol, quote] of quotes) {
      const paper = symbols.get(symbol);
      if (paper !== undefined) feed.#applyQuote(paper, quote);
    }
    log.info({ pairs: symbols.size, skipped: skipped.length }, 'paper: live market loaded');
    return feed;
  }

  /** The paper market's symbols (perp symbols; the spot symbols are the same). */
  get symbols(): readonly string[] {
    return [...this.#symbols.keys()];
  }

  /** Wall time of the last successful refresh (or of the start). */
  get lastRefreshMs(): number {
    return this.#lastRefreshMs;
  }

  get stale(): boolean {
    return this.#stale;
  }

  /** The suspended symbols and why. */
  suspended(): ReadonlyMap<string, string> {
    const out = new Map<string, string>();
    for (const [symbol, s] of this.#symbols) if (s.suspended !== null) out.set(symbol, s.suspended);
    return out;
  }

  subscribe(listener: FeedListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Starts the timers. `held()` names the perp symbols the paper account holds (their marks are streamed). */
  start(held: () => readonly string[]): void {
    if (this.#timer !== null || this.#closed) return;
    this.#held = held;
    this.#timer = setInterval(() => {
      void this.tick();
    }, this.#settings.watchIntervalMs);
    this.#timer.unref?.();
  }

  /** One look: freshness, a refresh when due, the mark streams of the held symbols. Never throws. */
  async tick(): Promise<void> {
    if (this.#closed) return;
    this.checkFreshness();
    const now = this.#clock.nowMs();
    const refresh =
      this.#refreshing === null && now - this.#lastAttemptMs >= this.#settings.refreshIntervalMs
        ? this.refresh()
        : Promise.resolve(true);
    await Promise.all([refresh, this.syncMarkStreams()]);
  }

  /** Reports the feed stale once it has gone `staleAfterMs` without a successful refresh. */
  checkFreshness(): void {
    if (this.#stale || this.#closed) return;
    const staleForMs = this.#clock.nowMs() - this.#lastRefreshMs;
    if (staleForMs <= this.#settings.staleAfterMs) return;
    this.#stale = true;
    this.#log.warn({ staleForMs, lastRefreshMs: this.#lastRefreshMs }, 'paper: live prices are stale');
    this.#notify({ type: 'stale', lastRefreshMs: this.#lastRefreshMs, staleForMs });
  }

  /** One snapshot applied to the paper market; false when it could not be read (logged, retried next tick). */
  refresh(): Promise<boolean> {
    if (this.#refreshing !== null) return this.#refreshing;
    this.#lastAttemptMs = this.#clock.nowMs();
    const run = this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    this.#refreshing = run;
    return run;
  }

  async #refresh(): Promise<boolean> {
    let snapshot: ScanSnapshot;
    try {
      snapshot = await this.#live.scanSnapshot();
    } catch (error) {
      this.#log.warn(
        { err: describeError(error), staleForMs: this.#clock.nowMs() - this.#lastRefreshMs },
        'paper: live refresh failed; retrying at the next tick',
      );
      return false;
    }
    if (this.#closed) return false;
    const listed = new Map(paperPairs(snapshot.spotMarkets, snapshot.perpMarkets).pairs.map((p) => [p.symbol, p]));
    const held = new Set(this.#heldNow());
    for (const [symbol, paper] of this.#symbols) {
      const quote = listed.has(symbol) ? liveQuoteOf(snapshot, symbol) : delistedReason(symbol, snapshot);
      if (typeof quote === 'string') {
        this.#suspend(paper, quote, held.has(symbol));
        continue;
      }
      this.#resume(paper);
      this.#applyQuote(paper, quote);
    }
    for (const symbol of listed.keys()) {
      if (this.#symbols.has(symbol) || this.#announcedListings.has(symbol)) continue;
      this.#announcedListings.add(symbol);
      this.#log.info({ symbol }, 'paper: new live pair; the paper market lists it from the next start');
    }
    const now = this.#clock.nowMs();
    const staleForMs = now - this.#lastRefreshMs;
    this.#lastRefreshMs = now;
    if (this.#stale) {
      this.#stale = false;
      this.#log.info({ staleForMs }, 'paper: live prices fresh again');
      this.#notify({ type: 'fresh', staleForMs });
    }
    return true;
  }

  /** Streams the marks of the held symbols; stops streaming the ones no longer held. */
  async syncMarkStreams(): Promise<void> {
    if (this.#closed) return;
    const wanted = new Set(this.#heldNow().filter((symbol) => this.#symbols.has(symbol)));
    const closing: Promise<void>[] = [];
    for (const [symbol, pending] of this.#marks) {
      if (wanted.has(symbol)) continue;
      this.#marks.delete(symbol);
      closing.push(pending.then((sub) => sub?.close()).catch(() => {}));
    }
    for (const symbol of wanted) {
      if (this.#marks.has(symbol)) continue;
      const pending = this.#live
        .subscribeMarkPrice(symbol, { onEvent: (update) => this.#onMark(update) })
        .catch((error: unknown) => {
          // Forgotten, so the next tick subscribes again; the snapshot keeps the mark at most a refresh old.
          this.#marks.delete(symbol);
          this.#log.warn({ symbol, err: describeError(error) }, 'paper: live mark stream unavailable');
          return null;
        });
      this.#marks.set(symbol, pending);
      this.#log.info({ symbol }, 'paper: streaming the live mark of a held symbol');
    }
    await Promise.all(closing);
  }

  #heldNow(): readonly string[] {
    try {
      return this.#held();
    } catch (error) {
      this.#log.warn({ err: describeError(error) }, 'paper: could not list the held symbols');
      return [];
    }
  }

  #onMark(update: MarkPriceUpdate): void {
    const paper = this.#symbols.get(update.symbol);
    if (paper === undefined || paper.suspended !== null || this.#closed) return;
    this.#applyMark(paper, {
      markPrice: update.markPrice,
      indexPrice: update.indexPrice,
      fundingRate: update.fundingRate,
      nextFundingTimeMs: update.nextFundingTimeMs,
      timeMs: update.eventTimeMs,
    });
  }

  /** Applies a mark (and its funding rate) unless a newer one was applied already. */
  #applyMark(paper: PaperSymbol, mark: LiveMark): void {
    if (mark.timeMs < paper.markTimeMs) return;
    applyMark(this.source, paper.pair.symbol, mark, paper.intervalHours);
    paper.markTimeMs = mark.timeMs;
  }

  /** A snapshot's figures: books and volumes always, the mark only if it is the newest seen. */
  #applyQuote(paper: PaperSymbol, quote: LiveQuote): void {
    this.#applyMark(paper, quote.mark);
    applyBooksAndVolumes(this.source, paper.pair, quote);
  }

  #suspend(paper: PaperSymbol, reason: string, held: boolean): void {
    if (paper.suspended === reason) return;
    const first = paper.suspended === null;
    paper.suspended = reason;
    this.source.setStatus(paper.pair.symbol, 'BREAK');
    this.#log.warn({ symbol: paper.pair.symbol, reason, held }, 'paper: symbol suspended');
    if (first) this.#notify({ type: 'suspended', symbol: paper.pair.symbol, reason, held });
  }

  #resume(paper: PaperSymbol): void {
    if (paper.suspended === null) return;
    paper.suspended = null;
    this.source.setStatus(paper.pair.symbol, 'TRADING');
    this.#log.info({ symbol: paper.pair.symbol }, 'paper: symbol trades live again');
    this.#notify({ type: 'resumed', symbol: paper.pair.symbol });
  }

  #notify(notice: FeedNotice): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(notice);
      } catch (error) {
        this.#log.warn({ err: describeError(error), notice: notice.type }, 'paper: feed listener failed');
      }
    }
  }

  /** Stops the timers and the mark streams. The live venue belongs to the caller. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    const pending = [...this.#marks.values()];
    this.#marks.clear();
    await Promise.all(pending.map((p) => p.then((sub) => sub?.close()).catch(() => {})));
    await this.#refreshing?.catch(() => false);
  }
}

async function readPriorFunding(
  live: LiveMarketData,
  symbols: readonly string[],
  limit: number,
): Promise<Record<string, readonly FundingRateRecord[]>> {
  const out: Record<string, readonly FundingRateRecord[]> = {};
  if (limit <= 0) return out;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < symbols.length) {
      const symbol = symbols[next++] as string;
      try {
        out[symbol] = await live.fundingHistory(symbol, limit);
      } catch (error) {
        throw new PaperFeedError(
          `paper mode could not read the funding history of ${symbol}: ${describeError(error)}`,
          {
            kind: 'retryable',
            cause: error,
          },
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HISTORY_CONCURRENCY, symbols.length) }, worker));
  return out;
}
