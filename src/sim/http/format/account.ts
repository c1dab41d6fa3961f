/**
 * Account, position, income and trade bodies in Aster's wire shapes (aster-api.md §4.3, §4.6).
 *
 * Live quirks reproduced on purpose: spot account `feeTier` is the string "0" and its `updateTime` a 19-digit string;
 * futures balance rows exist for every asset the account ever held; position rows carry `notional` and
 * `isolatedWallet` (live responses have them, and the original bot reads `notional` from the account).
 */
import type { IncomeRecord } from '../../../domain/account.ts';
import type { Decimal } from '../../../domain/decimal.ts';
import type {
  SimCommissionRate,
  SimFuturesAccount,
  SimLeverageResult,
  SimPosition,
  SimSpotAccount,
  SimTrade,
} from '../../engine/index.ts';
import type { SymbolPlaces } from './market.ts';
import { money, nanosString, padded, rate6 } from './numbers.ts';

/** A short per-account code, like Aster's `accountAlias` ("SgsR"): stable, derived from the address. */
export function accountAlias(accountId: string): string {
  const hex = accountId.replace(/^0x/, '');
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let alias = '';
  for (let i = 0; i < 4; i++)
    alias += letters[Number.parseInt(hex.slice(i * 2, i * 2 + 2) || '0', 16) % letters.length];
  return alias;
}

export function futuresBalanceRows(account: SimFuturesAccount): unknown[] {
  const alias = accountAlias(account.accountId);
  return account.assets.map((a) => ({
    accountAlias: alias,
    asset: a.asset,
    balance: money(a.walletBalance),
    crossWalletBalance: money(a.crossWalletBalance),
    crossUnPnl: money(a.crossUnPnl),
    availableBalance: money(a.availableBalance),
    maxWithdrawAmount: money(a.maxWithdrawAmount),
    marginAvailable: a.asset === 'USDT',
    updateTime: a.updateTimeMs,
  }));
}

export function futuresAccountBody(
  account: SimFuturesAccount,
  positions: readonly SimPosition[],
  placesOf: (symbol: string) => SymbolPlaces,
): unknown {
  return {
    feeTier: 0,
    canTrade: true,
    canDeposit: true,
    canWithdraw: true,
    updateTime: account.updateTimeMs,
    totalInitialMargin: money(account.totalInitialMargin),
    totalMaintMargin: money(account.totalMaintMargin),
    totalWalletBalance: money(account.totalWalletBalance),
    totalUnrealizedProfit: money(account.totalUnrealizedProfit),
    totalMarginBalance: money(account.totalMarginBalance),
    totalPositionInitialMargin: money(account.totalPositionInitialMargin),
    totalOpenOrderInitialMargin: money(account.totalOpenOrderInitialMargin),
    totalCrossWalletBalance: money(account.totalCrossWalletBalance),
    totalCrossUnPnl: money(account.totalCrossUnPnl),
    availableBalance: money(account.availableBalance),
    maxWithdrawAmount: money(account.maxWithdrawAmount),
    assets: account.assets.map((a) => ({
      asset: a.asset,
      walletBalance: money(a.walletBalance),
      unrealizedProfit: money(a.unrealizedProfit),
      marginBalance: money(a.marginBalance),
      maintMargin: money(a.maintMargin),
      initialMargin: money(a.initialMargin),
      positionInitialMargin: money(a.positionInitialMargin),
      openOrderInitialMargin: money(a.openOrderInitialMargin),
      crossWalletBalance: money(a.crossWalletBalance),
      crossUnPnl: money(a.crossUnPnl),
      availableBalance: money(a.availableBalance),
      maxWithdrawAmount: money(a.maxWithdrawAmount),
      marginAvailable: a.asset === 'USDT',
      updateTime: a.updateTimeMs,
    })),
    positions: positions.map((p) => {
      const places = placesOf(p.symbol);
      return {
        symbol: p.symbol,
        initialMargin: money(p.initialMargin),
        maintMargin: money(p.maintMargin),
        unrealizedProfit: money(p.unrealizedProfit),
        positionInitialMargin: money(p.initialMargin),
        openOrderInitialMargin: '0',
        leverage: String(p.leverage),
        isolated: p.marginType === 'isolated',
        entryPrice: padded(p.entryPrice, places.price),
        maxNotional: p.maxNotionalValue.toFixed(),
        positionSide: p.positionSide,
        positionAmt: padded(p.positionAmt, places.qty),
        notional: money(p.notional),
        isolatedWallet: money(p.isolatedWallet),
        updateTime: p.updateTimeMs,
      };
    }),
  };
}

