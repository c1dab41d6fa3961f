/** The bot's running totals. Realised PnL and traded volume are derived from positions (see the schema). */
import type { Decimal } from '../../domain/decimal.ts';
import { decCol, encDec, intCol, type Row } from '../codec.ts';
import type { StoreContext } from '../context.ts';
import type { Counters } from '../types.ts';
import type { PositionRepo } from './positions.ts';

const T = 'counters';

/** Values a seed-state import sets; realised PnL and volume here are the carried-over parts. */
export interface CarriedCounters {
  completedCycles: number;
  positionsOpened: number;
  positionsClosed: number;
  carriedRealisedPnlUsdt: Decimal;
  carriedTradedVolumeUsdt: Decimal;
}

function count(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`counters.${field}: expected an integer ≥ 0, got ${value}`);
  return value;
}

export class CounterRepo {
  readonly #ctx: StoreContext;
  readonly #positions: PositionRepo;

  constructor(ctx: StoreContext, positions: PositionRepo) {
    this.#ctx = ctx;
    this.#positions = positions;
  }

  get(): Counters {
    const row = this.#ctx.prepare('SELECT * FROM counters WHERE id = 1').get() as Row;
    const sums = this.#positions.sums();
    return {
      checkIterations: intCol(row, T, 'check_iterations'),
      completedCycles: intCol(row, T, 'completed_cycles'),
      positionsOpened: intCol(row, T, 'positions_opened'),
      positionsClosed: intCol(row, T, 'positions_closed'),
      realisedPnlUsdt: decCol(row, T, 'carried_realised_pnl_usdt').plus(sums.realisedPnlUsdt),
      tradedVolumeUsdt: decCol(row, T, 'carried_traded_volume_usdt').plus(sums.tradedVolumeUsdt),
    };
  }

  /** Counts one check iteration of the loop and returns the new count. */
  incrementCheckIterations(): number {
    return this.#ctx.tx(() => {
      this.#ctx
        .prepare('UPDATE counters SET check_iterations = check_iterations + 1, updated_at = ? WHERE id = 1')
        .run(this.#ctx.nowMs());
      const row = this.#ctx.prepare('SELECT check_iterations FROM counters WHERE id = 1').get() as Row;
      return intCol(row, T, 'check_iterations');
    });
  }

  /** Replaces the carried-over history (seed-state import). The check-iteration count is kept. */
  setCarried(values: CarriedCounters): void {
    this.#ctx.tx(() => {
      this.#ctx
        .prepare(
          `UPDATE counters SET completed_cycles = ?, positions_opened = ?, positions_closed = ?,
            carried_realised_pnl_usdt = ?, carried_traded_volume_usdt = ?, updated_at = ? WHERE id = 1`,
        )
        .run(
          count(values.completedCycles, 'completedCycles'),
          count(values.positionsOpened, 'positionsOpened'),
          count(values.positionsClosed, 'positionsClosed'),
          encDec(values.carriedRealisedPnlUsdt),
          encDec(values.carriedTradedVolumeUsdt),
          this.#ctx.nowMs(),
        );
    });
  }
}
