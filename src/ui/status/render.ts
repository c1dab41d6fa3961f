/** The human `status` output and the one-line `status --health` verdict. */
import type { Decimal } from '../../domain/decimal.ts';
import type { Palette } from '../color.ts';
import { formatPct, formatPrice, formatQty, formatUsd, formatUtc, formatUtcMinute } from '../format.ts';
import { paintPct, paintUsd, renderPositionBlock } from '../position.ts';
import { keyValueLines, renderTable, rule } from '../table.ts';
import type { HealthVerdict } from './health.ts';
import type { PositionView, StatusReport } from './model.ts';

export function renderHealth(health: HealthVerdict, palette: Palette): string {
  return `${health.healthy ? palette.green('healthy') : palette.red('unhealthy')}: ${health.reason}\n`;
}

function botLines(report: StatusReport, palette: Palette): string[] {
  const { lock, heartbeat } = report;
  const bot = lock.held
    ? palette.green(
        `running${lock.holder === null ? '' : ` (pid ${lock.holder.pid} on ${lock.holder.host} since ${formatUtcMinute(lock.holder.startedAtMs)}: ${lock.holder.command})`}`,
      )
    : palette.yellow('not running');
  const loop =
    heartbeat === null
      ? palette.dim('no check iteration recorded')
      : `last iteration #${heartbeat.iteration} at ${formatUtc(heartbeat.wallMs)}, every ${heartbeat.loopIntervalSeconds} s (${heartbeat.state})`;
  const binding =
    report.binding === null
      ? ''
      : ` (records of ${report.binding.mode} mode on ${report.binding.venue}${report.binding.account === null ? '' : `, account ${report.binding.account}`})`;
  const exchange = report.account.available
    ? `read at ${formatUtc(report.timeMs)}`
    : report.account.failed
      ? palette.red(`not read: ${report.account.note ?? 'error'}`)
      : palette.dim(`not read: ${report.account.note ?? ''}`);
  return keyValueLines(
    [
      ['Bot', bot],
      ['Loop', loop],
      [
        'Health',
        `${report.health.healthy ? palette.green('healthy') : palette.yellow('unhealthy')} (${report.health.reason})`,
      ],
      ['Store', report.storePresent ? `${report.dataDir}${binding}` : palette.dim(`none in ${report.dataDir} yet`)],
      ['Exchange', exchange],
    ],
    '',
  );
}

function balanceLines(report: StatusReport, palette: Palette): string[] {
  if (report.spotBalances === null || report.perpBalances === null) return [];
  const spot = report.spotBalances.filter((b) => !b.free.isZero() || !b.locked.isZero());
  const perp = report.perpBalances.filter((b) => !b.walletBalance.isZero() || !b.crossUnPnl.isZero());
  const lines = ['', palette.bold('Balances')];
  lines.push(
    spot.length === 0
      ? '  Spot wallet: empty'
      : renderTable(
          [{ header: 'Spot asset' }, { header: 'Free', align: 'right' }, { header: 'Locked', align: 'right' }],
          spot.map((b) => [b.asset, formatQty(b.free), formatQty(b.locked)]),
          palette,
        ),
  );
  lines.push(
    perp.length === 0
      ? '  Perp wallet: empty'
      : renderTable(
          [
            { header: 'Perp asset' },
            { header: 'Wallet', align: 'right' },
            { header: 'Available', align: 'right' },
            { header: 'Unrealised PnL', align: 'right' },
          ],
          perp.map((b) => [
            b.asset,
            formatQty(b.walletBalance),
            formatQty(b.availableBalance),
            paintUsd(b.crossUnPnl, palette, 4),
          ]),
          palette,
        ),
  );
  return lines;
}

function portfolioLines(report: StatusReport, palette: Palette): string[] {
  const p = report.portfolio;
  if (p === null) return [];
  const source =
    p.source === 'exchange' ? '' : palette.dim(` (as recorded at the bot's last iteration, ${formatUtc(p.timeMs)})`);
  const pairs: [string, string][] = [
    [
      'Portfolio value',
      `${palette.magenta(formatUsd(p.valueUsdt))} (spot ${formatUsd(p.spotUsdt)}, perp wallet ${formatUsd(p.perpWalletUsdt)}, unrealised ${formatUsd(p.unrealisedUsdt, { signed: true })})${source}`,
    ],
  ];
  if (p.baseline !== null) {
    pairs.push([
      'Long-term PnL',
      `${paintUsd(p.pnlUsdt, palette)}${p.pnlPct === null ? '' : ` (${paintPct(p.pnlPct, palette)})`} since ${formatUtcMinute(p.baseline.timeMs)} (baseline ${formatUsd(p.baseline.valueUsdt)}, ${p.baseline.source})`,
    ]);
  } else {
    pairs.push(['Long-term PnL', palette.dim('no baseline yet (captured at the bot’s first start)')]);
  }
  if (p.unpricedAssets.length > 0) {
    pairs.push(['Not valued', palette.yellow(`${p.unpricedAssets.join(', ')} (no spot book against the quote asset)`)]);
  }
  return ['', palette.bold('Portfolio'), ...keyValueLines(pairs)];
}

