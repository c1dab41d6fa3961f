/**
 * The single order that brings an imbalanced position back to delta-neutral.
 *
 * The larger leg is trimmed rather than the smaller one grown: trimming never adds exposure and never
 * spends quote currency. A perp that is too large is bought back reduce-only (exempt from MIN_NOTIONAL
 * on Aster, so even a small excess can be removed). A spot leg that is too large is sold if the excess
 * is a valid spot order; if it is too small to sell, the short is extended instead. When neither order
 * would pass the filters, there is no repair and the caller closes the position.
 */
import type { Decimal } from '../domain/decimal.ts';
import { checkMarketOrder, quantizeDown } from '../domain/filters.ts';
import type { SymbolFilters } from '../domain/market.ts';
import type { RepairOrder } from './decision.ts';

export interface ImbalanceRepairInput {
  symbol: string;
  spotSymbol: string;
  spotQty: Decimal;
  /** Short size, positive. */
  perpQty: Decimal;
  spotFilters: SymbolFilters;
  perpFilters: SymbolFilters;
  /** Expected spot sell price (the bid). */
  spotPrice: Decimal;
  markPrice: Decimal;
}

export function planImbalanceRepair(input: ImbalanceRepairInput): RepairOrder | null {
  const { spotQty, perpQty } = input;
  if (perpQty.greaterThan(spotQty)) {
    const qty = quantizeDown(perpQty.minus(spotQty), input.perpFilters.marketStepSize);
    const check = checkMarketOrder(input.perpFilters, {
      quantity: qty,
      referencePrice: input.markPrice,
      reduceOnly: true,
    });
    return check.ok ? { market: 'perp', symbol: input.symbol, side: 'BUY', quantity: qty, reduceOnly: true } : null;
  }
  if (spotQty.greaterThan(perpQty)) {
    const excess = spotQty.minus(perpQty);
    const spotSell = quantizeDown(excess, input.spotFilters.marketStepSize);
    if (checkMarketOrder(input.spotFilters, { quantity: spotSell, referencePrice: input.spotPrice }).ok) {
      return { market: 'spot', symbol: input.spotSymbol, side: 'SELL', quantity: spotSell, reduceOnly: false };
    }
    const perpSell = quantizeDown(excess, input.perpFilters.marketStepSize);
    if (checkMarketOrder(input.perpFilters, { quantity: perpSell, referencePrice: input.markPrice }).ok) {
      return { market: 'perp', symbol: input.symbol, side: 'SELL', quantity: perpSell, reduceOnly: false };
    }
  }
  return null;
}
