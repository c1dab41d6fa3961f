import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { maxAgeExceeded, positionAgeHours } from '../../../src/strategy/age.ts';
import { evaluateRotation, type RotationInput } from '../../../src/strategy/rotation.ts';
import { H, NOW, params } from './support/builders.ts';

const p = params(); // +10 points after 4 h; forced ×2 after 8 h

function input(held: string | null, target: string | null, ageHours: number, symbol = 'BUSDT'): RotationInput {
  return {
    heldSymbol: 'AUSDT',
    heldAprPct: held === null ? null : dec(held),
    ageHours,
    candidate: target === null ? null : { symbol, rankingAprPct: dec(target) },
  };
}

describe('evaluateRotation', () => {
  it.each([
    ['absolute rule: +10 points after 4 h', '12', '22', 4, 'rotation'],
    ['absolute rule: +9.99 points is not enough', '12', '21.99', 4, null],
    ['absolute rule waits rotationMinHours', '12', '40', 3.99, null],
    ['forced rule: ×2 after 8 h', '12', '24', 8, 'rotation'],
    ['forced rule: ×2 when the gain is below 10 points', '6', '12', 8, 'forced_rotation'],
    ['forced rule waits forcedRotationMinHours', '6', '12', 7.9, null],
    ['forced rule: below ×2', '6', '11.99', 8, null],
  ] as const)('%s', (_name, held, target, age, rule) => {
    const verdict = evaluateRotation(input(held, target, age), p);
    if (rule === null) expect(verdict.rotate).toBe(false);
    else expect(verdict).toMatchObject({ rotate: true, rule, targetSymbol: 'BUSDT' });
  });

  it('respects enableForcedRotation', () => {
    expect(evaluateRotation(input('6', '12', 8), params({ enableForcedRotation: false })).rotate).toBe(false);
  });

  it('W-15: compares with the held symbol’s CURRENT APR, not the entry APR', () => {
    // Opened at 30 %, the held symbol now pays 5 %: a 20 % candidate is 15 points better.
    const now = evaluateRotation(input('5', '20', 5), p);
    expect(now).toMatchObject({ rotate: true, rule: 'rotation', heldAprPct: dec(5) });
    // Opened at 5 %, it now pays 30 %: the same candidate is worse, whatever the entry APR was.
    expect(evaluateRotation(input('30', '20', 50), p).rotate).toBe(false);
  });

  it('W-15: an opportunistic rotation never picks the held symbol', () => {
    const verdict = evaluateRotation(input('1', '99', 100, 'AUSDT'), p);
    expect(verdict).toMatchObject({ rotate: false, why: 'no_candidate' });
  });

  it('W-15: does not rotate when the held symbol’s APR is unknown', () => {
    expect(evaluateRotation(input(null, '99', 100), p)).toMatchObject({ rotate: false, why: 'held_apr_unknown' });
  });

  it('W-15: with a non-positive held APR the forced rule needs a positive candidate', () => {
    // Gain < 10 points so only the forced rule can act.
    expect(evaluateRotation(input('-2', '6', 8), p)).toMatchObject({ rotate: true, rule: 'forced_rotation' });
    expect(evaluateRotation(input('0', '6', 8), p)).toMatchObject({ rotate: true, rule: 'forced_rotation' });
    expect(evaluateRotation(input('-2', '0', 8), p).rotate).toBe(false);
    expect(evaluateRotation(input('-2', '6', 7), p).rotate).toBe(false);
  });

  it('returns no rotation without a candidate', () => {
    expect(evaluateRotation(input('5', null, 100), p)).toMatchObject({ rotate: false, why: 'no_candidate' });
  });
});

describe('position age', () => {
  it('closes only when strictly older than maxPositionAgeHours', () => {
    expect(maxAgeExceeded(NOW - 336 * H, NOW, 336)).toBe(false);
    expect(maxAgeExceeded(NOW - 336 * H - 1, NOW, 336)).toBe(true);
  });

  it('measures age in hours and never negative', () => {
    expect(positionAgeHours(NOW - 90 * 60_000, NOW)).toBe(1.5);
    expect(positionAgeHours(NOW + H, NOW)).toBe(0);
  });
});
