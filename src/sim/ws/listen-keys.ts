/**
 * User-data stream keys, one per (account, market) as on Aster, where the spot and futures hosts hand out their own
 * keys: a futures key streams only futures events, a spot key only spot events.
 *
 * A key lives 60 minutes of simulator time and each keep-alive (PUT) extends it; a POST while a key is valid returns
 * the same key and extends it. Expired keys are reported once (the WS layer sends `listenKeyExpired` and closes).
 */
import type { MarketKind } from '../../domain/market.ts';
import { seededRandom } from '../faults/injector.ts';

export const LISTEN_KEY_TTL_MS = 60 * 60_000;

export interface ListenKeyEntry {
  key: string;
  account: string;
  market: MarketKind;
  expiresAtMs: number;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class ListenKeyRegistry {
  private readonly byKey = new Map<string, ListenKeyEntry>();
  private readonly byOwner = new Map<string, ListenKeyEntry>();
  private random: () => number;
  private readonly closedListeners: ((entry: ListenKeyEntry) => void)[] = [];

  constructor(
    private readonly seed: number,
    private readonly ttlMs: number = LISTEN_KEY_TTL_MS,
  ) {
    this.random = seededRandom(seed ^ 0x11573e4);
  }

  /** Returns the owner's valid key (extended) or a new one. */
  create(account: string, market: MarketKind, nowMs: number): ListenKeyEntry {
    const existing = this.byOwner.get(ownerKey(account, market));
    if (existing && existing.expiresAtMs > nowMs) {
      existing.expiresAtMs = nowMs + this.ttlMs;
      return existing;
    }
    if (existing) this.remove(existing);
    const entry: ListenKeyEntry = { key: this.newKey(), account, market, expiresAtMs: nowMs + this.ttlMs };
    this.byKey.set(entry.key, entry);
    this.byOwner.set(ownerKey(account, market), entry);
    return entry;
  }

  /**
   * Extends the owner's key (`key` given: it must be the owner's). Returns the entry, or undefined when the owner has
   * no valid key or names another one.
   */
  keepAlive(account: string, market: MarketKind, key: string | undefined, nowMs: number): ListenKeyEntry | undefined {
    const entry = this.owned(account, market, key, nowMs);
    if (entry) entry.expiresAtMs = nowMs + this.ttlMs;
    return entry;
  }

  /** Invalidates the owner's key; returns it (so its connections can be closed) or undefined when there is none. */
  close(account: string, market: MarketKind, key: string | undefined, nowMs: number): ListenKeyEntry | undefined {
    const entry = this.owned(account, market, key, nowMs);
    if (entry) {
      this.remove(entry);
      for (const listener of this.closedListeners) listener(entry);
    }
    return entry;
  }

  /** Calls `listener` whenever a client closes a key (DELETE), so its connections can be ended. */
  onClosed(listener: (entry: ListenKeyEntry) => void): void {
    this.closedListeners.push(listener);
  }

  /** The valid entry of `key`, if any. */
  lookup(key: string, nowMs: number): ListenKeyEntry | undefined {
    const entry = this.byKey.get(key);
    return entry && entry.expiresAtMs > nowMs ? entry : undefined;
  }

  /** The valid keys of an account on a market (0 or 1). */
  keysOf(account: string, market: MarketKind, nowMs: number): ListenKeyEntry[] {
    const entry = this.byOwner.get(ownerKey(account, market));
    return entry && entry.expiresAtMs > nowMs ? [entry] : [];
  }

  /** Removes and returns every key that expired by `nowMs`. */
  expire(nowMs: number): ListenKeyEntry[] {
    const expired: ListenKeyEntry[] = [];
    for (const entry of this.byKey.values()) if (entry.expiresAtMs <= nowMs) expired.push(entry);
    for (const entry of expired) this.remove(entry);
    return expired;
  }

  all(): ListenKeyEntry[] {
    return [...this.byKey.values()].map((e) => ({ ...e }));
  }

  reset(): void {
    this.byKey.clear();
    this.byOwner.clear();
    this.random = seededRandom(this.seed ^ 0x11573e4);
  }

  private owned(
    account: string,
    market: MarketKind,
    key: string | undefined,
    nowMs: number,
  ): ListenKeyEntry | undefined {
    const entry = this.byOwner.get(ownerKey(account, market));
    if (!entry || entry.expiresAtMs <= nowMs) return undefined;
    if (key !== undefined && key !== entry.key) return undefined;
    return entry;
  }

  private remove(entry: ListenKeyEntry): void {
    this.byKey.delete(entry.key);
    if (this.byOwner.get(ownerKey(entry.account, entry.market)) === entry) {
      this.byOwner.delete(ownerKey(entry.account, entry.market));
    }
  }

  private newKey(): string {
    for (;;) {
      let key = '';
      for (let i = 0; i < 64; i++) key += ALPHABET[Math.floor(this.random() * ALPHABET.length)];
      if (!this.byKey.has(key)) return key;
    }
  }
}

function ownerKey(account: string, market: MarketKind): string {
  return `${market}|${account}`;
}
