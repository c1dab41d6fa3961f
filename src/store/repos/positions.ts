/**
 * Positions and their lifecycle. Each lifecycle step is one transaction that also moves the counters,
 * so "position closed" and "positions_closed + 1" can never be seen apart.
 */
import { Decimal, ZERO } from '../../domain/decimal.ts';
import {
  decCol,
  decColOrNull,
  encDec,
  encDecOrNull,
  encInt,
  encTime,
  encTimeOrNull,
  intCol,
  intColOrNull,
  jsonCol,
  oneOf,
  type Row,
  textCol,
  textColOrNull,
} from '../codec.ts';
import type { StoreContext } from '../context.ts';
import { StoreStateError } from '../errors.ts';
import {
  ACTIVE_POSITION_STATUSES,
  ESTIMATED_FIELDS,
  type EstimatedField,
  type NewPosition,
  POSITION_ORIGINS,
  POSITION_STATUSES,
  type Position,
  type PositionEntry,
  type PositionExit,
  type PositionFailure,
  type PositionPatch,
  type PositionStatus,
  type RealisedPnl,
} from '../types.ts';

const T = 'positions';

/** Which status may follow which. Terminal statuses have no successor. */
const TRANSITIONS: Readonly<Record<PositionStatus, readonly PositionStatus[]>> = {
  opening: ['open', 'closing', 'failed', 'superseded'],
  adopted: ['open', 'closing', 'closed', 'failed', 'superseded'],
  // `open → closed` covers a position found gone on the exchange (closed by hand, liquidated).
  open: ['closing', 'closed', 'superseded'],
  // `closing → open` covers a close abandoned before anything was sold.
  closing: ['closed', 'open', 'superseded'],
  closed: [],
  failed: [],
  superseded: [],
};

type ColumnKind = 'dec' | 'decNull' | 'intNull' | 'leverage' | 'textNull' | 'estimated';

const PATCH_COLUMNS: { readonly [K in keyof Required<PositionPatch>]: readonly [string, ColumnKind] } = {
  leverage: ['leverage', 'leverage'],
  openedAtMs: ['opened_at', 'intNull'],
  spotQtyGross: ['spot_qty_gross', 'dec'],
  spotQtyNet: ['spot_qty_net', 'dec'],
  perpQty: ['perp_qty', 'dec'],
  spotAvgPrice: ['spot_avg_price', 'decNull'],
  perpAvgPrice: ['perp_avg_price', 'decNull'],
  notionalUsdt: ['notional_usdt', 'dec'],
  entryFeesUsdt: ['entry_fees_usdt', 'dec'],
  entryAprPct: ['entry_apr_pct', 'decNull'],
  entryFundingRate: ['entry_funding_rate', 'decNull'],
  fundingIntervalHours: ['funding_interval_hours', 'intNull'],
  fundingReceivedUsdt: ['funding_received_usdt', 'dec'],
  exitSpotQty: ['exit_spot_qty', 'dec'],
  exitPerpQty: ['exit_perp_qty', 'dec'],
  exitSpotAvgPrice: ['exit_spot_avg_price', 'decNull'],
  exitPerpAvgPrice: ['exit_perp_avg_price', 'decNull'],
  exitFeesUsdt: ['exit_fees_usdt', 'dec'],
  volumeUsdt: ['volume_usdt', 'dec'],
  openReason: ['open_reason', 'textNull'],
  closeReason: ['close_reason', 'textNull'],
  dustQty: ['dust_qty', 'dec'],
  estimated: ['estimated', 'estimated'],
};

function checkLeverage(leverage: number): number {
  if (!Number.isInteger(leverage) || leverage < 1 || leverage > 125) {
    throw new RangeError(`positions.leverage: expected an integer 1..125, got ${leverage}`);
  }
  return leverage;
}

function encodeColumn(kind: ColumnKind, value: unknown, field: string): unknown {
  switch (kind) {
    case 'dec':
      return encDec(value as Decimal);
    case 'decNull':
      return encDecOrNull(value as Decimal | null);
    case 'leverage':
      return checkLeverage(value as number);
    case 'intNull':
      return value === null ? null : encInt(value as number, field);
    case 'textNull':
      return value === null ? null : String(value);
    case 'estimated':
      return encodeEstimated(value as readonly EstimatedField[]);
  }
}

function encodeEstimated(fields: readonly EstimatedField[]): string {
  for (const f of fields) {
    if (!ESTIMATED_FIELDS.includes(f)) throw new RangeError(`positions.estimated: unknown field "${String(f)}"`);
  }
  return JSON.stringify([...new Set(fields)].sort());
}

