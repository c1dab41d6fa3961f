/** The `status --json` and `status --health --json` documents. */
import { decJson, roundedJson, timeJson } from '../json.ts';
import type { HealthVerdict } from './health.ts';
import type { PositionView, StatusReport } from './model.ts';

export function healthJson(health: HealthVerdict) {
  return {
    healthy: health.healthy,
    reason: health.reason,
    age_seconds: health.ageMs === null ? null : Math.round(health.ageMs / 1000),
    limit_seconds: health.limitMs === null ? null : Math.round(health.limitMs / 1000),
  };
}

/** `status --health --json`: `ok` is the verdict, like the exit code. */
export function healthReportJson(health: HealthVerdict, dataDir: string) {
  return { ok: health.healthy, command: 'status' as const, data_dir: dataDir, health: healthJson(health) };
}

function positionJson(view: PositionView) {
  const p = view.position;
  return {
    id: p.id,
    symbol: p.symbol,
    spot_symbol: p.spotSymbol,
    status: p.status,
    origin: p.origin,
    leverage: p.leverage,
    opened_at: timeJson(view.openedAtMs),
    age_hours: Number(view.ageHours.toFixed(4)),
    spot_qty: decJson(p.spotQtyNet),
    perp_qty: decJson(p.perpQty),
    spot_entry_price: decJson(view.spotEntryPrice),
    perp_entry_price: decJson(view.perpEntryPrice),
    notional_usdt: decJson(p.notionalUsdt),
    entry_apr_pct: roundedJson(p.entryAprPct),
    funding_interval_hours: p.fundingIntervalHours,
    estimated_fields: [...p.estimated],
    live:
      view.live === null
        ? null
        : {
            spot_price: decJson(view.live.spotPrice),
            mark_price: decJson(view.live.markPrice),
            exchange_spot_qty: decJson(view.live.exchangeSpotQty),
            exchange_perp_amt: decJson(view.live.exchangePerpAmt),
          },
    pnl:
      view.pnl === null
        ? null
        : {
            spot_usdt: roundedJson(view.pnl.spotPnlUsdt),
            perp_usdt: roundedJson(view.pnl.perpPnlUsdt),
            funding_usdt: decJson(view.pnl.fundingUsdt),
            entry_fees_usdt: decJson(view.pnl.entryFeesUsdt),
            exit_fees_estimate_usdt: roundedJson(view.pnl.exitFeesEstimateUsdt),
            combined_usdt: roundedJson(view.pnl.netPnlUsdt),
            combined_pct: roundedJson(view.pnl.netPnlPct),
          },
    funding_received_usdt: decJson(p.fundingReceivedUsdt),
    fees_paid_usdt: decJson(p.entryFeesUsdt.plus(p.exitFeesUsdt)),
    fee_coverage: {
      total_fees_usdt: roundedJson(view.coverage.totalFeesUsdt),
      required_funding_usdt: roundedJson(view.coverage.requiredFundingUsdt),
      ratio: roundedJson(view.coverage.ratio),
      progress: roundedJson(view.coverage.progress, 6),
      covered: view.coverage.covered,
      includes_exit_estimate: view.exitFeesEstimateUsdt !== null,
    },
    stop_loss:
      view.stop === null
        ? null
        : {
            stop_loss_pct: decJson(view.stop.stopLossPct),
            stop_mark_price: roundedJson(view.stop.stopMarkPrice),
            short_pnl_pct: roundedJson(view.stop.shortPnlPct),
            distance_pct: roundedJson(view.stop.distancePct),
          },
    volume_usdt: decJson(p.volumeUsdt),
    exchange_backstop:
      view.backstop === null
        ? null
        : {
            client_order_id: view.backstop.clientOrderId,
            stop_price: decJson(view.backstop.stopPrice),
            quantity: decJson(view.backstop.quantity),
            status: view.backstop.status,
          },
  };
}

export function statusReportJson(report: StatusReport) {
  const { lock, heartbeat, portfolio, counters, totals } = report;
  return {
    ok: !report.account.failed,
    command: 'status' as const,
    time: timeJson(report.timeMs),
    mode: report.mode,
    data_dir: report.dataDir,
    bot: {
      running: lock.held,
      pid: lock.holder?.pid ?? null,
      host: lock.holder?.host ?? null,
      command: lock.holder?.command ?? null,
      since: timeJson(lock.holder?.startedAtMs ?? null),
      heartbeat:
        heartbeat === null
          ? null
          : {
              last_iteration: heartbeat.iteration,
              time: timeJson(heartbeat.wallMs),
              state: heartbeat.state,
              loop_interval_seconds: heartbeat.loopIntervalSeconds,
            },
    },
    health: healthJson(report.health),
    store: { present: report.storePresent, binding: report.binding },
    account: report.account,
    balances:
      report.spotBalances === null || report.perpBalances === null
        ? null
        : {
            spot: report.spotBalances.map((b) => ({
              asset: b.asset,
              free: decJson(b.free),
              locked: decJson(b.locked),
            })),
            perp: report.perpBalances.map((b) => ({
              asset: b.asset,
              wallet_balance: decJson(b.walletBalance),
              available_balance: decJson(b.availableBalance),
              unrealized_pnl: decJson(b.crossUnPnl),
            })),
          },
    portfolio:
      portfolio === null
        ? null
        : {
            source: portfolio.source,
            time: timeJson(portfolio.timeMs),
            value_usdt: roundedJson(portfolio.valueUsdt),
            spot_usdt: roundedJson(portfolio.spotUsdt),
            perp_wallet_usdt: roundedJson(portfolio.perpWalletUsdt),
            unrealised_usdt: roundedJson(portfolio.unrealisedUsdt),
            unpriced_assets: [...portfolio.unpricedAssets],
            baseline:
              portfolio.baseline === null
                ? null
                : {
                    value_usdt: decJson(portfolio.baseline.valueUsdt),
                    time: timeJson(portfolio.baseline.timeMs),
                    source: portfolio.baseline.source,
                  },
            long_term_pnl_usdt: roundedJson(portfolio.pnlUsdt),
            long_term_pnl_pct: roundedJson(portfolio.pnlPct),
          },
    position: report.position === null ? null : positionJson(report.position),
    counters:
      counters === null || totals === null
        ? null
        : {
            check_iterations: counters.checkIterations,
            completed_cycles: counters.completedCycles,
            positions_opened: counters.positionsOpened,
            positions_closed: counters.positionsClosed,
            realised_pnl_usdt: decJson(counters.realisedPnlUsdt),
            traded_volume_usdt: decJson(counters.tradedVolumeUsdt),
            funding_received_usdt: decJson(totals.fundingReceivedUsdt),
            commissions_usdt: decJson(totals.commissionsUsdt),
          },
    warnings: [...report.warnings],
  };
}
