import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { bestOtherThan, cheapFilterPassers, historyRequest, scanPairs } from '../../../src/strategy/scan.ts';
import { type PairData, params, snapshot } from './support/builders.ts';

const ok = (symbol: string, rate: string, extra: Partial<PairData> = {}): PairData => ({
  symbol,
  base: symbol.replace(/USDT$/, ''),
  rate,
  price: '100',
  ...extra,
});

function reasonOf(result: ReturnType<typeof scanPairs>, symbol: string) {
  return result.rows.find((r) => r.symbol === symbol)?.exclusion?.reason ?? null;
}

describe('scanPairs: filters in the original order', () => {
  it('excludes a strictly negative current rate; zero passes that filter', () => {
    const result = scanPairs(
      snapshot([ok('NEGUSDT', '-0.00005'), ok('ZEROUSDT', '0')]),
      params({ minFundingAprPct: dec(0) }),
    );
    expect(reasonOf(result, 'NEGUSDT')).toBe('negative_rate');
    expect(result.rows.find((r) => r.symbol === 'NEGUSDT')?.exclusion?.message).toBe(
      'NEGUSDT: negative funding rate -0.0050%',
    );
    expect(reasonOf(result, 'ZEROUSDT')).toBeNull();
  });

  it('sums spot and perp 24h quote volume against minVolumeUsdt (equal passes)', () => {
    const result = scanPairs(
      snapshot([
        ok('LOWUSDT', '0.0001', { spotVolume: '1000000', perpVolume: '248999999' }),
        ok('EDGEUSDT', '0.0001', { spotVolume: '1000000', perpVolume: '249000000' }),
      ]),
      params(),
    );
    expect(reasonOf(result, 'LOWUSDT')).toBe('low_volume');
    expect(result.rows.find((r) => r.symbol === 'LOWUSDT')?.exclusion?.message).toContain(
      '$249999999.00 < $250000000.00',
    );
    expect(reasonOf(result, 'EDGEUSDT')).toBeNull();
    expect(result.rows.find((r) => r.symbol === 'EDGEUSDT')?.volumeUsdt?.toFixed()).toBe('250000000');
  });

  it('excludes a spot-perp mid spread above maxSpreadPct (equal passes)', () => {
    const result = scanPairs(
      snapshot([
        ok('WIDEUSDT', '0.0001', { perpPremium: '1.0016' }),
        ok('EDGEUSDT', '0.0001', { perpPremium: '1.0015' }),
      ]),
      params(),
    );
    expect(reasonOf(result, 'WIDEUSDT')).toBe('wide_spread');
    expect(result.rows.find((r) => r.symbol === 'EDGEUSDT')?.spreadPct?.toFixed()).toBe('0.15');
    expect(reasonOf(result, 'EDGEUSDT')).toBeNull();
  });

  it('W-22: fails closed when a book or a ticker is missing', () => {
    const result = scanPairs(
      snapshot([
        ok('NOSPOTBOOKUSDT', '0.0003', { omit: ['spotBook'] }),
        ok('NOPERPBOOKUSDT', '0.0003', { omit: ['perpBook'] }),
        ok('NOTICKERUSDT', '0.0003', { omit: ['spotTicker'] }),
        ok('GOODUSDT', '0.0001'),
      ]),
      params(),
    );
    expect(reasonOf(result, 'NOSPOTBOOKUSDT')).toBe('missing_book');
    expect(reasonOf(result, 'NOPERPBOOKUSDT')).toBe('missing_book');
    expect(reasonOf(result, 'NOTICKERUSDT')).toBe('missing_ticker');
    expect(result.best?.symbol).toBe('GOODUSDT');
  });

  it('W-22: a one-sided or crossed book is not a price', () => {
    const snap = snapshot([ok('XUSDT', '0.0002')]);
    const bookRow = snap.perpBooks.get('XUSDT');
    if (!bookRow) throw new Error('fixture');
    (snap.perpBooks as Map<string, typeof bookRow>).set('XUSDT', { ...bookRow, bidPrice: dec(0) });
    expect(reasonOf(scanPairs(snap, params()), 'XUSDT')).toBe('missing_book');
    (snap.perpBooks as Map<string, typeof bookRow>).set('XUSDT', { ...bookRow, bidPrice: dec(101), askPrice: dec(99) });
    expect(reasonOf(scanPairs(snap, params()), 'XUSDT')).toBe('missing_book');
  });

  it('excludes a pair without a current rate', () => {
    expect(reasonOf(scanPairs(snapshot([ok('XUSDT', '0.0001', { omit: ['premium'] })]), params()), 'XUSDT')).toBe(
      'missing_rate',
    );
  });

  it('applies minFundingAprPct inclusively', () => {
    // 0.0001 every 8 h = 10.95 % APR exactly.
    const result = scanPairs(
      snapshot([ok('AUSDT', '0.0001'), ok('BUSDT', '0.00009')]),
      params({ minFundingAprPct: dec('10.95') }),
    );
    expect(reasonOf(result, 'AUSDT')).toBeNull();
    expect(reasonOf(result, 'BUSDT')).toBe('below_min_apr');
    expect(result.rows.find((r) => r.symbol === 'BUSDT')?.exclusion?.message).toBe('BUSDT: APR 9.86% < 10.95%');
  });

  it('reports the first failing filter in the original order (negative before volume before spread)', () => {
    const result = scanPairs(
      snapshot([ok('XUSDT', '-0.0001', { spotVolume: '0', perpVolume: '0', perpPremium: '1.05' })]),
      params(),
    );
    expect(reasonOf(result, 'XUSDT')).toBe('negative_rate');
    const second = scanPairs(
      snapshot([ok('XUSDT', '0.0001', { spotVolume: '0', perpVolume: '0', perpPremium: '1.05' })]),
      params(),
    );
    expect(reasonOf(second, 'XUSDT')).toBe('low_volume');
  });
});

