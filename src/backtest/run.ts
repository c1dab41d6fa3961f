/**
 * The backtest driver: the bot's check loop over historical data, on the simulator's account engine, with the one
 * strategy the live bot runs.
 *
 * A simulated clock moves from check to check every `loop_interval_seconds` (the first check half an interval after
 * the start, so checks fall between settlements as a running bot's do). Moving the clock moves the account engine,
 * which settles every funding boundary on the way at its own instant and price: no settlement is ever skipped,
 * whatever the loop interval. At a check the driver builds what the live loop builds (a market snapshot, the account
 * read from the engine, the position as recorded from its fills), calls `decide`, and executes the decision on the
 * engine (see executor.ts). After a close whose rule reopens, it decides again at once, as the live loop does.
 *
 * What makes a year of a hundred symbols take well under a second:
 * - a check at which nothing the decision depends on has changed is not decided again. The decision is a pure
 *   function of the snapshot, the account, the position and, through the position's age only, the time; so it is
 *   re-run when market data of the held or candidate pairs changed, after any trade or skipped action, and when the
 *   position's age crosses a rotation or max-age threshold. Anything else would give the same hold or wait;
 * - `decide` sees the held pair and the top-ranked candidates only (see ranking.ts for why that is exact);
 * - the market advances per symbol only where a settlement passed (see market.ts).
 */
import { type Decimal, ONE, ZERO } from '../domain/decimal.ts';
import { SimEngine } from '../sim/engine/index.ts';
import { maxAgeExceeded, positionAgeHours } from '../strategy/age.ts';
import { decide } from '../strategy/decide.ts';
import type { Decision, OpenDecision } from '../strategy/decision.ts';
import type { StrategyParams } from '../strategy/params.ts';
import { midPrice } from '../strategy/prices.ts';
import type { FeeRatesView, StrategyState } from '../strategy/state.ts';
import { ACCOUNT_ID, type AccountRead, readAccount } from './account.ts';
import type { Cycle } from './cycle.ts';
import { Executor } from './executor.ts';
import { type FundingEntry, type LedgerBatch, LedgerReader } from './ledger.ts';
import { DEFAULT_FEES, type FeeSchedule, ReplayMarket, type Track } from './market.ts';
import { type Candidates, Ranking } from './ranking.ts';
import { type AssetBalance, type BacktestReport, type CycleReport, countReason, EquityCurve } from './report.ts';
import { HOUR_MS, type PreparedSeries, resolvePeriod, settlementsWithin } from './series.ts';

const DAY_MS = 86_400_000;
/** Checks between two progress reports. */
const PROGRESS_EVERY = 4096;

export interface BacktestOptions {
  readonly params: StrategyParams;
  readonly capitalUsdt: Decimal;
  /** `position_management.loop_interval_seconds`. */
  readonly loopIntervalSeconds: number;
  /** `execution.funding_settlement_guard_seconds`. */
  readonly fundingGuardSeconds: number;
  /** `execution.margin_type`. Default CROSSED. */
  readonly marginType?: 'CROSSED' | 'ISOLATED';
  readonly fees?: FeeSchedule;
  /** Start of the period (inclusive); default: the earliest data. */
  readonly fromMs?: number | undefined;
  /** End of the period (inclusive); default: the last settlement. */
  readonly toMs?: number | undefined;
  /** Called now and then with the share of the period done (0..1). */
  readonly onProgress?: (fraction: number) => void;
  /**
   * Decide at every check, even when nothing the decision depends on has changed. Slower, same result: an audit of
   * the skipping (tests compare both).
   */
  readonly decideEveryCheck?: boolean;
  /** Hand `decide` every listed pair instead of the candidates (an audit of ranking.ts: same result, slower). */
  readonly scanEveryPair?: boolean;
}

/** An age the held position reaches at which a rule may start to apply. */
interface AgeEvent {
  atMs: number;
  reached: (nowMs: number) => boolean;
}

