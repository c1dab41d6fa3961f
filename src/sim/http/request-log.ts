/**
 * Every request the simulator received, with its arrival time on both clocks: the benchmark and the end-to-end tests
 * measure leg skew (time between the two legs' orders) and stop-loss reaction (time from a price move to the close
 * orders) from these entries. Bounded: at least the newest `capacity` entries are kept, never more than a quarter
 * above that.
 *
 * The log lives as long as the simulator, which inside `dnfarm run` is as long as the bot, so an entry holds only
 * what it shows: its strings are copied out of the request (a substring of the request line would keep the whole
 * line, query and signature included, alive for as long as the entry), and the few values that repeat on every
 * request (method, path, symbol, side, type) are shared between entries.
 */
import { Buffer } from 'node:buffer';

export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string;
  /** Route name (`perp.order.new`) or `control` / `unknown`. */
  endpoint: string;
  market?: 'spot' | 'perp';
  account?: string;
  /** Selected parameters, for orders and transfers: symbol, side, type, quantity, client ids. */
  symbol?: string;
  side?: string;
  type?: string;
  quantity?: string;
  reduceOnly?: string;
  clientOrderId?: string;
  clientTranId?: string;
  /** Arrival on the wall clock: µs and ms since the epoch (µs from the high-resolution timer). */
  arrivalWallUs: number;
  arrivalWallMs: number;
  /** Arrival on the simulator clock (ms since the epoch, skew not included). */
  arrivalSimMs: number;
  /** HTTP status sent; absent while pending or when the request was left hanging. */
  status?: number;
  /** Aster error code of an error body. */
  code?: number;
  /** Wall ms from arrival to the response being written. */
  durationMs?: number;
  /** Injected faults that hit this request. */
  faults?: string[];
}

/** The default capacity: enough for minutes of a busy client, which is what the benchmark and the tests read. */
export const DEFAULT_REQUEST_LOG_CAPACITY = 20_000;

/** Parameters whose values come from a small set (symbols, enums): shared, not copied per entry. */
const SHARED_PARAMS = ['symbol', 'side', 'type', 'reduceOnly'] as const;
/** At most this many distinct shared strings; a client sending endless distinct values gets copies instead. */
const MAX_SHARED_STRINGS = 4096;

export function wallClockUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * A copy of `text` that owns its characters. V8 represents a substring as a view on its parent string, so a path
 * cut from the request URL, or a parameter value cut from the query, would otherwise pin the whole URL in memory.
 */
export function detachedString(text: string): string {
  // Latin-1 round-trips one-byte strings exactly and keeps them one byte per character; UTF-16LE round-trips any
  // JavaScript string (lone surrogates included).
  const encoding = /[\u0100-\uffff]/.test(text) ? 'utf16le' : 'latin1';
  return Buffer.from(text, encoding).toString(encoding);
}

export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private readonly shared = new Map<string, string>();
  private nextSeq = 1;

  constructor(private readonly capacity = DEFAULT_REQUEST_LOG_CAPACITY) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`request log capacity must be a positive integer, got ${capacity}`);
    }
  }

  start(method: string, path: string, simMs: number): RequestLogEntry {
    const arrivalWallUs = wallClockUs();
    const entry: RequestLogEntry = {
      seq: this.nextSeq++,
      method: this.share(method),
      path: this.share(path),
      endpoint: 'unknown',
      arrivalWallUs,
      arrivalWallMs: Math.floor(arrivalWallUs / 1000),
      arrivalSimMs: simMs,
    };
    this.entries.push(entry);
    // Trim in batches so a long run does not copy the whole log on every request.
    if (this.entries.length > this.capacity + Math.ceil(this.capacity / 4)) {
      this.entries.splice(0, this.entries.length - this.capacity);
    }
    return entry;
  }

  /** Copies the parameters worth keeping (never credentials or signatures). */
  describe(entry: RequestLogEntry, values: ReadonlyMap<string, string>): void {
    for (const name of SHARED_PARAMS) {
      const value = values.get(name);
      if (value !== undefined) entry[name] = this.share(value);
    }
    const quantity = values.get('quantity');
    if (quantity !== undefined) entry.quantity = detachedString(quantity);
    const clientOrderId = values.get('newClientOrderId') ?? values.get('origClientOrderId');
    if (clientOrderId !== undefined) entry.clientOrderId = detachedString(clientOrderId);
    const clientTranId = values.get('clientTranId');
    if (clientTranId !== undefined) entry.clientTranId = detachedString(clientTranId);
  }

  /** Entries with `seq` greater than `afterSeq`, oldest first. */
  since(afterSeq = 0): RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    // Entries are in seq order: skip the older ones without looking at each.
    for (let i = this.firstIndexAfter(afterSeq); i < this.entries.length; i++) {
      out.push({ ...(this.entries[i] as RequestLogEntry) });
    }
    return out;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Entries currently held (at most `capacity` plus a quarter). */
  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries.length = 0;
  }

  private firstIndexAfter(afterSeq: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as RequestLogEntry).seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** One shared copy per distinct value, detached from the request it came from. */
  private share(text: string): string {
    const known = this.shared.get(text);
    if (known !== undefined) return known;
    const copy = detachedString(text);
    if (this.shared.size < MAX_SHARED_STRINGS) this.shared.set(copy, copy);
    return copy;
  }
}
