/**
 * Executing a perp market order: plan the fills against the book and check the account can carry the result
 * (reduce-only, hedge-side, percent-price, leverage bracket, margin), then book every fill: position, realised PnL,
 * commission, income records, user trades and events.
 */
import type { PositionSide } from '../../domain/account.ts';
import { type Decimal, minDec, ZERO } from '../../domain/decimal.ts';
import type { SimMarketDef } from '../market/types.ts';
import type { AccountState, PositionState } from './account.ts';
import type { EngineCore } from './core.ts';
import { averagePrice, consume, type Fill, fractionOf, walkByQty } from './fills.ts';
import type { SimError, SimOrder } from './index.ts';
import { accountMetrics, positionMetrics } from './margin.ts';
import { finishMarketOrder, recordOrderFill } from './orders.ts';
import { marketStep } from './params.ts';
import { applyFill, fee, maxNotionalFor, type PositionAmount, unrealizedPnl } from './positions.ts';
import { rejections } from './rejections.ts';

export interface PerpPlan {
  def: SimMarketDef;
  side: 'BUY' | 'SELL';
  position: PositionState;
  fills: Fill[];
  /** Margin moved from the cross wallet into the position's isolated wallet (isolated positions only). */
  isolatedTransferIn: Decimal;
}

export interface PlanChecks {
  /** Reject (-4131) when the best counterparty price is beyond `marketTakeBound` from mark. */
  percentPrice: boolean;
  /** Reject (-2019 / -2027) when the account cannot carry an increased position. */
  margin: boolean;
  /** Trade at most this fraction of `quantity` (see `PlaceOrderOptions.fillFraction`); the rest expires. */
  fillFraction?: Decimal;
}

export function planPerpMarket(
  core: EngineCore,
  account: AccountState,
  def: SimMarketDef,
  side: 'BUY' | 'SELL',
  positionSide: PositionSide,
  quantity: Decimal,
  reduceOnly: boolean,
  checks: PlanChecks,
): PerpPlan | SimError {
  const position = account.position(def.symbol, positionSide);
  const direction = side === 'BUY' ? 1 : -1;
  let qty = quantity;
  if (positionSide !== 'BOTH') {
    // Hedge mode: selling a LONG or buying back a SHORT may not go past zero.
    const closing = (positionSide === 'LONG' && side === 'SELL') || (positionSide === 'SHORT' && side === 'BUY');
    if (closing && qty.greaterThan(position.amt.abs())) return rejections.reduceOnlyRejected();
  } else if (reduceOnly) {
    const reduces = !position.amt.isZero() && position.amt.isNegative() === direction > 0;
    if (!reduces) return rejections.reduceOnlyRejected();
    if (qty.greaterThan(position.amt.abs())) qty = position.amt.abs();
  }
  if (checks.fillFraction !== undefined) {
    qty = minDec(qty, fractionOf(quantity, checks.fillFraction, marketStep(def.filters)));
  }

  const mark = core.mark(def.symbol);
  const book = core.book('perp', def.symbol);
  const levels = side === 'BUY' ? book.asks : book.bids;
  const best = levels[0];
  if (checks.percentPrice && best && def.marketTakeBound.greaterThan(ZERO)) {
    const bound = mark.times(def.marketTakeBound);
    const outside = side === 'BUY' ? best.price.greaterThan(mark.plus(bound)) : best.price.lessThan(mark.minus(bound));
    if (outside) return rejections.percentPrice();
  }

  const walk = walkByQty(levels, qty);
  const plan: PerpPlan = { def, side, position, fills: walk.fills, isolatedTransferIn: ZERO };
  if (!checks.margin || walk.fills.length === 0) return plan;

  let after: PositionAmount = { amt: position.amt, entry: position.entry };
  let realized = ZERO;
  let commission = ZERO;
  for (const fill of walk.fills) {
    const effect = applyFill(after, fill.qty.times(direction), fill.price);
    after = effect;
    realized = realized.plus(effect.realizedPnl);
    commission = commission.plus(fee(fill.qty.times(fill.price).times(def.takerCommissionRate)));
  }
  const flipped = !position.amt.isZero() && !after.amt.isZero() && after.amt.isNegative() !== position.amt.isNegative();
  const increases = flipped || after.amt.abs().greaterThan(position.amt.abs());
  if (!increases) return plan;

  const leverage = account.leverageOf(def.symbol);
  if (after.amt.abs().times(mark).greaterThan(maxNotionalFor(leverage))) return rejections.maxPositionAtLeverage();

  const metrics = accountMetrics(core, account);
  if (account.marginTypeOf(def.symbol) === 'isolated') {
    const openedQty = flipped ? after.amt.abs() : after.amt.abs().minus(position.amt.abs());
    const transferIn = fee(openedQty.times(averagePrice(walk)).div(leverage));
    const availableAfter = metrics.available.plus(realized).minus(commission).minus(transferIn);
    if (availableAfter.isNegative()) return rejections.marginInsufficient();
    plan.isolatedTransferIn = transferIn;
    return plan;
  }
  const before = position.amt.isZero() ? undefined : positionMetrics(core, account, position);
  const newInitialMargin = after.amt.abs().times(mark).div(leverage);
  const availableAfter = metrics.available
    .plus(realized)
    .minus(commission)
    .plus(unrealizedPnl(after, mark).minus(before?.unPnl ?? ZERO))
    .minus(newInitialMargin.minus(before?.initialMargin ?? ZERO));
  if (availableAfter.isNegative()) return rejections.marginInsufficient();
  return plan;
}

