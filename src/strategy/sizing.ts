/**
 * Position sizing for leverage L: how the quote balance is split between the spot and perp wallets,
 * how much notional one position deploys, and the two legs' quantities.
 *
 * The spot leg is paid in full (notional C) while the perp leg needs only C / L of margin, so the
 * balance is split L : 1 (spot holds L/(L+1) of the total, perp 1/(L+1)); after an ideal split both
 * wallets support the same notional, T·L/(L+1).
 *
 * Only the quote balances are inputs. The user's own holdings of the base asset never enter the
 * sizing: the bot buys its whole spot leg and the short covers exactly what the bot bought.
 */
import type { TransferDirection } from '../domain/account.ts';
import { Decimal, dec, minDec, ZERO } from '../domain/decimal.ts';
import { checkMarketOrder, commonStep, type OrderCheck, quantizeDown, quantizeUp } from '../domain/filters.ts';
import type { SymbolFilters } from '../domain/market.ts';
import { usdText } from './text.ts';

/** Transfer amounts are truncated to this many decimals, so a transfer never exceeds the source wallet. */
export const TRANSFER_AMOUNT_DECIMALS = 6;

function assertLeverage(leverage: number): void {
  if (!Number.isFinite(leverage) || leverage <= 0) throw new RangeError(`leverage must be > 0, got ${leverage}`);
}

export interface WalletSplitPlan {
  totalUsdt: Decimal;
  targetSpotUsdt: Decimal;
  targetPerpUsdt: Decimal;
  /** targetSpot − spot: positive means the spot wallet is short of its target. */
  spotShortfallUsdt: Decimal;
  /** Null when the difference is within the dead band. */
  transfer: { direction: TransferDirection; amountUsdt: Decimal } | null;
}

/**
 * Targets spot = T·L/(L+1) and perp = T/(L+1) of T = spot + perp, and the transfer that reaches them.
 * A transfer happens only when |target spot − spot| is strictly greater than the dead band ($1 by
 * default: a $1.00 difference stays, $1.01 moves).
 */
export function planWalletSplit(
  spotUsdt: Decimal,
  perpUsdt: Decimal,
  leverage: number,
  transferDeadBandUsdt: Decimal,
): WalletSplitPlan {
  assertLeverage(leverage);
  const totalUsdt = spotUsdt.plus(perpUsdt);
  const targetSpotUsdt = totalUsdt.times(leverage).div(leverage + 1);
  const targetPerpUsdt = totalUsdt.minus(targetSpotUsdt);
  const spotShortfallUsdt = targetSpotUsdt.minus(spotUsdt);
  let transfer: WalletSplitPlan['transfer'] = null;
  if (spotShortfallUsdt.abs().greaterThan(transferDeadBandUsdt)) {
    const amountUsdt = spotShortfallUsdt.abs().toDecimalPlaces(TRANSFER_AMOUNT_DECIMALS, Decimal.ROUND_DOWN);
    transfer = { direction: spotShortfallUsdt.isPositive() ? 'PERP_TO_SPOT' : 'SPOT_TO_PERP', amountUsdt };
  }
  return { totalUsdt, targetSpotUsdt, targetPerpUsdt, spotShortfallUsdt, transfer };
}

export interface DeployableNotional {
  /** C = min(spot, perp × L) × capitalFraction: the USDT notional of each leg. */
  notionalUsdt: Decimal;
  /** Which wallet bounds C (spot on ties). */
  limitedBy: 'spot' | 'perp';
}

export function deployableNotional(
  spotUsdt: Decimal,
  perpUsdt: Decimal,
  leverage: number,
  capitalFraction: Decimal,
): DeployableNotional {
  assertLeverage(leverage);
  const fromPerp = perpUsdt.times(leverage);
  const limitedBy = spotUsdt.lessThanOrEqualTo(fromPerp) ? 'spot' : 'perp';
  const bound = minDec(spotUsdt, fromPerp);
  const notionalUsdt = bound.isNegative() ? ZERO : bound.times(capitalFraction);
  return { notionalUsdt, limitedBy };
}

export interface OpenSizingInput {
  /** Free quote balance of the spot wallet (after any rebalancing transfer). */
  spotUsdt: Decimal;
  /** Available quote balance of the perp wallet (after any rebalancing transfer). */
  perpUsdt: Decimal;
  leverage: number;
  capitalFraction: Decimal;
  /** Expected spot fill price: the ask, since the bot buys. Quantities are C / this price. */
  spotPrice: Decimal;
  /** Futures MIN_NOTIONAL is checked at the mark price for MARKET orders. */
  perpMarkPrice: Decimal;
  spotFilters: SymbolFilters;
  perpFilters: SymbolFilters;
  /** Taker commission rate of a spot buy. */
  spotTakerRate: Decimal;
  /**
   * True when the spot buy's commission is taken from the base asset received (Aster's default): the
   * spot leg then receives `qty × (1 − rate)` and must be bought bigger to cover the short.
   */
  spotCommissionInBase: boolean;
}

export type SizingFailureReason =
  | 'invalid_price'
  | 'invalid_fee_rate'
  | 'no_capital'
  | 'zero_quantity'
  | 'perp_order_invalid'
  | 'spot_order_invalid';

