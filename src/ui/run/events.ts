/**
 * Engine events as terminal lines, in the original bot's colours: green profit and success, red loss and error,
 * yellow warning, cyan information, magenta key values. Pure: an event (and what earlier events said) in, lines out.
 * Event types this file does not know render nothing, so new engine events never break the console.
 */
import type { Decimal } from '../../domain/decimal.ts';
import type {
  DecisionEvent,
  EngineEvent,
  PortfolioEvent,
  PositionStatusEvent,
  ScanEvent,
  WarningEvent,
} from '../../engine/events.ts';
import type { Decision } from '../../strategy/decision.ts';
import type { FeeCoverage } from '../../strategy/fees.ts';
import type { HealthIssue } from '../../strategy/health.ts';
import type { Palette } from '../color.ts';
import { formatPct, formatPrice, formatQty, formatUsd, formatUtc } from '../format.ts';
import { coverageText, paintUsd, renderPositionBlock } from '../position.ts';
import { checkHeader, portfolioLines } from './header.ts';
import { renderScanTable } from './scan-table.ts';

/** What the renderer remembers between events. */
export interface RenderContext {
  /** The held symbol, from the last iteration start or open/close. */
  heldSymbol: string | null;
  /** `position_management.fee_coverage_multiplier`, when the caller knows it; else derived from each coverage. */
  readonly feeCoverageMultiplier: Decimal | null;
}

export function newRenderContext(feeCoverageMultiplier: Decimal | null = null): RenderContext {
  return { heldSymbol: null, feeCoverageMultiplier };
}

function multiplierOf(coverage: FeeCoverage, ctx: RenderContext): Decimal | null {
  if (ctx.feeCoverageMultiplier !== null) return ctx.feeCoverageMultiplier;
  return coverage.totalFeesUsdt.isZero() ? null : coverage.requiredFundingUsdt.div(coverage.totalFeesUsdt);
}

/** Critical issues only: the loop reports each warning-level issue as its own `warning` event. */
function criticalLines(issues: readonly HealthIssue[], palette: Palette): string[] {
  return issues.filter((issue) => issue.level === 'critical').map((issue) => palette.red(`✗ ${issue.message}`));
}

/** `coverageShown`: the position block above already carries the hold decision's coverage bar. */
function decisionLines(decision: Decision, palette: Palette, ctx: RenderContext, coverageShown = false): string[] {
  const lines = criticalLines(decision.issues, palette);
  switch (decision.kind) {
    case 'open':
      lines.push(palette.magenta(`>>> Selected: ${decision.message}`));
      break;
    case 'close': {
      const retry = decision.retry ? ' (retrying an earlier close)' : '';
      switch (decision.reason) {
        case 'stop_loss':
          lines.push(palette.red(palette.bold(`STOP-LOSS: ${decision.message}${retry}`)));
          break;
        case 'fee_coverage':
          lines.push(palette.green(`Fees covered! ${decision.message}${retry}`));
          break;
        case 'forced_rotation':
          lines.push(palette.yellow(palette.bold(`FORCED ROTATION TRIGGERED! ${decision.message}${retry}`)));
          break;
        case 'rotation':
          lines.push(palette.yellow(`Better opportunity found: ${decision.message}${retry}`));
          break;
        case 'max_age':
          lines.push(palette.yellow(`Maximum position age reached: ${decision.message}${retry}`));
          break;
        default:
          lines.push(palette.red(`Closing (${decision.reason}): ${decision.message}${retry}`));
      }
      break;
    }
    case 'repair':
      lines.push(palette.yellow(`Repair (${decision.reason}): ${decision.message}`));
      break;
    case 'hold': {
      const multiplier = multiplierOf(decision.feeCoverage, ctx);
      if (multiplier !== null && !coverageShown) {
        lines.push(`Fees coverage: ${coverageText(decision.feeCoverage, multiplier, palette)}`);
      }
      lines.push(palette.cyan(`Holding ${decision.symbol}: ${decision.message}`));
      break;
    }
    case 'wait':
      lines.push(
        decision.reason === 'no_opportunity'
          ? palette.yellow(`No viable opportunity: ${decision.message}`)
          : palette.yellow(`Waiting (${decision.reason.replace(/_/g, ' ')}): ${decision.message}`),
      );
      break;
  }
  return lines;
}

