/**
 * `POST /api/v3/order`: spot MARKET orders sized in base (`quantity`) or quote (`quoteOrderQty`), filled against the
 * spot book. As observed on Aster, a BUY pays its commission in the base asset (you receive the quantity less the
 * fee) and a SELL pays it in the quote asset (you receive the proceeds less the fee).
 */
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import type { SimMarketDef } from '../market/types.ts';
import type { AccountState } from './account.ts';
import type { EngineCore } from './core.ts';
import { consume, fractionOf, type Walk, walkByQty, walkByQuote } from './fills.ts';
import type { OrderParams, PlaceOrderOptions, SimOrder, SimResult } from './index.ts';
import { createOrder, finishMarketOrder, recordOrderFill, resolveClientOrderId, snapshot } from './orders.ts';
import { checkMarketQty, isSimError, marketStep, optionalDecimal, present } from './params.ts';
import { fee } from './positions.ts';
import { fail, ok, rejections } from './rejections.ts';

const SPOT_TYPES = new Set(['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET']);
/** Quote amounts (quoteOrderQty) may carry at most this many decimals. */
const QUOTE_DECIMALS = 8;

export function placeSpotOrder(
  core: EngineCore,
  account: AccountState,
  params: OrderParams,
  options: PlaceOrderOptions = {},
): SimResult<SimOrder> {
  const symbol = params.symbol;
  if (!present(symbol)) return fail(rejections.mandatory('symbol'));
  const def = core.spotDefs.get(symbol);
  if (def?.status !== 'TRADING' || !core.spotQuote(symbol)) return fail(rejections.badSymbol());
  if (!present(params.side)) return fail(rejections.mandatory('side'));
  if (params.side !== 'BUY' && params.side !== 'SELL') return fail(rejections.invalidSide());
  const side = params.side;
  if (!present(params.type)) return fail(rejections.mandatory('type'));
  if (!SPOT_TYPES.has(params.type) || params.type !== 'MARKET') return fail(rejections.invalidOrderType());
  for (const futuresOnly of ['reduceOnly', 'closePosition', 'positionSide', 'stopPrice'] as const) {
    const value = params[futuresOnly];
    if (value !== undefined && value !== '') return fail(rejections.notRequired(futuresOnly));
  }

  const quantity = optionalDecimal(params.quantity, 'quantity');
  if (isSimError(quantity)) return fail(quantity);
  const quoteOrderQty = optionalDecimal(params.quoteOrderQty, 'quoteOrderQty');
  if (isSimError(quoteOrderQty)) return fail(quoteOrderQty);
  if (quantity === undefined && quoteOrderQty === undefined) {
    return fail(rejections.eitherMandatory('quantity', 'quoteOrderQty'));
  }
  if (quantity !== undefined && quoteOrderQty !== undefined) return fail(rejections.badCombination());

  const book = core.book('spot', symbol);
  const levels = side === 'BUY' ? book.asks : book.bids;
  let walk: Walk;
  if (quantity !== undefined) {
    const qtyError = checkMarketQty(quantity, def.filters, 'spot');
    if (qtyError) return fail(qtyError);
    const referencePrice = levels[0]?.price ?? core.spotQuote(symbol)?.lastPrice ?? ZERO;
    const notional = quantity.times(referencePrice);
    if (notional.lessThan(def.filters.minNotional)) {
      return fail(rejections.minNotionalSpot(def.filters.minNotional, def.quoteAsset));
    }
    if (aboveMaxNotional(notional, def)) {
      return fail(rejections.maxNotionalSpot(def.filters.maxNotional, def.quoteAsset));
    }
    walk = walkByQty(levels, quantity);
  } else {
    const budget = quoteOrderQty as Decimal;
    if (budget.lessThanOrEqualTo(ZERO)) return fail(rejections.qtyNotPositive());
    if (budget.decimalPlaces() > QUOTE_DECIMALS) return fail(rejections.badPrecision());
    if (budget.lessThan(def.filters.minNotional)) {
      return fail(rejections.minNotionalSpot(def.filters.minNotional, def.quoteAsset));
    }
    if (aboveMaxNotional(budget, def)) {
      return fail(rejections.maxNotionalSpot(def.filters.maxNotional, def.quoteAsset));
    }
    walk = walkByQuote(levels, budget, def.filters.marketStepSize);
  }
  // Only part of the order finds liquidity: it trades that part, by quantity, and the rest expires.
  let capped = false;
  if (options.fillFraction !== undefined) {
    const wanted = quantity ?? walk.qty;
    const part = fractionOf(wanted, options.fillFraction, marketStep(def.filters));
    if (part.lessThan(walk.qty)) {
      walk = walkByQty(levels, part);
      capped = quantity === undefined;
    }
  }

  const clientOrderId = resolveClientOrderId(account, 'spot', params.newClientOrderId);
  if (isSimError(clientOrderId)) return fail(clientOrderId);

  // The wallet must cover what the order spends: quote for a BUY (the whole budget when quote-sized), base for a SELL.
  if (side === 'BUY') {
    const spend = quoteOrderQty ?? walk.quote;
    if (account.balance('spot', def.quoteAsset).lessThan(spend)) return fail(rejections.balanceInsufficient());
  } else {
    const sell = quantity ?? walk.qty;
    if (account.balance('spot', def.baseAsset).lessThan(sell)) return fail(rejections.balanceInsufficient());
  }

  const order = createOrder(
    core,
    account,
    {
      market: 'spot',
      symbol,
      side,
      positionSide: 'BOTH',
      type: 'MARKET',
      timeInForce: present(params.timeInForce) ? params.timeInForce : 'GTC',
      origQty: quantity ?? walk.qty,
      quoteOrderQty: quoteOrderQty ?? ZERO,
      stopPrice: ZERO,
      reduceOnly: false,
      closePosition: false,
      workingType: 'CONTRACT_PRICE',
      isLiquidation: false,
    },
    clientOrderId,
  );
  executeSpot(core, account, def, order, walk);
  const leftover = quoteOrderQty?.minus(walk.quote);
  const bookExhausted =
    leftover !== undefined &&
    walk.fills.length === levels.length &&
    leftover.greaterThan(ZERO) &&
    walk.qty.greaterThan(ZERO)
      ? leftoverBuysAStep(leftover, walk, def)
      : false;
  finishMarketOrder(core, order, capped || bookExhausted || walk.fills.length === 0);
  return ok(snapshot(order));
}

