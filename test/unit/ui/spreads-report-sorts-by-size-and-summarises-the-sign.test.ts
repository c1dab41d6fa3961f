import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { createPalette } from '../../../src/ui/color.ts';
import { buildSpreadsReport, spreadsReportJson } from '../../../src/ui/spreads/model.ts';
import { renderSpreadsReport, spreadTone } from '../../../src/ui/spreads/render.ts';
import { params, snapshot } from '../strategy/support/builders.ts';

const ESC = String.fromCharCode(27);

const snap = snapshot([
  { symbol: 'BTCUSDT', base: 'BTC', rate: '0.0001', price: '100000', perpPremium: '1.0007' },
  { symbol: 'ETHUSDT', base: 'ETH', rate: '0.0001', price: '3500', perpPremium: '0.9980' },
  { symbol: 'SOLUSDT', base: 'SOL', rate: '0.0001', price: '150', perpPremium: '1' },
  { symbol: 'DOGEUSDT', base: 'DOGE', rate: '0.0001', price: '0.2', perpPremium: '1.0006' },
  { symbol: 'GONEUSDT', base: 'GONE', rate: '0.0001', price: '1', omit: ['perpBook'] },
]);
const report = buildSpreadsReport(snap, params());

describe('spreads report', () => {
  it('lists pairs by |spread %| descending, signed perp minus spot', () => {
    expect(report.rows.map((r) => r.symbol)).toEqual(['ETHUSDT', 'BTCUSDT', 'DOGEUSDT', 'SOLUSDT']);
    expect(report.rows[0]?.spreadPct.toFixed(2)).toBe('-0.20');
    expect(report.rows[0]?.spreadAbs.toFixed()).toBe('-7');
    expect(report.rows[1]?.spreadPct.toFixed(2)).toBe('0.07');
  });

  it('keeps pairs without a usable mid apart', () => {
    expect(report.missing).toEqual([{ symbol: 'GONEUSDT', spotSymbol: 'GONEUSDT', missing: 'perp' }]);
  });

  it('summarises count, average, extremes, premium / discount / exact and the bot filter', () => {
    const s = report.summary;
    expect(s.count).toBe(4);
    expect(s.averageAbsPct?.toFixed(4)).toBe('0.0825');
    expect(s.largest).toMatchObject({ symbol: 'ETHUSDT' });
    expect(s.smallest).toMatchObject({ symbol: 'SOLUSDT' });
    expect([s.premium, s.discount, s.exact]).toEqual([2, 1, 1]);
    expect(s.aboveFilter).toBe(1);
  });

  it('colours |spread| ≥ 0.1 % red, ≥ 0.05 % yellow, otherwise green', () => {
    expect(spreadTone(dec('-0.1'))).toBe('red');
    expect(spreadTone(dec('0.0999'))).toBe('yellow');
    expect(spreadTone(dec('0.05'))).toBe('yellow');
    expect(spreadTone(dec('-0.0499'))).toBe('green');
    const coloured = renderSpreadsReport(report, createPalette(true));
    expect(coloured).toContain(`${ESC}[31m-0.2000%`);
  });

  it('prints prices in the original format and the note on the sign', () => {
    const text = renderSpreadsReport(report, createPalette(false));
    expect(text).toMatch(/BTCUSDT +│ +100,000\.00 │ +100,070\.00 │ +\+70\.00 │ +\+0\.0700%/);
    expect(text).toMatch(/DOGEUSDT +│ +0\.20000000 │ +0\.20012000 │ +\+0\.00012000 │/);
    expect(text).toMatch(/Perp premium \(perp > spot\): +2 \(50\.0%\)/);
    expect(text).toMatch(/Exact matches: +1\n/);
    expect(text).toContain('Spread = perp mid - spot mid');
    expect(text).toContain('GONEUSDT (perp book)');
    expect(text).not.toContain(ESC);
  });

  it('puts exact strings and shares in the JSON document', () => {
    const json = spreadsReportJson(report);
    expect(json.summary).toMatchObject({ count: 4, premium: 2, premium_share_pct: '50.00', missing: 1 });
    expect(json.pairs[0]).toMatchObject({ symbol: 'ETHUSDT', spread_abs: '-7', spread_pct: '-0.2' });
  });
});
