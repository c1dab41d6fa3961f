/**
 * The strategy's parameters, in domain units. `src/config/` maps the user's file onto this;
 * the strategy never reads the config file's shape directly.
 * Defaults are the original bot's shipped JSON values and hard-coded constants (seed-spec §9).
 */
import { Decimal } from '../domain/decimal.ts';

export type Leverage = 1 | 2 | 3;

export interface StrategyParams {
  /** Fraction of the limiting wallet deployed as notional per position. */
  capitalFraction: Decimal;
  /** Minimum ranking APR (percent), inclusive. */
  minFundingAprPct: Decimal;
  /** Rank by the hybrid MA of `fundingMaPeriods − 1` settled rates and the current rate. */
  useFundingMa: boolean;
  fundingMaPeriods: number;
  /** Interval assumed when neither fundingInfo nor history tells. */
  defaultFundingIntervalHours: number;
  /** Combined spot + perp 24 h quote volume floor (USDT). */
  minVolumeUsdt: Decimal;
  /** Maximum |perp mid − spot mid| / spot mid, in percent. */
  maxSpreadPct: Decimal;
  /** Symbols never traded (perp symbol names). */
  excludeSymbols: readonly string[];

  /** Close once funding received ≥ this × (entry fees + estimated exit fees). */
  feeCoverageMultiplier: Decimal;
  maxPositionAgeHours: number;
  enableForcedRotation: boolean;
  forcedRotationMinHours: number;
  forcedRotationAprMultiplier: Decimal;
  /** Absolute rotation rule: a different symbol better by at least this many APR points… */
  rotationMinAprGainPoints: Decimal;
  /** …after the position has been held this long. */
  rotationMinHours: number;

  leverage: Leverage;
  /** Wallet rebalancing transfers only when the difference exceeds this (USDT). */
  transferDeadBandUsdt: Decimal;
  /** When flat, spot + perp USDT below this fails the health check. */
  minFreeUsdtWhenFlat: Decimal;

  /** Maintenance margin rate used by the stop-loss formula. */
  stopLossMaintenanceMargin: Decimal;
  /** The stop fires at this fraction of the liquidation distance. */
  stopLossSafetyMultiplier: Decimal;
  /** Spot and perp quantities within this imbalance (percent of the larger) count as delta-neutral. */
  deltaNeutralImbalancePct: Decimal;
  imbalanceWarningPct: Decimal;
  imbalanceCriticalPct: Decimal;
  /** Short-leg PnL (percent of entry) alarm levels. */
  shortPnlWarningPct: Decimal;
  shortPnlCriticalPct: Decimal;
  /** Spot leg value alarm levels (USDT). */
  spotValueWarningUsdt: Decimal;
  spotValueCriticalUsdt: Decimal;
  positionValueWarningUsdt: Decimal;

  /** Fee rate per leg assumed only when the account's commission rates cannot be read. */
  fallbackFeeRate: Decimal;
}

export const DEFAULT_STRATEGY_PARAMS: StrategyParams = Object.freeze({
  capitalFraction: new Decimal('0.96'),
  minFundingAprPct: new Decimal('5.4'),
  useFundingMa: false,
  fundingMaPeriods: 10,
  defaultFundingIntervalHours: 8,
  minVolumeUsdt: new Decimal('250000000'),
  maxSpreadPct: new Decimal('0.15'),
  excludeSymbols: [],

  feeCoverageMultiplier: new Decimal('0.2'),
  maxPositionAgeHours: 336,
  enableForcedRotation: true,
  forcedRotationMinHours: 8,
  forcedRotationAprMultiplier: new Decimal('2'),
  rotationMinAprGainPoints: new Decimal('10'),
  rotationMinHours: 4,

  leverage: 1,
  transferDeadBandUsdt: new Decimal('1'),
  minFreeUsdtWhenFlat: new Decimal('30'),

  stopLossMaintenanceMargin: new Decimal('0.005'),
  stopLossSafetyMultiplier: new Decimal('0.7'),
  deltaNeutralImbalancePct: new Decimal('2'),
  imbalanceWarningPct: new Decimal('5'),
  imbalanceCriticalPct: new Decimal('10'),
  shortPnlWarningPct: new Decimal('-25'),
  shortPnlCriticalPct: new Decimal('-50'),
  spotValueWarningUsdt: new Decimal('10'),
  spotValueCriticalUsdt: new Decimal('5'),
  positionValueWarningUsdt: new Decimal('5'),

  fallbackFeeRate: new Decimal('0.001'),
});