function positionLines(
  view: PositionView | null,
  report: StatusReport,
  multiplier: Decimal,
  palette: Palette,
): string[] {
  if (view === null) {
    return report.storePresent ? ['', `${palette.bold('Position')} none (flat)`] : [];
  }
  const p = view.position;
  const extra: [string, string][] = [
    ['Status', `${p.status} (${p.origin === 'bot' ? 'opened by the bot' : p.origin})`],
    ['Notional', formatUsd(p.notionalUsdt)],
  ];
  if (p.entryAprPct !== null) extra.push(['Entry APR', formatPct(p.entryAprPct)]);
  extra.push(['Volume traded', formatUsd(p.volumeUsdt)]);
  if (view.live !== null) {
    extra.push([
      'On the exchange',
      `spot ${formatQty(view.live.exchangeSpotQty)} (incl. any of your own), perp ${formatQty(view.live.exchangePerpAmt)}`,
    ]);
  }
  if (view.backstop !== null) {
    const at = view.backstop.stopPrice === null ? '' : ` at mark ≥ ${formatPrice(view.backstop.stopPrice)}`;
    extra.push([
      'Exchange backstop',
      `reduce-only STOP_MARKET BUY ${formatQty(view.backstop.quantity)}${at} (${view.backstop.status})`,
    ]);
  }
  if (p.estimated.length > 0)
    extra.push(['Estimated', palette.yellow(`${p.estimated.join(', ')} (carried over, not measured)`)]);
  const block = renderPositionBlock(
    {
      symbol: p.symbol,
      leverage: p.leverage,
      ageHours: view.ageHours,
      openedAtMs: view.openedAtMs,
      spotQty: p.spotQtyNet,
      perpQty: p.perpQty,
      spotEntryPrice: view.spotEntryPrice,
      perpEntryPrice: view.perpEntryPrice,
      markPrice: view.live?.markPrice ?? null,
      spotPnlUsdt: view.pnl?.spotPnlUsdt ?? null,
      perpPnlUsdt: view.pnl?.perpPnlUsdt ?? null,
      combinedPnlUsdt: view.pnl?.netPnlUsdt ?? null,
      combinedPnlPct: view.pnl?.netPnlPct ?? null,
      fundingUsdt: p.fundingReceivedUsdt,
      entryFeesUsdt: p.entryFeesUsdt,
      exitFeesEstimateUsdt: view.exitFeesEstimateUsdt,
      coverage: { value: view.coverage, multiplier },
      stopLossPct: view.stop?.stopLossPct ?? null,
      stopMarkPrice: view.stop?.stopMarkPrice ?? null,
      shortPnlPct: view.stop?.shortPnlPct ?? null,
    },
    palette,
    extra,
  );
  return ['', ...block];
}

function counterLines(report: StatusReport, palette: Palette): string[] {
  const c = report.counters;
  const t = report.totals;
  if (c === null || t === null) return [];
  return [
    '',
    palette.bold('Totals'),
    ...keyValueLines([
      ['Check iterations', String(c.checkIterations)],
      ['Trading cycles completed', String(c.completedCycles)],
      ['Positions opened / closed', `${c.positionsOpened} / ${c.positionsClosed}`],
      ['Realised PnL', paintUsd(c.realisedPnlUsdt, palette)],
      ['Funding received', paintUsd(t.fundingReceivedUsdt, palette, 4)],
      ['Commissions paid', formatUsd(t.commissionsUsdt, { decimals: 4 })],
      ['Traded volume (spot + perp)', palette.magenta(formatUsd(c.tradedVolumeUsdt))],
    ]),
  ];
}

export interface StatusReportOptions {
  readonly feeCoverageMultiplier: Decimal;
}

export function renderStatusReport(report: StatusReport, options: StatusReportOptions, palette: Palette): string {
  const lines: string[] = [
    rule(palette),
    palette.cyan(`dnfarm status — ${report.mode} mode — ${formatUtc(report.timeMs)}`),
    rule(palette),
    ...botLines(report, palette),
    ...portfolioLines(report, palette),
    ...balanceLines(report, palette),
    ...positionLines(report.position, report, options.feeCoverageMultiplier, palette),
    ...counterLines(report, palette),
  ];
  if (report.warnings.length > 0) {
    lines.push('', palette.bold('Warnings'), ...report.warnings.map((w) => palette.yellow(`  ! ${w}`)));
  }
  return `${lines.join('\n')}\n`;
}