export interface OpenSizingOk {
  ok: true;
  notionalUsdt: Decimal;
  limitedBy: 'spot' | 'perp';
  /** The step both markets accept (LCM of the two MARKET_LOT_SIZE steps). */
  commonStep: Decimal;
  /** Perp MARKET SELL quantity. */
  perpQty: Decimal;
  /** Spot MARKET BUY quantity, including the base-asset commission when it is charged in base. */
  spotBuyQty: Decimal;
  /** What the spot wallet is expected to receive: spotBuyQty net of a base-asset commission; ≥ perpQty. */
  expectedSpotNetQty: Decimal;
  /** spotBuyQty × spotPrice: must fit in the spot wallet. */
  spotCostUsdt: Decimal;
  /** perpQty × perpMarkPrice. */
  perpNotionalUsdt: Decimal;
}

export interface OpenSizingFailure {
  ok: false;
  reason: SizingFailureReason;
  message: string;
  /** The failing exchange-filter check, for the order-validation reasons. */
  check?: Extract<OrderCheck, { ok: false }>;
}

export type OpenSizing = OpenSizingOk | OpenSizingFailure;

function fail(
  reason: SizingFailureReason,
  message: string,
  check?: Extract<OrderCheck, { ok: false }>,
): OpenSizingFailure {
  return check === undefined ? { ok: false, reason, message } : { ok: false, reason, message, check };
}

function positive(d: Decimal): boolean {
  return d.isPositive() && !d.isZero();
}

/**
 * Sizes both legs of an open and checks them against both markets' filters before anything is sent.
 *
 * perp qty = C / spotPrice floored to the common step (a multiple of both markets' steps, so a spot
 * leg of the same size is valid too). When the spot commission is paid in the base asset, the spot buy
 * is perp qty / (1 − rate) rounded UP to the spot step, so the spot received is never less than the
 * short. The legs are then capped by each market's max quantity and by what the spot wallet can pay.
 */
export function sizeOpen(input: OpenSizingInput): OpenSizing {
  const { spotFilters, perpFilters } = input;
  if (!positive(input.spotPrice) || !positive(input.perpMarkPrice)) {
    return fail(
      'invalid_price',
      `prices must be positive: spot ${input.spotPrice.toFixed()}, perp mark ${input.perpMarkPrice.toFixed()}`,
    );
  }
  const feeInBase = input.spotCommissionInBase ? input.spotTakerRate : ZERO;
  if (feeInBase.isNegative() || feeInBase.greaterThanOrEqualTo(1)) {
    return fail('invalid_fee_rate', `spot taker rate ${input.spotTakerRate.toFixed()} must be in [0, 1)`);
  }
  const netFactor = dec(1).minus(feeInBase);

  const { notionalUsdt, limitedBy } = deployableNotional(
    input.spotUsdt,
    input.perpUsdt,
    input.leverage,
    input.capitalFraction,
  );
  if (!positive(notionalUsdt)) {
    return fail(
      'no_capital',
      `nothing to deploy: spot ${usdText(input.spotUsdt)}, perp ${usdText(input.perpUsdt)} at ${input.leverage}x`,
    );
  }

  const step = commonStep(spotFilters.marketStepSize, perpFilters.marketStepSize);
  let perpQty = quantizeDown(notionalUsdt.div(input.spotPrice), step);

  // Caps: the perp's own max, the spot max (net of the fee), and what the spot wallet can pay for.
  const caps: Decimal[] = [];
  if (positive(perpFilters.marketMaxQty)) caps.push(perpFilters.marketMaxQty);
  if (positive(spotFilters.marketMaxQty)) caps.push(spotFilters.marketMaxQty.times(netFactor));
  const affordableSpot = quantizeDown(input.spotUsdt.div(input.spotPrice), spotFilters.marketStepSize);
  caps.push(affordableSpot.times(netFactor));
  for (const cap of caps) perpQty = minDec(perpQty, quantizeDown(cap, step));

  if (!positive(perpQty)) {
    return fail(
      'zero_quantity',
      `notional ${usdText(notionalUsdt)} at ${input.spotPrice.toFixed()} is less than one step ${step.toFixed()}`,
    );
  }

  const spotBuyQty = feeInBase.isZero() ? perpQty : quantizeUp(perpQty.div(netFactor), spotFilters.marketStepSize);
  const expectedSpotNetQty = spotBuyQty.times(netFactor);

  const perpCheck = checkMarketOrder(perpFilters, { quantity: perpQty, referencePrice: input.perpMarkPrice });
  if (!perpCheck.ok) return fail('perp_order_invalid', `perp leg: ${perpCheck.message}`, perpCheck);
  const spotCheck = checkMarketOrder(spotFilters, { quantity: spotBuyQty, referencePrice: input.spotPrice });
  if (!spotCheck.ok) return fail('spot_order_invalid', `spot leg: ${spotCheck.message}`, spotCheck);

  return {
    ok: true,
    notionalUsdt,
    limitedBy,
    commonStep: step,
    perpQty,
    spotBuyQty,
    expectedSpotNetQty,
    spotCostUsdt: spotCheck.notional,
    perpNotionalUsdt: perpCheck.notional,
  };
}
