/**
 * The loop's reads of the exchange: the scan snapshot (plus, in MA mode, the funding histories of the
 * pairs that passed the cheap filters), the account, and the account's commission rates.
 *
 * Reads never trade, and a failed read never turns into a decision: the snapshot's failure ends the
 * iteration; a failed account read hands the strategy `account: null`, on which it only ever waits
 * (or honours a stop-loss, which needs a price, not the account).
 */
import type { Clock } from '../domain/clock.ts';
import type { FundingRateRecord, ScanSnapshot } from '../domain/market.ts';
import type { StrategyParams } from '../strategy/params.ts';
import { historyRequest, scanPairs } from '../strategy/scan.ts';
import type { AccountView, FeeRatesView } from '../strategy/state.ts';
import type { Venue } from '../venue/port.ts';

/** Funding-history requests in flight at once in MA mode. */
const HISTORY_CONCURRENCY = 4;

/**
 * One snapshot in a constant number of requests; in MA mode, then, one history request per pair that
 * passed the cheap filters (and the held symbol, which rotation compares against).
 */
export async function readScanSnapshot(
  venue: Venue,
  params: StrategyParams,
  heldSymbol: string | null,
): Promise<ScanSnapshot> {
  const snapshot = await venue.scanSnapshot();
  const wanted = historyRequest(snapshot, params, heldSymbol);
  if (wanted.symbols.length === 0) return snapshot;
  const histories = new Map<string, readonly FundingRateRecord[]>(snapshot.fundingHistory);
  const queue = [...wanted.symbols];
  const worker = async (): Promise<void> => {
    for (let symbol = queue.shift(); symbol !== undefined; symbol = queue.shift()) {
      histories.set(symbol, await venue.fundingHistory(symbol, wanted.limit));
    }
  };
  await Promise.all(Array.from({ length: Math.min(HISTORY_CONCURRENCY, queue.length) }, worker));
  return { ...snapshot, fundingHistory: histories };
}

/** Both wallets and every perp position, read together. */
export async function readAccount(venue: Venue): Promise<AccountView> {
  const [spotBalances, perpBalances, perpPositions] = await Promise.all([
    venue.spotBalances(),
    venue.perpBalances(),
    venue.perpPositions(),
  ]);
  return { spotBalances, perpBalances, perpPositions };
}

const FEE_RATES_TTL_MS = 3_600_000;

/**
 * The account's taker rates. Aster's fee tier is per account, so the rates of one pair stand for all;
 * they are read for the pair that matters this iteration (the held one, or the one about to be opened)
 * and kept for an hour. A failed read falls back to the strategy's `fallbackFeeRate` (null rates).
 */
export class FeeRates {
  readonly #venue: Venue;
  readonly #clock: Clock;
  #cached: { view: FeeRatesView; atMs: number } | null = null;

  constructor(venue: Venue, clock: Clock) {
    this.#venue = venue;
    this.#clock = clock;
  }

  async forSymbols(spotSymbol: string, perpSymbol: string): Promise<FeeRatesView> {
    const now = this.#clock.nowMs();
    if (this.#cached !== null && now - this.#cached.atMs < FEE_RATES_TTL_MS) return this.#cached.view;
    try {
      const [spot, perp] = await Promise.all([
        this.#venue.commissionRates('spot', spotSymbol),
        this.#venue.commissionRates('perp', perpSymbol),
      ]);
      const view: FeeRatesView = { spotTaker: spot.taker, perpTaker: perp.taker, spotCommissionInBase: true };
      this.#cached = { view, atMs: now };
      return view;
    } catch {
      return this.#cached?.view ?? { spotTaker: null, perpTaker: null, spotCommissionInBase: true };
    }
  }

  /** Rates for this iteration: the held pair's, else the scan's best pair's, else the cached ones. */
  async forIteration(
    snapshot: ScanSnapshot,
    params: StrategyParams,
    held: { symbol: string; spotSymbol: string } | null,
  ): Promise<FeeRatesView> {
    if (held !== null) return this.forSymbols(held.spotSymbol, held.symbol);
    const best = scanPairs(snapshot, params).best;
    if (best !== null) return this.forSymbols(best.pair.spotSymbol, best.pair.symbol);
    return this.#cached?.view ?? { spotTaker: null, perpTaker: null, spotCommissionInBase: true };
  }
}
