/**
 * Our estimate of the exchange's clock: the local clock plus a measured offset.
 *
 * V3 nonces must lie within ±10 s of server time and V1 timestamps within `recvWindow` (and at most 1 s ahead), so
 * every nonce and timestamp is taken from here. The offset is measured from a `/time` round trip assuming the
 * server read its clock half-way through it (RTT/2). Spot and futures are one exchange with one clock, so one
 * offset serves both hosts.
 */
export interface ServerClockOptions {
  /** Local time in ms; may be fractional. Defaults to `Date.now`. */
  nowMs?: () => number;
}

export class ServerClock {
  #offsetMs = 0;
  #measuredAtMs: number | undefined;
  readonly #nowMs: () => number;

  constructor(options: ServerClockOptions = {}) {
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** Milliseconds to add to local time to get server time. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Local time when the offset was last measured, if ever. */
  get measuredAtMs(): number | undefined {
    return this.#measuredAtMs;
  }

  localNowMs(): number {
    return this.#nowMs();
  }

  /** Estimated server time in ms (may be fractional). */
  nowMs(): number {
    return this.#nowMs() + this.#offsetMs;
  }

  /**
   * Records one `/time` round trip: the request left at `sentAtMs`, the answer arrived at `receivedAtMs` (both
   * local), carrying `serverTimeMs`. Returns the new offset.
   */
  recordSample(sentAtMs: number, receivedAtMs: number, serverTimeMs: number): number {
    if (![sentAtMs, receivedAtMs, serverTimeMs].every(Number.isFinite) || receivedAtMs < sentAtMs) {
      throw new RangeError(
        `invalid time sample: sentAtMs=${sentAtMs} receivedAtMs=${receivedAtMs} serverTimeMs=${serverTimeMs}`,
      );
    }
    const midpointMs = sentAtMs + (receivedAtMs - sentAtMs) / 2;
    this.#offsetMs = serverTimeMs - midpointMs;
    this.#measuredAtMs = receivedAtMs;
    return this.#offsetMs;
  }

  setOffsetMs(offsetMs: number): void {
    if (!Number.isFinite(offsetMs)) throw new RangeError(`offsetMs must be finite, got ${offsetMs}`);
    this.#offsetMs = offsetMs;
  }
}
