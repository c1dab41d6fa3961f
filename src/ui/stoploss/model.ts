/**
 * The `stoploss` report: for each leverage, how far the price can rise before the short is liquidated, where the
 * bot's stop-loss fires, and the room left between the two. Offline: only the strategy's formulas and the config.
 */
import type { Decimal } from '../../domain/decimal.ts';
import { type StopLossParams, type StopLossRow, stopLossTable } from '../../strategy/stoploss.ts';
import { decJson, roundedJson } from '../json.ts';

export interface StopLossReportRow extends StopLossRow {
  /** With an entry price: the mark price at which the stop fires and the one at which the short is liquidated. */
  readonly stopMarkPrice: Decimal | null;
  readonly liquidationPrice: Decimal | null;
  readonly configured: boolean;
}

export interface StopLossReport {
  readonly maintenanceMargin: Decimal;
  readonly safetyMultiplier: Decimal;
  readonly configuredLeverage: number;
  readonly entryPrice: Decimal | null;
  readonly rows: readonly StopLossReportRow[];
}

/** The leverages to show: 1–3 (what the bot trades), the configured one and any asked for, ascending, once each. */
export function leveragesToShow(configured: number, extra: readonly number[]): number[] {
  return [...new Set([1, 2, 3, configured, ...extra])].sort((a, b) => a - b);
}

export function buildStopLossReport(
  params: StopLossParams,
  configuredLeverage: number,
  leverages: readonly number[],
  entryPrice: Decimal | null,
): StopLossReport {
  const rows = stopLossTable(leverages, params).map((row) => ({
    ...row,
    stopMarkPrice: entryPrice === null ? null : entryPrice.times(row.stopMovePct.div(100).plus(1)),
    liquidationPrice: entryPrice === null ? null : entryPrice.times(row.liquidationDistancePct.div(100).plus(1)),
    configured: row.leverage === configuredLeverage,
  }));
  return {
    maintenanceMargin: params.stopLossMaintenanceMargin,
    safetyMultiplier: params.stopLossSafetyMultiplier,
    configuredLeverage,
    entryPrice,
    rows,
  };
}

/** The `stoploss --json` document. */
export function stopLossReportJson(report: StopLossReport) {
  return {
    ok: true as const,
    command: 'stoploss' as const,
    maintenance_margin: decJson(report.maintenanceMargin),
    safety_multiplier: decJson(report.safetyMultiplier),
    configured_leverage: report.configuredLeverage,
    entry_price: decJson(report.entryPrice),
    leverages: report.rows.map((row) => ({
      leverage: row.leverage,
      configured: row.configured,
      liquidation_distance_pct: roundedJson(row.liquidationDistancePct, 6),
      stop_loss_pct: decJson(row.stopLossPct),
      stop_move_pct: decJson(row.stopMovePct),
      buffer_pct: roundedJson(row.bufferPct, 6),
      margin_lost_at_stop_pct: decJson(row.marginLostAtStopPct),
      safe: row.safe,
      stop_mark_price: roundedJson(row.stopMarkPrice),
      liquidation_price: roundedJson(row.liquidationPrice),
    })),
  };
}
