/**
 * Every request the simulator received, with its arrival time on both clocks: the benchmark and the end-to-end tests
 * measure leg skew (time between the two legs' orders) and stop-loss reaction (time from a price move to the close
 * orders) from these entries. Bounded: at least the newest `capacity` entries are kept.
 */
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

const LOGGED_PARAMS = ['symbol', 'side', 'type', 'quantity', 'reduceOnly'] as const;

export function wallClockUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly capacity = 20_000) {}

  start(method: string, path: string, simMs: number): RequestLogEntry {
    const arrivalWallUs = wallClockUs();
    const entry: RequestLogEntry = {
      seq: this.nextSeq++,
      method,
      path,
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
    for (const name of LOGGED_PARAMS) {
      const value = values.get(name);
      if (value !== undefined) entry[name] = value;
    }
    const clientOrderId = values.get('newClientOrderId') ?? values.get('origClientOrderId');
    if (clientOrderId !== undefined) entry.clientOrderId = clientOrderId;
    const clientTranId = values.get('clientTranId');
    if (clientTranId !== undefined) entry.clientTranId = clientTranId;
  }

  /** Entries with `seq` greater than `afterSeq`, oldest first. */
  since(afterSeq = 0): RequestLogEntry[] {
    return this.entries.filter((e) => e.seq > afterSeq).map((e) => ({ ...e }));
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
