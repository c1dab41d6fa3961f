/**
 * The check-iteration loop: the bot's slow heartbeat (every `loop_interval_seconds`, 300 s by default).
 *
 * One iteration:
 *   1. count it, write the heartbeat;
 *   2. an exit request from `dnfarm exit`? acknowledge it, close through the executor, stop the bot;
 *   3. reconcile with the exchange (the truth); `blocking` forbids opening;
 *   4. refresh the held position's accounting (funding income, fills);
 *   5. read the scan snapshot (MA mode: histories of the cheap-filter passers only) and the account;
 *   6. decide (pure): stop-loss first, then a pending close, health (repair or close, never "skip"),
 *      fee coverage, rotation, max age, hold; flat: open the best pair;
 *   7. act: open / close (then reopen in the same iteration when the rule says so) / repair;
 *   8. record an equity snapshot (and the portfolio baseline, once);
 *   9. sleep until `loop_interval_seconds` after the iteration's START, abortably (a simulation may skip the
 *      sleep instead: `idleWait`).
 *
 * Only trading steps hold the trade gate, so the real-time protector's stop-loss close is never stuck
 * behind a scan or a sleep. A transient error (timeout, 5xx, 429, a response that fails validation)
 * ends the iteration there: it is reported and nothing is decided on it (invariant 6).
 */