export function positionRiskRow(p: SimPosition, places: SymbolPlaces): unknown {
  return {
    symbol: p.symbol,
    positionAmt: padded(p.positionAmt, places.qty),
    entryPrice: padded(p.entryPrice, places.price),
    markPrice: padded(p.markPrice, 8),
    unRealizedProfit: money(p.unrealizedProfit),
    liquidationPrice: p.liquidationPrice.isZero() ? '0' : padded(p.liquidationPrice, places.price),
    leverage: String(p.leverage),
    maxNotionalValue: p.maxNotionalValue.toFixed(),
    marginType: p.marginType,
    isolatedMargin: money(p.isolatedMargin),
    isAutoAddMargin: 'false',
    positionSide: p.positionSide,
    notional: money(p.notional),
    isolatedWallet: money(p.isolatedWallet),
    updateTime: p.updateTimeMs,
  };
}

export function spotAccountBody(account: SimSpotAccount): unknown {
  return {
    // Live: feeTier as a string, updateTime as 19 digits.
    feeTier: '0',
    canTrade: true,
    canDeposit: true,
    canWithdraw: true,
    canBurnAsset: true,
    updateTime: nanosString(account.updateTimeMs),
    balances: account.balances.map((b) => ({ asset: b.asset, free: money(b.free), locked: money(b.locked) })),
  };
}

export function commissionRateBody(c: SimCommissionRate): unknown {
  return {
    symbol: c.symbol,
    makerCommissionRate: rate6(c.makerCommissionRate),
    takerCommissionRate: rate6(c.takerCommissionRate),
  };
}

export function leverageBody(l: SimLeverageResult): unknown {
  return { leverage: l.leverage, maxNotionalValue: l.maxNotionalValue.toFixed(), symbol: l.symbol };
}

export function incomeRow(r: IncomeRecord): unknown {
  return {
    symbol: r.symbol,
    incomeType: r.incomeType,
    income: money(r.income),
    asset: r.asset,
    info: r.incomeType,
    time: r.timeMs,
    tranId: r.tranId,
    tradeId: r.tradeId,
  };
}

const qtyText = (value: Decimal, places: SymbolPlaces): string => padded(value, places.qty);
const priceText = (value: Decimal, places: SymbolPlaces): string => padded(value, places.price);

export function futuresTradeRow(t: SimTrade, places: SymbolPlaces, marginAsset: string): unknown {
  return {
    buyer: t.buyer,
    commission: money(t.commission),
    commissionAsset: t.commissionAsset,
    id: t.id,
    maker: t.maker,
    orderId: t.orderId,
    price: priceText(t.price, places),
    qty: qtyText(t.qty, places),
    quoteQty: money(t.quoteQty),
    realizedPnl: money(t.realizedPnl),
    side: t.side,
    positionSide: t.positionSide,
    symbol: t.symbol,
    time: t.timeMs,
    marginAsset,
  };
}

export function spotTradeRow(t: SimTrade, places: SymbolPlaces): unknown {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    side: t.side,
    price: priceText(t.price, places),
    qty: qtyText(t.qty, places),
    quoteQty: money(t.quoteQty),
    commission: money(t.commission),
    commissionAsset: t.commissionAsset,
    time: t.timeMs,
    counterpartyId: 0,
    createUpdateId: null,
    maker: t.maker,
    buyer: t.buyer,
  };
}