class BacktestRun {
  readonly #params: StrategyParams;
  readonly #options: BacktestOptions;
  readonly #series: readonly PreparedSeries[];
  readonly #period: { fromMs: number; toMs: number };
  readonly #quoteAsset: string;
  readonly #clock = {
    now: 0,
    nowMs(): number {
      return this.now;
    },
  };
  readonly #market: ReplayMarket;
  readonly #engine: SimEngine;
  get engine(): SimEngine {
    return this.#engine;
  }
  readonly #ledger: LedgerReader;
  readonly #ranking: Ranking;
  readonly #executor: Executor;
  readonly #equity: EquityCurve;
  readonly #feeRates: FeeRatesView;
  /** The settlement grids of the symbols (ms): the engine steps its boundaries on them. */
  readonly #grids: readonly number[];

  #cycle: Cycle | null = null;
  #heldTrack: Track | null = null;
  #pendingClose: StrategyState['pendingClose'] = null;
  #ageEvents: AgeEvent[] = [];
  #nextCycleId = 1;
  /** Decide at the next check whatever the signature says (after a trade or a skipped action). */
  #force = true;
  #lastSignature = '';
  #checks = 0;
  #decisions = 0;
  #opens = 0;
  #failedOpens = 0;
  readonly #skippedOpens: Record<string, number> = {};
  readonly #closeReasons: Record<string, number> = {};
  readonly #reports: CycleReport[] = [];
  #unattributedFunding: Decimal = ZERO;
  #unattributedFees: Decimal = ZERO;

  constructor(series: readonly PreparedSeries[], options: BacktestOptions) {
    this.#params = options.params;
    this.#options = options;
    this.#series = series;
    this.#period = resolvePeriod(series, { fromMs: options.fromMs, toMs: options.toMs });
    this.#quoteAsset = series[0]?.quoteAsset ?? 'USDT';
    this.#clock.now = this.#period.fromMs;
    const fees = options.fees ?? DEFAULT_FEES;
    this.#market = new ReplayMarket({
      series,
      startMs: this.#period.fromMs,
      fees,
      // Each side of a book holds twice the capital: an order of the bot's size never runs out of depth.
      bookDepthUsdt: options.capitalUsdt.times(2).toNumber(),
    });
    this.#engine = new SimEngine({ source: this.#market, clock: this.#clock, initialUsdt: options.capitalUsdt });
    this.#engine.ensureAccount(ACCOUNT_ID);
    this.#ledger = new LedgerReader(this.#engine, ACCOUNT_ID, this.#quoteAsset);
    this.#absorb(this.#ledger.read());
    this.#ranking = new Ranking(this.#market, this.#params);
    this.#executor = new Executor(
      this.#engine,
      this.#market,
      this.#ledger,
      this.#params,
      { fundingGuardSeconds: options.fundingGuardSeconds, marginType: options.marginType ?? 'CROSSED' },
      (entries) => this.#funding(entries),
    );
    this.#equity = new EquityCurve(options.capitalUsdt);
    this.#feeRates = { spotTaker: fees.spotTaker, perpTaker: fees.perpTaker, spotCommissionInBase: true };
    this.#grids = [...new Set(series.map((s) => s.gridHours * HOUR_MS))];
  }

  run(): BacktestReport {
    const { fromMs, toMs } = this.#period;
    const stepMs = Math.max(1, Math.round(this.#options.loopIntervalSeconds * 1000));
    const progress = this.#options.onProgress;
    for (let t = fromMs + Math.floor(stepMs / 2); t <= toMs; t += stepMs) {
      this.#checks++;
      if (progress !== undefined && this.#checks % PROGRESS_EVERY === 0) progress((t - fromMs) / (toMs - fromMs));
      const ageDue = this.#ageEvents.length > 0 && t >= (this.#ageEvents[0] as AgeEvent).atMs;
      const every = this.#options.decideEveryCheck === true;
      if (!every && !this.#force && !ageDue && t < this.#market.nextChangeMs) continue;
      this.#advance(t);
      if (this.#cycle !== null && this.#heldTrack !== null && t > this.#heldTrack.listedUntilMs) this.#dataEnded(t);
      const candidates = this.#ranking.select(this.#heldTrack, 1);
      const signature = `${candidates.signature}|${this.#cycle?.identity.id ?? 0}`;
      if (!every && !this.#force && !ageDue && signature === this.#lastSignature) continue;
      this.#force = false;
      this.#lastSignature = signature;
      this.#check(t, candidates);
    }
    this.#advance(toMs);
    progress?.(1);
    return this.#report();
  }

  // ------------------------------------------------------------ time and money

  /**
   * Brings the engine and the market to `t`, booking the funding and fees the engine settled on the way. The engine
   * stops at the last settlement boundary at or before `t`: nothing changes for it between a boundary and the next
   * one (prices move only at settlements), so reading the account there is reading it at `t`, without one more
   * market update. The market moves on to `t` (the rates of the new intervals). Trading moves the engine to `t`
   * itself (`#tradeAt`).
   */
  #advance(t: number): void {
    let boundary = this.#clock.now;
    for (const gridMs of this.#grids) boundary = Math.max(boundary, Math.floor(t / gridMs) * gridMs);
    this.#clock.now = Math.min(boundary, t);
    this.#engine.advanceTo(this.#clock.now);
    this.#absorb(this.#ledger.read());
    if (t > this.#market.timeMs) this.#market.advance(t);
  }

  /** Orders and transfers happen at the check's own time. */
  #tradeAt(t: number): void {
    if (t > this.#clock.now) this.#clock.now = t;
  }

  #absorb(batch: LedgerBatch): void {
    this.#funding(batch.funding);
    const cycle = this.#cycle;
    // Outside the executor's orders only a liquidation charges a fee.
    if (batch.feesUsdt.isZero()) return;
    if (cycle === null) this.#unattributedFees = this.#unattributedFees.plus(batch.feesUsdt);
    else cycle.fee(batch.feesUsdt, ZERO);
    if (batch.liquidation && cycle !== null) {
      const fills = this.#executor.liquidationFills(cycle.identity.symbol, cycle.identity.openedAtMs);
      const booked = cycle.perpClose.qty;
      if (fills.qty.greaterThan(booked)) {
        // The engine bought the short back itself; the cycle's perp leg ends with those fills.
        cycle.fill('perp', 'BUY', fills.qty.minus(booked), fills.quoteUsdt);
      }
    }
  }

  #funding(entries: readonly FundingEntry[]): void {
    for (const entry of entries) {
      const cycle = this.#cycle;
      if (cycle !== null && entry.symbol === cycle.identity.symbol) cycle.funding(entry.amountUsdt);
      else this.#unattributedFunding = this.#unattributedFunding.plus(entry.amountUsdt);
    }
  }

  // ------------------------------------------------------------ one check

  #account(): AccountRead {
    const read = readAccount(
      this.#engine,
      this.#ledger,
      this.#quoteAsset,
      this.#cycle?.identity.baseAsset ?? null,
      (s) => this.#market.track(s)?.series.baseAsset,
    );
    // The engine's view: what the account holds (a position, or the position the record still has).
    const engaged = new Set<string>(read.futures.positions.map((p) => p.symbol));
    if (this.#cycle !== null) engaged.add(this.#cycle.identity.symbol);
    this.#market.engageOnly(engaged);
    return read;
  }

  #state(account: AccountRead): StrategyState {
    return {
      position: this.#cycle === null ? null : this.#cycle.held(),
      account: account.view,
      feeRates: this.#feeRates,
      pendingClose: this.#pendingClose,
    };
  }

  /** `decide` on the candidates, widened until the scan is as good as a scan of every pair (see ranking.ts). */
  #decide(t: number, first: Candidates, account: AccountRead): Decision {
    const state = this.#state(account);
    const heldSymbol = this.#cycle?.identity.symbol ?? null;
    let candidates = this.#options.scanEveryPair === true ? this.#ranking.everyPair(this.#heldTrack) : first;
    let count = 1;
    for (;;) {
      const snapshot = this.#market.snapshot(candidates.tracks, this.#ranking.historyLimit);
      const decision = decide(snapshot, state, this.#params, t);
      const scan = decision.scan;
      if (candidates.complete || scan === null || scan.eligible.some((row) => row.symbol !== heldSymbol)) {
        return decision;
      }
      count *= 2;
      candidates = this.#ranking.select(this.#heldTrack, count);
    }
  }

  #check(t: number, candidates: Candidates): void {
    this.#decisions++;
    const account = this.#account();
    const decision = this.#decide(t, candidates, account);
    const traded = this.#act(decision, t, account);
    this.#ageEvents = this.#ageEvents.filter((e) => !e.reached(t));
    this.#sampleEquity(traded ? this.#account() : account);
  }

  /** Executes a decision; true when the account changed. */
  #act(decision: Decision, t: number, account: AccountRead): boolean {
    if (decision.kind === 'hold' || decision.kind === 'wait') return false;
    this.#tradeAt(t);
    switch (decision.kind) {
      case 'open':
        return this.#open(decision, t, account);
      case 'close': {
        const cycle = this.#cycle;
        if (cycle === null) return false;
        const outcome = this.#executor.close(cycle, decision.reason, t, account.futures);
        this.#force = true;
        if (outcome.status === 'skipped') return false;
        if (outcome.status === 'incomplete') {
          // Retried first at the next check; nothing opens meanwhile (the live loop's `closing` state).
          this.#pendingClose = { reason: decision.reason, reopen: false };
          return true;
        }
        this.#finish(cycle);
        if (decision.reopen) this.#reopen(t);
        return true;
      }
      case 'repair': {
        this.#executor.repair(decision, this.#cycle, t);
        this.#force = true;
        if (this.#cycle?.endReason !== null && this.#cycle !== null) this.#finish(this.#cycle);
        return true;
      }
    }
  }

  /** After a close whose rule reopens: decide again on fresh reads, and open if the strategy says so. */
  #reopen(t: number): void {
    const candidates = this.#ranking.select(null, 1);
    const account = this.#account();
    const decision = this.#decide(t, candidates, account);
    if (decision.kind === 'open') this.#open(decision, t, account);
  }

  #open(decision: OpenDecision, t: number, account: AccountRead): boolean {
    const outcome = this.#executor.open(decision, t, this.#nextCycleId, account.futures);
    this.#force = true;
    if (outcome.status === 'skipped') {
      countReason(this.#skippedOpens, outcome.reason);
      // Only the funding guard clears by itself with time; any other reason repeats until the market changes.
      this.#force = outcome.reason === 'funding_guard';
      return true;
    }
    this.#nextCycleId++;
    if (outcome.status === 'failed') {
      this.#failedOpens++;
      this.#reports.push(this.#cycleReport(outcome.cycle, 'failed_open'));
      return true;
    }
    this.#opens++;
    this.#cycle = outcome.cycle;
    this.#heldTrack = this.#market.track(decision.pair.symbol) ?? null;
    this.#pendingClose = null;
    this.#ageEvents = this.#ageEventsOf(outcome.cycle.identity.openedAtMs);
    return true;
  }

  #ageEventsOf(openedAtMs: number): AgeEvent[] {
    const p = this.#params;
    const events: AgeEvent[] = [
      {
        atMs: openedAtMs + Math.floor(p.rotationMinHours * HOUR_MS),
        reached: (now) => positionAgeHours(openedAtMs, now) >= p.rotationMinHours,
      },
      {
        atMs: openedAtMs + Math.floor(p.maxPositionAgeHours * HOUR_MS),
        reached: (now) => maxAgeExceeded(openedAtMs, now, p.maxPositionAgeHours),
      },
    ];
    if (p.enableForcedRotation) {
      events.push({
        atMs: openedAtMs + Math.floor(p.forcedRotationMinHours * HOUR_MS),
        reached: (now) => positionAgeHours(openedAtMs, now) >= p.forcedRotationMinHours,
      });
    }
    return events.sort((a, b) => a.atMs - b.atMs);
  }

  /** The held symbol's data ran out (it left the market): close at its last price. */
  #dataEnded(t: number): void {
    const cycle = this.#cycle as Cycle;
    this.#tradeAt(t);
    const outcome = this.#executor.close(cycle, 'data_ended', t, this.#account().futures);
    this.#force = true;
    if (outcome.status === 'closed') this.#finish(cycle);
  }

  #finish(cycle: Cycle): void {
    const reason = cycle.endReason ?? 'position_gone';
    countReason(this.#closeReasons, reason);
    this.#reports.push(this.#cycleReport(cycle, reason));
    this.#cycle = null;
    this.#heldTrack = null;
    this.#pendingClose = null;
    this.#ageEvents = [];
  }

  #sampleEquity(account: AccountRead): void {
    const futures = account.futures;
    let equity = this.#ledger
      .spotBalance(this.#quoteAsset)
      .plus(futures.totalWalletBalance)
      .plus(futures.totalUnrealizedProfit);
    const track = this.#heldTrack;
    if (track !== null) {
      const mid = midPrice(this.#market.spotTop(track)) ?? this.#market.price(track);
      equity = equity.plus(this.#ledger.spotBalance(track.series.baseAsset).times(mid));
    }
    this.#equity.sample(equity);
  }

  // ------------------------------------------------------------ the report

  #cycleReport(cycle: Cycle, reason: CycleReport['closeReason']): CycleReport {
    const id = cycle.identity;
    const pnl = cycle.pnl();
    let spotPnl = pnl.spotPnlUsdt;
    let perpPnl = pnl.perpPnlUsdt;
    let net = pnl.netPnlUsdt;
    const held = cycle.held();
    if (reason === null) {
      // Still open: both legs marked at the last price.
      const track = this.#market.track(id.symbol) as Track;
      const mark = this.#market.price(track);
      const mid = midPrice(this.#market.spotTop(track)) ?? mark;
      const spotOpen = held.spotQty.times(mid.minus(held.spotEntryPrice));
      const perpOpen = held.perpQty.times(held.entryPrice.minus(mark));
      spotPnl = spotPnl.plus(spotOpen);
      perpPnl = perpPnl.plus(perpOpen);
      net = net.plus(spotOpen).plus(perpOpen);
    }
    const endMs = cycle.closedAtMs ?? this.#period.toMs;
    return {
      id: id.id,
      symbol: id.symbol,
      leverage: id.leverage,
      openedAtMs: id.openedAtMs,
      closedAtMs: reason === 'failed_open' ? id.openedAtMs : cycle.closedAtMs,
      hoursHeld: reason === 'failed_open' ? 0 : (endMs - id.openedAtMs) / HOUR_MS,
      closeReason: reason,
      entryAprPct: id.entryAprPct,
      notionalUsdt: cycle.perpOpen.quoteUsdt,
      fundingUsdt: cycle.fundingUsdt,
      fundingPayments: cycle.fundingPayments,
      feesUsdt: cycle.feesUsdt,
      spotPnlUsdt: spotPnl,
      perpPnlUsdt: perpPnl,
      pnlUsdt: net,
      volumeUsdt: cycle.volumeUsdt,
      dustQty: reason === null ? ZERO : cycle.netSpot.isNegative() ? ZERO : cycle.netSpot,
    };
  }

  #balances(): { balances: AssetBalance[]; equity: Decimal; unrealised: Decimal } {
    const balances: AssetBalance[] = [];
    let equity = ZERO;
    const assets = [...this.#ledger.spot.keys()].sort();
    for (const asset of assets) {
      const qty = this.#ledger.spotBalance(asset);
      if (qty.isZero()) continue;
      let price: Decimal = ZERO;
      if (asset === this.#quoteAsset) price = ONE;
      else {
        const track = this.#market.tracks.find((t) => t.series.baseAsset === asset);
        if (track !== undefined) price = midPrice(this.#market.spotTop(track)) ?? this.#market.price(track);
      }
      const valueUsdt = qty.times(price);
      equity = equity.plus(valueUsdt);
      balances.push({ asset, qty, valueUsdt });
    }
    const futures = this.#engine.futuresAccount(ACCOUNT_ID);
    equity = equity.plus(futures.totalWalletBalance).plus(futures.totalUnrealizedProfit);
    balances.push({
      asset: `${this.#quoteAsset} (perp wallet)`,
      qty: futures.totalWalletBalance,
      valueUsdt: futures.totalWalletBalance,
    });
    return { balances, equity, unrealised: futures.totalUnrealizedProfit };
  }

  #report(): BacktestReport {
    if (this.#cycle !== null) this.#reports.push(this.#cycleReport(this.#cycle, null));
    const { fromMs, toMs } = this.#period;
    const { balances, equity, unrealised } = this.#balances();
    this.#equity.sample(equity);
    const capital = this.#options.capitalUsdt;
    const net = equity.minus(capital);
    const days = (toMs - fromMs) / DAY_MS;
    const returnPct = capital.isZero() ? ZERO : net.div(capital).times(100);
    const counts = this.#executor.counts;
    const held = this.#reports.filter((c) => c.closeReason !== 'failed_open');
    const hoursInPosition = held.reduce((sum, c) => sum + c.hoursHeld, 0);
    return {
      period: { fromMs, toMs, days },
      symbols: this.#series.map((s) => ({
        symbol: s.symbol,
        source: s.source,
        intervalHours: s.intervalHours,
        settlements: settlementsWithin(s, this.#period),
        firstSettlementMs: s.boundaryMs[0] as number,
        lastSettlementMs: s.boundaryMs[s.boundaryMs.length - 1] as number,
        pricesFromData: s.pricesFromData,
      })),
      symbolIntervals: this.#series.reduce((sum, s) => sum + settlementsWithin(s, this.#period), 0),
      checks: this.#checks,
      decisions: this.#decisions,
      loopIntervalSeconds: this.#options.loopIntervalSeconds,
      leverage: this.#params.leverage,
      capitalUsdt: capital,
      finalEquityUsdt: equity,
      netPnlUsdt: net,
      returnPct,
      aprPct: days > 0 ? returnPct.times(365).div(days) : ZERO,
      fundingUsdt: this.#ledger.fundingTotalUsdt,
      feesUsdt: this.#ledger.feesTotalUsdt,
      spotVolumeUsdt: counts.spotVolumeUsdt,
      perpVolumeUsdt: counts.perpVolumeUsdt,
      volumeUsdt: counts.spotVolumeUsdt.plus(counts.perpVolumeUsdt),
      opens: this.#opens,
      closes: Object.values(this.#closeReasons).reduce((a, b) => a + b, 0),
      closeReasons: { ...this.#closeReasons },
      skippedOpens: { ...this.#skippedOpens },
      failedOpens: this.#failedOpens,
      orders: counts.orders,
      rejectedOrders: counts.rejectedOrders,
      transfers: counts.transfers,
      timeInPositionHours: hoursInPosition,
      timeInPositionPct: days > 0 ? (hoursInPosition / (days * 24)) * 100 : 0,
      maxDrawdownUsdt: this.#equity.maxDrawdownUsdt,
      maxDrawdownPct: this.#equity.maxDrawdownPct,
      cycles: this.#reports,
      unattributedFeesUsdt: counts.unattributedFeesUsdt.plus(this.#unattributedFees),
      unattributedFundingUsdt: this.#unattributedFunding,
      balances,
      unrealisedPnlUsdt: unrealised,
    };
  }
}

/** Runs the strategy over the prepared series and reports what it did. */
export function runBacktest(series: readonly PreparedSeries[], options: BacktestOptions): BacktestReport {
  return replayBacktest(series, options).report;
}

/** `runBacktest`, also handing back the account engine it ran on (its ledger is the audit trail of every figure). */
export function replayBacktest(
  series: readonly PreparedSeries[],
  options: BacktestOptions,
): { report: BacktestReport; engine: SimEngine } {
  const run = new BacktestRun(series, options);
  return { report: run.run(), engine: run.engine };
}