import type { Clock } from '../domain/clock.ts';
import type { Decimal } from '../domain/decimal.ts';
import type { ScanSnapshot } from '../domain/market.ts';
import { DnfarmError, describeError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import type { ExitRequest, Position } from '../store/types.ts';
import { decide } from '../strategy/decide.ts';
import type { CloseDecision, CloseReason, Decision, OpenDecision, RepairDecision } from '../strategy/decision.ts';
import { perpPositionOf } from '../strategy/health.ts';
import type { StrategyParams } from '../strategy/params.ts';
import { type PortfolioValue, portfolioValue, shortPerpPnlUsdt, spotPnlUsdt } from '../strategy/pnl.ts';
import { midPrice } from '../strategy/prices.ts';
import type { AccountView, FeeRatesView, StrategyState } from '../strategy/state.ts';
import { shortPnlPct, stopLossMarkPrice, stopLossPct } from '../strategy/stoploss.ts';
import type { Venue } from '../venue/port.ts';
import type { EngineEventSink, PortfolioSummary } from './events.ts';
import {
  type ExecCloseReason,
  type Executor,
  type Logger,
  type ReadBasis,
  type ReconcileReport,
  toHeldPosition,
  URGENT_CLOSE_REASONS,
} from './execution/index.ts';
import { writeHeartbeat } from './heartbeat.ts';
import { emitCloseSkipped, emitOpenSkipped } from './outcomes.ts';
import type { Protector } from './protector.ts';
import { FeeRates, readAccount, readScanSnapshot } from './reads.ts';
import type { TradeGate } from './trade-gate.ts';

/** The quote asset portfolio values are expressed in. */
const VALUATION_ASSET = 'USDT';

export interface LoopDeps {
  venue: Venue;
  store: Store;
  executor: Executor;
  gate: TradeGate;
  params: StrategyParams;
  clock: Clock;
  events: EngineEventSink;
  logger: Logger;
  /** The real-time protector, told about every position change; null when running without one. */
  protector: Protector | null;
  /** Period between the START of two iterations, in engine-clock ms. */
  loopIntervalMs: number;
  /** Wall ms between checks for an exit request while sleeping. Default 1000. */
  exitPollIntervalMs?: number;
  /**
   * How the loop waits between two iterations, its only idle time. Default: `clock.sleep`. A simulation may skip
   * the wait instead (fast-forward) and keep every other wait (leg timeouts, request backoffs) at its real pace.
   */
  idleWait?: IdleWait;
}

/** Waits `ms` of engine-clock time, or less when `signal` aborts (resolving, never rejecting). */
export type IdleWait = (ms: number, signal: AbortSignal) => Promise<void>;

/** Why `run` returned. */
export type LoopStopReason = 'once' | 'signal' | 'exit_request';

export interface IterationResult {
  iteration: number;
  /** False when the iteration ended on an error (no trading decision was taken). */
  ok: boolean;
  decision: Decision | null;
  /** Set when the loop must stop after this iteration. */
  stop: LoopStopReason | null;
}

const EXEC_CLOSE_REASONS: readonly string[] = [
  'stop_loss',
  'naked_short',
  'naked_spot',
  'imbalance',
  'health_critical',
  'fee_coverage',
  'rotation',
  'forced_rotation',
  'max_age',
  'manual',
  'reconcile',
];

function isExecCloseReason(text: string | null): text is ExecCloseReason {
  return text !== null && EXEC_CLOSE_REASONS.includes(text);
}

/** The strategy only knows its own close reasons; a manual or reconcile close is retried as critical. */
function strategyReason(reason: ExecCloseReason): CloseReason {
  return reason === 'manual' || reason === 'reconcile' ? 'health_critical' : reason;
}

function errorKind(error: unknown): 'retryable' | 'ambiguous' | 'fatal' | 'unknown' {
  return error instanceof DnfarmError ? error.kind : 'unknown';
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted && (error === signal.reason || (error instanceof Error && error.name === 'AbortError'));
}

/** Positions the strategy manages; an `opening` one belongs to the executor until reconciled. */
const HELD_STATUSES = new Set<Position['status']>(['open', 'closing', 'adopted']);

export class EngineLoop {
  readonly #d: LoopDeps;
  readonly #feeRates: FeeRates;
  /** Aborted to cut a sleep short (an exit request, a change the protector saw on the exchange). */
  #wake: AbortController | null = null;
  #wakeRequested = false;
  /** Set by an exit request: never open again; stop once flat. */
  #exiting: ExitRequest | null = null;

  constructor(deps: LoopDeps) {
    this.#d = deps;
    this.#feeRates = new FeeRates(deps.venue, deps.clock);
  }

  /** Ends the current sleep now: the next iteration starts at once. */
  wake(reason: string): void {
    this.#d.logger.info({ reason }, 'loop: woken');
    this.#wakeRequested = true;
    this.#wake?.abort();
  }

  /** Runs iterations until `signal` aborts, an exit request completes, or after one with `once`. */
  async run(signal: AbortSignal, options: { once?: boolean } = {}): Promise<LoopStopReason> {
    for (;;) {
      if (signal.aborted) return 'signal';
      const startMs = this.#d.clock.nowMs();
      const result = await this.runIteration(signal);
      const last = result.stop !== null || options.once === true || signal.aborted;
      const nextAtMs = last ? null : startMs + this.#d.loopIntervalMs;
      this.#d.events({
        type: 'iteration_completed',
        iteration: result.iteration,
        durationMs: this.#d.clock.nowMs() - startMs,
        nextAtMs,
        ok: result.ok,
      });
      if (result.stop !== null) return result.stop;
      if (options.once === true) return 'once';
      if (signal.aborted || nextAtMs === null) return 'signal';
      await this.#sleepUntil(nextAtMs, signal);
    }
  }

  /** One check iteration. Never throws: errors are reported and end the iteration. */
  async runIteration(signal: AbortSignal): Promise<IterationResult> {
    const { store, clock, events, params } = this.#d;
    const iteration = store.counters.incrementCheckIterations();
    writeHeartbeat(store, {
      wallMs: Date.now(),
      engineMs: clock.nowMs(),
      iteration,
      pid: process.pid,
      loopIntervalSeconds: this.#d.loopIntervalMs / 1000,
      state: 'running',
    });
    const activeAtStart = store.positions.active();
    events({
      type: 'iteration_started',
      iteration,
      timeMs: clock.nowMs(),
      completedCycles: store.counters.get().completedCycles,
      heldSymbol: activeAtStart?.symbol ?? null,
    });

    let step = 'exit request';
    try {
      const request = this.#exiting === null ? store.exitRequests.pending() : null;
      if (request !== null) await this.#acknowledgeExit(request);
      if (this.#exiting !== null) {
        const stop = await this.#continueExit(signal);
        return { iteration, ok: true, decision: null, stop };
      }

      step = 'reconcile';
      const report = await this.#trade('reconcile', 'normal', signal, () => this.#d.executor.reconcile('iteration'));
      if (report === null) return { iteration, ok: false, decision: null, stop: null };
      const unreachable = report.findings.find((f) => f.code === 'exchange_unavailable');
      if (unreachable !== undefined) {
        // Nothing is decided on a picture the exchange could not confirm; the protector still watches.
        events({ type: 'error', step, kind: 'retryable', message: unreachable.message });
        return { iteration, ok: false, decision: null, stop: null };
      }

      const active = store.positions.active();
      if (active !== null && active.status === 'opening') {
        events({
          type: 'warning',
          code: 'open_unresolved',
          message: `${active.symbol}: position ${active.id} is still being opened (outcome not yet known); not trading until reconciliation settles it`,
        });
        return { iteration, ok: true, decision: null, stop: null };
      }

      if (active !== null && active.status !== 'closing') {
        step = 'accounting';
        await this.#trade('accounting', 'normal', signal, () => this.#d.executor.refreshAccounting(active.id));
      }

      step = 'scan';
      const held = active !== null && HELD_STATUSES.has(active.status) ? active : null;
      const readAtMs = clock.nowMs();
      const [snapshot, account] = await Promise.all([
        readScanSnapshot(this.#d.venue, params, held?.symbol ?? null),
        this.#readAccountOrNull(),
      ]);
      if (signal.aborted) return { iteration, ok: true, decision: null, stop: 'signal' };

      step = 'decide';
      const position = held === null ? null : (store.positions.get(held.id) ?? held);
      const { decision, feeRates } = await this.#decide(snapshot, account, position);
      this.#report(snapshot, account, position);

      step = 'act';
      const basis = account === null ? null : { snapshot, account, feeRates, readAtMs };
      await this.#act(decision, report, position, basis, signal);

      step = 'equity';
      this.#recordEquity(snapshot, account);
      return { iteration, ok: true, decision, stop: null };
    } catch (error) {
      if (isAbort(error, signal)) return { iteration, ok: true, decision: null, stop: 'signal' };
      events({ type: 'error', step, kind: errorKind(error), message: describeError(error) });
      this.#d.logger.warn({ step, err: describeError(error) }, 'loop: iteration ended on an error');
      return { iteration, ok: false, decision: null, stop: null };
    } finally {
      await this.#d.protector?.sync().catch(() => {});
    }
  }

  async #readAccountOrNull(): Promise<AccountView | null> {
    try {
      return await readAccount(this.#d.venue);
    } catch (error) {
      // The strategy waits on a null account; only a price crossing the stop may still act.
      this.#d.events({
        type: 'warning',
        code: 'account_unavailable',
        message: `account read failed: ${describeError(error)}`,
      });
      return null;
    }
  }

  /** The strategy's decision, with the fee rates it was given. */
  async #decide(
    snapshot: ScanSnapshot,
    account: AccountView | null,
    position: Position | null,
  ): Promise<{ decision: Decision; feeRates: FeeRatesView }> {
    const { params, clock, events } = this.#d;
    const feeRates = await this.#feeRates.forIteration(
      snapshot,
      params,
      position === null ? null : { symbol: position.symbol, spotSymbol: position.spotSymbol },
    );
    const pendingReason = position?.status === 'closing' ? position.closeReason : null;
    const state: StrategyState = {
      position: position === null ? null : toHeldPosition(position),
      account,
      feeRates,
      pendingClose:
        position?.status === 'closing'
          ? {
              reason: strategyReason(isExecCloseReason(pendingReason) ? pendingReason : 'health_critical'),
              reopen: false,
            }
          : null,
    };
    const decision = decide(snapshot, state, params, clock.nowMs());
    if (decision.scan !== null) events({ type: 'scan', scan: decision.scan, heldSymbol: position?.symbol ?? null });
    events({ type: 'decision', decision });
    for (const issue of decision.issues) {
      if (issue.level === 'warning') events({ type: 'warning', code: issue.code, message: issue.message });
    }
    if (position !== null && account !== null) {
      const row = perpPositionOf(account, position.symbol);
      if (row?.positionAmt.isNegative() && row.leverage !== position.leverage) {
        await this.#d.protector?.onExchangeLeverage(position.symbol, row.leverage);
      }
    }
    return { decision, feeRates };
  }

  async #act(
    decision: Decision,
    report: ReconcileReport,
    position: Position | null,
    basis: ReadBasis | null,
    signal: AbortSignal,
  ): Promise<void> {
    switch (decision.kind) {
      case 'open':
        await this.#open(decision, basis, report.blocking, signal);
        return;
      case 'close': {
        if (position === null) return;
        const closed = await this.#close(decision, position, signal);
        if (closed && decision.reopen && !signal.aborted) await this.#reopen(signal);
        return;
      }
      case 'repair':
        await this.#repair(decision, signal);
        return;
      case 'hold':
      case 'wait':
        return;
    }
  }

  /**
   * Opens the decided pair. `basis`: the reads the decision was made from; the executor sizes on them instead of
   * reading again while they are fresh and nothing has traded since this iteration's reconcile.
   */
  async #open(decision: OpenDecision, basis: ReadBasis | null, blocking: boolean, signal: AbortSignal): Promise<void> {
    const { store, events, executor } = this.#d;
    const symbol = decision.pair.symbol;
    if (blocking) {
      events({
        type: 'warning',
        code: 'open_blocked',
        message: `${symbol}: not opening: reconciliation reports something unresolved`,
      });
      return;
    }
    if (this.#exiting !== null) return;
    const outcome = await this.#trade(`open ${symbol}`, 'normal', signal, async () => {
      // The protector or an exit may have traded while this iteration was reading.
      if (store.positions.active() !== null) return null;
      return executor.openPosition(basis === null ? decision : { ...decision, basis }, signal);
    });
    if (outcome === null) return;
    emitOpenSkipped(events, outcome, symbol);
    // Watch the new position's stop at once, not at the end of the iteration.
    if (outcome.status === 'opened') await this.#d.protector?.sync();
  }

  /** Closes the decided position; true when it is closed. */
  async #close(decision: CloseDecision, position: Position, signal: AbortSignal): Promise<boolean> {
    const { store, events, executor } = this.#d;
    const reason: ExecCloseReason =
      decision.retry && isExecCloseReason(position.closeReason) ? position.closeReason : decision.reason;
    const priority = URGENT_CLOSE_REASONS.includes(reason) ? 'urgent' : 'normal';
    const outcome = await this.#trade(`close ${position.symbol}`, priority, signal, async () => {
      const current = store.positions.active();
      if (current === null || current.id !== position.id) return null;
      events({ type: 'close_started', positionId: position.id, symbol: position.symbol, reason, source: 'loop' });
      return executor.closePosition(position.id, reason, signal);
    });
    if (outcome === null) return false;
    emitCloseSkipped(events, outcome);
    return outcome.status === 'closed';
  }

  /** After a close whose rule reopens (fee coverage, rotation, max age): scan again and open the best pair. */
  async #reopen(signal: AbortSignal): Promise<void> {
    await this.#d.protector?.sync().catch(() => {});
    const [snapshot, account] = await Promise.all([
      readScanSnapshot(this.#d.venue, this.#d.params, null),
      readAccount(this.#d.venue),
    ]);
    if (signal.aborted) return;
    const { decision } = await this.#decide(snapshot, account, null);
    // No basis: the close just traded, so the open reconciles (and reads) again before it trades.
    if (decision.kind === 'open') await this.#open(decision, null, false, signal);
  }

  async #repair(decision: RepairDecision, signal: AbortSignal): Promise<void> {
    const { events, executor } = this.#d;
    const outcome = await this.#trade(`repair ${decision.symbol}`, 'urgent', signal, () =>
      executor.repair(decision, signal),
    );
    if (outcome === null) return;
    if (outcome.status === 'failed') {
      events({ type: 'error', step: 'repair', kind: 'unknown', message: `${outcome.symbol}: ${outcome.message}` });
    } else {
      events({ type: 'warning', code: `repair_${outcome.status}`, message: `${outcome.symbol}: ${outcome.message}` });
    }
  }

  async #acknowledgeExit(request: ExitRequest): Promise<void> {
    const { store, events } = this.#d;
    if (!store.exitRequests.acknowledge(request.id)) return;
    this.#exiting = request;
    events({
      type: 'exit_request',
      id: request.id,
      requestedBy: request.requestedBy,
      status: 'acknowledged',
      message: `exit requested by ${request.requestedBy}: closing the position, then stopping`,
    });
  }

  /**
   * Serves an acknowledged exit request: close the position (if any) through the executor, finish the
   * request, and stop. A close that does not complete keeps the bot running (retrying, never opening)
   * and reports the failure to the requester.
   */
  async #continueExit(signal: AbortSignal): Promise<LoopStopReason | null> {
    const { store, events, executor } = this.#d;
    const request = this.#exiting;
    if (request === null) return null;
    await this.#trade('reconcile', 'urgent', signal, () => executor.reconcile('pre-trade'));
    const active = store.positions.active();
    let result: string;
    let ok = true;
    if (active === null) {
      result = 'no position was open; nothing to close';
    } else {
      const outcome = await this.#trade(`exit close ${active.symbol}`, 'urgent', signal, async () => {
        events({
          type: 'close_started',
          positionId: active.id,
          symbol: active.symbol,
          reason: 'manual',
          source: 'exit_request',
        });
        return executor.closePosition(active.id, 'manual', signal);
      });
      if (outcome === null) return signal.aborted ? 'signal' : null;
      emitCloseSkipped(events, outcome);
      if (outcome.status === 'closed') {
        result = `closed ${outcome.symbol}: realised PnL ${outcome.pnl.totalUsdt.toFixed(2)} USDT`;
      } else {
        ok = false;
        result = `${active.symbol}: close did not complete: ${outcome.message}`;
      }
    }
    const current = store.exitRequests.get(request.id);
    if (current?.status === 'acknowledged') {
      if (ok) store.exitRequests.complete(request.id, result);
      else store.exitRequests.fail(request.id, result);
    }
    events({
      type: 'exit_request',
      id: request.id,
      requestedBy: request.requestedBy,
      status: ok ? 'completed' : 'failed',
      message: result,
    });
    if (!ok) return null;
    this.#exiting = null;
    return 'exit_request';
  }

  /**
   * Runs a trading step through the gate. Returns null when the gate could not be taken because the
   * loop is stopping (nothing was started).
   */
  async #trade<T>(
    label: string,
    priority: 'urgent' | 'normal',
    signal: AbortSignal,
    fn: () => Promise<T>,
  ): Promise<T | null> {
    try {
      return await this.#d.gate.run(label, priority, fn, signal);
    } catch (error) {
      if (isAbort(error, signal)) return null;
      throw error;
    }
  }

  #report(snapshot: ScanSnapshot, account: AccountView | null, position: Position | null): void {
    const { events, store, params } = this.#d;
    if (account !== null) events({ type: 'portfolio', portfolio: this.#portfolio(snapshot, account) });
    if (position === null) return;
    const row = account === null ? undefined : perpPositionOf(account, position.symbol);
    const mark = snapshot.premiumIndex.get(position.symbol)?.markPrice ?? row?.markPrice ?? null;
    const spotMid = midPrice(snapshot.spotBooks.get(position.spotSymbol));
    const entry = position.perpAvgPrice;
    const spotEntry = position.spotAvgPrice;
    const perpPnl = mark !== null && entry !== null ? shortPerpPnlUsdt(position.perpQty, entry, mark) : null;
    const spotPnl =
      spotMid !== null && spotEntry !== null ? spotPnlUsdt(position.spotQtyNet, spotEntry, spotMid) : null;
    const detail = store.positionDetail(position.id);
    const funding = detail.fundingPayments.length > 0 ? detail.fundingPaymentsTotalUsdt : position.fundingReceivedUsdt;
    const combined =
      perpPnl !== null && spotPnl !== null ? spotPnl.plus(perpPnl).plus(funding).minus(position.entryFeesUsdt) : null;
    const stopMark = entry === null ? null : stopLossMarkPrice(entry, position.leverage, params);
    events({
      type: 'position_status',
      positionId: position.id,
      symbol: position.symbol,
      leverage: position.leverage,
      ageHours: position.openedAtMs === null ? 0 : (this.#d.clock.nowMs() - position.openedAtMs) / 3_600_000,
      spotQty: position.spotQtyNet,
      perpQty: position.perpQty,
      entryPrice: entry,
      markPrice: mark,
      spotPnlUsdt: spotPnl,
      perpPnlUsdt: perpPnl,
      fundingReceivedUsdt: funding,
      entryFeesUsdt: position.entryFeesUsdt,
      combinedPnlUsdt: combined,
      shortPnlPct: mark !== null && entry !== null ? shortPnlPct(entry, mark) : null,
      stopLossPct: stopLossPct(position.leverage, params),
      stopLossMarkPrice: stopMark,
    });
  }

  #portfolioValue(snapshot: ScanSnapshot, account: AccountView): PortfolioValue {
    return portfolioValue({
      spotBalances: account.spotBalances,
      perpBalances: account.perpBalances,
      perpPositions: account.perpPositions,
      spotMarkets: snapshot.spotMarkets,
      spotBooks: snapshot.spotBooks,
      quoteAsset: VALUATION_ASSET,
    });
  }

  #portfolio(snapshot: ScanSnapshot, account: AccountView): PortfolioSummary {
    const value = this.#portfolioValue(snapshot, account);
    const baseline = this.#d.store.baseline.get();
    const pnl: Decimal | null = baseline === null ? null : value.totalUsdt.minus(baseline.valueUsdt);
    return {
      valueUsdt: value.totalUsdt,
      spotUsdt: value.spotUsdt,
      perpWalletUsdt: value.perpWalletUsdt,
      unrealisedUsdt: value.unrealisedUsdt,
      unpricedAssets: value.unpricedAssets,
      baselineUsdt: baseline?.valueUsdt ?? null,
      baselineTimeMs: baseline?.timeMs ?? null,
      pnlUsdt: pnl,
      pnlPct: pnl === null || baseline === null ? null : pnl.div(baseline.valueUsdt).times(100),
    };
  }

  /**
   * One equity snapshot per iteration, valued after this iteration's trades would need another read;
   * the pre-trade value is what the iteration saw, which is what the history records. The baseline is
   * captured once, from the first valuation ever made (before the first trade).
   */
  #recordEquity(snapshot: ScanSnapshot, account: AccountView | null): void {
    if (account === null) return;
    const { store, clock } = this.#d;
    const value = this.#portfolioValue(snapshot, account);
    if (!value.totalUsdt.isPositive() || value.totalUsdt.isZero()) return;
    store.baseline.captureIfAbsent({ valueUsdt: value.totalUsdt, timeMs: clock.nowMs() });
    store.equity.record({
      timeMs: clock.nowMs(),
      portfolioValueUsdt: value.totalUsdt,
      spotValueUsdt: value.spotUsdt,
      perpWalletUsdt: value.perpWalletUsdt,
      unrealizedPnlUsdt: value.unrealisedUsdt,
      positionId: store.positions.active()?.id ?? null,
    });
  }

  async #sleepUntil(targetMs: number, signal: AbortSignal): Promise<void> {
    const { clock, store } = this.#d;
    if (this.#wakeRequested) {
      this.#wakeRequested = false;
      return;
    }
    const wake = new AbortController();
    this.#wake = wake;
    const poll = setInterval(() => {
      try {
        if (store.exitRequests.pending() !== null) wake.abort();
      } catch (error) {
        this.#d.logger.warn({ err: describeError(error) }, 'loop: exit-request poll failed');
      }
    }, this.#d.exitPollIntervalMs ?? 1000);
    try {
      const remaining = targetMs - clock.nowMs();
      const wakeSignal = AbortSignal.any([signal, wake.signal]);
      if (remaining > 0) {
        if (this.#d.idleWait === undefined) await clock.sleep(remaining, wakeSignal);
        else await this.#d.idleWait(remaining, wakeSignal);
      }
    } finally {
      clearInterval(poll);
      this.#wake = null;
      this.#wakeRequested = false;
    }
  }
}
