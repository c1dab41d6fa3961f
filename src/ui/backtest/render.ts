/**
 * The human `backtest` output: what was replayed, the summary (PnL, funding, fees, volume, time in position,
 * drawdown, the cycles by close reason) and the per-cycle table. Profit green, loss red, as everywhere.
 */
import type { BacktestReport, CycleReport } from '../../backtest/report.ts';
import type { Decimal } from '../../domain/decimal.ts';
import type { Palette } from '../color.ts';
import { formatCompactUsd, formatHours, formatPct, formatQty, formatUsd, formatUtcMinute } from '../format.ts';
import { keyValueLines, renderTable } from '../table.ts';
import type { BacktestContext } from './model.ts';

export interface RenderOptions {
  /** Cycles shown in the table (the latest ones); null shows every cycle. */
  readonly maxCycles: number | null;
}

function money(value: Decimal, palette: Palette): string {
  const text = formatUsd(value, { signed: true });
  if (value.isZero()) return text;
  return value.isNegative() ? palette.red(text) : palette.green(text);
}

function pct(value: Decimal, palette: Palette): string {
  const text = formatPct(value, { signed: true });
  if (value.isZero()) return text;
  return value.isNegative() ? palette.red(text) : palette.green(text);
}

/** `formatHours` on a figure rounded to its display precision first, so 8,759.96 h reads 365 d 0.0 h. */
function duration(hours: number): string {
  return formatHours(Math.round(hours * 10) / 10);
}

function reasonsText(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return entries.length === 0 ? 'none' : entries.map(([reason, n]) => `${reason} ${n}`).join(', ');
}

function cycleRow(cycle: CycleReport, palette: Palette): string[] {
  const reason =
    cycle.closeReason === null
      ? palette.yellow('open at end')
      : cycle.closeReason === 'failed_open'
        ? palette.red('failed open')
        : cycle.closeReason === 'stop_loss' || cycle.closeReason === 'data_ended'
          ? palette.yellow(cycle.closeReason)
          : cycle.closeReason;
  return [
    String(cycle.id),
    cycle.symbol,
    formatUtcMinute(cycle.openedAtMs).replace(' UTC', ''),
    cycle.closedAtMs === null ? '—' : formatUtcMinute(cycle.closedAtMs).replace(' UTC', ''),
    duration(cycle.hoursHeld),
    formatUsd(cycle.notionalUsdt, { decimals: 0 }),
    money(cycle.fundingUsdt, palette),
    formatUsd(cycle.feesUsdt.negated()),
    money(cycle.pnlUsdt, palette),
    reason,
  ];
}

export function renderBacktestReport(
  report: BacktestReport,
  context: BacktestContext,
  palette: Palette,
  options: RenderOptions,
): string {
  const { period } = report;
  const symbols = report.symbols
    .map((s) => `${s.symbol} (${s.intervalHours}h, ${s.settlements})${s.pricesFromData ? '' : ' [no prices]'}`)
    .join(', ');
  const lines: string[] = [
    palette.cyan(
      `Backtest ${formatUtcMinute(period.fromMs)} → ${formatUtcMinute(period.toMs)} (${period.days.toFixed(1)} days)`,
    ),
    ...keyValueLines([
      ['Data', `${context.files.length} file(s) read; ${symbols}`],
      ['Symbol-intervals', `${report.symbolIntervals} settlements replayed`],
      [
        'Loop',
        `${report.checks} checks every ${report.loopIntervalSeconds} s, ${report.decisions} decisions (the others had nothing new to decide on)`,
      ],
      [
        'Settings',
        `${formatUsd(report.capitalUsdt)} capital, ${report.leverage}x, taker fees spot ${formatPct(context.spotTakerFee.times(100), { decimals: 3 })} / perp ${formatPct(context.perpTakerFee.times(100), { decimals: 3 })}`,
      ],
    ]),
    '',
    palette.cyan('Result'),
    ...keyValueLines([
      [
        'Net PnL',
        `${money(report.netPnlUsdt, palette)} (${pct(report.returnPct, palette)}, APR ${pct(report.aprPct, palette)} on the starting capital)`,
      ],
      ['Final equity', palette.magenta(formatUsd(report.finalEquityUsdt))],
      ['Funding earned', money(report.fundingUsdt, palette)],
      ['Fees paid', formatUsd(report.feesUsdt.negated())],
      [
        'Volume traded',
        `${palette.magenta(formatCompactUsd(report.volumeUsdt))} (spot ${formatCompactUsd(report.spotVolumeUsdt)}, perp ${formatCompactUsd(report.perpVolumeUsdt)})`,
      ],
      [
        'Cycles',
        `${report.opens} opened, ${report.closes} closed (${reasonsText(report.closeReasons)})` +
          (report.failedOpens > 0 ? `, ${report.failedOpens} failed opens` : ''),
      ],
      ...(Object.keys(report.skippedOpens).length > 0
        ? [['Opens skipped', reasonsText(report.skippedOpens)] as const]
        : []),
      [
        'Time in position',
        `${duration(report.timeInPositionHours)} (${report.timeInPositionPct.toFixed(1)}% of the period)`,
      ],
      [
        'Max drawdown',
        `${formatUsd(report.maxDrawdownUsdt.negated())} (${formatPct(report.maxDrawdownPct.negated())} from the peak)`,
      ],
      ['Orders', `${report.orders} (${report.rejectedOrders} refused), ${report.transfers} wallet transfers`],
      [
        'Balances at the end',
        report.balances.map((b) => `${b.asset} ${formatQty(b.qty)} (${formatUsd(b.valueUsdt)})`).join(', ') +
          (report.unrealisedPnlUsdt.isZero()
            ? ''
            : `; unrealised perp PnL ${formatUsd(report.unrealisedPnlUsdt, { signed: true })}`),
      ],
    ]),
  ];
  const cycles = report.cycles;
  if (cycles.length > 0) {
    const shown = options.maxCycles === null ? cycles : cycles.slice(-options.maxCycles);
    lines.push('', palette.cyan(`Cycles (${cycles.length})`));
    if (shown.length < cycles.length) {
      lines.push(
        palette.dim(`  the last ${shown.length}; --all-cycles shows all ${cycles.length}, --json has them too`),
      );
    }
    lines.push(
      renderTable(
        [
          { header: '#', align: 'right' },
          { header: 'Symbol' },
          { header: 'Opened (UTC)' },
          { header: 'Closed (UTC)' },
          { header: 'Held', align: 'right' },
          { header: 'Notional', align: 'right' },
          { header: 'Funding', align: 'right' },
          { header: 'Fees', align: 'right' },
          { header: 'PnL', align: 'right' },
          { header: 'Close reason' },
        ],
        shown.map((c) => cycleRow(c, palette)),
        palette,
      ),
    );
  }
  lines.push(
    '',
    palette.dim(
      [
        'PnL per cycle: spot and perp PnL + funding − fees, from the fills the simulated exchange booked (an open',
        'position is marked at the last price). Net PnL is the final equity (every asset at its last price) minus',
        'the capital, so it also counts spot left below one lot step after a sale.',
      ].join('\n'),
    ),
  );
  return `${lines.join('\n')}\n`;
}
