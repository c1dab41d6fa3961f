/**
 * Per-host "do not send before" times. A 418 is an IP ban and a 429 with `Retry-After` a demand to back off: both
 * apply to every request to that host, not only to the one that received them, because the next request would
 * extend the ban (bans escalate from 2 minutes to 3 days).
 */
export class HostGate {
  readonly #blockedUntilMs = new Map<string, number>();

  /** Blocks `host` until `untilMs` (local clock); an earlier end never shortens an existing block. */
  block(host: string, untilMs: number): void {
    const current = this.#blockedUntilMs.get(host) ?? 0;
    if (untilMs > current) this.#blockedUntilMs.set(host, untilMs);
  }

  /** Milliseconds until `host` may be contacted again (0 when open). */
  remainingMs(host: string, nowMs: number): number {
    const until = this.#blockedUntilMs.get(host);
    if (until === undefined) return 0;
    if (until <= nowMs) {
      this.#blockedUntilMs.delete(host);
      return 0;
    }
    return until - nowMs;
  }
}
