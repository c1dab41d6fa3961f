/**
 * `POST /fapi/v3/order`: parameter validation in the order Aster applies it, then MARKET execution or STOP_MARKET
 * registration. STOP_MARKET orders wait (status NEW) until their trigger price is crossed; see stops.ts.
 */
import type { PositionSide } from '../../domain/account.ts';
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import type { AccountState } from './account.ts';
import type { EngineCore } from './core.ts';
import type { OrderParams, PlaceOrderOptions, SimError, SimOrder, SimResult } from './index.ts';
import { createOrder, type NewOrderFields, resolveClientOrderId, snapshot } from './orders.ts';
import { checkMarketQty, isSimError, onGrid, optionalBoolean, optionalDecimal, present } from './params.ts';
import { executePerpPlan, planPerpMarket } from './perp-execution.ts';
import { fail, ok, rejections } from './rejections.ts';

/** Every type Aster knows; the ones not simulated are rejected as an invalid type. */
const KNOWN_TYPES = new Set([
  'LIMIT',
  'MARKET',
  'STOP',
  'STOP_MARKET',
  'TAKE_PROFIT',
  'TAKE_PROFIT_MARKET',
  'TRAILING_STOP_MARKET',
]);

export function placePerpOrder(
  core: EngineCore,
  account: AccountState,
  params: OrderParams,
  options: PlaceOrderOptions = {},
): SimResult<SimOrder> {
  const symbol = params.symbol;
  if (!present(symbol)) return fail(rejections.mandatory('symbol'));
  const def = core.perpDefs.get(symbol);
  if (def?.status !== 'TRADING' || !core.perpQuote(symbol)) return fail(rejections.badSymbol());
  if (!present(params.side)) return fail(rejections.mandatory('side'));
  if (params.side !== 'BUY' && params.side !== 'SELL') return fail(rejections.invalidSide());
  const side = params.side;
  if (!present(params.type)) return fail(rejections.mandatory('type'));
  if (!KNOWN_TYPES.has(params.type) || (params.type !== 'MARKET' && params.type !== 'STOP_MARKET')) {
    return fail(rejections.invalidOrderType());
  }
  const type = params.type;

  const positionSide = params.positionSide === undefined || params.positionSide === '' ? 'BOTH' : params.positionSide;
  if (positionSide !== 'BOTH' && positionSide !== 'LONG' && positionSide !== 'SHORT') {
    return fail(rejections.invalidParam('positionSide'));
  }
  if (account.dualSidePosition === (positionSide === 'BOTH')) return fail(rejections.positionSideMismatch());

  const reduceOnlyParam = optionalBoolean(params.reduceOnly, 'reduceOnly');
  if (isSimError(reduceOnlyParam)) return fail(reduceOnlyParam);
  // "reduceOnly: cannot be sent in Hedge Mode".
  if (account.dualSidePosition && reduceOnlyParam !== undefined) return fail(rejections.notRequired('reduceOnly'));
  const closePositionParam = optionalBoolean(params.closePosition, 'closePosition');
  if (isSimError(closePositionParam)) return fail(closePositionParam);
  const closePosition = closePositionParam === true;
  if (closePosition && type !== 'STOP_MARKET') return fail(rejections.notRequired('closePosition'));
  if (closePosition && reduceOnlyParam !== undefined) return fail(rejections.notRequired('reduceOnly'));
  const reduceOnly = reduceOnlyParam === true;

  const quantity = optionalDecimal(params.quantity, 'quantity');
  if (isSimError(quantity)) return fail(quantity);
  if (closePosition && quantity !== undefined) return fail(rejections.notRequired('quantity'));
  if (!closePosition && quantity === undefined) return fail(rejections.mandatory('quantity'));
  if (quantity !== undefined) {
    const qtyError = checkMarketQty(quantity, def.filters, 'perp');
    if (qtyError) return fail(qtyError);
  }

  let stopPrice = ZERO;
  let workingType: 'MARK_PRICE' | 'CONTRACT_PRICE' = 'CONTRACT_PRICE';
  if (type === 'STOP_MARKET') {
    const stop = optionalDecimal(params.stopPrice, 'stopPrice');
    if (isSimError(stop)) return fail(stop);
    if (stop === undefined) return fail(rejections.mandatory('stopPrice'));
    const stopError = checkStopPrice(stop, def.filters.minPrice, def.filters.tickSize);
    if (stopError) return fail(stopError);
    stopPrice = stop;
    if (present(params.workingType)) {
      if (params.workingType !== 'MARK_PRICE' && params.workingType !== 'CONTRACT_PRICE') {
        return fail(rejections.invalidParam('workingType'));
      }
      workingType = params.workingType;
    }
  }

  const clientOrderId = resolveClientOrderId(account, 'perp', params.newClientOrderId);
  if (isSimError(clientOrderId)) return fail(clientOrderId);

  // MIN_NOTIONAL: market orders are valued at the mark price, stops at their stop price; reduce-only is exempt.
  if (quantity !== undefined && !reduceOnly && !closePosition) {
    const price = type === 'MARKET' ? core.mark(symbol) : stopPrice;
    if (quantity.times(price).lessThan(def.filters.minNotional)) {
      return fail(rejections.minNotionalPerp(def.filters.minNotional));
    }
  }

  const fields: NewOrderFields = {
    market: 'perp',
    symbol,
    side,
    positionSide: positionSide as PositionSide,
    type,
    timeInForce: present(params.timeInForce) ? params.timeInForce : 'GTC',
    origQty: quantity ?? ZERO,
    quoteOrderQty: ZERO,
    stopPrice,
    reduceOnly: reduceOnly || closePosition,
    closePosition,
    workingType,
    isLiquidation: false,
  };

  if (type === 'STOP_MARKET') {
    const trigger = triggerPrice(core, symbol, workingType);
    if (side === 'BUY' ? trigger.greaterThanOrEqualTo(stopPrice) : trigger.lessThanOrEqualTo(stopPrice)) {
      return fail(rejections.wouldTrigger());
    }
    const order = createOrder(core, account, fields, clientOrderId);
    account.stops.set(order.orderId, { quantity: quantity ?? null });
    return ok(snapshot(order));
  }

  const plan = planPerpMarket(core, account, def, side, fields.positionSide, fields.origQty, reduceOnly, {
    percentPrice: true,
    margin: true,
    ...(options.fillFraction === undefined ? {} : { fillFraction: options.fillFraction }),
  });
  if (isSimError(plan)) return fail(plan);
  const order = createOrder(core, account, fields, clientOrderId);
  executePerpPlan(core, account, order, plan, { liquidation: false });
  return ok(snapshot(order));
}

function checkStopPrice(stop: Decimal, minPrice: Decimal, tickSize: Decimal): SimError | undefined {
  if (stop.lessThanOrEqualTo(ZERO) || stop.lessThan(minPrice)) return rejections.priceBelowMin();
  if (!onGrid(stop, minPrice, tickSize)) return rejections.priceNotOnTick();
  return undefined;
}

/** MARK_PRICE stops watch the mark; CONTRACT_PRICE stops watch the last traded price. */
export function triggerPrice(core: EngineCore, symbol: string, workingType: 'MARK_PRICE' | 'CONTRACT_PRICE'): Decimal {
  const quote = core.perpQuote(symbol);
  if (!quote) return ZERO;
  return workingType === 'MARK_PRICE' ? quote.markPrice : quote.lastPrice;
}
