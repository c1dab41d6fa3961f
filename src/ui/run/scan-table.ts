/**
 * The scan table of each check iteration. Like the original bot, it lists the pairs that survived the cheap
 * filters (rate, volume, spread), ranked, with `[CURRENT]` on the held symbol (shown even when it no longer
 * qualifies, since rotation compares against it), followed by one line counting the other exclusions.
 */
import type { Decimal } from '../../domain/decimal.ts';
import type { ExclusionReason, PairScan, ScanResult } from '../../strategy/scan.ts';
import type { Palette } from '../color.ts';
import { formatCompactUsd, formatPct } from '../format.ts';
import { renderTable } from '../table.ts';

const REASON_LABELS: Record<ExclusionReason, string> = {
  missing_rate: 'no funding rate',
  negative_rate: 'negative rate',
  missing_ticker: 'no 24h ticker',
  low_volume: 'low volume',
  missing_book: 'no usable book',
  wide_spread: 'wide spread',
  insufficient_history: 'short history',
  below_min_apr: 'APR below minimum',
};

function pct(value: Decimal | null, palette: Palette, decimals = 2): string {
  return value === null ? palette.dim('n/a') : formatPct(value, { decimals });
}

function statusCell(row: PairScan, held: boolean, palette: Palette): string {
  const reason = row.exclusion === null ? '' : REASON_LABELS[row.exclusion.reason];
  if (held) return palette.cyan(reason === '' ? '[CURRENT]' : `[CURRENT] ${reason}`);
  if (row.exclusion === null) return palette.green('eligible');
  return palette.yellow(reason);
}

export function renderScanTable(scan: ScanResult, heldSymbol: string | null, palette: Palette): string[] {
  const ma = scan.mode === 'ma';
  const shown = scan.rows.filter((row) => row.passedCheapFilters || row.symbol === heldSymbol);
  const title = palette.cyan(
    `Scan: ${scan.rows.length} pairs, ${scan.eligible.length} eligible${ma ? ' (ranked by the hybrid MA)' : ''}`,
  );
  const lines = [title];
  if (shown.length > 0) {
    lines.push(
      renderTable(
        [
          { header: 'Symbol' },
          { header: 'Interval', align: 'right' },
          ...(ma ? [{ header: 'MA APR %', align: 'right' as const }] : []),
          { header: ma ? 'Curr APR %' : 'APR %', align: 'right' },
          { header: '24h volume', align: 'right' },
          { header: 'Spread', align: 'right' },
          { header: 'Status' },
        ],
        shown.map((row) => {
          const held = row.symbol === heldSymbol;
          const symbol = held ? palette.cyan(row.symbol) : row.symbol;
          return [
            symbol,
            `${row.fundingInterval.hours}h`,
            ...(ma ? [pct(row.maAprPct, palette)] : []),
            pct(row.currentAprPct, palette),
            row.volumeUsdt === null ? palette.dim('n/a') : formatCompactUsd(row.volumeUsdt),
            pct(row.spreadPct, palette, 4),
            statusCell(row, held, palette),
          ];
        }),
        palette,
      ),
    );
  }
  const counts = new Map<ExclusionReason, number>();
  for (const row of scan.rows) {
    if (row.passedCheapFilters || row.exclusion === null || row.symbol === heldSymbol) continue;
    counts.set(row.exclusion.reason, (counts.get(row.exclusion.reason) ?? 0) + 1);
  }
  if (counts.size > 0) {
    const text = [...counts].map(([reason, n]) => `${REASON_LABELS[reason]} ${n}`).join(', ');
    lines.push(palette.dim(`  not shown: ${text} (dnfarm rates lists every pair)`));
  }
  const best = scan.best;
  lines.push(
    best === null
      ? palette.red('No pair passes every filter')
      : `${palette.magenta('>>> Best:')} ${palette.magenta(best.symbol)} at ${palette.magenta(pct(best.rankingAprPct, palette))} APR`,
  );
  return lines;
}
