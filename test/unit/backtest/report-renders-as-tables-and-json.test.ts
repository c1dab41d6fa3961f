/** The report as the command prints it: the human summary and cycle table, and the --json document. */
import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { backtestReportJson } from '../../../src/ui/backtest/model.ts';
import { renderBacktestReport } from '../../../src/ui/backtest/render.ts';
import { createPalette, stripAnsi } from '../../../src/ui/color.ts';
import { constant, run, series } from './support/series.ts';

const context = { files: ['/data/ABCUSDT.csv'], spotTakerFee: dec('0.0004'), perpTakerFee: dec('0.00035') };

describe('the backtest report', () => {
  const { report } = run([series('ABCUSDT', constant('0.0003', 6))]);

  it('prints the period, the result and one table row per cycle', () => {
    const text = renderBacktestReport(report, context, createPalette(false), { maxCycles: null });
    expect(text).toContain('Backtest 2024-01-01 00:00 UTC → 2024-01-03 00:00 UTC (2.0 days)');
    expect(text).toContain('Data:              1 file(s) read; ABCUSDT (8h, 6)');
    expect(text).toContain('Funding earned:       +$8.62');
    expect(text).toContain('Cycles:               3 opened, 2 closed (fee_coverage 2)');
    expect(text).toMatch(
      /│ 1 │ ABCUSDT │ 2024-01-01 00:02 │ 2024-01-01 16:02 │ 16\.0 h │ +\$4,789 │ +\+\$2\.87 │ -\$7\.19 │ -\$8\.14 │ fee_coverage │/,
    );
    expect(text).toMatch(/│ 3 │ ABCUSDT │ 2024-01-02 08:02 │ — +│/);
    expect(text).toContain('open at end');
    expect(text).not.toContain(String.fromCharCode(27));
  });

  it('shows only the latest cycles unless asked for all, and colours profit and loss', () => {
    const text = renderBacktestReport(report, context, createPalette(true), { maxCycles: 1 });
    const plain = stripAnsi(text);
    expect(plain).toContain('the last 1; --all-cycles shows all 3');
    expect(plain).not.toMatch(/│ 1 │ ABCUSDT/);
    expect(plain).toMatch(/│ 3 │ ABCUSDT/);
    const palette = createPalette(true);
    expect(text).toContain(palette.green('+$8.62'));
    expect(text).toContain(palette.red('-$18.92'));
  });

  it('puts exact decimals, ISO times and every cycle in the JSON document', () => {
    const doc = backtestReportJson(report, context);
    expect(doc.summary.funding_usdt).toBe(report.fundingUsdt.toFixed());
    expect(doc.summary.close_reasons).toEqual({ fee_coverage: 2 });
    expect(doc.cycles).toHaveLength(3);
    expect(doc.cycles[0]).toMatchObject({
      symbol: 'ABCUSDT',
      opened_at: '2024-01-01T00:02:30.000Z',
      closed_at: '2024-01-01T16:02:30.000Z',
      hours_held: 16,
      close_reason: 'fee_coverage',
      funding_usdt: '2.874',
      fees_usdt: '7.18580016',
      pnl_usdt: '-8.14380016',
      dust_qty: '0.000832',
    });
    expect(doc.cycles[2]!.closed_at).toBeNull();
    expect(doc.settings).toEqual({
      capital_usdt: '10000',
      leverage: 1,
      loop_interval_seconds: 300,
      spot_taker_fee: '0.0004',
      perp_taker_fee: '0.00035',
    });
  });
});
