/**
 * Net delta of the bot's account on the simulator, per base asset: spot held (above the dust left by earlier
 * positions) against the perp short. A symbol is exposed when the two differ by more than one lot step of the
 * pair (the larger of the two markets' market-order steps), and the monitor measures, in wall time, how long each
 * exposure lasts: invariant 1 allows it only up to `leg_timeout_ms`.
 */
import { type Decimal, ZERO } from '../../../src/domain/decimal.ts';
import type { SimulatorHandle } from '../../../src/sim/index.ts';

export interface PairStep {
  symbol: string;
  baseAsset: string;
  stepSize: Decimal;
}

export function pairSteps(sim: SimulatorHandle): PairStep[] {
  const { spot, perp } = sim.engine.definitions();
  const out: PairStep[] = [];
  for (const p of perp) {
    const s = spot.find((d) => d.baseAsset === p.baseAsset && d.quoteAsset === p.quoteAsset);
    if (s === undefined) continue;
    const a = s.filters.marketStepSize;
    const b = p.filters.marketStepSize;
    out.push({ symbol: p.symbol, baseAsset: p.baseAsset, stepSize: a.greaterThan(b) ? a : b });
  }
  return out;
}

export interface Exposure {
  symbol: string;
  spotAboveDust: Decimal;
  perpShort: Decimal;
  delta: Decimal;
}

export class ExposureMonitor {
  readonly #sim: SimulatorHandle;
  readonly #account: string;
  readonly #pairs: PairStep[];
  /** Spot left over by closed positions (below a step each), per base asset. */
  readonly #dust = new Map<string, Decimal>();
  /** Wall ms at which each symbol's current exposure began. */
  readonly #since = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | null = null;
  /** Longest exposure seen per symbol, wall ms. */
  readonly longestMs = new Map<string, number>();
  samples = 0;

  constructor(sim: SimulatorHandle, account: string) {
    this.#sim = sim;
    this.#account = account;
    this.#pairs = pairSteps(sim);
  }

  #spot(asset: string): Decimal {
    const row = this.#sim.engine.spotAccount(this.#account).balances.find((b) => b.asset === asset);
    return row === undefined ? ZERO : row.free.plus(row.locked);
  }

  #perpShort(symbol: string): Decimal {
    const rows = this.#sim.engine.positionRisk(this.#account, symbol);
    if (!rows.ok) return ZERO;
    const amt = rows.value.reduce((sum, p) => sum.plus(p.positionAmt), ZERO);
    return amt.negated();
  }

  exposures(): Exposure[] {
    const out: Exposure[] = [];
    for (const pair of this.#pairs) {
      const spotAboveDust = this.#spot(pair.baseAsset).minus(this.#dust.get(pair.baseAsset) ?? ZERO);
      const perpShort = this.#perpShort(pair.symbol);
      const delta = spotAboveDust.minus(perpShort);
      if (delta.abs().greaterThan(pair.stepSize)) out.push({ symbol: pair.symbol, spotAboveDust, perpShort, delta });
    }
    return out;
  }

  /**
   * At a quiet point (the loop asleep): a flat symbol's spot below one step above the previous dust becomes the
   * new dust level. Anything larger stays exposure. Returns the exposures found.
   */
  settle(): Exposure[] {
    for (const pair of this.#pairs) {
      if (!this.#perpShort(pair.symbol).isZero()) continue;
      const held = this.#spot(pair.baseAsset);
      const dust = this.#dust.get(pair.baseAsset) ?? ZERO;
      if (held.minus(dust).abs().lessThanOrEqualTo(pair.stepSize)) this.#dust.set(pair.baseAsset, held);
    }
    return this.exposures();
  }

  sample(): void {
    const now = performance.now();
    this.samples++;
    const exposed = new Set(this.exposures().map((e) => e.symbol));
    for (const symbol of exposed) {
      const since = this.#since.get(symbol) ?? now;
      this.#since.set(symbol, since);
      this.longestMs.set(symbol, Math.max(this.longestMs.get(symbol) ?? 0, now - since));
    }
    for (const symbol of [...this.#since.keys()]) if (!exposed.has(symbol)) this.#since.delete(symbol);
  }

  start(periodMs = 50): void {
    this.#timer = setInterval(() => this.sample(), periodMs);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
