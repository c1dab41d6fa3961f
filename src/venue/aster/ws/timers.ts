/**
 * Time as the stream layer sees it: a monotonic clock for rate limits and lifetimes, and one-shot timers.
 *
 * Injected so tests can count live timers (nothing may be left behind after `close()`) or drive time by hand.
 */
export type TimerHandle = unknown;

export interface StreamTimers {
  /** Milliseconds on a monotonic clock; only differences are meaningful. */
  nowMs(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const REAL_TIMERS: StreamTimers = {
  nowMs: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, Math.max(0, delayMs)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A single re-armable timer slot: arming it again replaces the previous deadline. */
export class TimerSlot {
  private handle: TimerHandle | null = null;

  constructor(private readonly timers: StreamTimers) {}

  arm(delayMs: number, callback: () => void): void {
    this.cancel();
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      callback();
    }, delayMs);
  }

  cancel(): void {
    if (this.handle === null) return;
    this.timers.clearTimeout(this.handle);
    this.handle = null;
  }

  get armed(): boolean {
    return this.handle !== null;
  }
}
