/** A row missing from the data is a settlement that did not happen: nothing is paid at that boundary, the rate
 * stays what was last known, and everything after it settles as recorded. */
import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { constant, HOUR_MS, params, run, START_MS, series } from './support/series.ts';

describe('a gap in the funding data', () => {
  it('pays no funding at the missing boundary and all the others', () => {
    const data = series('GAPUSDT', constant('0.0001', 10), { skip: [4] });
    expect(data.boundaryMs).toHaveLength(9);
    const { report, engine } = run([data], { params: params({ feeCoverageMultiplier: dec(100) }) });
    const cycle = report.cycles[0]!;
    expect(cycle.fundingPayments).toBe(9);
    expect(cycle.fundingUsdt.toFixed()).toBe(dec('0.479').times(9).toFixed());
    const fundingTimes = engine
      .ledger()
      .filter((e) => e.reason === 'funding')
      .map((e) => e.timeMs);
    const missing = START_MS + 5 * 8 * HOUR_MS;
    expect(fundingTimes).not.toContain(missing);
    expect(fundingTimes).toContain(missing - 8 * HOUR_MS);
    expect(fundingTimes).toContain(missing + 8 * HOUR_MS);
    expect(report.symbolIntervals).toBe(9);
  });

  it('keeps showing the last settled rate through the gap (the gap is missing data, not a longer interval)', () => {
    const data = series('GAPUSDT', ['0.0001', '0.0001', '0.0001', '0.0002', '0.0003', '0.0003'], { skip: [3] });
    // The row after the gap still has the series' usual 8 h interval, not the 16 h since the previous row.
    expect([...data.rowIntervalHours]).toEqual([8, 8, 8, 8, 8]);
    expect(data.gridHours).toBe(8);
  });
});
