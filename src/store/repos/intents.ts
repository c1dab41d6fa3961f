/**
 * Intents: what the engine is about to do, persisted before it does it. An intent and the client ids
 * of everything it will send (orders, transfer) are written in one transaction, so after a crash every
 * request that could have left is findable by an id the store already knows.
 */
import { encJson, encTime, intCol, intColOrNull, jsonCol, oneOf, type Row, textColOrNull } from '../codec.ts';
import type { StoreContext } from '../context.ts';
import { StoreStateError } from '../errors.ts';
import {
  INTENT_KINDS,
  INTENT_STATUSES,
  type Intent,
  type IntentKind,
  type IntentPayload,
  type IntentStatus,
  type PlannedOrder,
  type PlannedTransfer,
  type StoredOrder,
  type StoredTransfer,
  UNRESOLVED_INTENT_STATUSES,
} from '../types.ts';
import type { OrderRepo } from './orders.ts';
import type { TransferRepo } from './transfers.ts';

const T = 'intents';

const NEXT: Readonly<Record<IntentStatus, readonly IntentStatus[]>> = {
  pending: ['pending', 'sent', 'done', 'failed', 'abandoned'],
  sent: ['sent', 'done', 'failed', 'abandoned'],
  done: [],
  failed: [],
  abandoned: [],
};

function decodeIntent(row: Row): Intent {
  const payload = jsonCol(row, T, 'payload');
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new StoreStateError(`intents.payload of intent ${String(row['id'])}: expected a JSON object`);
  }
  return {
    id: intCol(row, T, 'id'),
    kind: oneOf(row, T, 'kind', INTENT_KINDS),
    positionId: intColOrNull(row, T, 'position_id'),
    status: oneOf(row, T, 'status', INTENT_STATUSES),
    payload: payload as Record<string, unknown>,
    createdAtMs: intCol(row, T, 'created_at'),
    updatedAtMs: intCol(row, T, 'updated_at'),
    attempt: intCol(row, T, 'attempt'),
    lastError: textColOrNull(row, T, 'last_error'),
  };
}

export interface NewIntent {
  kind: IntentKind;
  positionId?: number | null;
  payload?: IntentPayload;
  /** Orders to persist with the intent, each at attempt 0. */
  orders?: readonly PlannedOrder[];
  /** A transfer to persist with the intent, at attempt 0. */
  transfer?: PlannedTransfer;
}

export interface CreatedIntent {
  intent: Intent;
  orders: StoredOrder[];
  transfer: StoredTransfer | null;
}

export class IntentRepo {
  readonly #ctx: StoreContext;
  readonly #orders: OrderRepo;
  readonly #transfers: TransferRepo;

  constructor(ctx: StoreContext, orders: OrderRepo, transfers: TransferRepo) {
    this.#ctx = ctx;
    this.#orders = orders;
    this.#transfers = transfers;
  }

  create(input: NewIntent): CreatedIntent {
    const payloadJson = encJson(input.payload ?? {}, 'intent payload');
    return this.#ctx.tx(() => {
      const now = this.#ctx.nowMs();
      const info = this.#ctx
        .prepare(
          `INSERT INTO intents (kind, position_id, status, payload, created_at, updated_at, attempt, last_error)
           VALUES (?, ?, 'pending', ?, ?, ?, 0, NULL)`,
        )
        .run(input.kind, input.positionId ?? null, payloadJson, now, now);
      const id = Number(info.lastInsertRowid);
      const legs = new Set<string>();
      const orders = (input.orders ?? []).map((o) => {
        if (legs.has(o.leg)) throw new StoreStateError(`intent ${input.kind}: leg "${o.leg}" appears twice`);
        legs.add(o.leg);
        return this.#orders.plan(id, o);
      });
      const transfer = input.transfer ? this.#transfers.plan(id, input.transfer) : null;
      return { intent: this.require(id), orders, transfer };
    });
  }

  get(id: number): Intent | null {
    const row = this.#ctx.prepare('SELECT * FROM intents WHERE id = ?').get(id) as Row | undefined;
    return row ? decodeIntent(row) : null;
  }

  require(id: number): Intent {
    const i = this.get(id);
    if (!i) throw new StoreStateError(`intent ${id} does not exist`);
    return i;
  }

  /** Pending or sent intents, oldest first: what the reconciler must finish or roll back on start. */
  unresolved(): Intent[] {
    const placeholders = UNRESOLVED_INTENT_STATUSES.map(() => '?').join(', ');
    const rows = this.#ctx
      .prepare(`SELECT * FROM intents WHERE status IN (${placeholders}) ORDER BY id`)
      .all(...UNRESOLVED_INTENT_STATUSES) as Row[];
    return rows.map(decodeIntent);
  }

  byPosition(positionId: number): Intent[] {
    const rows = this.#ctx.prepare('SELECT * FROM intents WHERE position_id = ? ORDER BY id').all(positionId) as Row[];
    return rows.map(decodeIntent);
  }

  /** Newest first, optionally of one kind. */
  recent(options: { kind?: IntentKind; limit?: number } = {}): Intent[] {
    const rows = (
      options.kind
        ? this.#ctx
            .prepare('SELECT * FROM intents WHERE kind = ? ORDER BY id DESC LIMIT ?')
            .all(options.kind, options.limit ?? 50)
        : this.#ctx.prepare('SELECT * FROM intents ORDER BY id DESC LIMIT ?').all(options.limit ?? 50)
    ) as Row[];
    return rows.map(decodeIntent);
  }

  markSent(id: number): Intent {
    return this.#setStatus(id, 'sent', undefined);
  }

  complete(id: number): Intent {
    return this.#setStatus(id, 'done', undefined);
  }

  fail(id: number, error: string): Intent {
    return this.#setStatus(id, 'failed', error);
  }

  /** Given up on deliberately (e.g. superseded by a newer intent after reconciliation). */
  abandon(id: number, reason: string): Intent {
    return this.#setStatus(id, 'abandoned', reason);
  }

  /** Keeps the last error without changing the status (the outcome is still unknown). */
  recordError(id: number, error: string): Intent {
    return this.#ctx.tx(() => {
      this.require(id);
      this.#ctx
        .prepare('UPDATE intents SET last_error = ?, updated_at = ? WHERE id = ?')
        .run(error, this.#ctx.nowMs(), id);
      return this.require(id);
    });
  }

  /** Replaces the payload (e.g. to record fills or a decision taken during the intent). */
  updatePayload(id: number, payload: IntentPayload): Intent {
    const json = encJson(payload, 'intent payload');
    return this.#ctx.tx(() => {
      this.require(id);
      this.#ctx.prepare('UPDATE intents SET payload = ?, updated_at = ? WHERE id = ?').run(json, this.#ctx.nowMs(), id);
      return this.require(id);
    });
  }

  #setStatus(id: number, to: IntentStatus, error: string | undefined): Intent {
    return this.#ctx.tx(() => {
      const before = this.require(id);
      if (!NEXT[before.status].includes(to)) {
        throw new StoreStateError(`intent ${id} (${before.kind}): cannot go from ${before.status} to ${to}`);
      }
      this.#ctx
        .prepare('UPDATE intents SET status = ?, last_error = coalesce(?, last_error), updated_at = ? WHERE id = ?')
        .run(to, error ?? null, encTime(this.#ctx.nowMs(), 'now'), id);
      return this.require(id);
    });
  }
}
