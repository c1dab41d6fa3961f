/**
 * The simulator's clock. Funding, nonce windows, stream cadence and listenKey expiry all follow it, and the bot's
 * clock follows it too, so a run at `speed` 100 settles funding 100 times sooner in real time.
 *
 * Two modes:
 * - real time × speed: `nowMs = startMs + (real elapsed) × speed`; timers fire on real `setTimeout`s scaled down;
 * - manual: time only moves through `advance` / `set`, which fire due timers in time order (deterministic tests).
 *
 * All timers live in one queue ordered by (due time, creation order), so callbacks due at the same instant run in
 * the order they were scheduled in either mode.
 *
 * Fast-forward (`fastForward`) skips idle time in either mode: the bot's loop sleeps minutes between checks, and a
 * demo or a long test should not wait for them. The clock jumps ahead in bounded steps instead of running faster,
 * because running faster would also shrink every budget of work in progress (a 5 s leg timeout at ×1000 is 5 ms).
 */
import type { Clock } from '../domain/clock.ts';

export interface SimClockOptions {
  /** Clock time at creation (epoch ms). */
  startMs: number;
  /** Clock milliseconds per real millisecond (> 0). Default 1. Ignored in manual mode. */
  speed?: number;
  /** When true, time moves only through `advance` / `set`. */
  manual?: boolean;
  /** Real monotonic time in ms; injectable for tests. Default `performance.now()`. */
  realNowMs?: () => number;
  /** Called when a timer callback throws. Default: rethrown asynchronously (an uncaught exception). */
  onTimerError?: (error: unknown) => void;
}

export interface FastForwardOptions {
  /** Largest jump of one step, in clock ms (> 0). Default 5000. */
  stepMs?: number;
  /** Aborting ends the fast-forward early (it resolves, never rejects). */
  signal?: AbortSignal;
  /**
   * Runs after every step, before the next one: a simulator brings its market, funding and streams up to the new
   * time here, so that nothing between two steps is skipped unseen.
   */
  afterStep?: () => void | Promise<void>;
  /**
   * While this returns true no step is taken and the clock runs at its own speed: work that started during the
   * wait (a stop-loss close) keeps its real-time budgets. Asked before every step.
   */
  busy?: () => boolean;
  /** Real ms to let pass between two steps (0: one turn of the event loop, enough for sockets to deliver). */
  pauseRealMs?: number;
  /** Real ms between two looks at `busy` while it holds. Default 20. */
  busyPollRealMs?: number;
}

export interface TimerHandle {
  cancel(): void;
}

interface Timer {
  seq: number;
  dueMs: number;
  /** 0 for one-shot timers. */
  periodMs: number;
  run: () => void;
  cancelled: boolean;
}

export class SimClock implements Clock {
  readonly manual: boolean;
  private speed: number;
  private readonly realNowMs: () => number;
  private readonly onTimerError: (error: unknown) => void;
  /** Real-time mode: clock time = baseClockMs + (realNow − baseRealMs) × speed. */
  private baseClockMs: number;
  private baseRealMs: number;
  /** Manual mode: the current time. */
  private manualNowMs: number;
  /** Never report a time earlier than one already reported. */
  private lastReportedMs: number;
  private readonly timers: Timer[] = [];
  private nextSeq = 1;
  private realTimeout: ReturnType<typeof setTimeout> | undefined;
  private firing = false;
  private closed = false;

  constructor(options: SimClockOptions) {
    if (!Number.isFinite(options.startMs))
      throw new RangeError(`startMs must be a finite number, got ${options.startMs}`);
    const speed = options.speed ?? 1;
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
    this.manual = options.manual ?? false;
    this.speed = speed;
    this.realNowMs = options.realNowMs ?? (() => performance.now());
    this.onTimerError =
      options.onTimerError ??
      ((error) => {
        queueMicrotask(() => {
          throw error;
        });
      });
    this.baseClockMs = Math.floor(options.startMs);
    this.baseRealMs = this.realNowMs();
    this.manualNowMs = this.baseClockMs;
    this.lastReportedMs = this.baseClockMs;
  }

