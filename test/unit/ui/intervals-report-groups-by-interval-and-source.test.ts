import { describe, expect, it } from 'vitest';
import { createPalette } from '../../../src/ui/color.ts';
import { buildIntervalsReport, intervalsReportJson, symbolsNeedingHistory } from '../../../src/ui/intervals/model.ts';
import { renderIntervalsReport } from '../../../src/ui/intervals/render.ts';
import { H, snapshot } from '../strategy/support/builders.ts';

const snap = snapshot([
  {
    symbol: 'BTCUSDT',
    base: 'BTC',
    rate: '0.0001',
    price: '100000',
    intervalHours: 8,
    history: ['0.0001', '0.0001', '0.0001'],
  },
  { symbol: 'ETHUSDT', base: 'ETH', rate: '0.0001', price: '3500', intervalHours: 4 },
  { symbol: 'JTOUSDT', base: 'JTO', rate: '0.0001', price: '2', intervalHours: 1 },
  { symbol: 'ODDUSDT', base: 'ODD', rate: '0.0001', price: '2', intervalHours: 2 },
  // fundingInfo silent: the history (4 h apart) tells.
  {
    symbol: 'NEWUSDT',
    base: 'NEW',
    rate: '0.0001',
    price: '2',
    intervalHours: 4,
    omit: ['fundingInfo'],
    history: ['0.0001', '0.0002', '0.0001'],
  },
  // fundingInfo silent and no history: unknown.
  { symbol: 'BLANKUSDT', base: 'BLANK', rate: '0.0001', price: '2', omit: ['fundingInfo'] },
]);

describe('intervals report', () => {
  it('reads history only for pairs fundingInfo does not cover, unless cross-checking', () => {
    expect(symbolsNeedingHistory(snap, [], false)).toEqual(['BLANKUSDT', 'NEWUSDT']);
    expect(symbolsNeedingHistory(snap, [], true)).toHaveLength(6);
  });

  it('takes fundingInfo first, then the history, and groups 1h / 4h / 8h / other / unknown', () => {
    const report = buildIntervalsReport(
      snap,
      new Map([
        ['NEWUSDT', snap.fundingHistory.get('NEWUSDT')!],
        ['BLANKUSDT', []],
      ]),
      {
        defaultHours: 8,
        excludeSymbols: [],
        crossCheck: false,
      },
    );
    const bySymbol = Object.fromEntries(report.rows.map((r) => [r.symbol, [r.hours, r.source, r.group]]));
    expect(bySymbol).toEqual({
      BLANKUSDT: [null, 'unknown', 'unknown'],
      BTCUSDT: [8, 'fundingInfo', '8h'],
      ETHUSDT: [4, 'fundingInfo', '4h'],
      JTOUSDT: [1, 'fundingInfo', '1h'],
      NEWUSDT: [4, 'history', '4h'],
      ODDUSDT: [2, 'fundingInfo', 'other'],
    });
    expect(report.groups).toEqual({ '1h': 1, '4h': 2, '8h': 1, other: 1, unknown: 1 });
    expect(report.bySource).toEqual({ fundingInfo: 4, history: 1, unknown: 1 });
    const text = renderIntervalsReport(report, createPalette(false));
    expect(text).toContain('4h funding (6x/day): 2');
    expect(text).toContain('unknown: 8h assumed');
    expect(text).toContain('history (3 settlements)');
    expect(text).toContain('By interval:  1h 1, 4h 2, 8h 1, other 1, unknown 1');
  });

  it('flags a symbol whose history disagrees with fundingInfo when cross-checking', () => {
    const twoHourly = snap.fundingHistory
      .get('NEWUSDT')!
      .map((r, i) => ({ ...r, symbol: 'BTCUSDT', fundingTimeMs: i * 2 * H }));
    const report = buildIntervalsReport(snap, new Map([['BTCUSDT', twoHourly]]), {
      defaultHours: 8,
      excludeSymbols: [],
      crossCheck: true,
    });
    const btc = report.rows.find((r) => r.symbol === 'BTCUSDT')!;
    expect(btc).toMatchObject({ hours: 8, source: 'fundingInfo', historyHours: 2, mismatch: true });
    expect(report.mismatches).toBe(1);
    expect(renderIntervalsReport(report, createPalette(false))).toContain('2h (differs)');
    const json = intervalsReportJson(report);
    expect(json.pairs.find((p) => p.symbol === 'BTCUSDT')).toMatchObject({
      interval_hours: 8,
      payments_per_day: 3,
      history_interval_hours: 2,
      mismatch: true,
    });
  });
});