describe('scanPairs: APR and selection', () => {
  it("ranks a 4 h symbol's APR at twice an 8 h symbol's at the same rate", () => {
    const result = scanPairs(
      snapshot([ok('EIGHTUSDT', '0.0001', { intervalHours: 8 }), ok('FOURUSDT', '0.0001', { intervalHours: 4 })]),
      params(),
    );
    const four = result.rows.find((r) => r.symbol === 'FOURUSDT');
    const eight = result.rows.find((r) => r.symbol === 'EIGHTUSDT');
    expect(four?.currentAprPct?.toFixed()).toBe('21.9');
    expect(eight?.currentAprPct?.toFixed()).toBe('10.95');
    expect(four?.fundingInterval).toEqual({ hours: 4, source: 'fundingInfo' });
    expect(result.best?.symbol).toBe('FOURUSDT');
  });

  it('W-24: every pair gets its own fundingInfo interval, not the first row', () => {
    const snap = snapshot([ok('AUSDT', '0.0001', { intervalHours: 4 }), ok('BUSDT', '0.0001', { intervalHours: 8 })]);
    const result = scanPairs(snap, params());
    expect(result.rows.map((r) => [r.symbol, r.fundingInterval.hours])).toEqual([
      ['AUSDT', 4],
      ['BUSDT', 8],
    ]);
  });

  it('selects the highest APR; ties go to the lower symbol', () => {
    const result = scanPairs(
      snapshot([ok('CUSDT', '0.0002'), ok('BUSDT', '0.0003'), ok('AUSDT', '0.0003'), ok('DUSDT', '0.00001')]),
      params(),
    );
    expect(result.best?.symbol).toBe('AUSDT');
    expect(result.eligible.map((r) => r.symbol)).toEqual(['AUSDT', 'BUSDT', 'CUSDT']);
    expect(result.rows.map((r) => r.symbol)).toEqual(['AUSDT', 'BUSDT', 'CUSDT', 'DUSDT']);
    expect(bestOtherThan(result, 'AUSDT')?.symbol).toBe('BUSDT');
  });

  it('returns no best pair when nothing passes', () => {
    const result = scanPairs(snapshot([ok('AUSDT', '-0.0001')]), params());
    expect(result.best).toBeNull();
    expect(result.eligible).toEqual([]);
  });

  it('honours excludeSymbols', () => {
    const result = scanPairs(
      snapshot([ok('AUSDT', '0.0005'), ok('BUSDT', '0.0001')]),
      params({ excludeSymbols: ['AUSDT'] }),
    );
    expect(result.rows.map((r) => r.symbol)).toEqual(['BUSDT']);
  });
});

