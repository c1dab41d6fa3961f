/**
 * Aster's IP request-weight limits, order-count limits and bans, on the simulator clock.
 *
 * Each market (the spot and futures hosts are separate in production) has its own budget per client IP, counted in
 * fixed windows aligned to the clock (like the exchange's `X-MBX-USED-WEIGHT-1M`). Over the limit a request gets
 * 429 with `Retry-After` (seconds to the window's end). A client that keeps sending while told to back off is banned:
 * after `banAfterIgnored429s` further requests inside the back-off it gets 418 with `Retry-After`, for 2 minutes at
 * first and doubling per repeat offence up to 3 days, as the docs describe.
 * Order counts are per account; over the limit the order gets 429 without `Retry-After` (the spot docs say so).
 */
import { AsterApiError } from './api-error.ts';

export type Market = 'spot' | 'perp';

export interface RateLimitRule {
  rateLimitType: 'REQUEST_WEIGHT' | 'ORDERS';
  interval: 'SECOND' | 'MINUTE';
  intervalNum: number;
  limit: number;
}

export interface RateLimitConfig {
  enabled: boolean;
  perp: readonly RateLimitRule[];
  spot: readonly RateLimitRule[];
  banAfterIgnored429s: number;
  firstBanMs: number;
  maxBanMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  enabled: true,
  perp: [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
    { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
  ],
  spot: [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
    { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
    { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
  ],
  banAfterIgnored429s: 5,
  firstBanMs: 120_000,
  maxBanMs: 3 * 24 * 3_600_000,
};

function intervalMs(rule: RateLimitRule): number {
  return rule.intervalNum * (rule.interval === 'SECOND' ? 1000 : 60_000);
}

/** Header suffix as Aster names it: `1M`, `10S`. */
function intervalTag(rule: RateLimitRule): string {
  return `${rule.intervalNum}${rule.interval === 'SECOND' ? 'S' : 'M'}`;
}

interface Counter {
  windowStart: number;
  used: number;
}

interface ClientState {
  counters: Map<string, Counter>;
  backoffUntilMs: number;
  ignored: number;
  bannedUntilMs: number;
  bans: number;
}

export interface Admission {
  headers: Record<string, string>;
}

export class RateLimiter {
  private readonly clients = new Map<string, ClientState>();
  private readonly orderCounters = new Map<string, Map<string, Counter>>();

  constructor(private readonly config: RateLimitConfig = DEFAULT_RATE_LIMITS) {}

  rules(market: Market): readonly RateLimitRule[] {
    return this.config[market];
  }

  /**
   * Counts `weight` for `client` on `market` at `nowMs`; throws a 429/418 AsterApiError when over the limit or banned.
   * Returns the `X-MBX-USED-WEIGHT-*` headers to attach.
   */
  admit(client: string, market: Market, weight: number, nowMs: number): Admission {
    const state = this.client(`${market}|${client}`);
    if (state.bannedUntilMs > nowMs) throw this.banError(state, nowMs);
    const headers: Record<string, string> = {};
    let exceeded: { retryAfterMs: number; limit: number } | undefined;
    for (const rule of this.config[market]) {
      if (rule.rateLimitType !== 'REQUEST_WEIGHT') continue;
      const counter = counterFor(state.counters, rule, nowMs);
      counter.used += weight;
      headers[`X-MBX-USED-WEIGHT-${intervalTag(rule)}`] = String(counter.used);
      if (this.config.enabled && counter.used > rule.limit) {
        const retryAfterMs = counter.windowStart + intervalMs(rule) - nowMs;
        if (!exceeded || retryAfterMs > exceeded.retryAfterMs) exceeded = { retryAfterMs, limit: rule.limit };
      }
    }
    if (!this.config.enabled) return { headers };
    if (state.backoffUntilMs > nowMs) {
      state.ignored++;
      if (state.ignored > this.config.banAfterIgnored429s) {
        const banMs = Math.min(this.config.firstBanMs * 2 ** state.bans, this.config.maxBanMs);
        state.bans++;
        state.bannedUntilMs = nowMs + banMs;
        state.ignored = 0;
        throw this.banError(state, nowMs);
      }
    }
    if (exceeded) {
      state.backoffUntilMs = Math.max(state.backoffUntilMs, nowMs + exceeded.retryAfterMs);
      const retryAfterSec = Math.max(1, Math.ceil(exceeded.retryAfterMs / 1000));
      throw new AsterApiError(
        -1003,
        `Too many requests; current limit is ${exceeded.limit} requests per minute. Please use the websocket for live updates to avoid polling the API.`,
        429,
        { ...headers, 'Retry-After': String(retryAfterSec) },
      );
    }
    if (state.backoffUntilMs <= nowMs) state.ignored = 0;
    return { headers };
  }

  /**
   * Records an injected 429 (fault `burst429`) so that a client ignoring its Retry-After is treated as ignoring a
   * real one. Returns the Retry-After in seconds.
   */
  injected429(client: string, market: Market, nowMs: number, retryAfterSec = 1): number {
    const state = this.client(`${market}|${client}`);
    state.backoffUntilMs = Math.max(state.backoffUntilMs, nowMs + retryAfterSec * 1000);
    return retryAfterSec;
  }

  /** Counts one new order of `account` on `market`; throws 429 (no Retry-After) over an ORDERS limit. */
  countOrder(account: string, market: Market, nowMs: number): Admission {
    let counters = this.orderCounters.get(`${market}|${account}`);
    if (counters === undefined) {
      counters = new Map();
      this.orderCounters.set(`${market}|${account}`, counters);
    }
    const headers: Record<string, string> = {};
    let over: RateLimitRule | undefined;
    for (const rule of this.config[market]) {
      if (rule.rateLimitType !== 'ORDERS') continue;
      const counter = counterFor(counters, rule, nowMs);
      counter.used++;
      headers[`X-MBX-ORDER-COUNT-${intervalTag(rule)}`] = String(counter.used);
      if (this.config.enabled && counter.used > rule.limit) over = rule;
    }
    if (over) {
      throw new AsterApiError(
        -1015,
        `Too many new orders; current limit is ${over.limit} orders per ${intervalTag(over)}.`,
        429,
        headers,
      );
    }
    return { headers };
  }

  reset(): void {
    this.clients.clear();
    this.orderCounters.clear();
  }

  private client(key: string): ClientState {
    let state = this.clients.get(key);
    if (state === undefined) {
      state = { counters: new Map(), backoffUntilMs: 0, ignored: 0, bannedUntilMs: 0, bans: 0 };
      this.clients.set(key, state);
    }
    return state;
  }

  private banError(state: ClientState, nowMs: number): AsterApiError {
    const retryAfterSec = Math.max(1, Math.ceil((state.bannedUntilMs - nowMs) / 1000));
    return new AsterApiError(
      -1003,
      `Way too many requests; IP banned until ${state.bannedUntilMs}. Please use the websocket for live updates to avoid bans.`,
      418,
      { 'Retry-After': String(retryAfterSec) },
    );
  }
}

function counterFor(counters: Map<string, Counter>, rule: RateLimitRule, nowMs: number): Counter {
  const key = `${rule.rateLimitType}|${intervalTag(rule)}`;
  const length = intervalMs(rule);
  const windowStart = Math.floor(nowMs / length) * length;
  let counter = counters.get(key);
  if (counter === undefined || counter.windowStart !== windowStart) {
    counter = { windowStart, used: 0 };
    counters.set(key, counter);
  }
  return counter;
}