function decodeEstimated(row: Row): EstimatedField[] {
  const v = jsonCol(row, T, 'estimated');
  if (!Array.isArray(v) || !v.every((f) => ESTIMATED_FIELDS.includes(f as EstimatedField))) {
    throw new StoreStateError(`positions.estimated: expected a list of ${ESTIMATED_FIELDS.join(', ')}, got ${v}`);
  }
  return v as EstimatedField[];
}

function decodePnl(row: Row): RealisedPnl | null {
  const total = decColOrNull(row, T, 'pnl_total_usdt');
  if (total === null) return null;
  return {
    spotUsdt: decCol(row, T, 'pnl_spot_usdt'),
    perpUsdt: decCol(row, T, 'pnl_perp_usdt'),
    fundingUsdt: decCol(row, T, 'pnl_funding_usdt'),
    feesUsdt: decCol(row, T, 'pnl_fees_usdt'),
    totalUsdt: total,
  };
}

export function decodePosition(row: Row): Position {
  return {
    id: intCol(row, T, 'id'),
    symbol: textCol(row, T, 'symbol'),
    spotSymbol: textCol(row, T, 'spot_symbol'),
    baseAsset: textCol(row, T, 'base_asset'),
    quoteAsset: textCol(row, T, 'quote_asset'),
    leverage: intCol(row, T, 'leverage'),
    status: oneOf(row, T, 'status', POSITION_STATUSES),
    origin: oneOf(row, T, 'origin', POSITION_ORIGINS),
    createdAtMs: intCol(row, T, 'created_at'),
    updatedAtMs: intCol(row, T, 'updated_at'),
    openedAtMs: intColOrNull(row, T, 'opened_at'),
    closedAtMs: intColOrNull(row, T, 'closed_at'),
    spotQtyGross: decCol(row, T, 'spot_qty_gross'),
    spotQtyNet: decCol(row, T, 'spot_qty_net'),
    perpQty: decCol(row, T, 'perp_qty'),
    spotAvgPrice: decColOrNull(row, T, 'spot_avg_price'),
    perpAvgPrice: decColOrNull(row, T, 'perp_avg_price'),
    notionalUsdt: decCol(row, T, 'notional_usdt'),
    entryFeesUsdt: decCol(row, T, 'entry_fees_usdt'),
    entryAprPct: decColOrNull(row, T, 'entry_apr_pct'),
    entryFundingRate: decColOrNull(row, T, 'entry_funding_rate'),
    fundingIntervalHours: intColOrNull(row, T, 'funding_interval_hours'),
    fundingReceivedUsdt: decCol(row, T, 'funding_received_usdt'),
    exitSpotQty: decCol(row, T, 'exit_spot_qty'),
    exitPerpQty: decCol(row, T, 'exit_perp_qty'),
    exitSpotAvgPrice: decColOrNull(row, T, 'exit_spot_avg_price'),
    exitPerpAvgPrice: decColOrNull(row, T, 'exit_perp_avg_price'),
    exitFeesUsdt: decCol(row, T, 'exit_fees_usdt'),
    pnl: decodePnl(row),
    volumeUsdt: decCol(row, T, 'volume_usdt'),
    openReason: textColOrNull(row, T, 'open_reason'),
    closeReason: textColOrNull(row, T, 'close_reason'),
    dustQty: decCol(row, T, 'dust_qty'),
    estimated: decodeEstimated(row),
  };
}

function withTotal(pnl: Omit<RealisedPnl, 'totalUsdt'>): RealisedPnl {
  return { ...pnl, totalUsdt: pnl.spotUsdt.plus(pnl.perpUsdt).plus(pnl.fundingUsdt).minus(pnl.feesUsdt) };
}

const ACTIVE_SQL = ACTIVE_POSITION_STATUSES.map((s) => `'${s}'`).join(', ');

