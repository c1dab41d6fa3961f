/**
 * Margin view of an account at current marks. Only USDT is a margin asset. Isolated positions carry their own
 * wallet (a slice of the futures wallet); everything else shares the cross wallet.
 *
 *   crossWallet   = futures USDT wallet − Σ isolated wallets
 *   available     = crossWallet + cross unrealised PnL − cross initial margin
 *   maxWithdraw   = min(available, crossWallet − cross initial margin): unrealised profit cannot leave
 *   cross liquidation when crossWallet + cross unrealised PnL < cross maintenance margin
 *   isolated liquidation when isolatedWallet + its unrealised PnL < its maintenance margin
 */
import { type Decimal, maxDec, minDec, ZERO } from '../../domain/decimal.ts';
import type { AccountState, PositionState } from './account.ts';
import type { EngineCore } from './core.ts';
import { liquidationPrice, notionalAbs, unrealizedPnl } from './positions.ts';

export interface PositionMetrics {
  position: PositionState;
  mark: Decimal;
  unPnl: Decimal;
  notional: Decimal;
  initialMargin: Decimal;
  maintMargin: Decimal;
  leverage: number;
  isolated: boolean;
}

export interface AccountMetrics {
  wallet: Decimal;
  crossWallet: Decimal;
  crossUnPnl: Decimal;
  crossInitialMargin: Decimal;
  crossMaintMargin: Decimal;
  totalUnPnl: Decimal;
  totalInitialMargin: Decimal;
  totalMaintMargin: Decimal;
  /** May be negative internally (an order check compares it); reported clamped at zero. */
  available: Decimal;
  maxWithdraw: Decimal;
  positions: PositionMetrics[];
}

export function positionMetrics(core: EngineCore, account: AccountState, position: PositionState): PositionMetrics {
  const mark = core.mark(position.symbol);
  const leverage = account.leverageOf(position.symbol);
  const notional = notionalAbs(position, mark);
  return {
    position,
    mark,
    unPnl: unrealizedPnl(position, mark),
    notional,
    initialMargin: notional.div(leverage),
    maintMargin: notional.times(core.settings.maintenanceMarginRate),
    leverage,
    isolated: account.marginTypeOf(position.symbol) === 'isolated',
  };
}

export function accountMetrics(core: EngineCore, account: AccountState): AccountMetrics {
  const wallet = account.balance('futures', 'USDT');
  let isolatedWallets = ZERO;
  let crossUnPnl = ZERO;
  let crossInitialMargin = ZERO;
  let crossMaintMargin = ZERO;
  let totalUnPnl = ZERO;
  let totalInitialMargin = ZERO;
  let totalMaintMargin = ZERO;
  const positions: PositionMetrics[] = [];
  for (const position of account.positions.values()) {
    isolatedWallets = isolatedWallets.plus(position.isolatedWallet);
    if (position.amt.isZero()) continue;
    const m = positionMetrics(core, account, position);
    positions.push(m);
    totalUnPnl = totalUnPnl.plus(m.unPnl);
    totalInitialMargin = totalInitialMargin.plus(m.initialMargin);
    totalMaintMargin = totalMaintMargin.plus(m.maintMargin);
    if (!m.isolated) {
      crossUnPnl = crossUnPnl.plus(m.unPnl);
      crossInitialMargin = crossInitialMargin.plus(m.initialMargin);
      crossMaintMargin = crossMaintMargin.plus(m.maintMargin);
    }
  }
  const crossWallet = wallet.minus(isolatedWallets);
  const available = crossWallet.plus(crossUnPnl).minus(crossInitialMargin);
  const maxWithdraw = maxDec(ZERO, minDec(available, crossWallet.minus(crossInitialMargin)));
  return {
    wallet,
    crossWallet,
    crossUnPnl,
    crossInitialMargin,
    crossMaintMargin,
    totalUnPnl,
    totalInitialMargin,
    totalMaintMargin,
    available,
    maxWithdraw,
    positions,
  };
}

/** The liquidation price of one position given the rest of the account at current marks. */
export function positionLiquidationPrice(core: EngineCore, metrics: AccountMetrics, target: PositionMetrics): Decimal {
  const rate = core.settings.maintenanceMarginRate;
  if (target.isolated) return liquidationPrice(target.position, target.position.isolatedWallet, rate);
  let margin = metrics.crossWallet;
  for (const other of metrics.positions) {
    if (other.isolated || other.position === target.position) continue;
    margin = margin.plus(other.unPnl).minus(other.maintMargin);
  }
  return liquidationPrice(target.position, margin, rate);
}
