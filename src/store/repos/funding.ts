/**
 * Funding payments (income type FUNDING_FEE), stored once per tranId. Recording a payment for a
 * position also rewrites that position's `fundingReceivedUsdt` as the sum of its payments, in the same
 * transaction: the figure the fee-coverage rule reads can never disagree with the rows behind it.
 */
import type { IncomeRecord } from '../../domain/account.ts';
import { Decimal } from '../../domain/decimal.ts';
import { decCol, encDec, encTime, intCol, intColOrNull, jsonCol, type Row, textCol } from '../codec.ts';
import type { StoreContext } from '../context.ts';
import { StoreStateError } from '../errors.ts';
import type { FundingPayment } from '../types.ts';

const T = 'funding_payments';

function decodePayment(row: Row): FundingPayment {
  return {
    tranId: textCol(row, T, 'tran_id'),
    symbol: textCol(row, T, 'symbol'),
    positionId: intColOrNull(row, T, 'position_id'),
    amount: decCol(row, T, 'amount'),
    asset: textCol(row, T, 'asset'),
    timeMs: intCol(row, T, 'time'),
  };
}

export class FundingRepo {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  /**
   * Stores a FUNDING_FEE income record unless its tranId is known; returns whether it was new.
   * The first real payment of a position replaces an imported estimate: the engine fetches all funding
   * income since the position's open, so the sum of payments is the measured figure.
   */
  record(income: IncomeRecord, positionId: number | null): boolean {
    if (income.incomeType !== 'FUNDING_FEE') {
      throw new RangeError(
        `funding payment ${income.tranId}: expected incomeType FUNDING_FEE, got ${income.incomeType}`,
      );
    }
    return this.#ctx.tx(() => {
      const info = this.#ctx
        .prepare(
          `INSERT OR IGNORE INTO funding_payments (tran_id, symbol, position_id, amount, asset, time, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          income.tranId,
          income.symbol,
          positionId,
          encDec(income.income),
          income.asset,
          encTime(income.timeMs, 'income timeMs'),
          this.#ctx.nowMs(),
        );
      if (info.changes === 1 && positionId !== null) this.#refreshPosition(positionId);
      return info.changes === 1;
    });
  }

  /** Stores many records atomically; returns how many were new. */
  recordMany(incomes: readonly IncomeRecord[], positionId: number | null): number {
    return this.#ctx.tx(() => incomes.reduce((n, income) => n + (this.record(income, positionId) ? 1 : 0), 0));
  }

  forPosition(positionId: number): FundingPayment[] {
    const rows = this.#ctx
      .prepare('SELECT * FROM funding_payments WHERE position_id = ? ORDER BY time, tran_id')
      .all(positionId) as Row[];
    return rows.map(decodePayment);
  }

  /** Sum of the position's recorded payments (zero when none). */
  totalForPosition(positionId: number): Decimal {
    return this.forPosition(positionId).reduce((sum, p) => sum.plus(p.amount), new Decimal(0));
  }

  /** Sum of every recorded payment. */
  total(): Decimal {
    const rows = this.#ctx.prepare('SELECT amount FROM funding_payments').all() as Row[];
    return rows.reduce((sum, r) => sum.plus(decCol(r, T, 'amount')), new Decimal(0));
  }

  /** Time of the newest payment recorded for a position: where the next income query can start. */
  lastTimeForPosition(positionId: number): number | null {
    const row = this.#ctx
      .prepare('SELECT max(time) AS t FROM funding_payments WHERE position_id = ?')
      .get(positionId) as { t: number | null };
    return row.t;
  }

  #refreshPosition(positionId: number): void {
    const row = this.#ctx.prepare('SELECT estimated FROM positions WHERE id = ?').get(positionId) as Row | undefined;
    if (!row) throw new StoreStateError(`funding payment for position ${positionId}, which does not exist`);
    const estimated = (jsonCol(row, 'positions', 'estimated') as string[]).filter((f) => f !== 'fundingReceived');
    this.#ctx
      .prepare('UPDATE positions SET funding_received_usdt = ?, estimated = ?, updated_at = ? WHERE id = ?')
      .run(encDec(this.totalForPosition(positionId)), JSON.stringify(estimated), this.#ctx.nowMs(), positionId);
  }
}
