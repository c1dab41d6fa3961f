/**
 * Rules that involve two keys. Each finding names the key that is out of line with the other one.
 */
import type { ConfigIssue } from './issues.ts';
import type { ConfigFile } from './schema.ts';

interface Ordered {
  /** The key that must not be below `upper`… */
  lower: string;
  /** …this one. */
  upper: string;
  lowerValue: number;
  upperValue: number;
  /** The key reported when the order is wrong. */
  report: 'lower' | 'upper';
}

export function consistencyIssues(file: ConfigFile): ConfigIssue[] {
  const { risk } = file;
  const rules: Ordered[] = [
    // An order that times out must still be looked up and repaired within the leg timeout.
    {
      lower: 'exchange.request_timeout_ms',
      upper: 'execution.leg_timeout_ms',
      lowerValue: file.exchange.request_timeout_ms,
      upperValue: file.execution.leg_timeout_ms,
      report: 'lower',
    },
    {
      lower: 'risk.delta_neutral_imbalance_pct',
      upper: 'risk.imbalance_warning_pct',
      lowerValue: risk.delta_neutral_imbalance_pct,
      upperValue: risk.imbalance_warning_pct,
      report: 'lower',
    },
    {
      lower: 'risk.imbalance_warning_pct',
      upper: 'risk.imbalance_critical_pct',
      lowerValue: risk.imbalance_warning_pct,
      upperValue: risk.imbalance_critical_pct,
      report: 'upper',
    },
    // PnL alarms are negative: the critical level is the lower one.
    {
      lower: 'risk.short_pnl_critical_pct',
      upper: 'risk.short_pnl_warning_pct',
      lowerValue: risk.short_pnl_critical_pct,
      upperValue: risk.short_pnl_warning_pct,
      report: 'lower',
    },
    {
      lower: 'risk.spot_value_critical_usdt',
      upper: 'risk.spot_value_warning_usdt',
      lowerValue: risk.spot_value_critical_usdt,
      upperValue: risk.spot_value_warning_usdt,
      report: 'lower',
    },
  ];
  const issues: ConfigIssue[] = [];
  for (const rule of rules) {
    if (rule.lowerValue <= rule.upperValue) continue;
    if (rule.report === 'lower') {
      issues.push({
        field: rule.lower,
        message: `must be <= ${rule.upper} (${rule.upperValue}), received ${rule.lowerValue}`,
        value: rule.lowerValue,
      });
    } else {
      issues.push({
        field: rule.upper,
        message: `must be >= ${rule.lower} (${rule.lowerValue}), received ${rule.upperValue}`,
        value: rule.upperValue,
      });
    }
  }
  return issues;
}