export interface ExecuteOptions {
  /** Liquidations pay a liquidation fee instead of a commission and report fills as CALCULATED. */
  liquidation: boolean;
}

/** Books the planned fills on `order`, takes the depth from the book and ends the order. */
export function executePerpPlan(
  core: EngineCore,
  account: AccountState,
  order: SimOrder,
  plan: PerpPlan,
  options: ExecuteOptions,
): void {
  const { def, position } = plan;
  const direction = plan.side === 'BUY' ? 1 : -1;
  const quote = def.quoteAsset;
  const isolated = account.marginTypeOf(def.symbol) === 'isolated';
  const bookSide = plan.side === 'BUY' ? 'asks' : 'bids';
  core.replaceSide('perp', def.symbol, bookSide, consume(core.book('perp', def.symbol)[bookSide], plan.fills));
  const walletBefore = account.balance('futures', quote);

  for (const fill of plan.fills) {
    const amtBefore = position.amt;
    const effect = applyFill(position, fill.qty.times(direction), fill.price);
    const tradeId = core.nextTradeId();
    const ref = `trade:${tradeId}`;
    const notional = fill.qty.times(fill.price);
    const commission = options.liquidation ? ZERO : fee(notional.times(def.takerCommissionRate));

    if (isolated && effect.closedQty.greaterThan(ZERO)) {
      // Closing part of an isolated position hands the matching share of its margin back to the cross wallet.
      position.isolatedWallet = effect.amt.isZero()
        ? ZERO
        : position.isolatedWallet
            .times(amtBefore.abs().minus(effect.closedQty))
            .div(amtBefore.abs())
            .toDecimalPlaces(8);
    }
    position.amt = effect.amt;
    position.entry = effect.entry;
    position.accumulatedRealized = position.accumulatedRealized.plus(effect.realizedPnl);
    position.updateTimeMs = core.nowMs;

    if (!effect.realizedPnl.isZero()) {
      core.credit(account, 'futures', quote, effect.realizedPnl, 'realized_pnl', ref);
      core.addIncome(account, 'REALIZED_PNL', def.symbol, effect.realizedPnl, quote, core.nowMs, String(tradeId));
    }
    if (!commission.isZero()) {
      core.credit(account, 'futures', quote, commission.negated(), 'commission', ref);
      core.houseAdd(quote, commission);
      core.addIncome(account, 'COMMISSION', def.symbol, commission.negated(), quote, core.nowMs, String(tradeId));
    }
    account.trades.perp.push({
      accountId: account.id,
      market: 'perp',
      symbol: def.symbol,
      id: tradeId,
      orderId: order.orderId,
      side: plan.side,
      positionSide: position.side,
      price: fill.price,
      qty: fill.qty,
      quoteQty: notional,
      commission,
      commissionAsset: quote,
      realizedPnl: effect.realizedPnl,
      buyer: plan.side === 'BUY',
      maker: false,
      timeMs: core.nowMs,
    });
    recordOrderFill(
      core,
      order,
      {
        qty: fill.qty,
        price: fill.price,
        commission,
        commissionAsset: quote,
        realizedPnl: effect.realizedPnl,
        tradeId,
      },
      options.liquidation ? 'CALCULATED' : 'TRADE',
    );
  }
  if (plan.isolatedTransferIn.greaterThan(ZERO)) {
    position.isolatedWallet = position.isolatedWallet.plus(plan.isolatedTransferIn);
  }
  finishMarketOrder(core, order);
  emitPositionUpdate(core, account, position, 'ORDER', account.balance('futures', quote).minus(walletBefore));
}

/** ACCOUNT_UPDATE after an order: the margin asset's balance and the position that changed. */
export function emitPositionUpdate(
  core: EngineCore,
  account: AccountState,
  position: PositionState,
  reason: 'ORDER',
  balanceChange: Decimal,
): void {
  const metrics = accountMetrics(core, account);
  const quote = core.perpDefs.get(position.symbol)?.quoteAsset ?? 'USDT';
  core.emit({
    type: 'futuresAccount',
    accountId: account.id,
    timeMs: core.nowMs,
    reason,
    balances: [
      {
        asset: quote,
        walletBalance: account.balance('futures', quote),
        crossWalletBalance: metrics.crossWallet,
        balanceChange,
      },
    ],
    positions: [
      {
        symbol: position.symbol,
        positionSide: position.side,
        positionAmt: position.amt,
        entryPrice: position.entry,
        accumulatedRealized: position.accumulatedRealized,
        unrealizedPnl: unrealizedPnl(position, core.mark(position.symbol)),
        marginType: account.marginTypeOf(position.symbol),
        isolatedWallet: position.isolatedWallet,
      },
    ],
  });
}
