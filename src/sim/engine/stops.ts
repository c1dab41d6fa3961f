/**
 * STOP_MARKET orders: after every market update, a BUY stop fires once its trigger price is at or above the stop
 * price, a SELL stop once it is at or below. A fired stop executes as a market order; if it can no longer execute
 * (reduce-only with nothing to reduce, not enough margin) it expires instead of being rejected, because by then it
 * was already accepted.
 */
import type { AccountState } from './account.ts';
import type { EngineCore } from './core.ts';
import type { SimOrder } from './index.ts';
import { finishMarketOrder } from './orders.ts';
import { isSimError } from './params.ts';
import { executePerpPlan, planPerpMarket } from './perp-execution.ts';
import { triggerPrice } from './perp-orders.ts';

export function triggerStops(core: EngineCore): void {
  for (const account of core.accounts.values()) {
    if (account.stops.size === 0) continue;
    const due: SimOrder[] = [];
    for (const orderId of [...account.stops.keys()].sort((a, b) => a - b)) {
      const order = account.orders.perp.get(orderId);
      if (!order) continue;
      const price = triggerPrice(core, order.symbol, order.workingType);
      if (price.isZero()) continue;
      const fires =
        order.side === 'BUY' ? price.greaterThanOrEqualTo(order.stopPrice) : price.lessThanOrEqualTo(order.stopPrice);
      if (fires) due.push(order);
    }
    for (const order of due) fire(core, account, order);
  }
}

function fire(core: EngineCore, account: AccountState, order: SimOrder): void {
  const spec = account.stops.get(order.orderId);
  account.stops.delete(order.orderId);
  const def = core.perpDefs.get(order.symbol);
  if (!spec || !def) return;
  const position = account.position(order.symbol, order.positionSide);
  const quantity = spec.quantity ?? position.amt.abs();
  if (spec.quantity === null) order.origQty = quantity;
  if (quantity.isZero()) {
    finishMarketOrder(core, order);
    return;
  }
  const plan = planPerpMarket(core, account, def, order.side, order.positionSide, quantity, order.reduceOnly, {
    percentPrice: false,
    margin: true,
  });
  if (isSimError(plan)) {
    finishMarketOrder(core, order);
    return;
  }
  executePerpPlan(core, account, order, plan, { liquidation: false });
}
