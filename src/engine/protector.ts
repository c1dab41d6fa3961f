/**
 * The real-time protector: the stop-loss of the held position, evaluated on every mark-price update
 * instead of once per loop (the original bot looked every 300 s, after several slow requests).
 *
 * - It follows the store's active position: `sync()` (called by the loop after every trading step)
 *   subscribes to the held symbol's mark-price stream, and re-subscribes when the symbol, entry or
 *   leverage changes. The stop price is computed once per position (`stopLossMarkPrice`); each update
 *   costs one decimal comparison.
 * - A crossing starts the stop-loss close at once, through the trade gate with URGENT priority: it
 *   never waits for a scan (scans do not hold the gate) and it pre-empts a sleeping loop (it does not
 *   need the loop at all). A step already trading (an open between its legs) finishes first.
 * - While the mark stream is down, or silent for longer than `staleAfterMs`, it polls the position's
 *   mark price over REST (positionRisk) at most every `pollIntervalMs` (5 s by default).
 * - The user-data stream tells it when the position changed behind the bot's back (the exchange-side
 *   backstop fired, a liquidation, a manual trade): it asks the loop to reconcile now (`onExchangeChange`).
 *   A loss of that stream is reported only when it outlasts `userStreamGraceMs`: listen keys lapse and are
 *   replaced, connections are rotated, and a reconnect within seconds is routine, not an outage.
 * - A leverage change on the exchange moves liquidation, so the stop follows it: the position record
 *   takes the exchange's leverage, the stop price is recomputed, and the backstop is replaced.
 *
 * Only a price crossing triggers a close. A stream outage, a failed poll or any other transient error
 * is reported and never trades by itself (invariant 6).
 */
import type { Clock } from '../domain/clock.ts';
import type { Decimal } from '../domain/decimal.ts';
import { DnfarmError, describeError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import type { Position } from '../store/types.ts';
import type { StrategyParams } from '../strategy/params.ts';
import { shortPnlPct, stopLossMarkPrice, stopLossPct } from '../strategy/stoploss.ts';
import type { MarkPriceUpdate, Subscription, UserEvent, Venue } from '../venue/port.ts';
import type { EngineEventSink } from './events.ts';
import type { CloseOutcome, Executor, Logger } from './execution/index.ts';
import { emitCloseSkipped } from './outcomes.ts';
import type { TradeGate } from './trade-gate.ts';

export interface ProtectorDeps {
  venue: Venue;
  store: Store;
  executor: Executor;
  gate: TradeGate;
  params: StrategyParams;
  clock: Clock;
  events: EngineEventSink;
  logger: Logger;
  /** Something changed on the exchange that the loop should reconcile now (it wakes the loop). */
  onExchangeChange?: (why: string) => void;
  /** Replaces the exchange-side backstop after a leverage change; absent when the executor cannot. */
  replaceBackstop?: (positionId: number) => Promise<void>;
  /** REST polling period while the stream is down (wall ms). Default 5000. */
  pollIntervalMs?: number;
  /** A stream silent this long (wall ms) is treated as down. Default 10 000. */
  staleAfterMs?: number;
  /** After a failed stop-loss close, the next attempt waits at least this long (wall ms). Default 1000. */
  retryAfterMs?: number;
  /** How long an account event must stay unexplained before the loop is woken (wall ms). Default 1500. */
  changeSettleMs?: number;
  /**
   * An account stream that is back within this long (wall ms) was a reconnect, not an outage, and is not reported
   * (listen keys are replaced and connections rotated routinely). Default 3000.
   */
  userStreamGraceMs?: number;
}

/** What the protector watches: the active position's stop, in exchange terms. */
interface Watch {
  positionId: number;
  symbol: string;
  entryPrice: Decimal;
  leverage: number;
  stopMarkPrice: Decimal;
}

/** Positions whose stop-loss is watched: established, or being closed (a crossing retries the close at once). */
const WATCHED_STATUSES = new Set<Position['status']>(['open', 'closing', 'adopted']);

function watchOf(position: Position | null, params: StrategyParams): Watch | null {
  if (position === null || !WATCHED_STATUSES.has(position.status)) return null;
  const entry = position.perpAvgPrice;
  if (entry === null || !entry.isPositive() || entry.isZero()) return null;
  return {
    positionId: position.id,
    symbol: position.symbol,
    entryPrice: entry,
    leverage: position.leverage,
    stopMarkPrice: stopLossMarkPrice(entry, position.leverage, params),
  };
}

function sameWatch(a: Watch | null, b: Watch | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.positionId === b.positionId &&
    a.symbol === b.symbol &&
    a.leverage === b.leverage &&
    a.entryPrice.equals(b.entryPrice)
  );
}

