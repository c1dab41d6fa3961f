/**
 * Which pairs a decision needs to see. The strategy's scan picks the best eligible pair (and, holding one, the best
 * OTHER eligible pair and the held pair's own APR): every other pair cannot change the decision. Scanning a hundred
 * pairs at every step would cost far more than the step itself, so the replay hands `decide` only
 *   - the held pair, and
 *   - the pairs ranked highest by the same ranking APR the scan uses, among those that can pass its filters.
 *
 * Why the decision is the one a full scan would give:
 * - Ranking keys are floats derived from the exact decimals. Float conversion never reverses an order, so the exact
 *   top pairs are always among the float top pairs, provided near-ties at the cut-off are kept too (a relative band
 *   of 1e-9 covers the few ulps of rounding).
 * - The pre-filter is looser than the scan: it drops only what the scan must drop (negative rate, APR below the
 *   minimum, too little history for the MA, an excluded symbol, not listed). The scan then applies every filter
 *   exactly, in `decide`.
 * - So if the scan finds one eligible pair among the candidates other than the held one, the true best pairs are
 *   among them. If it finds none while more candidates exist, the caller asks again with twice as many
 *   (`selectCandidates` with a larger `count`) until the scan finds one or the candidates run out.
 * Tests hold the replay to this: a decision on the candidates equals the decision on every pair.
 */
import { type Decimal, ZERO } from '../domain/decimal.ts';
import { fundingAprPct } from '../domain/funding.ts';
import type { StrategyParams } from '../strategy/params.ts';
import { decimalToFloat } from './float.ts';
import type { ReplayMarket, Track } from './market.ts';

const APR_PER_RATE_HOUR = 24 * 365 * 100;
const RELATIVE_BAND = 1e-9;
const ABSOLUTE_BAND = 1e-12;

export interface Candidates {
  /** The held pair's track first (when there is one), then the candidates. */
  readonly tracks: readonly Track[];
  /** True when every pair that may pass the filters is among them. */
  readonly complete: boolean;
  /** Changes whenever the candidates or the state of one of them changes. */
  readonly signature: string;
}

interface MaWindow {
  /** `sum` covers the settled rows [end − (periods − 1), end). */
  end: number;
  sum: Decimal | null;
}

function lowerBound(key: number): number {
  return key - Math.abs(key) * RELATIVE_BAND - ABSOLUTE_BAND;
}

export class Ranking {
  readonly #market: ReplayMarket;
  readonly #params: StrategyParams;
  readonly #minAprFloor: number;
  /** False when the pairs' volume is below the filter: no pair can ever pass. */
  readonly #volumeOk: boolean;
  /** Per track: excluded by the config. */
  readonly #excluded: Uint8Array;
  /** Per track: the state version the cached key belongs to, and the key. */
  readonly #versions: Int32Array;
  readonly #keys: Float64Array;
  readonly #windows: MaWindow[];
  /** Reused per selection: the best keys so far, descending. */
  readonly #best: number[] = [];

  constructor(market: ReplayMarket, params: StrategyParams) {
    this.#market = market;
    this.#params = params;
    this.#minAprFloor = lowerBound(params.minFundingAprPct.toNumber());
    this.#volumeOk = market.combinedQuoteVolume.greaterThanOrEqualTo(params.minVolumeUsdt);
    const excluded = new Set(params.excludeSymbols.map((s) => s.toUpperCase()));
    const count = market.tracks.length;
    this.#excluded = Uint8Array.from(market.tracks, (t) => (excluded.has(t.symbol.toUpperCase()) ? 1 : 0));
    this.#versions = new Int32Array(count).fill(-1);
    this.#keys = new Float64Array(count);
    this.#windows = market.tracks.map(() => ({ end: 0, sum: null }));
  }

  /** Settled rates the MA needs (0 outside MA mode): what the snapshot's history must hold. */
  get historyLimit(): number {
    return this.#params.useFundingMa ? this.#params.fundingMaPeriods - 1 : 0;
  }

