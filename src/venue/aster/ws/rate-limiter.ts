import { ConfigError } from '../../../errors.ts';
import type { StreamTimers } from './timers.ts';
import { TimerSlot } from './timers.ts';

/**
 * Paces outgoing frames so that no window of `windowMs` ever holds more than `maxMessages` sends.
 *
 * Work is queued as actions that send at most one frame and report whether they did: an action may find, when its
 * turn comes, that there is nothing left to say (a coalesced SUBSCRIBE whose streams were already covered), and then
 * it costs nothing. Priority actions (pongs, pings) jump the queue: being late to a pong gets us disconnected,
 * while a SUBSCRIBE can wait a second.
 */
export class MessageRateLimiter {
  private readonly sentAtMs: number[] = [];
  private queue: Array<() => boolean> = [];
  private readonly wake: TimerSlot;
  private draining = false;

  constructor(
    private readonly maxMessages: number,
    private readonly windowMs: number,
    private readonly timers: StreamTimers,
  ) {
    if (!Number.isInteger(maxMessages) || maxMessages < 1) {
      throw new ConfigError('maxMessagesPerSecond', `must be a positive integer, got ${maxMessages}`, {
        value: maxMessages,
      });
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new ConfigError('rateWindowMs', `must be > 0, got ${windowMs}`, { value: windowMs });
    }
    this.wake = new TimerSlot(timers);
  }

  enqueue(action: () => boolean, options: { priority?: boolean } = {}): void {
    if (options.priority) this.queue.unshift(action);
    else this.queue.push(action);
    this.drain();
  }

  /** Actions still waiting for a slot. */
  get pending(): number {
    return this.queue.length;
  }

  /** Drops every queued action and the wake-up timer (the socket is gone). */
  clear(): void {
    this.queue = [];
    this.wake.cancel();
  }

  private drain(): void {
    // An action may enqueue more work; the running loop picks it up, so re-entry would only double-send.
    if (this.draining || this.wake.armed) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const nowMs = this.timers.nowMs();
        while (this.sentAtMs.length > 0 && (this.sentAtMs[0] as number) <= nowMs - this.windowMs) this.sentAtMs.shift();
        if (this.sentAtMs.length >= this.maxMessages) {
          const waitMs = (this.sentAtMs[0] as number) + this.windowMs - nowMs;
          this.wake.arm(Math.max(1, Math.ceil(waitMs)), () => this.drain());
          return;
        }
        const action = this.queue.shift() as () => boolean;
        if (action()) this.sentAtMs.push(nowMs);
      }
    } finally {
      this.draining = false;
    }
  }
}
