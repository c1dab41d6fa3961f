/**
 * Position arithmetic: weighted-average entry, realised PnL on the reduced part, unrealised PnL at mark, margins
 * and the liquidation price. Pure functions over Decimals.
 */
import { Decimal, ZERO } from '../../domain/decimal.ts';

/** Entry prices keep this many decimals; PnL is booked to 8 decimals like Aster's income records. */
const ENTRY_DECIMALS = 10;
export const MONEY_DECIMALS = 8;

export function money(value: Decimal): Decimal {
  return value.toDecimalPlaces(MONEY_DECIMALS, Decimal.ROUND_HALF_EVEN);
}

/** Fees are rounded up: the exchange never undercharges by a rounding. */
export function fee(value: Decimal): Decimal {
  return value.toDecimalPlaces(MONEY_DECIMALS, Decimal.ROUND_UP);
}

export interface PositionAmount {
  /** Signed: negative is short. */
  amt: Decimal;
  entry: Decimal;
}

export interface FillEffect extends PositionAmount {
  /** The part of the fill that reduced the existing position (≥ 0). */
  closedQty: Decimal;
  /** Realised PnL of the closed part, rounded to 8 decimals. */
  realizedPnl: Decimal;
}

/** Applies a fill of `signedQty` (positive buys) at `price` to a position. */
export function applyFill(position: PositionAmount, signedQty: Decimal, price: Decimal): FillEffect {
  const { amt, entry } = position;
  const sameDirection = amt.isZero() || amt.isNegative() === signedQty.isNegative();
  if (sameDirection) {
    const newAmt = amt.plus(signedQty);
    const newEntry = amt
      .abs()
      .times(entry)
      .plus(signedQty.abs().times(price))
      .div(newAmt.abs())
      .toDecimalPlaces(ENTRY_DECIMALS);
    return { amt: newAmt, entry: newEntry, closedQty: ZERO, realizedPnl: ZERO };
  }
  const closedQty = Decimal.min(amt.abs(), signedQty.abs());
  // A long gains when it sells above entry; a short gains when it buys below entry.
  const direction = amt.isNegative() ? -1 : 1;
  const realizedPnl = money(price.minus(entry).times(closedQty).times(direction));
  const newAmt = amt.plus(signedQty);
  let newEntry: Decimal;
  if (newAmt.isZero()) newEntry = ZERO;
  else if (newAmt.isNegative() === amt.isNegative()) newEntry = entry;
  else newEntry = price; // flipped: the remainder opened at this fill's price
  return { amt: newAmt, entry: newEntry, closedQty, realizedPnl };
}

export function unrealizedPnl(position: PositionAmount, mark: Decimal): Decimal {
  if (position.amt.isZero()) return ZERO;
  return money(mark.minus(position.entry).times(position.amt));
}

export function notionalAbs(position: PositionAmount, mark: Decimal): Decimal {
  return position.amt.abs().times(mark);
}

/**
 * Maximum position notional per leverage, a simplified leverage bracket table: the higher the leverage, the
 * smaller the position it may carry.
 */
export function maxNotionalFor(leverage: number): Decimal {
  if (leverage > 100) return new Decimal(50_000);
  if (leverage > 50) return new Decimal(250_000);
  if (leverage > 20) return new Decimal(1_000_000);
  if (leverage > 10) return new Decimal(5_000_000);
  if (leverage > 5) return new Decimal(20_000_000);
  return new Decimal(100_000_000);
}

/**
 * The mark price at which `margin + amt × (p − entry) = |amt| × p × mmr`, i.e. the margin left for this position
 * (`margin`: its isolated wallet, or the cross wallet plus the other positions' PnL less their maintenance) just
 * meets maintenance. Zero when no positive price satisfies it.
 */
export function liquidationPrice(position: PositionAmount, margin: Decimal, maintenanceRate: Decimal): Decimal {
  const { amt, entry } = position;
  if (amt.isZero()) return ZERO;
  const denominator = amt.minus(amt.abs().times(maintenanceRate));
  if (denominator.isZero()) return ZERO;
  const price = amt.times(entry).minus(margin).div(denominator);
  return price.greaterThan(ZERO) ? price.toDecimalPlaces(MONEY_DECIMALS) : ZERO;
}
