/**
 * Client-side request-weight and order-count limiter for one Aster host.
 *
 * Aster (like Binance) limits request weight per IP and order count per account in fixed windows aligned to server
 * time (e.g. one calendar minute), reports the running totals in `X-MBX-USED-WEIGHT-<n><unit>` and
 * `X-MBX-ORDER-COUNT-<n><unit>` on every response, and publishes the limits in exchangeInfo `rateLimits`. Going over
 * earns a 429 and, if it continues, a 418 IP ban of 2 minutes up to 3 days, so we stay below `headroom` (90 %) of
 * each limit: a request whose declared weight would cross it waits for the next window.
 *
 * Our count is the larger of what we reserved locally and what the server last reported for the same window; the
 * server sees other clients on the same IP, we see our requests still in flight.
 */

export type RateLimitType = 'REQUEST_WEIGHT' | 'ORDERS';

/** One entry of exchangeInfo `rateLimits`. Other types (e.g. RAW_REQUESTS) are ignored. */
export interface RateLimitRule {
  rateLimitType: string;
  interval: string;
  intervalNum: number;
  limit: number;
}

export interface RateLimitCost {
  weight: number;
  /** 1 for a new order, else 0. */
  orders: number;
}

export interface RateWindowUsage {
  type: RateLimitType;
  intervalMs: number;
  windowStartMs: number;
  used: number;
  limit: number | undefined;
}

export interface RateLimiterOptions {
  /** Estimated server time in ms: windows are aligned to the exchange's clock. */
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Fraction of each limit we allow ourselves (0 < headroom ≤ 1). */
  headroom: number;
}

const INTERVAL_MS: Readonly<Record<string, number>> = {
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};
const HEADER_UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const USAGE_HEADER = /^x-mbx-(used-weight|order-count)-(\d+)([smhd])$/i;

interface Window {
  type: RateLimitType;
  intervalMs: number;
  limit: number | undefined;
  index: number;
  used: number;
}

