/**
 * Fee estimates and the fee-coverage exit rule.
 *
 * Entry fees are the commissions actually paid (from fills). Exit fees are not known before the close,
 * so they are estimated from the account's taker rates (both exit legs are market orders): spot qty ×
 * price × spot taker + perp qty × price × perp taker. Only when a rate could not be read does the
 * configured fallback rate stand in for it.
 */
import { type Decimal, ONE, ZERO } from '../domain/decimal.ts';
import type { StrategyParams } from './params.ts';

/** The account's taker commission rates; null when they could not be read. */
export interface TakerRates {
  spotTaker: Decimal | null;
  perpTaker: Decimal | null;
}

export interface ExitFeeInput {
  spotQty: Decimal;
  spotPrice: Decimal;
  perpQty: Decimal;
  perpPrice: Decimal;
  rates: TakerRates;
  fallbackFeeRate: Decimal;
}

/** Estimated commission of closing both legs with market orders, in quote currency. */
export function estimateExitFeesUsdt(input: ExitFeeInput): Decimal {
  const spotRate = input.rates.spotTaker ?? input.fallbackFeeRate;
  const perpRate = input.rates.perpTaker ?? input.fallbackFeeRate;
  return input.spotQty
    .abs()
    .times(input.spotPrice)
    .times(spotRate)
    .plus(input.perpQty.abs().times(input.perpPrice).times(perpRate));
}

export interface FeeCoverage {
  fundingReceivedUsdt: Decimal;
  entryFeesUsdt: Decimal;
  exitFeesEstimateUsdt: Decimal;
  /** entry + estimated exit. */
  totalFeesUsdt: Decimal;
  /** multiplier × total fees: the funding at which the rule fires. */
  requiredFundingUsdt: Decimal;
  /** funding / total fees; null when there are no fees to cover. */
  ratio: Decimal | null;
  /** min(ratio / multiplier, 1), clamped at 0: the progress bar of the `status` command. */
  progress: Decimal;
  covered: boolean;
}

/**
 * Funding received ≥ multiplier × (entry fees + estimated exit fees) → covered. With no fees at all
 * (a zero-fee tier) the rule never fires: closing would only churn the position without any cost to
 * recover, which is what the original bot did too (its ratio was 0 without fees).
 */
export function feeCoverage(
  fundingReceivedUsdt: Decimal,
  entryFeesUsdt: Decimal,
  exitFeesEstimateUsdt: Decimal,
  params: Pick<StrategyParams, 'feeCoverageMultiplier'>,
): FeeCoverage {
  const totalFeesUsdt = entryFeesUsdt.plus(exitFeesEstimateUsdt);
  const requiredFundingUsdt = totalFeesUsdt.times(params.feeCoverageMultiplier);
  const hasFees = totalFeesUsdt.isPositive() && !totalFeesUsdt.isZero();
  const ratio = hasFees ? fundingReceivedUsdt.div(totalFeesUsdt) : null;
  let progress = ZERO;
  if (ratio !== null) {
    const multiplier = params.feeCoverageMultiplier;
    progress = multiplier.isZero() ? ONE : ratio.div(multiplier);
    if (progress.greaterThan(ONE)) progress = ONE;
    if (progress.isNegative()) progress = ZERO;
  }
  const covered = hasFees && fundingReceivedUsdt.greaterThanOrEqualTo(requiredFundingUsdt);
  return {
    fundingReceivedUsdt,
    entryFeesUsdt,
    exitFeesEstimateUsdt,
    totalFeesUsdt,
    requiredFundingUsdt,
    ratio,
    progress,
    covered,
  };
}
