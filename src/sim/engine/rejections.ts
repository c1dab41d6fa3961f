/**
 * The rejections the engine can answer with, worded as Aster's error table words them (codes and messages from the
 * futures V3 "Error Codes" section; -5076 as observed on spot). Everything is a client error: HTTP 400.
 */
import type { Decimal } from '../../domain/decimal.ts';
import type { SimError, SimResult } from './index.ts';

function reject(code: number, msg: string): SimError {
  return { code, msg, httpStatus: 400 };
}

/** Aster prints the minimum notional with at least one decimal: "5.0". */
function printAmount(value: Decimal): string {
  return value.isInteger() ? value.toFixed(1) : value.toFixed();
}

export const rejections = {
  mandatory: (param: string) =>
    reject(-1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`),
  eitherMandatory: (a: string, b: string) =>
    reject(-1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  notRequired: (param: string) => reject(-1106, `Parameter '${param}' sent when not required.`),
  badPrecision: () => reject(-1111, 'Precision is over the maximum defined for this asset.'),
  invalidOrderType: () => reject(-1116, 'Invalid orderType.'),
  invalidSide: () => reject(-1117, 'Invalid side.'),
  badSymbol: () => reject(-1121, 'Invalid symbol.'),
  badCombination: () => reject(-1128, 'Combination of optional parameters invalid.'),
  invalidParam: (param: string) => reject(-1130, `Data sent for parameter '${param}' is not valid.`),
  cancelRejected: () => reject(-2011, 'Unknown order sent.'),
  noSuchOrder: () => reject(-2013, 'Order does not exist.'),
  balanceInsufficient: () => reject(-2018, 'Balance is insufficient.'),
  marginInsufficient: () => reject(-2019, 'Margin is insufficient.'),
  wouldTrigger: () => reject(-2021, 'Order would immediately trigger.'),
  reduceOnlyRejected: () => reject(-2022, 'ReduceOnly Order is rejected.'),
  maxPositionAtLeverage: () => reject(-2027, 'Exceeded the maximum allowable position at current leverage.'),
  qtyNotPositive: () => reject(-4003, 'Quantity less than zero.'),
  qtyBelowMin: () => reject(-4004, 'Quantity less than min quantity.'),
  qtyAboveMax: () => reject(-4005, 'Quantity greater than max quantity.'),
  priceBelowMin: () => reject(-4013, 'Price less than min price.'),
  priceNotOnTick: () => reject(-4014, 'Price not increased by tick size.'),
  invalidClientOrderId: () => reject(-4015, 'Client order id is not valid.'),
  qtyNotOnStep: () => reject(-4023, 'Qty not increased by step size.'),
  invalidLeverage: (value: string) => reject(-4028, `Leverage ${value} is not valid`),
  noNeedMarginType: () => reject(-4046, 'No need to change margin type.'),
  marginTypeOpenOrders: () => reject(-4047, 'Margin type cannot be changed if there exists open orders.'),
  marginTypePosition: () => reject(-4048, 'Margin type cannot be changed if there exists position.'),
  noNeedPositionSide: () => reject(-4059, 'No need to change position side.'),
  positionSideMismatch: () => reject(-4061, "Order's position side does not match user's setting."),
  positionSideOpenOrders: () => reject(-4067, 'Position side cannot be changed if there exists open orders.'),
  positionSideQuantity: () => reject(-4068, 'Position side cannot be changed if there exists position.'),
  invalidClientTranId: () => reject(-4114, 'Client tran id length should be less than 64 chars'),
  duplicateClientTranId: () => reject(-4115, 'Client tran id should be unique within 7 days'),
  /** Not in Aster's published table; the code and wording of the exchange Aster's API derives from. */
  duplicateClientOrderId: () => reject(-4116, 'ClientOrderId is duplicated.'),
  percentPrice: () => reject(-4131, "The counterparty's best price does not meet the PERCENT_PRICE filter limit"),
  minNotionalPerp: (minNotional: Decimal) =>
    reject(
      -4164,
      `Order's notional must be no smaller than ${printAmount(minNotional)} (unless you choose reduce only)`,
    ),
  minNotionalSpot: (minNotional: Decimal, quoteAsset: string) =>
    reject(-5076, `Total order value should be more than ${minNotional.toFixed()} ${quoteAsset}`),
  /**
   * Aster documents no code for the spot MAX_NOTIONAL ceiling. One NOTIONAL filter bounds the order value on both
   * sides (as on the exchange Aster's spot API derives from, where both failures share one code), so the ceiling is
   * answered with the observed minimum's code and mirrored wording.
   */
  maxNotionalSpot: (maxNotional: Decimal, quoteAsset: string) =>
    reject(-5076, `Total order value should be less than ${maxNotional.toFixed()} ${quoteAsset}`),
} as const;

export function ok<T>(value: T): SimResult<T> {
  return { ok: true, value };
}

export function fail<T>(error: SimError): SimResult<T> {
  return { ok: false, error };
}