export class RateLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #options: RateLimiterOptions;

  constructor(options: RateLimiterOptions) {
    if (!(options.headroom > 0 && options.headroom <= 1)) {
      throw new RangeError(`headroom must be in (0, 1], got ${options.headroom}`);
    }
    this.#options = options;
  }

  /** Replaces the known limits (from exchangeInfo `rateLimits`); counts already observed are kept. */
  setLimits(rules: readonly RateLimitRule[]): void {
    for (const w of this.#windows.values()) w.limit = undefined;
    for (const rule of rules) {
      const type =
        rule.rateLimitType === 'REQUEST_WEIGHT' || rule.rateLimitType === 'ORDERS' ? rule.rateLimitType : null;
      const unitMs = INTERVAL_MS[rule.interval];
      if (type === null || unitMs === undefined) continue;
      if (!Number.isSafeInteger(rule.intervalNum) || rule.intervalNum <= 0) {
        throw new RangeError(`rateLimits intervalNum must be a positive integer, got ${rule.intervalNum}`);
      }
      if (!Number.isSafeInteger(rule.limit) || rule.limit <= 0) {
        throw new RangeError(`rateLimits limit must be a positive integer, got ${rule.limit}`);
      }
      this.#window(type, unitMs * rule.intervalNum).limit = rule.limit;
    }
  }

  /** Waits until `cost` fits under every known limit, then reserves it. Resolves with the time waited. */
  async acquire(cost: RateLimitCost): Promise<number> {
    let waitedMs = 0;
    for (;;) {
      const nowMs = this.#options.nowMs();
      let waitMs = 0;
      for (const w of this.#windows.values()) {
        this.#roll(w, nowMs);
        const units = costFor(w.type, cost);
        if (w.limit === undefined || units === 0) continue;
        const budget = Math.floor(w.limit * this.#options.headroom);
        // A single request heavier than the budget still goes, alone, at the start of a window.
        if (w.used > 0 && w.used + units > budget) {
          const windowEndMs = (w.index + 1) * w.intervalMs;
          waitMs = Math.max(waitMs, windowEndMs - nowMs);
        }
      }
      if (waitMs <= 0) {
        for (const w of this.#windows.values()) w.used += costFor(w.type, cost);
        return waitedMs;
      }
      // 1 ms past the boundary, so the next check lands in the new window even with a coarse clock.
      const sleepMs = Math.ceil(waitMs) + 1;
      await this.#options.sleep(sleepMs);
      waitedMs += sleepMs;
    }
  }

  /**
   * Takes in the usage headers of a response to a request sent at `sentAtMs` (server time). A header is ignored
   * when its window has already closed: it describes the previous window, not the current one.
   */
  observe(headers: Readonly<Record<string, string | string[] | undefined>>, sentAtMs: number): void {
    const nowMs = this.#options.nowMs();
    for (const [name, raw] of Object.entries(headers)) {
      const match = USAGE_HEADER.exec(name);
      if (match === null) continue;
      const value = Number(Array.isArray(raw) ? raw[0] : raw);
      if (!Number.isSafeInteger(value) || value < 0) continue;
      const type: RateLimitType = match[1]?.toLowerCase() === 'used-weight' ? 'REQUEST_WEIGHT' : 'ORDERS';
      const intervalMs = Number(match[2]) * (HEADER_UNIT_MS[match[3]?.toLowerCase() ?? ''] ?? 0);
      if (intervalMs <= 0) continue;
      const w = this.#window(type, intervalMs);
      this.#roll(w, nowMs);
      if (Math.floor(sentAtMs / intervalMs) !== w.index) continue;
      w.used = Math.max(w.used, value);
    }
  }

  usage(): RateWindowUsage[] {
    const nowMs = this.#options.nowMs();
    return [...this.#windows.values()].map((w) => {
      this.#roll(w, nowMs);
      return {
        type: w.type,
        intervalMs: w.intervalMs,
        windowStartMs: w.index * w.intervalMs,
        used: w.used,
        limit: w.limit,
      };
    });
  }

  #window(type: RateLimitType, intervalMs: number): Window {
    const key = `${type}:${intervalMs}`;
    let w = this.#windows.get(key);
    if (w === undefined) {
      w = { type, intervalMs, limit: undefined, index: Math.floor(this.#options.nowMs() / intervalMs), used: 0 };
      this.#windows.set(key, w);
    }
    return w;
  }

  #roll(w: Window, nowMs: number): void {
    const index = Math.floor(nowMs / w.intervalMs);
    // Only forward: a clock resync that moves time back must not forget what was already spent.
    if (index > w.index) {
      w.index = index;
      w.used = 0;
    }
  }
}

/**
 * One rule set from several (e.g. the futures and the spot `rateLimits` of one host): per limit type and window
 * length (60 SECOND and 1 MINUTE are the same window), the lowest limit. Rules of unknown type or interval pass
 * through unchanged, for `setLimits` to judge.
 */
export function mergeRateLimits(ruleSets: readonly (readonly RateLimitRule[])[]): RateLimitRule[] {
  const strictest = new Map<string, RateLimitRule>();
  const other: RateLimitRule[] = [];
  for (const rules of ruleSets) {
    for (const rule of rules) {
      const unitMs = INTERVAL_MS[rule.interval];
      if (unitMs === undefined) {
        other.push(rule);
        continue;
      }
      const key = `${rule.rateLimitType}:${unitMs * rule.intervalNum}`;
      const held = strictest.get(key);
      if (held === undefined || rule.limit < held.limit) strictest.set(key, rule);
    }
  }
  return [...strictest.values(), ...other];
}

function costFor(type: RateLimitType, cost: RateLimitCost): number {
  return type === 'REQUEST_WEIGHT' ? cost.weight : cost.orders;
}
