import { describe, expect, it } from 'vitest';
import { dec, ZERO } from '../../../src/domain/decimal.ts';
import { estimateExitFeesUsdt, feeCoverage } from '../../../src/strategy/fees.ts';
import { params } from './support/builders.ts';

describe('estimateExitFeesUsdt', () => {
  const legs = { spotQty: dec('450'), spotPrice: dec('2'), perpQty: dec('450'), perpPrice: dec('2.002') };

  it('W-17: estimates exit fees from the account’s taker rates on both legs', () => {
    const fee = estimateExitFeesUsdt({
      ...legs,
      rates: { spotTaker: dec('0.0004'), perpTaker: dec('0.00035') },
      fallbackFeeRate: dec('0.001'),
    });
    // 450 × 2 × 0.0004 + 450 × 2.002 × 0.00035
    expect(fee.toFixed()).toBe('0.675315');
  });

  it('falls back per leg only for a rate that could not be read', () => {
    const fee = estimateExitFeesUsdt({
      ...legs,
      rates: { spotTaker: null, perpTaker: dec('0.00035') },
      fallbackFeeRate: dec('0.001'),
    });
    expect(fee.toFixed()).toBe('1.215315');
  });
});

describe('feeCoverage', () => {
  const p = params({ feeCoverageMultiplier: dec('0.2') });

  it('is covered once funding ≥ multiplier × (entry + estimated exit fees)', () => {
    expect(feeCoverage(dec('0.27'), dec('0.7'), dec('0.65'), p)).toMatchObject({ covered: true });
    const short = feeCoverage(dec('0.2699'), dec('0.7'), dec('0.65'), p);
    expect(short.covered).toBe(false);
    expect(short.requiredFundingUsdt.toFixed()).toBe('0.27');
    expect(short.ratio?.toDecimalPlaces(4).toFixed()).toBe('0.1999');
    expect(short.progress.toDecimalPlaces(4).toFixed()).toBe('0.9996');
  });

  it('caps progress at 100 % and floors it at 0 % when funding was paid', () => {
    expect(feeCoverage(dec('10'), dec('1'), dec('1'), p).progress.toFixed()).toBe('1');
    expect(feeCoverage(dec('-1'), dec('1'), dec('1'), p).progress.toFixed()).toBe('0');
  });

  it('never fires without fees to cover', () => {
    const none = feeCoverage(dec('5'), ZERO, ZERO, p);
    expect(none.covered).toBe(false);
    expect(none.ratio).toBeNull();
  });
});