describe('scanPairs: hybrid MA mode', () => {
  const ma = params({ useFundingMa: true, fundingMaPeriods: 4 });

  it('ranks by the MA APR: the mean of periods − 1 settled rates and the current rate', () => {
    const result = scanPairs(
      snapshot([
        // MA = (0.0001 + 0.0002 + 0.0003 + 0.0006) / 4 = 0.0003 → 32.85 %
        ok('AUSDT', '0.0006', { history: ['0.0009', '0.0001', '0.0002', '0.0003'] }),
        // MA = (0.0004 × 3 + 0.0004) / 4 = 0.0004 → 43.8 %, although its current rate is lower
        ok('BUSDT', '0.0004', { history: ['0.0004', '0.0004', '0.0004'] }),
      ]),
      ma,
    );
    const a = result.rows.find((r) => r.symbol === 'AUSDT');
    expect(a?.maRate?.toFixed()).toBe('0.0003');
    expect(a?.maAprPct?.toFixed()).toBe('32.85');
    expect(a?.currentAprPct?.toFixed()).toBe('65.7');
    expect(a?.settledRatesUsed).toBe(3);
    expect(result.mode).toBe('ma');
    expect(result.best?.symbol).toBe('BUSDT');
  });

  it('excludes a pair with fewer than P − 1 settled rates as insufficient_history', () => {
    const result = scanPairs(snapshot([ok('NEWUSDT', '0.001', { history: ['0.001', '0.001'] })]), ma);
    expect(reasonOf(result, 'NEWUSDT')).toBe('insufficient_history');
    expect(result.rows[0]?.exclusion?.message).toBe('NEWUSDT: 2 settled rate(s) known, the MA needs 3');
  });

  it('uses the current rate, not the MA, for the negative filter', () => {
    const result = scanPairs(snapshot([ok('AUSDT', '-0.0001', { history: ['0.001', '0.001', '0.001'] })]), ma);
    expect(reasonOf(result, 'AUSDT')).toBe('negative_rate');
    expect(result.rows[0]?.maRate?.isPositive()).toBe(true);
  });

  it('keeps the metrics of excluded pairs so the held symbol can be compared', () => {
    const result = scanPairs(
      snapshot([ok('AUSDT', '0.0001', { spotVolume: '0', perpVolume: '0', history: ['0.0001', '0.0001', '0.0001'] })]),
      ma,
    );
    expect(reasonOf(result, 'AUSDT')).toBe('low_volume');
    expect(result.rows[0]?.rankingAprPct?.toFixed()).toBe('10.95');
  });

  it('detects the interval from history when fundingInfo lacks the symbol', () => {
    const result = scanPairs(
      snapshot([
        ok('AUSDT', '0.0001', { intervalHours: 4, omit: ['fundingInfo'], history: ['0.0001', '0.0001', '0.0001'] }),
      ]),
      ma,
    );
    expect(result.rows[0]?.fundingInterval).toEqual({ hours: 4, source: 'history' });
  });
});

describe('history fetching only for pairs past the cheap filters', () => {
  const snap = snapshot([
    ok('AUSDT', '0.0001'),
    ok('BUSDT', '-0.0001'),
    ok('CUSDT', '0.0001', { perpVolume: '1' }),
    ok('DUSDT', '0.0001', { perpPremium: '1.01' }),
    ok('EUSDT', '0.00000001'),
  ]);

  it('cheapFilterPassers applies the negative, volume and spread filters only', () => {
    expect(cheapFilterPassers(snap, params())).toEqual(['AUSDT', 'EUSDT']);
  });

  it('historyRequest asks for the passers plus the held symbol, P − 1 rows each, in MA mode only', () => {
    const ma = params({ useFundingMa: true, fundingMaPeriods: 10 });
    expect(historyRequest(snap, ma, 'CUSDT')).toEqual({ symbols: ['AUSDT', 'CUSDT', 'EUSDT'], limit: 9 });
    expect(historyRequest(snap, ma)).toEqual({ symbols: ['AUSDT', 'EUSDT'], limit: 9 });
    expect(historyRequest(snap, params(), 'CUSDT')).toEqual({ symbols: [], limit: 0 });
  });
});
