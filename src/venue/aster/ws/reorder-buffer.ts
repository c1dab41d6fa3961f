import { type StreamTimers, TimerSlot } from './timers.ts';

export interface ReleaseInfo {
  /** The event's `E`, or null when the payload had none. */
  eventTimeMs: number | null;
  /** True when an event with a later `E` was already released: it arrived after the window closed on it. */
  late: boolean;
}

interface Held<T> {
  item: T;
  eventTimeMs: number | null;
  sortKey: number;
  seq: number;
  dueAtMs: number;
}

/**
 * Releases events in event-time (`E`) order although the server may send them out of order (Aster's futures user
 * stream does).
 *
 * Policy:
 * - every event is held for `windowMs` after it arrives; when its hold ends it is released together with every held
 *   event whose `E` is not later than its own, lowest `E` first (ties keep arrival order);
 * - an event that arrives after one with a later `E` was released is still delivered, never dropped (a fill must not
 *   be lost), but flagged `late`;
 * - an event without a usable `E` is ordered after everything already seen and never flagged late;
 * - `flush()` releases everything at once (shutdown).
 */
export class EventReorderBuffer<T> {
  private held: Array<Held<T>> = [];
  private readonly timer: TimerSlot;
  private seq = 0;
  private highestSeenMs = Number.NEGATIVE_INFINITY;
  private highestReleasedMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly timers: StreamTimers,
    private readonly release: (item: T, info: ReleaseInfo) => void,
  ) {
    this.timer = new TimerSlot(timers);
  }

  get size(): number {
    return this.held.length;
  }

  push(item: T, eventTimeMs: number | null): void {
    if (eventTimeMs !== null) this.highestSeenMs = Math.max(this.highestSeenMs, eventTimeMs);
    const sortKey = eventTimeMs ?? this.highestSeenMs;
    const entry: Held<T> = {
      item,
      eventTimeMs,
      sortKey,
      seq: this.seq++,
      dueAtMs: this.timers.nowMs() + this.windowMs,
    };
    let index = this.held.length;
    while (index > 0 && (this.held[index - 1] as Held<T>).sortKey > sortKey) index--;
    this.held.splice(index, 0, entry);
    if (this.windowMs <= 0) {
      this.releaseThrough(sortKey);
      return;
    }
    if (!this.timer.armed) this.armForEarliest();
  }

  /** Releases everything held, in order. */
  flush(): void {
    this.timer.cancel();
    this.releaseThrough(Number.POSITIVE_INFINITY);
  }

  /** Drops the timer and anything held, without releasing it. */
  discard(): void {
    this.timer.cancel();
    this.held = [];
  }

  private armForEarliest(): void {
    if (this.held.length === 0) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const entry of this.held) earliest = Math.min(earliest, entry.dueAtMs);
    this.timer.arm(Math.max(0, earliest - this.timers.nowMs()), () => this.releaseDue());
  }

  private releaseDue(): void {
    const nowMs = this.timers.nowMs();
    let through = Number.NEGATIVE_INFINITY;
    for (const entry of this.held) if (entry.dueAtMs <= nowMs) through = Math.max(through, entry.sortKey);
    if (through > Number.NEGATIVE_INFINITY) this.releaseThrough(through);
    this.armForEarliest();
  }

  private releaseThrough(sortKey: number): void {
    let count = 0;
    while (count < this.held.length && (this.held[count] as Held<T>).sortKey <= sortKey) count++;
    const batch = this.held.splice(0, count);
    for (const entry of batch) {
      const late = entry.eventTimeMs !== null && entry.eventTimeMs < this.highestReleasedMs;
      if (entry.eventTimeMs !== null) this.highestReleasedMs = Math.max(this.highestReleasedMs, entry.eventTimeMs);
      this.release(entry.item, { eventTimeMs: entry.eventTimeMs, late });
    }
  }
}
