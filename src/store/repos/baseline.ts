/**
 * The portfolio baseline that long-term PnL is measured against. Captured once; only an explicit
 * `replace` (or a forced seed import) changes it, because deposits and withdrawals would otherwise be
 * silently folded into "profit".
 */
import { decCol, encDec, encTime, intCol, oneOf, type Row } from '../codec.ts';
import type { StoreContext } from '../context.ts';
import type { Baseline, BaselineSource } from '../types.ts';

const T = 'baseline';

export class BaselineRepo {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  get(): Baseline | null {
    const row = this.#ctx.prepare('SELECT * FROM baseline WHERE id = 1').get() as Row | undefined;
    if (!row) return null;
    return {
      valueUsdt: decCol(row, T, 'value_usdt'),
      timeMs: intCol(row, T, 'time'),
      source: oneOf(row, T, 'source', ['captured', 'seed-import', 'manual'] as const),
    };
  }

  /** Stores the baseline unless one exists; returns the baseline in force either way. */
  captureIfAbsent(baseline: Omit<Baseline, 'source'> & { source?: BaselineSource }): Baseline {
    return this.#ctx.tx(() => {
      const existing = this.get();
      if (existing) return existing;
      this.#write({ ...baseline, source: baseline.source ?? 'captured' });
      return this.get() as Baseline;
    });
  }

  /** Overwrites the baseline (an operator's explicit reset, or a forced import). */
  replace(baseline: Baseline): Baseline {
    return this.#ctx.tx(() => {
      this.#write(baseline);
      return this.get() as Baseline;
    });
  }

  #write(b: Baseline): void {
    if (!b.valueUsdt.isFinite() || b.valueUsdt.lessThanOrEqualTo(0)) {
      throw new RangeError(`baseline valueUsdt: expected a positive decimal, got ${b.valueUsdt.toFixed()}`);
    }
    this.#ctx
      .prepare(
        `INSERT INTO baseline (id, value_usdt, time, source, recorded_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET value_usdt = excluded.value_usdt, time = excluded.time,
           source = excluded.source, recorded_at = excluded.recorded_at`,
      )
      .run(encDec(b.valueUsdt), encTime(b.timeMs, 'timeMs'), b.source, this.#ctx.nowMs());
  }
}