function legName(event: { leg: string; market: string; side: string; symbol: string }): string {
  return `${event.leg} ${event.side} ${event.symbol}`;
}

function positionLines(
  event: PositionStatusEvent,
  palette: Palette,
  coverage: { value: FeeCoverage; multiplier: Decimal } | null,
): string[] {
  return renderPositionBlock(
    {
      symbol: event.symbol,
      leverage: event.leverage,
      ageHours: event.ageHours,
      openedAtMs: null,
      spotQty: event.spotQty,
      perpQty: event.perpQty,
      spotEntryPrice: null,
      perpEntryPrice: event.entryPrice,
      markPrice: event.markPrice,
      spotPnlUsdt: event.spotPnlUsdt,
      perpPnlUsdt: event.perpPnlUsdt,
      combinedPnlUsdt: event.combinedPnlUsdt,
      combinedPnlPct: null,
      fundingUsdt: event.fundingReceivedUsdt,
      entryFeesUsdt: event.entryFeesUsdt,
      exitFeesEstimateUsdt: null,
      coverage,
      stopLossPct: event.stopLossPct,
      stopMarkPrice: event.stopLossMarkPrice,
      shortPnlPct: event.shortPnlPct,
    },
    palette,
  );
}

/**
 * What one check iteration reports about itself, collected so it prints in the original bot's order
 * (portfolio, position with its fee coverage, scan, decision) whatever order the engine emits it in.
 */
export interface IterationReport {
  portfolio: PortfolioEvent | null;
  position: PositionStatusEvent | null;
  scan: ScanEvent | null;
  decision: DecisionEvent | null;
  warnings: WarningEvent[];
}

export function emptyIterationReport(): IterationReport {
  return { portfolio: null, position: null, scan: null, decision: null, warnings: [] };
}

/** The event types an iteration report collects. */
export function isReportEvent(
  event: EngineEvent,
): event is PortfolioEvent | PositionStatusEvent | ScanEvent | DecisionEvent | WarningEvent {
  return (
    event.type === 'portfolio' ||
    event.type === 'position_status' ||
    event.type === 'scan' ||
    event.type === 'decision' ||
    event.type === 'warning'
  );
}

export function addToReport(
  report: IterationReport,
  event: PortfolioEvent | PositionStatusEvent | ScanEvent | DecisionEvent | WarningEvent,
): void {
  switch (event.type) {
    case 'portfolio':
      report.portfolio = event;
      break;
    case 'position_status':
      report.position = event;
      break;
    case 'scan':
      report.scan = event;
      break;
    case 'decision':
      report.decision = event;
      break;
    case 'warning':
      report.warnings.push(event);
      break;
  }
}

export function formatIterationReport(report: IterationReport, palette: Palette, ctx: RenderContext): string[] {
  const lines: string[] = [];
  if (report.portfolio !== null) lines.push(...portfolioLines(report.portfolio.portfolio, palette));
  const decision = report.decision?.decision ?? null;
  let coverageShown = false;
  if (report.position !== null) {
    let coverage: { value: FeeCoverage; multiplier: Decimal } | null = null;
    if (decision?.kind === 'hold') {
      const multiplier = multiplierOf(decision.feeCoverage, ctx);
      if (multiplier !== null) coverage = { value: decision.feeCoverage, multiplier };
    }
    coverageShown = coverage !== null;
    lines.push(...positionLines(report.position, palette, coverage));
  }
  if (report.scan !== null) lines.push(...renderScanTable(report.scan.scan, report.scan.heldSymbol, palette));
  if (decision !== null) lines.push(...decisionLines(decision, palette, ctx, coverageShown));
  for (const warning of report.warnings) lines.push(...formatEvent(warning, palette, ctx));
  return lines;
}

