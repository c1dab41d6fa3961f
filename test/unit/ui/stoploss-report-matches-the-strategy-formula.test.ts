import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { createPalette } from '../../../src/ui/color.ts';
import { buildStopLossReport, leveragesToShow, stopLossReportJson } from '../../../src/ui/stoploss/model.ts';
import { renderStopLossReport } from '../../../src/ui/stoploss/render.ts';
import { params } from '../strategy/support/builders.ts';

describe('stoploss report', () => {
  it('always shows 1x–3x, plus the configured and requested leverages, once each and in order', () => {
    expect(leveragesToShow(2, [])).toEqual([1, 2, 3]);
    expect(leveragesToShow(1, [10, 5, 10, 3])).toEqual([1, 2, 3, 5, 10]);
  });

  it('gives -70 / -35 / -23 % with liquidation distances 99.00 / 49.25 / 32.67 %', () => {
    const report = buildStopLossReport(params(), 1, [1, 2, 3], null);
    expect(report.rows.map((r) => r.stopLossPct.toFixed())).toEqual(['-70', '-35', '-23']);
    expect(report.rows.map((r) => r.liquidationDistancePct.toFixed(2))).toEqual(['99.00', '49.25', '32.67']);
    expect(report.rows.map((r) => r.bufferPct.toFixed(2))).toEqual(['29.00', '14.25', '9.67']);
    expect(report.rows.every((r) => r.safe)).toBe(true);
    expect(report.rows[0]?.configured).toBe(true);
  });

  it('prices the stop and the liquidation for an entry price', () => {
    const report = buildStopLossReport(params(), 3, [3], dec('2'));
    expect(report.rows[0]?.stopMarkPrice?.toFixed()).toBe('2.46');
    expect(report.rows[0]?.liquidationPrice?.toFixed(4)).toBe('2.6534');
  });

  it('follows the configured maintenance margin and multiplier', () => {
    const report = buildStopLossReport(
      params({ stopLossSafetyMultiplier: dec('0.5'), stopLossMaintenanceMargin: dec('0.01') }),
      1,
      [1],
      null,
    );
    expect(report.rows[0]?.stopLossPct.toFixed()).toBe('-50');
  });

  it('renders the table with the configured row marked and explains the columns', () => {
    const text = renderStopLossReport(buildStopLossReport(params(), 2, [1, 2, 3], dec('100')), createPalette(false));
    expect(text).toMatch(
      /2x \(configured\) +│ +49\.25% │ +-35% │ +\+35% │ +14\.25% │ +70% │ +135\.0000 │ +149\.2537 │/,
    );
    expect(text).toContain('Liquidation at: price rise that liquidates the short');
  });

  it('puts exact strings in the JSON document', () => {
    const json = stopLossReportJson(buildStopLossReport(params(), 1, [1, 2, 3], null));
    expect(json.leverages.map((l) => l.stop_loss_pct)).toEqual(['-70', '-35', '-23']);
    expect(json.leverages[0]).toMatchObject({ leverage: 1, configured: true, liquidation_distance_pct: '99.004975' });
  });
});