/** NOTIONAL's ceiling (`applyMaxToMarket`); a zero `maxNotional` means the symbol has none. */
function aboveMaxNotional(notional: Decimal, def: SimMarketDef): boolean {
  return def.filters.maxNotional.greaterThan(ZERO) && notional.greaterThan(def.filters.maxNotional);
}

/** Whether an unspent quote budget would have bought at least one more step at the last fill's price. */
function leftoverBuysAStep(leftover: Decimal, walk: Walk, def: SimMarketDef): boolean {
  const last = walk.fills[walk.fills.length - 1];
  if (!last) return false;
  return leftover.greaterThanOrEqualTo(last.price.times(def.filters.marketStepSize));
}

function executeSpot(core: EngineCore, account: AccountState, def: SimMarketDef, order: SimOrder, walk: Walk): void {
  const bookSide = order.side === 'BUY' ? 'asks' : 'bids';
  core.replaceSide('spot', def.symbol, bookSide, consume(core.book('spot', def.symbol)[bookSide], walk.fills));
  const before = new Map([
    [def.baseAsset, account.balance('spot', def.baseAsset)],
    [def.quoteAsset, account.balance('spot', def.quoteAsset)],
  ]);
  for (const fill of walk.fills) {
    const tradeId = core.nextTradeId();
    const ref = `trade:${tradeId}`;
    const quoteQty = fill.qty.times(fill.price);
    let commission: Decimal;
    let commissionAsset: string;
    if (order.side === 'BUY') {
      commission = fee(fill.qty.times(def.takerCommissionRate));
      commissionAsset = def.baseAsset;
      core.credit(account, 'spot', def.quoteAsset, quoteQty.negated(), 'trade', ref);
      core.credit(account, 'spot', def.baseAsset, fill.qty, 'trade', ref);
    } else {
      commission = fee(quoteQty.times(def.takerCommissionRate));
      commissionAsset = def.quoteAsset;
      core.credit(account, 'spot', def.baseAsset, fill.qty.negated(), 'trade', ref);
      core.credit(account, 'spot', def.quoteAsset, quoteQty, 'trade', ref);
    }
    core.credit(account, 'spot', commissionAsset, commission.negated(), 'commission', ref);
    core.houseAdd(commissionAsset, commission);
    account.trades.spot.push({
      accountId: account.id,
      market: 'spot',
      symbol: def.symbol,
      id: tradeId,
      orderId: order.orderId,
      side: order.side,
      positionSide: 'BOTH',
      price: fill.price,
      qty: fill.qty,
      quoteQty,
      commission,
      commissionAsset,
      realizedPnl: ZERO,
      buyer: order.side === 'BUY',
      maker: false,
      timeMs: core.nowMs,
    });
    recordOrderFill(
      core,
      order,
      { qty: fill.qty, price: fill.price, commission, commissionAsset, realizedPnl: ZERO, tradeId },
      'TRADE',
    );
  }
  const changed = [...before]
    .filter(([asset, value]) => !account.balance('spot', asset).equals(value))
    .map(([asset]) => ({ asset, free: account.balance('spot', asset), locked: ZERO }));
  if (changed.length > 0) {
    core.emit({ type: 'spotBalance', accountId: account.id, timeMs: core.nowMs, balances: changed });
  }
}
