import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import {
  fixedGrouped,
  formatCompactUsd,
  formatHours,
  formatInterval,
  formatPct,
  formatPrice,
  formatPriceDelta,
  formatQty,
  formatRatePct,
  formatUsd,
  formatUtc,
  formatUtcMinute,
  groupThousands,
  priceDecimals,
} from '../../../src/ui/format.ts';

describe('thousands separators', () => {
  it('groups the integer part only and keeps the sign', () => {
    expect(groupThousands('1234567.891')).toBe('1,234,567.891');
    expect(groupThousands('-1234')).toBe('-1,234');
    expect(groupThousands('999')).toBe('999');
    expect(groupThousands('1000.0001')).toBe('1,000.0001');
  });

  it('never prints a negative zero', () => {
    expect(fixedGrouped(dec('-0.001'), 2)).toBe('0.00');
  });
});

describe('prices (the original spread tool: 2 dp from 1,000, 4 dp from 1, else 8 dp)', () => {
  it('chooses the decimals by magnitude', () => {
    expect(formatPrice(dec('100008.5'))).toBe('100,008.50');
    expect(formatPrice(dec('1000'))).toBe('1,000.00');
    expect(formatPrice(dec('999.99995'))).toBe('1,000.0000');
    expect(formatPrice(dec('650.081'))).toBe('650.0810');
    expect(formatPrice(dec('1'))).toBe('1.0000');
    expect(formatPrice(dec('0.99'))).toBe('0.99000000');
    expect(formatPrice(dec('0.000012345'))).toBe('0.00001234');
    expect(priceDecimals(dec('-2500'))).toBe(2);
  });

  it('a price difference takes the decimals of the price it belongs to, with a sign', () => {
    expect(formatPriceDelta(dec('-0.051465'), dec('9.0956'))).toBe('-0.0515');
    expect(formatPriceDelta(dec('7'), dec('100008.5'))).toBe('+7.00');
    expect(formatPriceDelta(dec('0.000398'), dec('0.1496'))).toBe('+0.00039800');
    expect(formatPriceDelta(dec('0'), dec('5'))).toBe('0.0000');
  });
});

describe('money and percentages', () => {
  it('formats dollars with separators, a leading minus, and an optional plus', () => {
    expect(formatUsd(dec('1234.567'))).toBe('$1,234.57');
    expect(formatUsd(dec('-3.2'))).toBe('-$3.20');
    expect(formatUsd(dec('3.2'), { signed: true })).toBe('+$3.20');
    expect(formatUsd(dec('0'), { signed: true })).toBe('$0.00');
    expect(formatUsd(dec('-0.004'), { signed: true })).toBe('$0.00');
    expect(formatUsd(dec('0.12345'), { decimals: 4 })).toBe('$0.1234');
  });

  it('rounds half to even, like the rest of the code base', () => {
    expect(formatUsd(dec('0.125'))).toBe('$0.12');
    expect(formatUsd(dec('0.135'))).toBe('$0.14');
  });

  it('compacts volumes', () => {
    expect(formatCompactUsd(dec('2324133484.95'))).toBe('$2.32B');
    expect(formatCompactUsd(dec('250000000'))).toBe('$250.00M');
    expect(formatCompactUsd(dec('12844.5'))).toBe('$12.84K');
    expect(formatCompactUsd(dec('512'))).toBe('$512.00');
    expect(formatCompactUsd(dec('-1500000'))).toBe('-$1.50M');
  });

  it('formats percentages and per-interval funding rates', () => {
    expect(formatPct(dec('12.345'))).toBe('12.34%');
    expect(formatPct(dec('12.355'), { signed: true })).toBe('+12.36%');
    expect(formatPct(dec('-0.0458'), { decimals: 4, signed: true })).toBe('-0.0458%');
    expect(formatPct(dec('0.00001'), { signed: true })).toBe('0.00%');
    expect(formatPct(dec('1234.5'))).toBe('1,234.50%');
    expect(formatRatePct(dec('0.0001'))).toBe('0.0100%');
    expect(formatRatePct(dec('-0.0000957'))).toBe('-0.0096%');
  });

  it('formats quantities without trailing zeros', () => {
    expect(formatQty(dec('7.38000000'))).toBe('7.38');
    expect(formatQty(dec('1250'))).toBe('1,250');
    expect(formatQty(dec('0.123456789'))).toBe('0.12345679');
  });
});

describe('times and durations (UTC)', () => {
  const ms = Date.UTC(2025, 9, 14, 8, 5, 9, 450);

  it('prints UTC whatever the host time zone', () => {
    expect(formatUtc(ms)).toBe('2025-10-14 08:05:09 UTC');
    expect(formatUtcMinute(ms)).toBe('2025-10-14 08:05 UTC');
  });

  it('prints durations in minutes, hours or days', () => {
    expect(formatHours(0.5)).toBe('30 min');
    expect(formatHours(7.54)).toBe('7.5 h');
    expect(formatHours(76.3)).toBe('3 d 4.3 h');
    expect(formatHours(Number.NaN)).toBe('unknown');
  });

  it('prints funding intervals with their payments per day', () => {
    expect(formatInterval(8)).toBe('8h (3x/day)');
    expect(formatInterval(4)).toBe('4h (6x/day)');
    expect(formatInterval(1)).toBe('1h (24x/day)');
    expect(formatInterval(5)).toBe('5h (4.80x/day)');
  });
});