export class Protector {
  readonly #deps: ProtectorDeps;
  readonly #pollIntervalMs: number;
  readonly #staleAfterMs: number;
  readonly #retryAfterMs: number;
  readonly #changeSettleMs: number;
  readonly #userStreamGraceMs: number;

  #watch: Watch | null = null;
  #markSub: Subscription | null = null;
  #userSub: Subscription | null = null;
  /** Whether the mark stream is connected; polling covers the gaps. */
  #markUp = false;
  #lastMarkWallMs = 0;
  #pollTimer: ReturnType<typeof setInterval> | null = null;
  #polling = false;
  /** The stop-loss close in progress, if any: one at a time. */
  #closing: Promise<void> | null = null;
  #lastFailureWallMs = 0;
  /** Serialises sync() calls: subscription changes must not interleave. */
  #syncChain: Promise<void> = Promise.resolve();
  #stopped = false;
  /** Bumped on every watch change so late events of an old subscription are ignored. */
  #generation = 0;
  /** The last status reported per stream, so only changes are emitted. */
  readonly #lastStatus: Record<'mark_price' | 'user_data', string | null> = { mark_price: null, user_data: null };
  /** A loss of the account stream waiting out its grace period before it is reported. */
  #userDownTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(deps: ProtectorDeps) {
    this.#deps = deps;
    this.#pollIntervalMs = deps.pollIntervalMs ?? 5000;
    this.#staleAfterMs = deps.staleAfterMs ?? 10_000;
    this.#retryAfterMs = deps.retryAfterMs ?? 1000;
    this.#changeSettleMs = deps.changeSettleMs ?? 1500;
    this.#userStreamGraceMs = deps.userStreamGraceMs ?? 3000;
  }

  /** The symbol being watched and its stop price, or null when flat. */
  get watching(): { positionId: number; symbol: string; stopMarkPrice: Decimal } | null {
    const w = this.#watch;
    return w === null ? null : { positionId: w.positionId, symbol: w.symbol, stopMarkPrice: w.stopMarkPrice };
  }

  /** Subscribes to the user-data stream and starts watching the active position. */
  async start(): Promise<void> {
    this.#pollTimer = setInterval(() => void this.#pollIfNeeded(), this.#pollIntervalMs);
    this.#pollTimer.unref?.();
    try {
      this.#userSub = await this.#deps.venue.subscribeUserData({
        onEvent: (event) => this.#onUserEvent(event),
        onStatus: (status) => this.#emitStatus('user_data', status.up, status.reason ?? null),
      });
      this.#emitStatus('user_data', true, null);
    } catch (error) {
      // The account stream is a convenience (it speeds up reacting to a fired backstop); the loop's
      // reconcile finds the same changes a little later. Its absence never stops the bot.
      this.#emitStatus('user_data', false, describeError(error));
      this.#deps.logger.warn({ err: describeError(error) }, 'protector: user-data stream unavailable');
    }
    await this.sync();
  }

  /** Re-reads the active position and (re)subscribes if what must be watched changed. */
  sync(): Promise<void> {
    const next = this.#syncChain.then(() => this.#syncNow());
    this.#syncChain = next.catch(() => {});
    return next;
  }

  /**
   * The exchange reports leverage `leverage` for the held position's symbol. When it differs from the
   * record, the stop follows the exchange (liquidation depends on the leverage actually in force).
   */
  async onExchangeLeverage(symbol: string, leverage: number): Promise<void> {
    const watch = this.#watch;
    if (watch === null || watch.symbol !== symbol || watch.leverage === leverage) return;
    if (!Number.isInteger(leverage) || leverage < 1) return;
    await this.#deps.gate.run('protector: leverage change', 'urgent', async () => {
      const position = this.#deps.store.positions.active();
      if (position === null || position.id !== watch.positionId || position.leverage === leverage) return;
      this.#deps.store.positions.update(position.id, { leverage });
      this.#deps.events({
        type: 'warning',
        code: 'leverage_changed',
        message:
          `${symbol}: leverage on the exchange is ${leverage}x, the position was recorded at ${position.leverage}x; ` +
          `the stop-loss now follows ${leverage}x`,
      });
      if (this.#deps.replaceBackstop !== undefined) await this.#deps.replaceBackstop(position.id);
    });
    await this.sync();
  }

  /** Unsubscribes everything and waits for a stop-loss close in progress to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#pollTimer !== null) clearInterval(this.#pollTimer);
    this.#pollTimer = null;
    if (this.#userDownTimer !== null) clearTimeout(this.#userDownTimer);
    this.#userDownTimer = null;
    await this.#syncChain;
    const subs = [this.#markSub, this.#userSub];
    this.#markSub = null;
    this.#userSub = null;
    this.#watch = null;
    this.#generation += 1;
    await Promise.allSettled(subs.map((s) => s?.close()));
    if (this.#closing !== null) await this.#closing;
  }

  async #syncNow(): Promise<void> {
    if (this.#stopped) return;
    const next = watchOf(this.#deps.store.positions.active(), this.#deps.params);
    if (sameWatch(this.#watch, next)) {
      if (next !== null && this.#markSub === null) await this.#subscribe(next);
      return;
    }
    const previous = this.#watch;
    this.#watch = next;
    this.#generation += 1;
    if (previous === null || next === null || previous.symbol !== next.symbol) {
      const old = this.#markSub;
      this.#markSub = null;
      this.#markUp = false;
      if (old !== null) await old.close().catch(() => {});
      if (next !== null) await this.#subscribe(next);
    }
    this.#deps.events({
      type: 'protector_watch',
      symbol: next?.symbol ?? null,
      stopMarkPrice: next?.stopMarkPrice ?? null,
    });
  }

  async #subscribe(watch: Watch): Promise<void> {
    const generation = this.#generation;
    try {
      const sub = await this.#deps.venue.subscribeMarkPrice(watch.symbol, {
        onEvent: (update: MarkPriceUpdate) => {
          if (generation !== this.#generation) return;
          this.#lastMarkWallMs = Date.now();
          this.#evaluate(update.symbol, update.markPrice, 'stream');
        },
        onStatus: (status) => {
          if (generation !== this.#generation) return;
          this.#markUp = status.up;
          if (status.up) this.#lastMarkWallMs = Date.now();
          this.#emitStatus('mark_price', status.up, status.reason ?? null);
        },
      });
      if (generation !== this.#generation || this.#stopped) {
        await sub.close().catch(() => {});
        return;
      }
      this.#markSub = sub;
      this.#markUp = true;
      this.#lastMarkWallMs = Date.now();
      this.#emitStatus('mark_price', true, null);
    } catch (error) {
      // Polling covers the position until a later sync subscribes successfully.
      this.#markUp = false;
      this.#emitStatus('mark_price', false, describeError(error));
      this.#deps.logger.warn({ symbol: watch.symbol, err: describeError(error) }, 'protector: mark stream unavailable');
    }
  }

  #emitStatus(stream: 'mark_price' | 'user_data', up: boolean, reason: string | null): void {
    if (stream === 'user_data') {
      // The first status is news either way; after that, a loss is only reported if it outlasts the grace period.
      const known = this.#lastStatus.user_data !== null;
      if (!up && known && this.#userStreamGraceMs > 0) {
        if (this.#userDownTimer === null) {
          this.#userDownTimer = setTimeout(() => {
            this.#userDownTimer = null;
            if (!this.#stopped) this.#reportStatus('user_data', false, reason);
          }, this.#userStreamGraceMs);
          this.#userDownTimer.unref?.();
        }
        return;
      }
      if (up && this.#userDownTimer !== null) {
        clearTimeout(this.#userDownTimer);
        this.#userDownTimer = null;
      }
    }
    this.#reportStatus(stream, up, reason);
  }

  #reportStatus(stream: 'mark_price' | 'user_data', up: boolean, reason: string | null): void {
    // Only changes are news: a subscription confirmed twice (by the call and by the stream) is one event.
    const symbol = stream === 'mark_price' ? (this.#watch?.symbol ?? null) : null;
    const key = `${up}|${symbol}`;
    if (this.#lastStatus[stream] === key) return;
    this.#lastStatus[stream] = key;
    this.#deps.events({
      type: 'protector_status',
      stream,
      up,
      symbol,
      reason,
    });
  }

  /** One decimal comparison per update: the stop price was computed when the watch was set. */
  #evaluate(symbol: string, markPrice: Decimal, source: 'stream' | 'poll'): void {
    const watch = this.#watch;
    if (watch === null || symbol !== watch.symbol) return;
    if (markPrice.lessThan(watch.stopMarkPrice)) return;
    this.#trigger(watch, markPrice, source);
  }

  #trigger(watch: Watch, markPrice: Decimal, source: 'stream' | 'poll'): void {
    if (this.#closing !== null || this.#stopped) return;
    if (Date.now() - this.#lastFailureWallMs < this.#retryAfterMs) return;
    const { params, events } = this.#deps;
    events({
      type: 'stop_loss_triggered',
      positionId: watch.positionId,
      symbol: watch.symbol,
      markPrice,
      stopMarkPrice: watch.stopMarkPrice,
      shortPnlPct: shortPnlPct(watch.entryPrice, markPrice),
      stopLossPct: stopLossPct(watch.leverage, params),
      source,
    });
    this.#closing = this.#closeNow(watch).finally(() => {
      this.#closing = null;
    });
  }

  async #closeNow(watch: Watch): Promise<void> {
    const { gate, executor, store, events, logger } = this.#deps;
    let outcome: CloseOutcome | null = null;
    try {
      outcome = await gate.run(`stop-loss close ${watch.symbol}`, 'urgent', async () => {
        // The position may have been closed while we waited for the gate (by the loop, or `dnfarm exit`).
        const position = store.positions.active();
        if (position === null || position.id !== watch.positionId) return null;
        events({
          type: 'close_started',
          positionId: position.id,
          symbol: position.symbol,
          reason: 'stop_loss',
          source: 'protector',
        });
        return executor.closePosition(position.id, 'stop_loss');
      });
    } catch (error) {
      this.#lastFailureWallMs = Date.now();
      const kind = error instanceof DnfarmError ? error.kind : 'unknown';
      events({ type: 'error', step: 'stop-loss close', kind, message: describeError(error) });
      logger.error({ symbol: watch.symbol, err: describeError(error) }, 'protector: stop-loss close failed');
    }
    if (outcome !== null) {
      emitCloseSkipped(events, outcome);
      if (outcome.status !== 'closed') this.#lastFailureWallMs = Date.now();
    }
    await this.sync().catch(() => {});
  }

  async #pollIfNeeded(): Promise<void> {
    const watch = this.#watch;
    if (watch === null || this.#polling || this.#stopped || this.#closing !== null) return;
    const silentMs = Date.now() - this.#lastMarkWallMs;
    if (this.#markUp && silentMs < this.#staleAfterMs) return;
    this.#polling = true;
    try {
      if (this.#markSub === null) await this.sync();
      const rows = await this.#deps.venue.perpPositions(watch.symbol);
      const row = rows.find((r) => r.symbol === watch.symbol);
      if (row === undefined || !row.markPrice.isPositive() || row.markPrice.isZero()) return;
      if (row.leverage !== watch.leverage && row.positionAmt.isNegative()) {
        void this.onExchangeLeverage(watch.symbol, row.leverage).catch((error: unknown) => {
          this.#deps.logger.warn({ err: describeError(error) }, 'protector: leverage update failed');
        });
      }
      this.#evaluate(row.symbol, row.markPrice, 'poll');
    } catch (error) {
      // A failed poll is a transient read error: reported, never acted on.
      this.#deps.logger.warn({ symbol: watch.symbol, err: describeError(error) }, 'protector: mark poll failed');
    } finally {
      this.#polling = false;
    }
  }

  #onUserEvent(event: UserEvent): void {
    const watch = this.#watch;
    if (watch === null) return;
    if (event.type === 'position' && event.symbol === watch.symbol && !event.positionAmt.isNegative()) {
      this.#confirmExchangeChange(watch, `${watch.symbol}: the short changed on the exchange (${event.positionAmt})`);
    } else if (
      event.type === 'order' &&
      event.order.symbol === watch.symbol &&
      event.order.type === 'STOP_MARKET' &&
      event.order.status === 'FILLED'
    ) {
      this.#confirmExchangeChange(watch, `${watch.symbol}: the exchange-side stop order filled`);
    } else if (event.type === 'listenKeyExpired') {
      // Not an outage by itself: the stream replaces the key and reconnects, and reports its status if that fails.
      this.#deps.logger.info(
        { symbol: watch.symbol },
        'protector: account stream listen key expired; the stream replaces it',
      );
    }
  }

  /**
   * The bot's own closes produce the same account events; they are only news when, a moment later,
   * no trading step is running and the store still holds the position as open.
   */
  #confirmExchangeChange(watch: Watch, why: string): void {
    const timer = setTimeout(() => {
      if (this.#stopped || this.#deps.gate.holder !== null || this.#closing !== null) return;
      const active = this.#deps.store.positions.active();
      if (active === null || active.id !== watch.positionId || active.status !== 'open') return;
      this.#deps.onExchangeChange?.(why);
    }, this.#changeSettleMs);
    timer.unref?.();
  }
}
