/** Read-only views of an account in the shapes the API reports them (balances, futures account, position risk). */
import type { PositionSide } from '../../domain/account.ts';
import { ZERO } from '../../domain/decimal.ts';
import type { AccountState } from './account.ts';
import type { EngineCore } from './core.ts';
import type { SimFuturesAccount, SimFuturesAsset, SimPosition, SimSpotAccount } from './index.ts';
import { type AccountMetrics, accountMetrics, positionLiquidationPrice, positionMetrics } from './margin.ts';
import { maxNotionalFor } from './positions.ts';

export function spotAccountView(account: AccountState): SimSpotAccount {
  const balances = [...account.spot.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([asset, free]) => ({ asset, free, locked: ZERO }));
  return { accountId: account.id, balances, updateTimeMs: account.updateTimeMs };
}

export function positionView(
  core: EngineCore,
  account: AccountState,
  metrics: AccountMetrics,
  symbol: string,
  side: PositionSide,
): SimPosition {
  const position = account.position(symbol, side);
  const m = positionMetrics(core, account, position);
  const isolated = m.isolated;
  return {
    symbol,
    positionSide: side,
    positionAmt: position.amt,
    entryPrice: position.entry,
    markPrice: m.mark,
    unrealizedProfit: m.unPnl,
    liquidationPrice: position.amt.isZero() ? ZERO : positionLiquidationPrice(core, metrics, m),
    leverage: m.leverage,
    marginType: isolated ? 'isolated' : 'cross',
    notional: position.amt.times(m.mark),
    isolatedWallet: isolated ? position.isolatedWallet : ZERO,
    isolatedMargin: isolated ? position.isolatedWallet.plus(m.unPnl) : ZERO,
    initialMargin: m.initialMargin,
    maintMargin: m.maintMargin,
    maxNotionalValue: maxNotionalFor(m.leverage),
    updateTimeMs: position.updateTimeMs,
  };
}

/** One row per perp symbol (per side in hedge mode), sorted by symbol, like positionRisk without a symbol. */
export function positionRows(core: EngineCore, account: AccountState, symbol?: string): SimPosition[] {
  const metrics = accountMetrics(core, account);
  const symbols = symbol ? [symbol] : [...core.perpDefs.keys()].sort();
  const sides: PositionSide[] = account.dualSidePosition ? ['LONG', 'SHORT'] : ['BOTH'];
  const rows: SimPosition[] = [];
  for (const s of symbols) for (const side of sides) rows.push(positionView(core, account, metrics, s, side));
  return rows;
}

export function futuresAccountView(core: EngineCore, account: AccountState): SimFuturesAccount {
  const metrics = accountMetrics(core, account);
  const available = metrics.available.isNegative() ? ZERO : metrics.available;
  const usdt: SimFuturesAsset = {
    asset: 'USDT',
    walletBalance: metrics.wallet,
    unrealizedProfit: metrics.totalUnPnl,
    marginBalance: metrics.wallet.plus(metrics.totalUnPnl),
    maintMargin: metrics.totalMaintMargin,
    initialMargin: metrics.totalInitialMargin,
    positionInitialMargin: metrics.totalInitialMargin,
    openOrderInitialMargin: ZERO,
    crossWalletBalance: metrics.crossWallet,
    crossUnPnl: metrics.crossUnPnl,
    availableBalance: available,
    maxWithdrawAmount: metrics.maxWithdraw,
    updateTimeMs: account.updateTimeMs,
  };
  const others: SimFuturesAsset[] = [...account.futures.entries()]
    .filter(([asset]) => asset !== 'USDT')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([asset, balance]) => ({
      asset,
      walletBalance: balance,
      unrealizedProfit: ZERO,
      marginBalance: balance,
      maintMargin: ZERO,
      initialMargin: ZERO,
      positionInitialMargin: ZERO,
      openOrderInitialMargin: ZERO,
      crossWalletBalance: balance,
      crossUnPnl: ZERO,
      availableBalance: balance,
      maxWithdrawAmount: balance,
      updateTimeMs: account.updateTimeMs,
    }));
  const positions = metrics.positions.map((m) =>
    positionView(core, account, metrics, m.position.symbol, m.position.side),
  );
  return {
    accountId: account.id,
    totalWalletBalance: usdt.walletBalance,
    totalUnrealizedProfit: usdt.unrealizedProfit,
    totalMarginBalance: usdt.marginBalance,
    totalMaintMargin: usdt.maintMargin,
    totalInitialMargin: usdt.initialMargin,
    totalPositionInitialMargin: usdt.positionInitialMargin,
    totalOpenOrderInitialMargin: ZERO,
    totalCrossWalletBalance: usdt.crossWalletBalance,
    totalCrossUnPnl: usdt.crossUnPnl,
    availableBalance: usdt.availableBalance,
    maxWithdrawAmount: usdt.maxWithdrawAmount,
    assets: [usdt, ...others],
    positions,
    dualSidePosition: account.dualSidePosition,
    updateTimeMs: account.updateTimeMs,
  };
}
