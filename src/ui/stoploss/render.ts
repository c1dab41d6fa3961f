/** The human `stoploss` output: one row per leverage, the configured one marked, and how to read it. */
import type { Palette } from '../color.ts';
import { formatPct, formatPrice } from '../format.ts';
import { renderTable } from '../table.ts';
import type { StopLossReport } from './model.ts';

export function renderStopLossReport(report: StopLossReport, palette: Palette): string {
  const withPrices = report.entryPrice !== null;
  const rows = report.rows.map((row) => {
    const leverage = `${row.leverage}x${row.configured ? ' (configured)' : ''}`;
    const cells = [
      row.configured ? palette.magenta(leverage) : leverage,
      formatPct(row.liquidationDistancePct),
      palette.magenta(formatPct(row.stopLossPct, { decimals: 0 })),
      `+${formatPct(row.stopMovePct, { decimals: 0 })}`,
      row.safe ? palette.green(formatPct(row.bufferPct)) : palette.red(`${formatPct(row.bufferPct)} UNSAFE`),
      formatPct(row.marginLostAtStopPct, { decimals: 0 }),
    ];
    if (withPrices) {
      cells.push(formatPrice(row.stopMarkPrice!), formatPrice(row.liquidationPrice!));
    }
    return cells;
  });
  const lines = [
    palette.cyan(
      `Stop-loss per leverage (maintenance margin ${formatPct(report.maintenanceMargin.times(100), { decimals: 2 })}, ` +
        `stop at ${formatPct(report.safetyMultiplier.times(100), { decimals: 0 })} of the liquidation distance)`,
    ),
    renderTable(
      [
        { header: 'Leverage' },
        { header: 'Liquidation at', align: 'right' },
        { header: 'Stop-loss (perp PnL)', align: 'right' },
        { header: 'Stop at price', align: 'right' },
        { header: 'Buffer', align: 'right' },
        { header: 'Margin lost at stop', align: 'right' },
        ...(withPrices
          ? [
              { header: `Stop price (entry ${formatPrice(report.entryPrice!)})`, align: 'right' as const },
              { header: 'Liquidation price', align: 'right' as const },
            ]
          : []),
      ],
      rows,
      palette,
    ),
    '',
    palette.dim(
      [
        'Liquidation at: price rise that liquidates the short, (1 + 1/L) / (1 + maintenance margin) - 1.',
        'Stop-loss: the bot closes both legs when the perp PnL reaches this share of the entry notional,',
        'floor(-multiplier x liquidation distance x 100); for a short that is the same as the price rising by',
        '"Stop at price". Buffer: price room left between the stop and liquidation. The bot trades 1x-3x;',
        'the stop is checked on every mark-price update, with a reduce-only STOP_MARKET on the exchange as backstop.',
      ].join('\n'),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
