import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { scanPairs } from '../../../src/strategy/scan.ts';
import { createPalette, stripAnsi } from '../../../src/ui/color.ts';
import { buildRatesReport, ratesReportJson } from '../../../src/ui/rates/model.ts';
import { failureText, paintApr, renderRatesReport } from '../../../src/ui/rates/render.ts';
import { params, snapshot } from '../strategy/support/builders.ts';

const ESC = String.fromCharCode(27);

// LOWUSDT has a huge APR but too little volume; NEGUSDT's longs are paid; WIDEUSDT's books are 0.3 % apart.
const snap = snapshot([
  { symbol: 'BTCUSDT', base: 'BTC', rate: '0.0001', price: '100000' },
  { symbol: 'ETHUSDT', base: 'ETH', rate: '0.0002', intervalHours: 4, price: '3500' },
  { symbol: 'LOWUSDT', base: 'LOW', rate: '0.003', price: '2', spotVolume: '1000000', perpVolume: '2000000' },
  { symbol: 'NEGUSDT', base: 'NEG', rate: '-0.0005', price: '5' },
  { symbol: 'WIDEUSDT', base: 'WIDE', rate: '0.0004', price: '10', perpPremium: '1.003' },
  { symbol: 'TINYUSDT', base: 'TINY', rate: '0.00001', price: '1' },
  { symbol: 'NOBOOKUSDT', base: 'NOBOOK', rate: '0.0003', price: '1', omit: ['spotBook'] },
]);
const p = params();
const report = buildRatesReport(scanPairs(snap, p), snap, p);
const row = (symbol: string) => report.rows.find((r) => r.symbol === symbol)!;

describe('rates report', () => {
  it('computes the current APR from each symbol’s own interval', () => {
    expect(row('BTCUSDT').currentAprPct?.toFixed(2)).toBe('10.95');
    expect(row('ETHUSDT').currentAprPct?.toFixed(2)).toBe('43.80');
    expect(row('ETHUSDT').intervalHours).toBe(4);
    expect(row('ETHUSDT').intervalSource).toBe('fundingInfo');
  });

  it('keeps spot, perp and combined volume apart', () => {
    const btc = row('BTCUSDT');
    expect(btc.spotVolumeUsdt?.toFixed()).toBe('50000000');
    expect(btc.perpVolumeUsdt?.toFixed()).toBe('900000000');
    expect(btc.volumeUsdt?.toFixed()).toBe('950000000');
  });

  it('judges every filter on its own, not only the first failure', () => {
    const low = row('LOWUSDT');
    expect(low.filters.map((f) => [f.filter, f.pass])).toEqual([
      ['funding_rate', true],
      ['volume', false],
      ['spread', true],
      ['min_apr', true],
    ]);
    const neg = row('NEGUSDT');
    expect(neg.exclusion?.reason).toBe('negative_rate');
    expect(neg.filters.filter((f) => !f.pass).map((f) => f.filter)).toEqual(['funding_rate', 'min_apr']);
    expect(row('WIDEUSDT').filters.find((f) => f.filter === 'spread')).toMatchObject({ pass: false });
    expect(row('TINYUSDT').exclusion?.reason).toBe('below_min_apr');
    expect(row('NOBOOKUSDT').filters.find((f) => f.filter === 'spread')?.detail).toBe('no usable spot book');
  });

  it('picks the best opportunity only among pairs passing every filter', () => {
    // LOWUSDT (328 % APR) and WIDEUSDT beat ETHUSDT on APR but fail a filter.
    expect(report.best?.symbol).toBe('ETHUSDT');
    expect(report.eligibleCount).toBe(2);
    expect(report.excludedBy).toMatchObject({ low_volume: 1, negative_rate: 1, wide_spread: 1, below_min_apr: 1 });
    expect(report.failedBy.volume).toBe(1);
  });

  it('reports no best opportunity when nothing passes (never a negative or filtered pair)', () => {
    const bad = snapshot([{ symbol: 'NEGUSDT', base: 'NEG', rate: '-0.001', price: '5' }]);
    const r = buildRatesReport(scanPairs(bad, p), bad, p);
    expect(r.best).toBeNull();
    expect(stripAnsi(renderRatesReport(r, createPalette(false)))).toContain('Best opportunity: none');
  });

  it('shows the MA APR next to the current APR in MA mode', () => {
    const history = ['0.0001', '0.0001', '0.0001', '0.0001', '0.0001', '0.0001', '0.0001', '0.0001', '0.0001'];
    const ma = snapshot([{ symbol: 'BTCUSDT', base: 'BTC', rate: '0.0002', price: '100000', history }]);
    const maParams = params({ useFundingMa: true });
    const r = buildRatesReport(scanPairs(ma, maParams), ma, maParams);
    expect(r.mode).toBe('ma');
    expect(r.rows[0]?.maAprPct?.toFixed(3)).toBe('12.045');
    expect(r.rows[0]?.filters.map((f) => f.filter)).toContain('history');
    const text = renderRatesReport(r, createPalette(false));
    expect(text).toContain('MA APR %');
    expect(text).toContain('Curr APR %');
    expect(text).toContain('hybrid MA of 10 rates');
  });

  it('renders both tables, the summary with thresholds, and the best line', () => {
    const text = renderRatesReport(report, createPalette(false));
    expect(text).toContain('Pairs passing every filter (2)');
    expect(text).toContain('Pairs filtered out (5)');
    expect(text).toMatch(/LOWUSDT .*volume \$3\.00M < \$250\.00M/);
    expect(text).toContain('rate ≥ 0, spot + perp volume ≥ $250.00M, |spread| ≤ 0.15%, APR ≥ 5.40%');
    expect(text).toMatch(/Best opportunity: ETHUSDT — APR 43\.80%, interval 4h \(6x\/day\)/);
    expect(text).not.toContain(ESC);
  });

  it('colours APR ≥ 20 % green, ≥ 10 % yellow, negative red', () => {
    const c = createPalette(true);
    expect(paintApr(dec('20'), c)).toContain(`${ESC}[32m`);
    expect(paintApr(dec('10'), c)).toContain(`${ESC}[33m`);
    expect(paintApr(dec('9.99'), c)).toBe('9.99%');
    expect(paintApr(dec('-1'), c)).toContain(`${ESC}[31m`);
  });

  it('names the first failing filter and how many more failed', () => {
    expect(failureText(row('NEGUSDT'))).toBe('rate -0.0500% < 0 (+1 more)');
  });

  it('serialises exact decimals as strings in the JSON document', () => {
    const json = ratesReportJson(report);
    expect(json.best?.symbol).toBe('ETHUSDT');
    expect(json.thresholds.min_volume_usdt).toBe('250000000');
    const btc = json.pairs.find((x) => x.symbol === 'BTCUSDT');
    expect(btc?.current_rate).toBe('0.0001');
    expect(btc?.current_apr_pct).toBe('10.95');
    expect(json.summary).toMatchObject({ pairs: 7, eligible: 2, excluded: 5 });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
