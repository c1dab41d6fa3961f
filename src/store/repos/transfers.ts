/**
 * Spot ⇄ perp wallet transfers, keyed by clientTranId. Aster deduplicates a clientTranId for 7 days
 * (-4115 on a repeat), so after an unknown outcome the engine re-sends the SAME id: either it executes
 * now or the exchange says it already did. A new attempt (new id) is only for a transfer known to have
 * failed.
 */
import type { TransferResult } from '../../domain/account.ts';
import { decCol, encDec, intCol, intColOrNull, oneOf, type Row, textCol, textColOrNull } from '../codec.ts';
import type { StoreContext } from '../context.ts';
import { StoreStateError } from '../errors.ts';
import { type PlannedTransfer, type StoredTransfer, TRANSFER_STATUSES, type TransferStatus } from '../types.ts';

const T = 'transfers';

const NEXT: Readonly<Record<TransferStatus, readonly TransferStatus[]>> = {
  planned: ['sent', 'confirmed', 'settled', 'failed'],
  sent: ['sent', 'confirmed', 'settled', 'failed'],
  confirmed: ['confirmed', 'settled'],
  settled: ['settled'],
  failed: [],
};

function decodeTransfer(row: Row): StoredTransfer {
  return {
    clientTranId: textCol(row, T, 'client_tran_id'),
    intentId: intCol(row, T, 'intent_id'),
    attempt: intCol(row, T, 'attempt'),
    direction: oneOf(row, T, 'direction', ['SPOT_TO_PERP', 'PERP_TO_SPOT'] as const),
    asset: textCol(row, T, 'asset'),
    amount: decCol(row, T, 'amount'),
    status: oneOf(row, T, 'status', TRANSFER_STATUSES),
    tranId: textColOrNull(row, T, 'tran_id'),
    createdAtMs: intCol(row, T, 'created_at'),
    sentAtMs: intColOrNull(row, T, 'sent_at'),
    confirmedAtMs: intColOrNull(row, T, 'confirmed_at'),
    settledAtMs: intColOrNull(row, T, 'settled_at'),
    updatedAtMs: intCol(row, T, 'updated_at'),
    lastError: textColOrNull(row, T, 'last_error'),
  };
}

export class TransferRepo {
  readonly #ctx: StoreContext;
  readonly #clientTranIdFor: (intentId: number, attempt: number) => string;

  constructor(ctx: StoreContext, clientTranIdFor: (intentId: number, attempt: number) => string) {
    this.#ctx = ctx;
    this.#clientTranIdFor = clientTranIdFor;
  }

  /** Persists the next attempt of the intent's transfer; allowed only once the previous one definitely failed. */
  plan(intentId: number, transfer: PlannedTransfer): StoredTransfer {
    if (!transfer.amount.isFinite() || transfer.amount.lessThanOrEqualTo(0)) {
      throw new RangeError(`transfer amount: expected a positive decimal, got ${transfer.amount.toFixed()}`);
    }
    return this.#ctx.tx(() => {
      const previous = this.byIntent(intentId).at(-1);
      if (previous && previous.status !== 'failed') {
        throw new StoreStateError(
          `intent ${intentId}: transfer ${previous.clientTranId} is ${previous.status}; ` +
            're-send that id instead of planning a new one',
        );
      }
      const attempt = previous ? previous.attempt + 1 : 0;
      const id = this.#clientTranIdFor(intentId, attempt);
      const now = this.#ctx.nowMs();
      this.#ctx
        .prepare(
          `INSERT INTO transfers (client_tran_id, intent_id, attempt, direction, asset, amount, status, tran_id,
            created_at, sent_at, confirmed_at, settled_at, updated_at, last_error)
           VALUES (?, ?, ?, ?, ?, ?, 'planned', NULL, ?, NULL, NULL, NULL, ?, NULL)`,
        )
        .run(id, intentId, attempt, transfer.direction, transfer.asset, encDec(transfer.amount), now, now);
      if (attempt > 0) {
        this.#ctx.prepare('UPDATE intents SET attempt = attempt + 1, updated_at = ? WHERE id = ?').run(now, intentId);
      }
      return this.require(id);
    });
  }

  get(clientTranId: string): StoredTransfer | null {
    const row = this.#ctx.prepare('SELECT * FROM transfers WHERE client_tran_id = ?').get(clientTranId) as
      | Row
      | undefined;
    return row ? decodeTransfer(row) : null;
  }

  require(clientTranId: string): StoredTransfer {
    const t = this.get(clientTranId);
    if (!t) throw new StoreStateError(`transfer ${clientTranId} does not exist`);
    return t;
  }

  byIntent(intentId: number): StoredTransfer[] {
    const rows = this.#ctx
      .prepare('SELECT * FROM transfers WHERE intent_id = ? ORDER BY attempt')
      .all(intentId) as Row[];
    return rows.map(decodeTransfer);
  }

  /** Transfers not yet settled or failed, oldest first. */
  unresolved(): StoredTransfer[] {
    const rows = this.#ctx
      .prepare("SELECT * FROM transfers WHERE status IN ('planned', 'sent', 'confirmed') ORDER BY created_at")
      .all() as Row[];
    return rows.map(decodeTransfer);
  }

  markSent(clientTranId: string): StoredTransfer {
    return this.#set(clientTranId, 'sent', { sent_at: this.#ctx.nowMs() });
  }

  /** The exchange accepted it. `tranId` is null when only a -4115 "already done" told us so. */
  markConfirmed(clientTranId: string, result: TransferResult | null): StoredTransfer {
    return this.#set(clientTranId, 'confirmed', { confirmed_at: this.#ctx.nowMs(), tran_id: result?.tranId ?? null });
  }

  /** The balances show the transfer. */
  markSettled(clientTranId: string): StoredTransfer {
    return this.#set(clientTranId, 'settled', { settled_at: this.#ctx.nowMs() });
  }

  markFailed(clientTranId: string, error: string): StoredTransfer {
    return this.#set(clientTranId, 'failed', { last_error: error });
  }

  #set(clientTranId: string, to: TransferStatus, columns: Record<string, unknown>): StoredTransfer {
    return this.#ctx.tx(() => {
      const before = this.require(clientTranId);
      if (!NEXT[before.status].includes(to)) {
        throw new StoreStateError(`transfer ${clientTranId}: cannot go from ${before.status} to ${to}`);
      }
      const sets = ['status = ?', 'updated_at = ?'];
      const values: unknown[] = [to, this.#ctx.nowMs()];
      for (const [column, value] of Object.entries(columns)) {
        // Keep the first time and the first exchange id: a repeated confirmation must not erase them.
        sets.push(column === 'last_error' ? `${column} = ?` : `${column} = coalesce(${column}, ?)`);
        values.push(value);
      }
      this.#ctx
        .prepare(`UPDATE transfers SET ${sets.join(', ')} WHERE client_tran_id = ?`)
        .run(...values, clientTranId);
      return this.require(clientTranId);
    });
  }
}
