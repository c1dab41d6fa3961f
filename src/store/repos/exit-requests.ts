/**
 * Exit coordination between `dnfarm exit` and a running bot. The requester inserts a row; the bot polls
 * for it every loop (and while sleeping), acknowledges it, closes through its own executor, and marks
 * it completed or failed. Two processes never trade the same position at once.
 *
 * Times here come from the OS clock on both sides: the bot's engine clock may be a simulator's.
 * A request carries an expiry so that one left behind by a requester that died (or gave up) can never
 * close a position hours later, when the next bot starts.
 */
import { intCol, intColOrNull, oneOf, type Row, textCol, textColOrNull } from '../codec.ts';
import type { StoreContext } from '../context.ts';
import { StoreStateError } from '../errors.ts';
import { EXIT_REQUEST_STATUSES, type ExitRequest } from '../types.ts';

const T = 'exit_requests';
export const DEFAULT_EXIT_REQUEST_TTL_MS = 120_000;

function decodeRequest(row: Row): ExitRequest {
  return {
    id: intCol(row, T, 'id'),
    status: oneOf(row, T, 'status', EXIT_REQUEST_STATUSES),
    reason: textCol(row, T, 'reason'),
    requestedBy: textCol(row, T, 'requested_by'),
    requestedAtMs: intCol(row, T, 'requested_at'),
    expiresAtMs: intCol(row, T, 'expires_at'),
    acknowledgedAtMs: intColOrNull(row, T, 'acknowledged_at'),
    finishedAtMs: intColOrNull(row, T, 'finished_at'),
    result: textColOrNull(row, T, 'result'),
  };
}

export interface NewExitRequest {
  reason: string;
  /** Who asked, for the bot's log: e.g. "dnfarm exit (pid 4242)". */
  requestedBy: string;
  /** How long the request stays actionable if no bot picks it up. */
  ttlMs?: number;
}

export class ExitRequestRepo {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  request(input: NewExitRequest): ExitRequest {
    const ttl = input.ttlMs ?? DEFAULT_EXIT_REQUEST_TTL_MS;
    if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new RangeError(`exit request ttlMs: expected > 0, got ${ttl}`);
    return this.#ctx.tx(() => {
      const now = this.#ctx.wallNowMs();
      const info = this.#ctx
        .prepare(
          `INSERT INTO exit_requests (status, reason, requested_by, requested_at, expires_at)
           VALUES ('pending', ?, ?, ?, ?)`,
        )
        .run(input.reason, input.requestedBy, now, now + ttl);
      return this.require(Number(info.lastInsertRowid));
    });
  }

  get(id: number): ExitRequest | null {
    const row = this.#ctx.prepare('SELECT * FROM exit_requests WHERE id = ?').get(id) as Row | undefined;
    return row ? decodeRequest(row) : null;
  }

  require(id: number): ExitRequest {
    const r = this.get(id);
    if (!r) throw new StoreStateError(`exit request ${id} does not exist`);
    return r;
  }

  latest(): ExitRequest | null {
    const row = this.#ctx.prepare('SELECT * FROM exit_requests ORDER BY id DESC LIMIT 1').get() as Row | undefined;
    return row ? decodeRequest(row) : null;
  }

  /**
   * For the bot: the oldest actionable request, or null. Requests past their expiry are marked
   * `expired` on the way (when the store is writable) and never returned.
   */
  pending(): ExitRequest | null {
    const now = this.#ctx.wallNowMs();
    const stale = this.#ctx
      .prepare("SELECT 1 FROM exit_requests WHERE status = 'pending' AND expires_at <= ? LIMIT 1")
      .get(now);
    // Polled every few seconds: write (and fsync) only when something actually expired.
    if (stale && !this.#ctx.readOnly) {
      this.#ctx.tx(() => {
        this.#ctx
          .prepare(
            "UPDATE exit_requests SET status = 'expired', finished_at = ? WHERE status = 'pending' AND expires_at <= ?",
          )
          .run(now, now);
      });
    }
    const row = this.#ctx
      .prepare("SELECT * FROM exit_requests WHERE status = 'pending' AND expires_at > ? ORDER BY id LIMIT 1")
      .get(now) as Row | undefined;
    return row ? decodeRequest(row) : null;
  }

  /** For the bot: takes ownership. False if the request is no longer pending (cancelled or expired meanwhile). */
  acknowledge(id: number): boolean {
    return this.#ctx.tx(() => {
      const now = this.#ctx.wallNowMs();
      const changes = this.#ctx
        .prepare(
          "UPDATE exit_requests SET status = 'acknowledged', acknowledged_at = ? WHERE id = ? AND status = 'pending' AND expires_at > ?",
        )
        .run(now, id, now).changes;
      return changes === 1;
    });
  }

  /** For the bot: the exit is done; `result` is a human-readable summary shown to the requester. */
  complete(id: number, result: string): ExitRequest {
    return this.#finish(id, 'completed', result);
  }

  fail(id: number, error: string): ExitRequest {
    return this.#finish(id, 'failed', error);
  }

  /** For the requester: withdraws a request no bot has acknowledged yet. False if a bot already took it. */
  cancel(id: number): boolean {
    return this.#ctx.tx(
      () =>
        this.#ctx
          .prepare("UPDATE exit_requests SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'pending'")
          .run(this.#ctx.wallNowMs(), id).changes === 1,
    );
  }

  #finish(id: number, status: 'completed' | 'failed', result: string): ExitRequest {
    return this.#ctx.tx(() => {
      const r = this.require(id);
      if (r.status !== 'acknowledged') {
        throw new StoreStateError(`exit request ${id} is ${r.status}: only an acknowledged request can be ${status}`);
      }
      this.#ctx
        .prepare('UPDATE exit_requests SET status = ?, finished_at = ?, result = ? WHERE id = ?')
        .run(status, this.#ctx.wallNowMs(), result, id);
      return this.require(id);
    });
  }
}