  nowMs(): number {
    const raw = this.manual
      ? this.manualNowMs
      : this.baseClockMs + Math.floor((this.realNowMs() - this.baseRealMs) * this.speed);
    if (raw > this.lastReportedMs) this.lastReportedMs = raw;
    return this.lastReportedMs;
  }

  getSpeed(): number {
    return this.speed;
  }

  /** Changes the real-time speed from now on, without a jump in clock time. */
  setSpeed(speed: number): void {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
    const now = this.nowMs();
    this.baseClockMs = now;
    this.baseRealMs = this.realNowMs();
    this.speed = speed;
    this.arm();
  }

  /** Resolves after `ms` of clock time, or as soon as `signal` aborts (resolving, not rejecting). */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const onAbort = (): void => {
        handle.cancel();
        resolve();
      };
      const handle = this.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs `fn` once, `delayMs` of clock time from now. */
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.schedule(this.nowMs() + Math.max(0, delayMs), 0, fn);
  }

  /** Runs `fn` at `atMs` clock time (at once, on the next firing, if that is already past). */
  at(atMs: number, fn: () => void): TimerHandle {
    return this.schedule(Math.max(this.nowMs(), atMs), 0, fn);
  }

  /**
   * Runs `fn` every `periodMs` of clock time. With `aligned`, ticks fall on multiples of the period (e.g. every
   * whole second of clock time), otherwise the first tick is one period from now. Ticks missed while the host was
   * busy are skipped, not replayed in a burst.
   */
  every(periodMs: number, fn: () => void, options: { aligned?: boolean } = {}): TimerHandle {
    if (!(periodMs > 0)) throw new RangeError(`periodMs must be positive, got ${periodMs}`);
    const now = this.nowMs();
    const first = options.aligned ? (Math.floor(now / periodMs) + 1) * periodMs : now + periodMs;
    return this.schedule(first, periodMs, fn);
  }

  /** Moves time forward by `ms`, firing every timer that falls due, each at its own due time (manual mode). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance needs a non-negative duration, got ${ms}`);
    this.moveTo(this.nowMs() + ms);
  }

  /** Moves time forward to `atMs` (never backwards), firing due timers in order. */
  set(atMs: number): void {
    const now = this.nowMs();
    if (atMs < now) throw new RangeError(`the clock cannot go back from ${now} to ${atMs}`);
    this.moveTo(atMs);
  }

  /**
   * Like `advance`, but yields to the event loop after each timer so that code awaiting a `sleep` runs before the
   * next timer fires: a bot driven by a manual clock then behaves as it would in real time.
   */
  async advanceAsync(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`advance needs a non-negative duration, got ${ms}`);
    const target = this.nowMs() + ms;
    for (;;) {
      const timer = this.peekDue(target);
      if (!timer) break;
      this.jumpTo(timer.dueMs);
      this.fireDue();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.jumpTo(target);
    this.arm();
  }

  /**
   * Moves the clock `ms` ahead in steps of at most `stepMs`, firing due timers at their own time and yielding to
   * the event loop after every step (see `FastForwardOptions`). Resolves once the clock has reached the target
   * (time that passed at speed while `busy` counts towards it), or at once when `signal` aborts. Returns the clock
   * ms actually jumped over.
   */
  async fastForward(ms: number, options: FastForwardOptions = {}): Promise<number> {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`fastForward needs a finite duration >= 0, got ${ms}`);
    const stepMs = options.stepMs ?? 5000;
    if (!(stepMs > 0) || !Number.isFinite(stepMs))
      throw new RangeError(`stepMs must be a positive number, got ${stepMs}`);
    const pauseRealMs = Math.max(0, options.pauseRealMs ?? 0);
    const busyPollRealMs = Math.max(1, options.busyPollRealMs ?? 20);
    const targetMs = this.nowMs() + ms;
    let skippedMs = 0;
    for (;;) {
      if (options.signal?.aborted) break;
      const remainingMs = targetMs - this.nowMs();
      if (remainingMs <= 0) break;
      if (options.busy?.() === true) {
        await realPause(busyPollRealMs);
        continue;
      }
      const step = Math.min(stepMs, remainingMs);
      await this.advanceAsync(step);
      skippedMs += step;
      await options.afterStep?.();
      await realPause(pauseRealMs);
    }
    return skippedMs;
  }

  /** Number of pending timers (sleeps included). */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Cancels every timer; pending sleeps never resolve. The clock still tells time. */
  close(): void {
    this.closed = true;
    this.timers.length = 0;
    if (this.realTimeout !== undefined) clearTimeout(this.realTimeout);
    this.realTimeout = undefined;
  }

  private schedule(dueMs: number, periodMs: number, run: () => void): TimerHandle {
    const timer: Timer = { seq: this.nextSeq++, dueMs, periodMs, run, cancelled: false };
    if (!this.closed) this.insert(timer);
    this.arm();
    return {
      cancel: () => {
        timer.cancelled = true;
        const i = this.timers.indexOf(timer);
        if (i >= 0) this.timers.splice(i, 1);
      },
    };
  }

  private insert(timer: Timer): void {
    // Binary search keeps the queue ordered by (dueMs, seq).
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.timers[mid] as Timer;
      if (t.dueMs < timer.dueMs || (t.dueMs === timer.dueMs && t.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
  }

  private peekDue(limitMs: number): Timer | undefined {
    const first = this.timers[0];
    return first && first.dueMs <= limitMs ? first : undefined;
  }

  private moveTo(targetMs: number): void {
    for (;;) {
      const timer = this.peekDue(targetMs);
      if (!timer) break;
      this.jumpTo(timer.dueMs);
      this.fireDue();
    }
    this.jumpTo(targetMs);
    this.arm();
  }

  /** Sets the clock to `atMs` if that is later, in either mode. */
  private jumpTo(atMs: number): void {
    if (atMs <= this.nowMs()) return;
    if (this.manual) this.manualNowMs = atMs;
    else {
      this.baseClockMs = atMs;
      this.baseRealMs = this.realNowMs();
    }
    this.nowMs();
  }

  /** Fires every timer due at the current time, in order; periodic ones are rescheduled. */
  private fireDue(): void {
    if (this.firing) return;
    this.firing = true;
    try {
      for (;;) {
        const now = this.nowMs();
        const timer = this.peekDue(now);
        if (!timer) break;
        this.timers.shift();
        if (timer.periodMs > 0) {
          const missed = Math.floor((now - timer.dueMs) / timer.periodMs);
          timer.dueMs += (missed + 1) * timer.periodMs;
          this.insert(timer);
        }
        try {
          timer.run();
        } catch (error) {
          this.onTimerError(error);
        }
      }
    } finally {
      this.firing = false;
    }
  }

  /** Real-time mode: one real timeout, set for the earliest timer. */
  private arm(): void {
    if (this.manual || this.closed) return;
    if (this.realTimeout !== undefined) clearTimeout(this.realTimeout);
    this.realTimeout = undefined;
    const first = this.timers[0];
    if (!first) return;
    const delayRealMs = Math.max(0, (first.dueMs - this.nowMs()) / this.speed);
    this.realTimeout = setTimeout(() => {
      this.realTimeout = undefined;
      this.fireDue();
      this.arm();
    }, Math.ceil(delayRealMs));
  }
}

/** Lets real time pass: `ms` of it, or one turn of the event loop (I/O included) for 0. */
function realPause(ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ms > 0) setTimeout(resolve, ms);
    else setImmediate(resolve);
  });
}
