/** Portfolio value over time: one row per check iteration (or less often), for long-term PnL and charts. */
import { decCol, encDec, encTime, intCol, intColOrNull, type Row } from '../codec.ts';
import type { StoreContext } from '../context.ts';
import type { EquitySnapshot } from '../types.ts';

const T = 'equity_snapshots';

function decodeSnapshot(row: Row): EquitySnapshot {
  return {
    timeMs: intCol(row, T, 'time'),
    portfolioValueUsdt: decCol(row, T, 'portfolio_value_usdt'),
    spotValueUsdt: decCol(row, T, 'spot_value_usdt'),
    perpWalletUsdt: decCol(row, T, 'perp_wallet_usdt'),
    unrealizedPnlUsdt: decCol(row, T, 'unrealized_pnl_usdt'),
    positionId: intColOrNull(row, T, 'position_id'),
  };
}

export class EquityRepo {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  record(snapshot: EquitySnapshot): void {
    this.#ctx.tx(() => {
      this.#ctx
        .prepare(
          `INSERT INTO equity_snapshots (time, portfolio_value_usdt, spot_value_usdt, perp_wallet_usdt,
            unrealized_pnl_usdt, position_id) VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(
          encTime(snapshot.timeMs, 'timeMs'),
          encDec(snapshot.portfolioValueUsdt),
          encDec(snapshot.spotValueUsdt),
          encDec(snapshot.perpWalletUsdt),
          encDec(snapshot.unrealizedPnlUsdt),
          snapshot.positionId,
        );
    });
  }

  latest(): EquitySnapshot | null {
    const row = this.#ctx.prepare('SELECT * FROM equity_snapshots ORDER BY time DESC, id DESC LIMIT 1').get() as
      | Row
      | undefined;
    return row ? decodeSnapshot(row) : null;
  }

  /** Snapshots with fromMs ≤ time < toMs, oldest first. */
  range(fromMs: number, toMs: number): EquitySnapshot[] {
    const rows = this.#ctx
      .prepare('SELECT * FROM equity_snapshots WHERE time >= ? AND time < ? ORDER BY time, id')
      .all(fromMs, toMs) as Row[];
    return rows.map(decodeSnapshot);
  }

  /** Deletes snapshots older than `beforeMs`; returns how many. */
  prune(beforeMs: number): number {
    return this.#ctx.tx(() => this.#ctx.prepare('DELETE FROM equity_snapshots WHERE time < ?').run(beforeMs).changes);
  }
}
