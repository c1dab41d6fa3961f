import { describe, expect, it } from 'vitest';
import { dec, ZERO } from '../../../src/domain/decimal.ts';
import {
  checkMarketOrder,
  commonStep,
  isStepMultiple,
  quantizeDown,
  quantizeForBoth,
  quantizeUp,
} from '../../../src/domain/filters.ts';
import type { SymbolFilters } from '../../../src/domain/market.ts';
import { filtersOf, futuresDocSymbol, spotDocSymbol } from './support/realdata.ts';

function filters(overrides: Partial<Record<keyof SymbolFilters, string>>): SymbolFilters {
  const base: Record<keyof SymbolFilters, string> = {
    tickSize: '0.01',
    minPrice: '0',
    maxPrice: '0',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '0',
    marketStepSize: '0.001',
    marketMinQty: '0.001',
    marketMaxQty: '0',
    minNotional: '5',
    maxNotional: '0',
  };
  const merged = { ...base, ...overrides };
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, dec(v)])) as unknown as SymbolFilters;
}

describe('quantizeDown / quantizeUp', () => {
  it.each([
    ['0.3', '0.1', '0.3'],
    ['0.29', '0.01', '0.29'],
    ['0.299999', '0.01', '0.29'],
    ['1.23456', '0.001', '1.234'],
    ['7', '5', '5'],
    ['4.9', '0.5', '4.5'],
    ['0.0000001', '0.001', '0'],
  ])('quantizeDown(%s, %s) = %s', (value, step, expected) => {
    expect(quantizeDown(dec(value), dec(step)).toFixed()).toBe(expected);
  });

  it('a zero step means no rounding', () => {
    expect(quantizeDown(dec('1.23456789'), ZERO).toFixed()).toBe('1.23456789');
    expect(quantizeUp(dec('1.23456789'), ZERO).toFixed()).toBe('1.23456789');
  });

  it('floors toward minus infinity for negative values', () => {
    expect(quantizeDown(dec('-0.25'), dec('0.1')).toFixed()).toBe('-0.3');
  });

  it.each([
    ['0.3', '0.1', '0.3'],
    ['0.301', '0.1', '0.4'],
    ['4.1', '0.5', '4.5'],
  ])('quantizeUp(%s, %s) = %s', (value, step, expected) => {
    expect(quantizeUp(dec(value), dec(step)).toFixed()).toBe(expected);
  });

  it('rejects a negative step, naming it', () => {
    expect(() => quantizeDown(dec(1), dec('-0.1'))).toThrow(/step must not be negative, got -0.1/);
  });

  it('W-6: quantizes to real step multiples, not decimal places', () => {
    // The original bot derived "precision" from the string: "0.00100000" gave 8 decimals and
    // 1.2345678 went through unrounded; a step of 0.5 or 5 was not respected at all.
    const spot = filtersOf(spotDocSymbol());
    expect(spot.marketStepSize.toFixed()).toBe('0.001');
    expect(quantizeDown(dec('1.2345678'), spot.marketStepSize).toFixed()).toBe('1.234');
    expect(quantizeDown(dec('12.7'), dec('0.5')).toFixed()).toBe('12.5');
    expect(quantizeDown(dec('12.7'), dec('5')).toFixed()).toBe('10');
    // Float truncation turned 0.29 into 0.28 (0.29 × 100 = 28.999…); decimal arithmetic does not.
    expect(quantizeDown(dec('0.29'), dec('0.01')).toFixed()).toBe('0.29');
  });
});

describe('commonStep: a quantity valid on both markets', () => {
  it.each([
    ['0.3', '0.2', '0.6'],
    ['0.001', '0.01', '0.01'],
    ['0.01', '0.001', '0.01'],
    ['0.001', '0.001', '0.001'],
    ['1', '0.001', '1'],
    ['0.25', '0.1', '0.5'],
    ['0', '0.01', '0.01'],
    ['0.01', '0', '0.01'],
  ])('commonStep(%s, %s) = %s', (a, b, expected) => {
    expect(commonStep(dec(a), dec(b)).toFixed()).toBe(expected);
  });

  it('takes the largest quantity ≤ x that is a multiple of both steps', () => {
    const spot = filters({ marketStepSize: '0.3' });
    const perp = filters({ marketStepSize: '0.2' });
    const q = quantizeForBoth(dec('1.9'), spot, perp);
    expect(q.toFixed()).toBe('1.8');
    expect(isStepMultiple(q, dec('0.3'))).toBe(true);
    expect(isStepMultiple(q, dec('0.2'))).toBe(true);
  });
});

