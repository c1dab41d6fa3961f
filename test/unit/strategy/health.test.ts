import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { assessPosition, classifyLegs, positionSpotQty, untrackedPositions } from '../../../src/strategy/health.ts';
import type { AccountView, HeldPosition } from '../../../src/strategy/state.ts';
import {
  account,
  filters,
  heldPosition,
  market,
  params,
  perpBalance,
  perpPosition,
  spotBalance,
} from './support/builders.ts';

const p = params();
const minQty = { spot: dec('0.001'), perp: dec('0.001') };

describe('classifyLegs', () => {
  it.each([
    ['100', '-100', 'delta_neutral', '0'],
    ['100', '-98', 'delta_neutral', '2'],
    ['100', '-97', 'imbalanced', '3'],
    ['0', '-100', 'naked_short', '100'],
    ['0.0005', '-100', 'naked_short', '99.9995'],
    ['100', '0', 'naked_spot', '100'],
    ['100', '5', 'perp_long', '100'],
    ['0', '0', 'no_position', '0'],
    ['0.0004', '-0.0002', 'no_position', '50'],
  ] as const)('spot %s / perp %s → %s (imbalance %s%%)', (spot, perp, kind, imbalance) => {
    const c = classifyLegs(dec(spot), dec(perp), minQty, p.deltaNeutralImbalancePct);
    expect(c.kind).toBe(kind);
    expect(c.imbalancePct.toFixed()).toBe(imbalance);
  });
});

function assess(position: HeldPosition, acct: AccountView, mark = '2', spot: string | null = '2') {
  return assessPosition(
    {
      position,
      account: acct,
      markPrice: dec(mark),
      spotPrice: spot === null ? null : dec(spot),
      spotFilters: filters(),
      perpFilters: filters(),
    },
    p,
  );
}

function acctWith(spotAster: string, perpAmt: string, options: { leverage?: number; entry?: string } = {}) {
  return account(
    [spotBalance('USDT', '20'), spotBalance('ASTER', spotAster)],
    [perpBalance('USDT', '500')],
    perpAmt === '0'
      ? []
      : [perpPosition('ASTERUSDT', perpAmt, options.entry ?? '1.94726', '2', { leverage: options.leverage ?? 1 })],
  );
}

describe('assessPosition', () => {
  const pos = heldPosition();

  it('a balanced position has no issue', () => {
    const h = assess(pos, acctWith('450.12', '-450.12'));
    expect(h.classification.kind).toBe('delta_neutral');
    expect(h.issues).toEqual([]);
    expect(h.critical).toBe(false);
  });

  it('W-16: the 5 % and 10 % imbalance alarms fire (no 2 % pre-filter hides them)', () => {
    const warn = assess(pos, acctWith('420', '-450.12'));
    expect(warn.classification.kind).toBe('imbalanced');
    expect(warn.issues.map((i) => [i.level, i.code])).toEqual([['warning', 'imbalance']]);
    const crit = assess(pos, acctWith('400', '-450.12'));
    expect(crit.issues.map((i) => [i.level, i.code])).toEqual([['critical', 'imbalance']]);
    expect(crit.critical).toBe(true);
  });

  it('W-2: a naked short is a critical issue', () => {
    const h = assess(pos, acctWith('0', '-450.12'));
    expect(h.classification.kind).toBe('naked_short');
    expect(h.issues[0]).toMatchObject({ level: 'critical', code: 'naked_short', symbol: 'ASTERUSDT' });
  });

  it('a naked spot leg, a long perp and a vanished position are critical', () => {
    expect(assess(pos, acctWith('450.12', '0')).issues[0]?.code).toBe('naked_spot');
    expect(assess(pos, acctWith('450.12', '450.12')).issues[0]?.code).toBe('perp_long');
    expect(assess(pos, acctWith('0', '0')).issues[0]?.code).toBe('position_gone');
  });

  it('W-7: the user’s own holdings of the base asset are not counted as the position’s spot', () => {
    const acct = acctWith('1450.12', '-450.12');
    expect(positionSpotQty(pos, acct).toFixed()).toBe('450.12');
    expect(assess(pos, acct).classification.kind).toBe('delta_neutral');
  });

  it('raises short-PnL warnings and criticals from the params', () => {
    // Entry 1.94726: −25 % at 2.434075, −50 % at 2.92089.
    expect(assess(pos, acctWith('450.12', '-450.12'), '2.44').issues.map((i) => [i.level, i.code])).toEqual([
      ['warning', 'short_pnl'],
    ]);
    expect(assess(pos, acctWith('450.12', '-450.12'), '2.93').issues.map((i) => [i.level, i.code])).toEqual([
      ['critical', 'short_pnl'],
    ]);
  });

  it('raises spot-value and position-value alarms', () => {
    const small = heldPosition({ spotQty: dec('4'), perpQty: dec('4') });
    const h = assess(small, acctWith('4', '-4'), '2', '2');
    expect(h.issues.map((i) => [i.level, i.code])).toEqual([['warning', 'spot_value']]);
    const tiny = heldPosition({ spotQty: dec('2'), perpQty: dec('2') });
    expect(assess(tiny, acctWith('2', '-2'), '2', '2').issues.map((i) => [i.level, i.code])).toEqual([
      ['warning', 'position_value'],
      ['critical', 'spot_value'],
    ]);
  });

  it('warns about a missing spot price instead of acting on it', () => {
    const h = assess(pos, acctWith('450.12', '-450.12'), '2', null);
    expect(h.issues).toMatchObject([{ level: 'warning', code: 'missing_spot_price' }]);
    expect(h.critical).toBe(false);
  });

  it('warns when the exchange leverage differs from the position’s', () => {
    expect(assess(pos, acctWith('450.12', '-450.12', { leverage: 3 })).issues).toMatchObject([
      { level: 'warning', code: 'leverage_mismatch' },
    ]);
  });
});

describe('untrackedPositions', () => {
  const perps = [market('perp', 'BTCUSDT', 'BTC'), market('perp', 'ETHUSDT', 'ETH')];
  const spots = [market('spot', 'BTCUSDT', 'BTC'), market('spot', 'ETHUSDT', 'ETH')];

  it('classifies perp positions without a record against the whole base balance', () => {
    const acct = account(
      [spotBalance('BTC', '0.5'), spotBalance('ETH', '0')],
      [perpBalance('USDT', '100')],
      [
        perpPosition('BTCUSDT', '-0.5', '100000', '100000'),
        perpPosition('ETHUSDT', '-2', '4000', '4000'),
        perpPosition('ASTERUSDT', '-10', '2', '2'),
        perpPosition('XYZUSDT', '-1', '1', '1'),
        perpPosition('SOLUSDT', '0', '0', '0'),
      ],
    );
    const rows = untrackedPositions(acct, 'ASTERUSDT', perps, spots, p);
    expect(rows.map((r) => [r.symbol, r.classification?.kind ?? null])).toEqual([
      ['BTCUSDT', 'delta_neutral'],
      ['ETHUSDT', 'naked_short'],
      ['XYZUSDT', null],
    ]);
  });
});