  /** The exact MA ranking APR, or null with too little history (the scan's own rule). */
  #maApr(track: Track): Decimal | null {
    const periods = this.#params.fundingMaPeriods;
    const needed = periods - 1;
    const settled = track.settled;
    if (settled < needed) return null;
    const rates = track.series.rates;
    const window = this.#windows[track.index] as MaWindow;
    let sum = window.sum;
    if (sum === null || settled - window.end > needed) {
      // First use, or a jump longer than the window: sum the newest rows afresh.
      sum = ZERO;
      for (let i = settled - needed; i < settled; i++) sum = sum.plus(rates[i] as Decimal);
      window.end = settled;
    }
    // Slide forward over what settled since. Rates are short decimals and the sum stays far below 40
    // significant digits, so sliding gives exactly the scan's sum.
    for (; window.end < settled; window.end++) {
      sum = sum.plus(rates[window.end] as Decimal).minus(rates[window.end - needed] as Decimal);
    }
    window.sum = sum;
    const current = rates[track.rateRow] as Decimal;
    const ma = sum.plus(current).div(periods);
    return fundingAprPct(ma, track.series.rowIntervalHours[track.rateRow] as number);
  }

  /** The pair's ranking key in its current state, NaN when it cannot pass the scan's filters. */
  #key(track: Track): number {
    const i = track.index;
    if (this.#versions[i] === track.version) return this.#keys[i] as number;
    const row = track.rateRow;
    const rate = track.series.rateFloats[row] as number;
    let key = Number.NaN;
    if (rate >= 0) {
      if (this.#params.useFundingMa) {
        const apr = this.#maApr(track);
        if (apr !== null) key = decimalToFloat(apr);
      } else {
        key = (rate * APR_PER_RATE_HOUR) / (track.series.rowIntervalHours[row] as number);
      }
      if (!(key >= this.#minAprFloor)) key = Number.NaN;
    }
    this.#versions[i] = track.version;
    this.#keys[i] = key;
    return key;
  }

  /** The held pair and every other listed pair, excluded ones too: what the exchange itself lists. */
  everyPair(held: Track | null): Candidates {
    const now = this.#market.timeMs;
    const chosen: Track[] = held === null ? [] : [held];
    for (const track of this.#market.tracks) {
      if (track === held) continue;
      if (now >= track.listedFromMs && now <= track.listedUntilMs) chosen.push(track);
    }
    return { tracks: chosen, complete: true, signature: '' };
  }

  /**
   * The held pair (if any) and the `count` highest-ranked pairs that may pass the filters, with every near-tie of
   * the last one. Call after the market has been advanced to the decision's time.
   */
  select(held: Track | null, count: number): Candidates {
    const tracks = this.#market.tracks;
    const now = this.#market.timeMs;
    const keys = this.#keys;
    const best = this.#best;
    best.length = 0;
    let eligible = 0;
    if (this.#volumeOk) {
      for (let i = 0; i < tracks.length; i++) {
        const track = tracks[i] as Track;
        if (track === held || this.#excluded[i] === 1 || now < track.listedFromMs || now > track.listedUntilMs) {
          continue;
        }
        const key = this.#key(track);
        if (Number.isNaN(key)) continue;
        eligible++;
        if (best.length < count) {
          let at = best.length;
          best.push(key);
          while (at > 0 && (best[at - 1] as number) < key) {
            best[at] = best[at - 1] as number;
            at--;
          }
          best[at] = key;
        } else if (key > (best[count - 1] as number)) {
          let at = count - 1;
          while (at > 0 && (best[at - 1] as number) < key) {
            best[at] = best[at - 1] as number;
            at--;
          }
          best[at] = key;
        }
      }
    }
    const chosen: Track[] = held === null ? [] : [held];
    let signature = held === null ? '' : `${held.index}:${held.version},`;
    if (best.length > 0) {
      const cut = best.length < count ? Number.NEGATIVE_INFINITY : lowerBound(best[best.length - 1] as number);
      for (let i = 0; i < tracks.length; i++) {
        const track = tracks[i] as Track;
        // The keys of every open pair were refreshed above; a stale one belongs to a pair that is not open.
        if (track === held || this.#versions[i] !== track.version) continue;
        const key = keys[i] as number;
        if (key >= cut && this.#excluded[i] === 0 && now >= track.listedFromMs && now <= track.listedUntilMs) {
          chosen.push(track);
          signature += `${i}:${track.version},`;
        }
      }
    }
    const candidates = held === null ? chosen.length : chosen.length - 1;
    return { tracks: chosen, complete: candidates >= eligible, signature };
  }
}
