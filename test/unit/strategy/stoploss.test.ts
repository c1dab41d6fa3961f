import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import {
  backstopStopPrice,
  liquidationDistance,
  shortPnlPct,
  stopLossMarkPrice,
  stopLossPct,
  stopLossTable,
  stopLossTriggered,
} from '../../../src/strategy/stoploss.ts';
import { realdataText } from '../domain/support/realdata.ts';
import { params } from './support/builders.ts';

const p = params();

describe('stop-loss level', () => {
  it.each([
    [1, '-70', '0.990049751'],
    [2, '-35', '0.492537313'],
    [3, '-23', '0.326699834'],
  ] as const)('SL(%ix) = %s%% (liquidation at +%s)', (leverage, sl, distance) => {
    expect(stopLossPct(leverage, p).toFixed()).toBe(sl);
    expect(liquidationDistance(leverage, p.stopLossMaintenanceMargin).toDecimalPlaces(9).toFixed()).toBe(distance);
  });

  it('follows the configured multiplier and maintenance margin', () => {
    expect(stopLossPct(1, params({ stopLossSafetyMultiplier: dec('0.5') })).toFixed()).toBe('-50');
    expect(stopLossPct(2, params({ stopLossMaintenanceMargin: dec('0') })).toFixed()).toBe('-35');
  });

  it('puts the stop mark price at entry × (1 − SL/100)', () => {
    expect(stopLossMarkPrice(dec(100), 1, p).toFixed()).toBe('170');
    expect(stopLossMarkPrice(dec(100), 2, p).toFixed()).toBe('135');
    expect(stopLossMarkPrice(dec(100), 3, p).toFixed()).toBe('123');
  });

  it('rounds the exchange-side backstop UP to the tick, never before the bot’s own stop', () => {
    const entry = dec('1.94726');
    expect(stopLossMarkPrice(entry, 3, p).toFixed()).toBe('2.3951298');
    expect(backstopStopPrice(entry, 3, p, dec('0.0001')).toFixed()).toBe('2.3952');
    expect(backstopStopPrice(dec(100), 1, p, dec('0.1')).toFixed()).toBe('170');
  });
});

describe('stopLossTriggered', () => {
  it.each([
    [1, '169.99', false],
    [1, '170', true],
    [2, '134.99', false],
    [2, '135', true],
    [3, '122.99', false],
    [3, '123', true],
    [3, '90', false],
  ] as const)('at %ix, mark %s from entry 100 → %s', (leverage, mark, expected) => {
    expect(stopLossTriggered({ entryPrice: dec(100), leverage }, dec(mark), p)).toBe(expected);
  });

  it('W-10: the per-tick check agrees with "perp PnL / notional ≤ SL" over a real price path', () => {
    // Hourly highs of ApolloX (Aster) BTC perp klines as a sequence of mark prices.
    const marks = realdataText('history/aster-apollox/apollox_BTCUSDT_funding_8h_ohlc.csv')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => dec(line.split(',')[3] as string));
    const entry = marks[0] ?? dec(1);
    let fired = 0;
    for (const leverage of [1, 2, 3]) {
      const sl = stopLossPct(leverage, p);
      for (const mark of marks) {
        const qty = dec('0.5');
        const pnlPct = qty.times(entry.minus(mark)).div(qty.times(entry)).times(100);
        const expected = pnlPct.lessThanOrEqualTo(sl);
        expect(stopLossTriggered({ entryPrice: entry, leverage }, mark, p)).toBe(expected);
        if (expected) fired++;
      }
    }
    expect(fired).toBeGreaterThan(0); // the path does cross the 3x stop, so both outcomes are exercised
  });

  it('W-12: depends on the entry price only, never on a recorded capital figure', () => {
    // An adopted position once carried ≈2× its notional as "capital", halving the stop's sensitivity.
    expect(shortPnlPct(dec(100), dec(170)).toFixed()).toBe('-70');
    expect(stopLossTriggered({ entryPrice: dec(100), leverage: 1 }, dec(170), p)).toBe(true);
  });

  it('never fires on an unknown (zero) entry price', () => {
    expect(stopLossTriggered({ entryPrice: dec(0), leverage: 1 }, dec(1_000_000), p)).toBe(false);
  });
});

describe('stopLossTable', () => {
  it('lists liquidation distance, stop and buffer for 1..3x', () => {
    const rows = stopLossTable([1, 2, 3], p);
    expect(
      rows.map((r) => [
        r.leverage,
        r.liquidationDistancePct.toDecimalPlaces(2).toFixed(),
        r.stopLossPct.toFixed(),
        r.bufferPct.toDecimalPlaces(2).toFixed(),
        r.marginLostAtStopPct.toFixed(),
        r.safe,
      ]),
    ).toEqual([
      [1, '99', '-70', '29', '70', true],
      [2, '49.25', '-35', '14.25', '70', true],
      [3, '32.67', '-23', '9.67', '69', true],
    ]);
  });

  it('flags a leverage where whole-percent rounding puts the stop beyond liquidation', () => {
    const [row10, row50] = stopLossTable([10, 50], p);
    expect(row10?.stopLossPct.toFixed()).toBe('-7');
    expect(row10?.safe).toBe(true);
    expect(row50?.stopLossPct.toFixed()).toBe('-2');
    expect(row50?.safe).toBe(false);
  });
});
