/**
 * Opportunistic rotation out of the held symbol into a better one.
 *
 * Both rules compare the candidate with the held symbol's CURRENT ranking APR from the same scan (MA
 * APR in MA mode, current APR otherwise). The APR recorded at entry is stale: a symbol whose funding
 * has collapsed since the open must look as bad as it now is, and one whose funding has risen must not
 * be abandoned for a candidate that only beats its old rate.
 *
 * - absolute rule: candidate − held ≥ `rotationMinAprGainPoints`, once the position is
 *   `rotationMinHours` old;
 * - forced rule (`enableForcedRotation`): candidate ≥ held × `forcedRotationAprMultiplier`, once the
 *   position is `forcedRotationMinHours` old. When the held APR is ≤ 0 a ratio means nothing (any
 *   multiple of a non-positive APR is ≤ 0, so the original bot rotated into anything); here the forced
 *   rule then fires only for a candidate with a positive APR: it trades a position that earns nothing,
 *   or pays, for one that earns.
 *
 * The candidate must be a DIFFERENT symbol: closing and reopening the same one pays four taker fees
 * for nothing. When the held symbol's APR is unknown (no rate, or too little history for the MA) no
 * rotation happens: the comparison cannot be made, and missing data never trades.
 */
import type { Decimal } from '../domain/decimal.ts';
import type { StrategyParams } from './params.ts';
import { hoursText, pctText } from './text.ts';

export type RotationParams = Pick<
  StrategyParams,
  | 'rotationMinAprGainPoints'
  | 'rotationMinHours'
  | 'enableForcedRotation'
  | 'forcedRotationMinHours'
  | 'forcedRotationAprMultiplier'
>;

export interface RotationInput {
  heldSymbol: string;
  /** The held symbol's ranking APR in the current scan; null when unknown. */
  heldAprPct: Decimal | null;
  ageHours: number;
  /** The best eligible pair of the scan other than the held symbol. */
  candidate: { symbol: string; rankingAprPct: Decimal | null } | null;
}

export type RotationVerdict =
  | {
      rotate: true;
      rule: 'rotation' | 'forced_rotation';
      targetSymbol: string;
      heldAprPct: Decimal;
      targetAprPct: Decimal;
      message: string;
    }
  | {
      rotate: false;
      why: 'no_candidate' | 'held_apr_unknown' | 'not_better_enough';
      message: string;
    };

export function evaluateRotation(input: RotationInput, params: RotationParams): RotationVerdict {
  const { candidate, heldSymbol, heldAprPct: held, ageHours } = input;
  if (candidate === null || candidate.symbol === heldSymbol || candidate.rankingAprPct === null) {
    return { rotate: false, why: 'no_candidate', message: `no eligible symbol other than ${heldSymbol}` };
  }
  const target = candidate.rankingAprPct;
  if (held === null) {
    return {
      rotate: false,
      why: 'held_apr_unknown',
      message: `${heldSymbol}'s current APR is unknown; not comparing with ${candidate.symbol} (${pctText(target)})`,
    };
  }
  const versus = `${candidate.symbol} ${pctText(target)} vs ${heldSymbol} ${pctText(held)} after ${hoursText(ageHours)}`;

  if (ageHours >= params.rotationMinHours && target.minus(held).greaterThanOrEqualTo(params.rotationMinAprGainPoints)) {
    return {
      rotate: true,
      rule: 'rotation',
      targetSymbol: candidate.symbol,
      heldAprPct: held,
      targetAprPct: target,
      message: `rotation: ${versus} (gain ≥ ${params.rotationMinAprGainPoints.toFixed()} points)`,
    };
  }

  if (params.enableForcedRotation && ageHours >= params.forcedRotationMinHours) {
    const heldPositive = held.isPositive() && !held.isZero();
    const better = heldPositive
      ? target.greaterThanOrEqualTo(held.times(params.forcedRotationAprMultiplier))
      : target.isPositive() && !target.isZero();
    if (better) {
      return {
        rotate: true,
        rule: 'forced_rotation',
        targetSymbol: candidate.symbol,
        heldAprPct: held,
        targetAprPct: target,
        message: heldPositive
          ? `forced rotation: ${versus} (≥ ${params.forcedRotationAprMultiplier.toFixed()}×)`
          : `forced rotation: ${versus} (held APR is not positive)`,
      };
    }
  }

  return { rotate: false, why: 'not_better_enough', message: `no rotation: ${versus}` };
}
