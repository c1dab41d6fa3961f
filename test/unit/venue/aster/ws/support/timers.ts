import type { StreamTimers, TimerHandle } from '../../../../../../src/venue/aster/ws/timers.ts';
import { REAL_TIMERS } from '../../../../../../src/venue/aster/ws/timers.ts';

/** Real timers that remember which are still pending, so a test can prove `close()` left none behind. */
export class TrackingTimers implements StreamTimers {
  private readonly pending = new Set<TimerHandle>();

  nowMs(): number {
    return REAL_TIMERS.nowMs();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle = REAL_TIMERS.setTimeout(() => {
      this.pending.delete(handle);
      callback();
    }, delayMs);
    this.pending.add(handle);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle);
    REAL_TIMERS.clearTimeout(handle);
  }

  get active(): number {
    return this.pending.size;
  }
}

/** Hand-driven time for pure logic: nothing fires until `advance()`. */
export class ManualTimers implements StreamTimers {
  private now = 0;
  private nextId = 1;
  private readonly queue = new Map<number, { atMs: number; callback: () => void }>();

  nowMs(): number {
    return this.now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.queue.set(id, { atMs: this.now + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.queue.delete(handle as number);
  }

  get active(): number {
    return this.queue.size;
  }

  /** Moves time forward, firing due timers in deadline order (timers armed meanwhile fire too if due). */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let nextId: number | null = null;
      let nextAt = Number.POSITIVE_INFINITY;
      for (const [id, timer] of this.queue) {
        if (timer.atMs <= target && timer.atMs < nextAt) {
          nextAt = timer.atMs;
          nextId = id;
        }
      }
      if (nextId === null) break;
      const timer = this.queue.get(nextId) as { atMs: number; callback: () => void };
      this.queue.delete(nextId);
      this.now = Math.max(this.now, timer.atMs);
      timer.callback();
    }
    this.now = target;
  }
}

/** Polls `predicate` until it holds; the bound only catches hangs, it is not a speed assertion. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