describe('checkMarketOrder', () => {
  const f = filters({
    marketStepSize: '0.001',
    marketMinQty: '0.001',
    marketMaxQty: '100',
    minNotional: '5',
    maxNotional: '1000',
  });
  const price = dec('50');

  it.each([
    ['0', 'non_positive_qty'],
    ['0.0015', 'not_step_multiple'],
    ['100.001', 'above_max_qty'],
    ['0.099', 'below_min_notional'],
    ['20.001', 'above_max_notional'],
  ])('quantity %s is rejected with %s', (qty, reason) => {
    const result = checkMarketOrder(f, { quantity: dec(qty), referencePrice: price });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe(reason);
      expect(result.message).toContain(qty === '0' ? 'quantity 0' : qty);
    }
  });

  it('rejects below the market minimum quantity, naming the limit', () => {
    const g = filters({ marketStepSize: '0.001', marketMinQty: '0.01', minNotional: '0' });
    const result = checkMarketOrder(g, { quantity: dec('0.009'), referencePrice: price });
    expect(result).toMatchObject({ ok: false, reason: 'below_min_qty' });
    if (!result.ok) expect(result.message).toBe('quantity 0.009 is below the minimum 0.01');
  });

  it('accepts a valid order and returns its notional', () => {
    const result = checkMarketOrder(f, { quantity: dec('0.1'), referencePrice: price });
    expect(result).toEqual({ ok: true, notional: dec('5') });
  });

  it('exempts reduce-only orders from the minimum notional (Aster -4164)', () => {
    const small = { quantity: dec('0.01'), referencePrice: price };
    expect(checkMarketOrder(f, small)).toMatchObject({ ok: false, reason: 'below_min_notional' });
    expect(checkMarketOrder(f, { ...small, reduceOnly: true })).toMatchObject({ ok: true });
  });

  it('validates against the MARKET lot filter, not LOT_SIZE', () => {
    // The documented spot example: LOT_SIZE minQty 1, MARKET_LOT_SIZE minQty 0.001.
    const spot = filtersOf(spotDocSymbol());
    expect(spot.minQty.toFixed()).toBe('1');
    const result = checkMarketOrder(spot, { quantity: dec('0.1'), referencePrice: dec('600') });
    expect(result).toMatchObject({ ok: true });
    // Its MAX_NOTIONAL of 100 applies too.
    expect(checkMarketOrder(spot, { quantity: dec('0.2'), referencePrice: dec('600') })).toMatchObject({
      ok: false,
      reason: 'above_max_notional',
    });
  });

  it('treats zero bounds as disabled', () => {
    const open = filters({ marketStepSize: '0', marketMinQty: '0', marketMaxQty: '0', minNotional: '0' });
    expect(checkMarketOrder(open, { quantity: dec('0.000000123'), referencePrice: dec(1) })).toMatchObject({
      ok: true,
    });
  });

  it('reads the futures MIN_NOTIONAL `notional` key and the integer step of the documented example', () => {
    const perp = filtersOf(futuresDocSymbol());
    expect(perp.marketStepSize.toFixed()).toBe('1');
    expect(perp.minNotional.toFixed()).toBe('1');
    expect(checkMarketOrder(perp, { quantity: dec('10.5'), referencePrice: dec('0.2') })).toMatchObject({
      reason: 'not_step_multiple',
    });
    expect(checkMarketOrder(perp, { quantity: dec('4'), referencePrice: dec('0.2') })).toMatchObject({
      reason: 'below_min_notional',
    });
    expect(checkMarketOrder(perp, { quantity: dec('5'), referencePrice: dec('0.2') })).toMatchObject({ ok: true });
  });

  it('checks step multiples from the minimum quantity, as the exchange states the rule', () => {
    const g = filters({ marketStepSize: '0.1', marketMinQty: '0.05', minNotional: '0' });
    expect(checkMarketOrder(g, { quantity: dec('0.25'), referencePrice: dec(1) })).toMatchObject({ ok: true });
    expect(checkMarketOrder(g, { quantity: dec('0.2'), referencePrice: dec(1) })).toMatchObject({
      reason: 'not_step_multiple',
    });
  });
});
