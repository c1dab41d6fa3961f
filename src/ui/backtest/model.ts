/**
 * The `backtest --json` document: the report with exact decimal strings for money, rounded strings for derived
 * percentages, ISO times, and snake_case keys like every other command's document.
 */
import type { BacktestReport, CycleReport } from '../../backtest/report.ts';
import type { Decimal } from '../../domain/decimal.ts';
import { decJson, roundedJson, timeJson } from '../json.ts';

/** What the command adds to the report: where the data came from and the settings it ran with. */
export interface BacktestContext {
  /** Data files, as given or found in a directory. */
  readonly files: readonly string[];
  readonly spotTakerFee: Decimal;
  readonly perpTakerFee: Decimal;
}

function hours(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function counts(record: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function cycleJson(cycle: CycleReport) {
  return {
    id: cycle.id,
    symbol: cycle.symbol,
    leverage: cycle.leverage,
    opened_at: timeJson(cycle.openedAtMs),
    closed_at: timeJson(cycle.closedAtMs),
    hours_held: hours(cycle.hoursHeld),
    close_reason: cycle.closeReason,
    entry_apr_pct: roundedJson(cycle.entryAprPct, 6),
    notional_usdt: decJson(cycle.notionalUsdt),
    funding_usdt: decJson(cycle.fundingUsdt),
    funding_payments: cycle.fundingPayments,
    fees_usdt: decJson(cycle.feesUsdt),
    spot_pnl_usdt: decJson(cycle.spotPnlUsdt),
    perp_pnl_usdt: decJson(cycle.perpPnlUsdt),
    pnl_usdt: decJson(cycle.pnlUsdt),
    volume_usdt: decJson(cycle.volumeUsdt),
    dust_qty: decJson(cycle.dustQty),
  };
}

export function backtestReportJson(report: BacktestReport, context: BacktestContext) {
  return {
    ok: true as const,
    command: 'backtest' as const,
    period: {
      from: timeJson(report.period.fromMs),
      to: timeJson(report.period.toMs),
      days: hours(report.period.days),
    },
    data: {
      files: [...context.files],
      symbols: report.symbols.map((s) => ({
        symbol: s.symbol,
        source: s.source,
        interval_hours: s.intervalHours,
        settlements: s.settlements,
        first_settlement: timeJson(s.firstSettlementMs),
        last_settlement: timeJson(s.lastSettlementMs),
        prices_from_data: s.pricesFromData,
      })),
    },
    settings: {
      capital_usdt: decJson(report.capitalUsdt),
      leverage: report.leverage,
      loop_interval_seconds: report.loopIntervalSeconds,
      spot_taker_fee: decJson(context.spotTakerFee),
      perp_taker_fee: decJson(context.perpTakerFee),
    },
    summary: {
      symbol_intervals: report.symbolIntervals,
      checks: report.checks,
      decisions: report.decisions,
      opens: report.opens,
      closes: report.closes,
      close_reasons: counts(report.closeReasons),
      skipped_opens: counts(report.skippedOpens),
      failed_opens: report.failedOpens,
      orders: report.orders,
      rejected_orders: report.rejectedOrders,
      transfers: report.transfers,
      funding_usdt: decJson(report.fundingUsdt),
      fees_usdt: decJson(report.feesUsdt),
      net_pnl_usdt: decJson(report.netPnlUsdt),
      final_equity_usdt: decJson(report.finalEquityUsdt),
      unrealised_pnl_usdt: decJson(report.unrealisedPnlUsdt),
      return_pct: roundedJson(report.returnPct, 6),
      apr_pct: roundedJson(report.aprPct, 6),
      volume_usdt: decJson(report.volumeUsdt),
      spot_volume_usdt: decJson(report.spotVolumeUsdt),
      perp_volume_usdt: decJson(report.perpVolumeUsdt),
      time_in_position_hours: hours(report.timeInPositionHours),
      time_in_position_pct: hours(report.timeInPositionPct),
      max_drawdown_usdt: decJson(report.maxDrawdownUsdt),
      max_drawdown_pct: roundedJson(report.maxDrawdownPct, 6),
      unattributed_funding_usdt: decJson(report.unattributedFundingUsdt),
      unattributed_fees_usdt: decJson(report.unattributedFeesUsdt),
    },
    balances: report.balances.map((b) => ({
      asset: b.asset,
      qty: decJson(b.qty),
      value_usdt: decJson(b.valueUsdt),
    })),
    cycles: report.cycles.map(cycleJson),
  };
}
