/**
 * Keys the original bot read that dnfarm's schema does not have: `risk_management.leverage` (an alias of
 * `leverage_settings.leverage`) and `risk_management.emergency_stop_loss_pct` (obsolete since the stop-loss became a
 * function of leverage). They are folded in or reported before the schema sees the file.
 */
import { Decimal } from '../domain/decimal.ts';
import { stopLossPct } from '../strategy/stoploss.ts';
import type { ConfigIssue, ConfigWarning } from './issues.ts';
import { showValue } from './issues.ts';
import { unknownKeyMessage } from './suggest.ts';

export const LEGACY_SECTION = 'risk_management';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hasOwn(object: object, key: string): boolean {
  return Object.hasOwn(object, key);
}

export interface LegacyOutcome {
  /** Canonical key → the key the user actually wrote, for error messages. */
  readonly aliases: ReadonlyMap<string, string>;
  /** `emergency_stop_loss_pct` as written, when present: the warning needs the parsed leverage. */
  readonly obsoleteStopLoss: unknown;
  readonly hasObsoleteStopLoss: boolean;
}

/** Removes `risk_management` from `data`, moving what it means into the current keys. Mutates `data`. */
export function foldLegacyKeys(
  data: Record<string, unknown>,
  issues: ConfigIssue[],
  warnings: ConfigWarning[],
): LegacyOutcome {
  const aliases = new Map<string, string>();
  const outcome = { aliases, obsoleteStopLoss: undefined as unknown, hasObsoleteStopLoss: false };
  if (!hasOwn(data, LEGACY_SECTION)) return outcome;
  const legacy = data[LEGACY_SECTION];
  delete data[LEGACY_SECTION];
  if (!isPlainObject(legacy)) {
    issues.push({
      field: LEGACY_SECTION,
      message: `expected an object (a section of keys), received ${showValue(legacy)}`,
      value: legacy,
    });
    return outcome;
  }
  for (const [key, value] of Object.entries(legacy)) {
    const field = `${LEGACY_SECTION}.${key}`;
    if (key === 'leverage') {
      foldLeverage(data, value, issues, warnings, aliases);
    } else if (key === 'emergency_stop_loss_pct') {
      outcome.obsoleteStopLoss = value;
      outcome.hasObsoleteStopLoss = true;
    } else {
      issues.push({ field, message: unknownKeyMessage([LEGACY_SECTION, key]), value });
    }
  }
  return outcome;
}

function foldLeverage(
  data: Record<string, unknown>,
  value: unknown,
  issues: ConfigIssue[],
  warnings: ConfigWarning[],
  aliases: Map<string, string>,
): void {
  const field = `${LEGACY_SECTION}.leverage`;
  const section = data['leverage_settings'];
  if (isPlainObject(section) && hasOwn(section, 'leverage')) {
    if (!Object.is(section['leverage'], value)) {
      issues.push({
        field,
        message:
          `${showValue(value)} conflicts with leverage_settings.leverage ${showValue(section['leverage'])}; ` +
          'keep only leverage_settings.leverage',
        value,
      });
    } else {
      warnings.push({ field, message: 'repeats leverage_settings.leverage; remove the legacy key' });
    }
    return;
  }
  if (section === undefined) {
    data['leverage_settings'] = { leverage: value };
  } else if (isPlainObject(section)) {
    section['leverage'] = value;
  } else {
    // leverage_settings is not an object: the schema reports that; the alias has nowhere to go.
    return;
  }
  aliases.set('leverage_settings.leverage', field);
  warnings.push({ field, message: 'is the original bot’s legacy location; move it to leverage_settings.leverage' });
}

export function obsoleteStopLossWarning(
  value: unknown,
  leverage: number,
  maintenanceMargin: number,
  safetyMultiplier: number,
): ConfigWarning {
  const level = stopLossPct(leverage, {
    stopLossMaintenanceMargin: new Decimal(String(maintenanceMargin)),
    stopLossSafetyMultiplier: new Decimal(String(safetyMultiplier)),
  });
  return {
    field: `${LEGACY_SECTION}.emergency_stop_loss_pct`,
    message:
      `${showValue(value)} is obsolete and ignored: the stop-loss is computed from leverage_settings.leverage so ` +
      `that it always fires before liquidation; with leverage ${leverage} it fires at ${level.toFixed()} % of the ` +
      'perp notional (risk.stop_loss_safety_multiplier moves it). Remove the key.',
  };
}