export class PositionRepo {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  /**
   * Records a new position. Refused with StoreStateError while another one is active: the database's
   * partial unique index makes a second unfinished position impossible, whatever the caller does.
   */
  create(input: NewPosition): Position {
    const origin = input.origin ?? 'bot';
    const status: PositionStatus = origin === 'bot' ? 'opening' : 'adopted';
    const now = this.#ctx.nowMs();
    return this.#ctx.tx(() => {
      const active = this.active();
      if (active) {
        throw new StoreStateError(
          `cannot record a new ${input.symbol} position: position ${active.id} (${active.symbol}) is still ${active.status}`,
        );
      }
      const info = this.#ctx
        .prepare(
          `INSERT INTO positions (
            symbol, spot_symbol, base_asset, quote_asset, leverage, status, origin, created_at, updated_at,
            opened_at, closed_at, spot_qty_gross, spot_qty_net, perp_qty, spot_avg_price, perp_avg_price,
            notional_usdt, entry_fees_usdt, entry_apr_pct, entry_funding_rate, funding_interval_hours,
            funding_received_usdt, exit_spot_qty, exit_perp_qty, exit_spot_avg_price, exit_perp_avg_price,
            exit_fees_usdt, volume_usdt, open_reason, close_reason, dust_qty, estimated
          ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '0', '0', NULL, NULL,
            '0', ?, ?, NULL, '0', ?)`,
        )
        .run(
          input.symbol,
          input.spotSymbol,
          input.baseAsset,
          input.quoteAsset,
          checkLeverage(input.leverage),
          status,
          origin,
          now,
          now,
          encTimeOrNull(input.openedAtMs, 'openedAtMs'),
          encDec(input.spotQtyGross ?? ZERO),
          encDec(input.spotQtyNet ?? input.spotQtyGross ?? ZERO),
          encDec(input.perpQty ?? ZERO),
          encDecOrNull(input.spotAvgPrice),
          encDecOrNull(input.perpAvgPrice),
          encDec(input.notionalUsdt),
          encDec(input.entryFeesUsdt ?? ZERO),
          encDecOrNull(input.entryAprPct),
          encDecOrNull(input.entryFundingRate),
          input.fundingIntervalHours == null ? null : encInt(input.fundingIntervalHours, 'fundingIntervalHours'),
          encDec(input.fundingReceivedUsdt ?? ZERO),
          encDec(input.volumeUsdt ?? ZERO),
          input.openReason ?? null,
          encodeEstimated(input.estimated ?? []),
        );
      return this.require(Number(info.lastInsertRowid));
    });
  }

  get(id: number): Position | null {
    const row = this.#ctx.prepare('SELECT * FROM positions WHERE id = ?').get(id) as Row | undefined;
    return row ? decodePosition(row) : null;
  }

  require(id: number): Position {
    const p = this.get(id);
    if (!p) throw new StoreStateError(`position ${id} does not exist`);
    return p;
  }

  /** The one position that is not finished (opening, open, closing or adopted), or null when flat. */
  active(): Position | null {
    const row = this.#ctx.prepare(`SELECT * FROM positions WHERE status IN (${ACTIVE_SQL}) LIMIT 1`).get() as
      | Row
      | undefined;
    return row ? decodePosition(row) : null;
  }

  /** Newest first. */
  list(options: { statuses?: readonly PositionStatus[]; limit?: number } = {}): Position[] {
    const statuses = options.statuses ?? POSITION_STATUSES;
    const placeholders = statuses.map(() => '?').join(', ');
    const rows = this.#ctx
      .prepare(`SELECT * FROM positions WHERE status IN (${placeholders}) ORDER BY id DESC LIMIT ?`)
      .all(...statuses, options.limit ?? -1) as Row[];
    return rows.map(decodePosition);
  }

  /** Changes figures without changing the status (accounting refresh, repair, reconciliation). */
  update(id: number, patch: PositionPatch): Position {
    return this.#ctx.tx(() => {
      this.require(id);
      this.#apply(id, patch, {});
      return this.require(id);
    });
  }

  /** `opening` (or `adopted`) → `open` with the confirmed entry. Counts an open only for the bot's own opens. */
  markOpen(id: number, entry: PositionEntry): Position {
    return this.#ctx.tx(() => {
      const before = this.#transition(id, 'open');
      this.#apply(id, entry, {});
      if (before.status === 'opening') this.#bumpCounters({ opened: 1 });
      return this.require(id);
    });
  }

  /** Reconciliation of an adopted position finished: `adopted` → `open` with the exchange's figures. */
  confirmAdopted(id: number, patch: PositionPatch): Position {
    return this.#ctx.tx(() => {
      const before = this.require(id);
      if (before.status !== 'adopted') {
        throw new StoreStateError(`position ${id}: only an adopted position can be confirmed, it is ${before.status}`);
      }
      this.#transition(id, 'open');
      this.#apply(id, patch, {});
      return this.require(id);
    });
  }

  markClosing(id: number, reason: string): Position {
    return this.#ctx.tx(() => {
      this.#transition(id, 'closing');
      this.#apply(id, { closeReason: reason }, {});
      return this.require(id);
    });
  }

  /** Records the close and its realised PnL, and counts a closed position and a completed cycle. */
  markClosed(id: number, exit: PositionExit): Position {
    return this.#ctx.tx(() => {
      this.#transition(id, 'closed');
      const { pnl, closedAtMs, ...figures } = exit;
      this.#apply(id, figures, { closed_at: encTime(closedAtMs, 'closedAtMs'), ...encodePnl(withTotal(pnl)) });
      this.#bumpCounters({ closed: 1, cycles: 1 });
      return this.require(id);
    });
  }

  /** The position never got established (legs rejected, or unwound). What it cost still counts in the totals. */
  markFailed(id: number, failure: PositionFailure): Position {
    return this.#ctx.tx(() => {
      this.#transition(id, 'failed');
      const extra: Record<string, unknown> = { closed_at: encTime(failure.closedAtMs, 'closedAtMs') };
      if (failure.pnl) Object.assign(extra, encodePnl(withTotal(failure.pnl)));
      const patch: PositionPatch = { closeReason: failure.reason };
      if (failure.volumeUsdt) patch.volumeUsdt = failure.volumeUsdt;
      this.#apply(id, patch, extra);
      return this.require(id);
    });
  }

  /** Replaced by a forced seed-state import. */
  supersede(id: number, reason: string): Position {
    return this.#ctx.tx(() => {
      this.#transition(id, 'superseded');
      this.#apply(id, { closeReason: reason }, { closed_at: this.#ctx.nowMs() });
      return this.require(id);
    });
  }

  /** Sum of realised totals and of traded volume over every position. */
  sums(): { realisedPnlUsdt: Decimal; tradedVolumeUsdt: Decimal } {
    // Summed in Decimal, not SQL SUM(): SQLite would add the TEXT values as floats.
    const rows = this.#ctx.prepare('SELECT pnl_total_usdt, volume_usdt FROM positions').all() as Row[];
    let pnl = new Decimal(0);
    let volume = new Decimal(0);
    for (const row of rows) {
      const total = decColOrNull(row, T, 'pnl_total_usdt');
      if (total) pnl = pnl.plus(total);
      volume = volume.plus(decCol(row, T, 'volume_usdt'));
    }
    return { realisedPnlUsdt: pnl, tradedVolumeUsdt: volume };
  }

  #transition(id: number, to: PositionStatus): Position {
    const before = this.require(id);
    if (!TRANSITIONS[before.status].includes(to)) {
      throw new StoreStateError(`position ${id} (${before.symbol}): cannot go from ${before.status} to ${to}`);
    }
    this.#ctx.prepare('UPDATE positions SET status = ? WHERE id = ?').run(to, id);
    return before;
  }

  #apply(id: number, patch: PositionPatch, extra: Record<string, unknown>): void {
    const sets: string[] = ['updated_at = ?'];
    const values: unknown[] = [this.#ctx.nowMs()];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const spec = PATCH_COLUMNS[key as keyof PositionPatch];
      if (!spec) throw new RangeError(`positions: "${key}" cannot be changed`);
      sets.push(`${spec[0]} = ?`);
      values.push(encodeColumn(spec[1], value, key));
    }
    for (const [column, value] of Object.entries(extra)) {
      sets.push(`${column} = ?`);
      values.push(value);
    }
    this.#ctx.prepare(`UPDATE positions SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  #bumpCounters(by: { opened?: number; closed?: number; cycles?: number }): void {
    this.#ctx
      .prepare(
        `UPDATE counters SET positions_opened = positions_opened + ?, positions_closed = positions_closed + ?,
          completed_cycles = completed_cycles + ?, updated_at = ? WHERE id = 1`,
      )
      .run(by.opened ?? 0, by.closed ?? 0, by.cycles ?? 0, this.#ctx.nowMs());
  }
}

function encodePnl(pnl: RealisedPnl): Record<string, string> {
  return {
    pnl_spot_usdt: encDec(pnl.spotUsdt),
    pnl_perp_usdt: encDec(pnl.perpUsdt),
    pnl_funding_usdt: encDec(pnl.fundingUsdt),
    pnl_fees_usdt: encDec(pnl.feesUsdt),
    pnl_total_usdt: encDec(pnl.totalUsdt),
  };
}
