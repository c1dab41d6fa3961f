/**
 * The stop-loss on the short perp leg.
 *
 * A short at leverage L with maintenance margin rate m is liquidated when the price has risen by
 * s_max(L) = (1 + 1/L) / (1 + m) − 1 (≈ 99 % at 1×, 49 % at 2×, 33 % at 3×). The stop fires at a
 * fraction (the safety multiplier, 0.7) of that distance, expressed as perp PnL in whole percent of the
 * entry notional: SL(L) = floor(−multiplier × s_max × 100) → −70 / −35 / −23 %.
 *
 * Perp PnL / entry notional of a short is −(price rise), so the trigger "PnL% ≤ SL" is the same as
 * "mark ≥ entry × (1 − SL/100)": the stop price. It depends on the entry price only, never on a
 * recorded capital figure (an adopted position's inflated capital once halved the stop's sensitivity).
 */
import { type Decimal, dec } from '../domain/decimal.ts';
import { quantizeUp } from '../domain/filters.ts';
import type { StrategyParams } from './params.ts';

export type StopLossParams = Pick<StrategyParams, 'stopLossMaintenanceMargin' | 'stopLossSafetyMultiplier'>;

function assertLeverage(leverage: number): void {
  if (!Number.isFinite(leverage) || leverage <= 0) throw new RangeError(`leverage must be > 0, got ${leverage}`);
}

/** s_max(L): the fractional price rise that liquidates a short at leverage L (0.99005 at 1×). */
export function liquidationDistance(leverage: number, maintenanceMargin: Decimal): Decimal {
  assertLeverage(leverage);
  return dec(1).plus(dec(1).div(leverage)).div(dec(1).plus(maintenanceMargin)).minus(1);
}

/** SL(L) in whole percent of entry notional (negative): −70 at 1×, −35 at 2×, −23 at 3× by default. */
export function stopLossPct(leverage: number, params: StopLossParams): Decimal {
  return params.stopLossSafetyMultiplier
    .negated()
    .times(liquidationDistance(leverage, params.stopLossMaintenanceMargin))
    .times(100)
    .floor();
}

/** Perp PnL of a short in percent of its entry notional: (entry − mark) / entry × 100. */
export function shortPnlPct(entryPrice: Decimal, markPrice: Decimal): Decimal {
  return entryPrice.minus(markPrice).div(entryPrice).times(100);
}

/** The mark price at which the stop fires: entry × (1 − SL/100), e.g. 1.70 × entry at 1×. */
export function stopLossMarkPrice(entryPrice: Decimal, leverage: number, params: StopLossParams): Decimal {
  return entryPrice.times(dec(1).minus(stopLossPct(leverage, params).div(100)));
}

/**
 * The `stopPrice` of the exchange-side STOP_MARKET (reduce-only BUY) backstop: the stop mark price
 * rounded UP to the tick, so the backstop never fires before the bot's own two-leg close would, and
 * only takes over when the bot cannot act. A zero tick leaves the price as is.
 */
export function backstopStopPrice(
  entryPrice: Decimal,
  leverage: number,
  params: StopLossParams,
  tickSize: Decimal,
): Decimal {
  return quantizeUp(stopLossMarkPrice(entryPrice, leverage, params), tickSize);
}

/** What the per-tick check needs to know about the held short. */
export interface StopLossPosition {
  /** Average entry price of the short. */
  entryPrice: Decimal;
  /** The leverage the position was opened with (not the configured one, which may have changed). */
  leverage: number;
}

/**
 * True when perp PnL / entry notional × 100 ≤ SL(L) at this mark price. About ten decimal operations,
 * no I/O, so it can run on every mark-price update; a caller that wants even less can compute
 * `stopLossMarkPrice` once per position and compare marks against it (same result).
 * A non-positive entry price (unknown) never triggers; the caller must treat that as missing data.
 */
export function stopLossTriggered(position: StopLossPosition, markPrice: Decimal, params: StopLossParams): boolean {
  if (!position.entryPrice.isPositive() || position.entryPrice.isZero()) return false;
  return markPrice.greaterThanOrEqualTo(stopLossMarkPrice(position.entryPrice, position.leverage, params));
}

export interface StopLossRow {
  leverage: number;
  /** s_max × 100: price rise to liquidation, percent. */
  liquidationDistancePct: Decimal;
  /** SL(L), percent of entry notional (negative). */
  stopLossPct: Decimal;
  /** Price rise at which the stop fires, percent (= −SL). */
  stopMovePct: Decimal;
  /** Liquidation distance − stop move, in price percent: the room left when the stop fires. */
  bufferPct: Decimal;
  /** Share of the initial margin lost when the stop fires: stop move × L. */
  marginLostAtStopPct: Decimal;
  /** False when whole-percent rounding puts the stop at or beyond liquidation (high leverage). */
  safe: boolean;
}

/** The `stoploss` command's table, for any leverages (1..3 are the ones the bot trades). */
export function stopLossTable(leverages: readonly number[], params: StopLossParams): StopLossRow[] {
  return leverages.map((leverage) => {
    const liquidationDistancePct = liquidationDistance(leverage, params.stopLossMaintenanceMargin).times(100);
    const sl = stopLossPct(leverage, params);
    const stopMovePct = sl.negated();
    const bufferPct = liquidationDistancePct.minus(stopMovePct);
    return {
      leverage,
      liquidationDistancePct,
      stopLossPct: sl,
      stopMovePct,
      bufferPct,
      marginLostAtStopPct: stopMovePct.times(leverage),
      safe: bufferPct.isPositive() && !bufferPct.isZero(),
    };
  });
}
