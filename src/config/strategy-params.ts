/**
 * Maps the file's keys onto the strategy's parameters. Numbers from JSON become Decimals through their shortest
 * decimal text (`String(0.96)` is "0.96"), which is exactly what the operator wrote.
 */
import { Decimal } from '../domain/decimal.ts';
import type { Leverage, StrategyParams } from '../strategy/params.ts';
import type { DnfarmConfig } from './types.ts';

function decimal(value: number): Decimal {
  return new Decimal(String(value));
}

function leverageOf(value: number): Leverage {
  // The schema allows only the integers 1..3; this guards callers that build a config by hand.
  if (value !== 1 && value !== 2 && value !== 3) throw new RangeError(`leverage must be 1, 2 or 3, received ${value}`);
  return value;
}

export function strategyParamsFromConfig(config: DnfarmConfig): StrategyParams {
  const capital = config.capital_management;
  const funding = config.funding_rate_strategy;
  const position = config.position_management;
  const { filters, risk, execution } = config;
  return Object.freeze({
    capitalFraction: decimal(capital.capital_fraction),
    minFundingAprPct: decimal(funding.min_funding_apr),
    useFundingMa: funding.use_funding_ma,
    fundingMaPeriods: funding.funding_ma_periods,
    defaultFundingIntervalHours: funding.default_funding_interval_hours,
    minVolumeUsdt: decimal(filters.min_volume_usdt),
    maxSpreadPct: decimal(filters.max_spread_pct),
    excludeSymbols: Object.freeze([...filters.exclude_symbols]),

    feeCoverageMultiplier: decimal(position.fee_coverage_multiplier),
    maxPositionAgeHours: position.max_position_age_hours,
    enableForcedRotation: position.enable_forced_rotation,
    forcedRotationMinHours: position.forced_rotation_min_hours,
    forcedRotationAprMultiplier: decimal(position.forced_rotation_apr_multiplier),
    rotationMinAprGainPoints: decimal(position.rotation_min_apr_gain_points),
    rotationMinHours: position.rotation_min_hours,

    leverage: leverageOf(config.leverage_settings.leverage),
    transferDeadBandUsdt: decimal(capital.transfer_dead_band_usdt),
    minFreeUsdtWhenFlat: decimal(capital.min_free_usdt_when_flat),

    stopLossMaintenanceMargin: decimal(risk.stop_loss_maintenance_margin),
    stopLossSafetyMultiplier: decimal(risk.stop_loss_safety_multiplier),
    deltaNeutralImbalancePct: decimal(risk.delta_neutral_imbalance_pct),
    imbalanceWarningPct: decimal(risk.imbalance_warning_pct),
    imbalanceCriticalPct: decimal(risk.imbalance_critical_pct),
    shortPnlWarningPct: decimal(risk.short_pnl_warning_pct),
    shortPnlCriticalPct: decimal(risk.short_pnl_critical_pct),
    spotValueWarningUsdt: decimal(risk.spot_value_warning_usdt),
    spotValueCriticalUsdt: decimal(risk.spot_value_critical_usdt),
    positionValueWarningUsdt: decimal(risk.position_value_warning_usdt),

    fallbackFeeRate: decimal(execution.fallback_fee_rate),
  });
}