/** The lines of one event (possibly none). */
export function formatEvent(event: EngineEvent, palette: Palette, ctx: RenderContext): string[] {
  switch (event.type) {
    case 'started': {
      const lines = [
        palette.cyan(
          `dnfarm ${event.mode} mode on ${event.venue} (${event.futuresUrl}) | data ${event.dataDir} | ` +
            `leverage ${event.leverage}x | check every ${event.loopIntervalSeconds} s${event.once ? ' | once' : ''}`,
        ),
      ];
      if (event.recoveredFromCrash) {
        lines.push(palette.yellow('The previous run did not stop cleanly: reconciling with the exchange first.'));
      }
      return lines;
    }
    case 'iteration_started':
      ctx.heldSymbol = event.heldSymbol;
      return ['', ...checkHeader(event, palette)];
    case 'portfolio':
      return portfolioLines(event.portfolio, palette);
    case 'position_status':
      return positionLines(event, palette, null);
    case 'scan':
      return renderScanTable(event.scan, event.heldSymbol, palette);
    case 'decision':
      return decisionLines(event.decision, palette, ctx);
    case 'open_started': {
      const apr = event.aprPct === null ? '' : `, APR ${formatPct(event.aprPct)}`;
      return [
        palette.yellow(
          `Opening ${palette.magenta(event.symbol)} at ${event.leverage}x: notional ${formatUsd(event.notionalUsdt)}, ` +
            `spot buy ${formatQty(event.spotBuyQty)}, perp short ${formatQty(event.perpQty)}${apr}`,
        ),
      ];
    }
    case 'open_completed':
      ctx.heldSymbol = event.symbol;
      return [
        palette.green(
          `✓ Position opened: ${event.symbol} ${event.leverage}x, spot ${formatQty(event.spotQty)} @ ${formatPrice(event.spotAvgPrice)}, ` +
            `perp ${formatQty(event.perpQty)} @ ${formatPrice(event.perpAvgPrice)}, notional ${formatUsd(event.notionalUsdt)}, ` +
            `entry fees ${formatUsd(event.entryFeesUsdt, { decimals: 4 })}`,
        ),
      ];
    case 'open_failed':
      return [
        palette.red(`✗ Open of ${event.symbol} failed: ${event.message}`),
        ...(event.unresolved ? [palette.yellow('  something is left to resolve: no new position until it is')] : []),
      ];
    case 'leg_filled':
      return [`  ${legName(event)} filled ${formatQty(event.qty)} @ ${formatPrice(event.avgPrice)}`];
    case 'leg_failed':
      return [
        palette.red(
          `  ✗ ${legName(event)} failed: ${event.message}${event.outcomeUnknown ? ' (outcome unknown: checking by client id)' : ''}`,
        ),
      ];
    case 'leg_repaired':
      return [palette.yellow(`  ${legName(event)} repaired: ${formatQty(event.qty)} (attempt ${event.attempt})`)];
    case 'leg_unwound':
      return [palette.yellow(`  ${legName(event)} unwound: ${formatQty(event.qty)} (the other leg failed)`)];
    case 'transfer': {
      const text = `Transfer ${formatQty(event.amount)} ${event.asset} ${event.direction.replace(/_/g, ' ')}: ${event.status}`;
      return [event.status === 'failed' ? palette.red(text) : palette.cyan(text)];
    }
    case 'funding_received':
      return [
        `Funding ${event.symbol}: ${paintUsd(event.amountUsdt, palette, 4)} at ${formatUtc(event.timeMs)} ` +
          `(total ${paintUsd(event.totalUsdt, palette, 4)})`,
      ];
    case 'close_started':
      return [
        palette.yellow(
          `Closing ${palette.magenta(event.symbol)} (${event.reason}, by the ${event.source.replace('_', ' ')})`,
        ),
      ];
    case 'close_completed': {
      ctx.heldSymbol = null;
      const lines = [
        palette.green(`✓ Position closed: ${event.symbol} (Trading Cycle #${event.completedCycles} Completed)`),
      ];
      if (event.pnl !== null) {
        const p = event.pnl;
        lines.push(
          `  spot ${paintUsd(p.spotUsdt, palette)} | perp ${paintUsd(p.perpUsdt, palette)} | funding ${paintUsd(p.fundingUsdt, palette, 4)} | ` +
            `fees ${formatUsd(p.feesUsdt.negated(), { decimals: 4 })} | net ${palette.bold(paintUsd(p.totalUsdt, palette))}`,
        );
      }
      lines.push(`  volume traded: ${palette.magenta(formatUsd(event.volumeUsdt))}`);
      return lines;
    }
    case 'close_failed':
      return [
        palette.red(
          `✗ Close of ${event.symbol} (${event.reason}) failed: ${event.message}; it is retried and blocks any new open`,
        ),
      ];
    case 'stop_loss_triggered':
      return [
        palette.red(
          palette.bold(
            `STOP-LOSS ${event.symbol}: mark ${formatPrice(event.markPrice)} ≥ stop ${formatPrice(event.stopMarkPrice)} ` +
              `(perp PnL ${formatPct(event.shortPnlPct)} ≤ ${formatPct(event.stopLossPct, { decimals: 0 })}, from the ${event.source})`,
          ),
        ),
      ];
    case 'protector_status': {
      const stream = event.stream === 'mark_price' ? 'mark-price stream' : 'account stream';
      const about = event.symbol === null ? '' : ` (${event.symbol})`;
      return event.up
        ? [palette.dim(`${stream}${about} up`)]
        : [
            palette.yellow(
              `${stream}${about} down${event.reason === null ? '' : `: ${event.reason}`}; polling REST meanwhile`,
            ),
          ];
    }
    case 'protector_watch':
      return event.symbol === null
        ? [palette.dim('stop-loss protector idle (flat)')]
        : [
            palette.cyan(
              `Watching ${event.symbol}: stop-loss at mark ${event.stopMarkPrice === null ? 'n/a' : formatPrice(event.stopMarkPrice)}`,
            ),
          ];
    case 'reconcile':
      if (event.findings.length === 0) return [];
      return event.findings.map((finding) =>
        event.blocking
          ? palette.yellow(`! reconcile (${event.trigger}): ${finding}`)
          : palette.dim(`reconcile (${event.trigger}): ${finding}`),
      );
    case 'exit_request': {
      const text = `Exit request #${event.id} from ${event.requestedBy}: ${event.status}, ${event.message}`;
      return [event.status === 'failed' ? palette.red(text) : palette.magenta(text)];
    }
    case 'iteration_completed':
      return event.ok
        ? event.nextAtMs === null
          ? []
          : [palette.dim(`next check at ${formatUtc(event.nextAtMs)}`)]
        : [palette.yellow('iteration ended early on an error: no trading decision was taken on it')];
    case 'warning':
      return [palette.yellow(`! ${event.message}`)];
    case 'error':
      return [palette.red(`✗ ${event.step}: ${event.message}${event.kind === 'fatal' ? '' : ` (${event.kind})`}`)];
    case 'shutdown': {
      const open = event.openPosition;
      return open === null
        ? [palette.green(`Stopped (${event.reason}); no position open.`)]
        : [
            palette.yellow(
              `Stopped (${event.reason}). Position ${open.symbol} stays open on the exchange: ` +
                `spot ${formatQty(open.spotQty)}, perp short ${formatQty(open.perpQty)}.`,
            ),
            palette.yellow('The next `dnfarm run` picks it up again; `dnfarm exit` closes it now.'),
          ];
    }
    default:
      return [];
  }
}
