/**
 * Liquidation. An isolated position is liquidated when its isolated wallet plus its unrealised PnL falls below its
 * maintenance margin; the cross positions of an account all together when the cross wallet plus their unrealised
 * PnL falls below their maintenance margin. The engine closes them at market (client ids `autoclose-…`, fills
 * reported as CALCULATED, as Aster marks liquidations), takes whatever the book cannot absorb at the mark price,
 * charges the liquidation fee on the closed notional (an INSURANCE_CLEAR income record), and if the account ends
 * below zero the insurance fund (the house) covers the deficit so no wallet stays negative.
 */
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import type { AccountState, PositionState } from './account.ts';
import type { EngineCore } from './core.ts';
import { accountMetrics } from './margin.ts';
import { cancelOrder, createOrder } from './orders.ts';
import { isSimError } from './params.ts';
import { executePerpPlan, planPerpMarket } from './perp-execution.ts';
import { fee } from './positions.ts';

export function checkLiquidations(core: EngineCore): void {
  for (const account of core.accounts.values()) {
    if (account.openPositions().length === 0) continue;
    let metrics = accountMetrics(core, account);
    for (const m of metrics.positions) {
      if (m.isolated && m.position.isolatedWallet.plus(m.unPnl).lessThan(m.maintMargin)) {
        liquidateIsolated(core, account, m.position);
      }
    }
    metrics = accountMetrics(core, account);
    if (metrics.crossMaintMargin.isZero()) continue;
    if (metrics.crossWallet.plus(metrics.crossUnPnl).lessThan(metrics.crossMaintMargin)) {
      liquidateCross(core, account);
    }
  }
}

function liquidateIsolated(core: EngineCore, account: AccountState, position: PositionState): void {
  const isolatedBefore = position.isolatedWallet;
  const result = closeByLiquidation(core, account, position);
  // Losses beyond the isolated margin are the insurance fund's, never the cross wallet's.
  const equity = isolatedBefore.plus(result.realizedPnl).minus(result.liquidationFee);
  if (equity.isNegative()) coverDeficit(core, account, equity.negated(), position.symbol);
}

function liquidateCross(core: EngineCore, account: AccountState): void {
  const positions = account.openPositions().filter((p) => account.marginTypeOf(p.symbol) === 'cross');
  for (const position of positions) closeByLiquidation(core, account, position);
  const metrics = accountMetrics(core, account);
  if (metrics.crossWallet.isNegative()) coverDeficit(core, account, metrics.crossWallet.negated(), '');
}

interface LiquidationResult {
  realizedPnl: Decimal;
  liquidationFee: Decimal;
}

function closeByLiquidation(core: EngineCore, account: AccountState, position: PositionState): LiquidationResult {
  const def = core.perpDefs.get(position.symbol);
  if (!def) return { realizedPnl: ZERO, liquidationFee: ZERO };
  for (const order of account.openOrders('perp', position.symbol)) cancelOrder(core, account, order);

  const side = position.amt.isNegative() ? 'BUY' : 'SELL';
  const quantity = position.amt.abs();
  const realizedBefore = position.accumulatedRealized;
  const order = createOrder(
    core,
    account,
    {
      market: 'perp',
      symbol: position.symbol,
      side,
      positionSide: position.side,
      type: 'MARKET',
      timeInForce: 'IOC',
      origQty: quantity,
      quoteOrderQty: ZERO,
      stopPrice: ZERO,
      reduceOnly: true,
      closePosition: false,
      workingType: 'CONTRACT_PRICE',
      isLiquidation: true,
    },
    undefined,
  );
  const plan = planPerpMarket(core, account, def, side, position.side, quantity, position.side === 'BOTH', {
    percentPrice: false,
    margin: false,
  });
  if (isSimError(plan)) throw new Error(`liquidation of ${position.symbol} could not be planned: ${plan.msg}`);
  const filled = plan.fills.reduce((sum, f) => sum.plus(f.qty), ZERO);
  if (filled.lessThan(quantity)) plan.fills.push({ price: core.mark(position.symbol), qty: quantity.minus(filled) });
  executePerpPlan(core, account, order, plan, { liquidation: true });

  const liquidationFee = fee(order.cumQuote.times(core.liquidationFeeRate(position.symbol)));
  if (!liquidationFee.isZero()) {
    const quote = def.quoteAsset;
    core.credit(account, 'futures', quote, liquidationFee.negated(), 'liquidation_fee', `order:${order.orderId}`);
    core.houseAdd(quote, liquidationFee);
    core.addIncome(account, 'INSURANCE_CLEAR', position.symbol, liquidationFee.negated(), quote, core.nowMs, '');
  }
  return { realizedPnl: position.accumulatedRealized.minus(realizedBefore), liquidationFee };
}

function coverDeficit(core: EngineCore, account: AccountState, amount: Decimal, symbol: string): void {
  core.credit(account, 'futures', 'USDT', amount, 'insurance', `insurance:${account.id}`);
  core.houseAdd('USDT', amount.negated());
  core.addIncome(account, 'INSURANCE_CLEAR', symbol, amount, 'USDT', core.nowMs, '');
}
