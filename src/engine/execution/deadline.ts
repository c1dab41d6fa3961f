/** A point in the engine clock's time by which a step must be done (the leg timeout, a settlement wait). */
import type { Clock } from '../../domain/clock.ts';

export class Deadline {
  readonly atMs: number;
  readonly #clock: Clock;

  private constructor(clock: Clock, atMs: number) {
    this.#clock = clock;
    this.atMs = atMs;
  }

  /** `budgetMs` from now. */
  static after(clock: Clock, budgetMs: number): Deadline {
    return new Deadline(clock, clock.nowMs() + Math.max(0, budgetMs));
  }

  static at(clock: Clock, atMs: number): Deadline {
    return new Deadline(clock, atMs);
  }

  remainingMs(): number {
    return Math.max(0, this.atMs - this.#clock.nowMs());
  }

  expired(): boolean {
    return this.remainingMs() === 0;
  }

  /** Sleeps `ms`, but never past the deadline. */
  async sleep(ms: number): Promise<void> {
    const wait = Math.min(ms, this.remainingMs());
    if (wait > 0) await this.#clock.sleep(wait);
  }
}
