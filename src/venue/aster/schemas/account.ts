/**
 * Balances, positions and fee rates.
 *
 * Futures: `/fapi/v3/balance` = `/fapi/v2/balance`, `/fapi/v3/accountWithJoinMargin` = `/fapi/v4/account`,
 * `/fapi/v3/positionRisk` = `/fapi/v2/positionRisk` (same bodies). Spot: `/api/v3/account` = `/api/v1/account`.
 * `commissionRate` has the same shape on both markets.
 *
 * Futures balances may legitimately be negative (a cross wallet after a loss, unrealised PnL), so they are signed;
 * spot `free`/`locked` and prices cannot be, so a negative one is rejected.
 */
import { z } from 'zod';
import type {
  CommissionRates,
  MarginType,
  PerpAssetBalance,
  PerpPosition,
  PositionSide,
  SpotBalance,
} from '../../../domain/account.ts';
import type { Decimal } from '../../../domain/decimal.ts';
import { parseWith } from './parse.ts';
import {
  booleanField,
  decimalField,
  epochMsField,
  integerField,
  marginTypeField,
  nonEmptyStringField,
  nonNegativeDecimalField,
  positionSideField,
} from './primitives.ts';

const perpBalanceSchema = z
  .object({
    asset: nonEmptyStringField,
    balance: decimalField,
    crossWalletBalance: decimalField,
    crossUnPnl: decimalField,
    availableBalance: decimalField,
    maxWithdrawAmount: decimalField,
  })
  .transform(
    (r): PerpAssetBalance => ({
      asset: r.asset,
      walletBalance: r.balance,
      crossWalletBalance: r.crossWalletBalance,
      crossUnPnl: r.crossUnPnl,
      availableBalance: r.availableBalance,
      maxWithdrawAmount: r.maxWithdrawAmount,
    }),
  );

/** `GET /fapi/v3/balance`: one row per asset, zero or not. */
export function parsePerpBalances(body: unknown, source = 'perp balance'): PerpAssetBalance[] {
  return parseWith(z.array(perpBalanceSchema), body, source);
}

/** A position row of the account endpoint: it has no mark or liquidation price (use positionRisk for those). */
export interface PerpAccountPosition {
  symbol: string;
  /** Signed: negative is short. */
  positionAmt: Decimal;
  entryPrice: Decimal;
  unrealizedProfit: Decimal;
  leverage: number;
  marginType: MarginType;
  positionSide: PositionSide;
  updateTimeMs: number;
}

export interface PerpAccount {
  feeTier: number;
  canTrade: boolean;
  updateTimeMs: number;
  /** Totals are for the USDT asset only (per the docs) unless the account is in multi-assets mode. */
  totalWalletBalance: Decimal;
  totalUnrealizedProfit: Decimal;
  totalMarginBalance: Decimal;
  availableBalance: Decimal;
  maxWithdrawAmount: Decimal;
  assets: PerpAssetBalance[];
  positions: PerpAccountPosition[];
}

const accountAssetSchema = z
  .object({
    asset: nonEmptyStringField,
    walletBalance: decimalField,
    crossWalletBalance: decimalField,
    crossUnPnl: decimalField,
    availableBalance: decimalField,
    maxWithdrawAmount: decimalField,
  })
  .transform(
    (r): PerpAssetBalance => ({
      asset: r.asset,
      walletBalance: r.walletBalance,
      crossWalletBalance: r.crossWalletBalance,
      crossUnPnl: r.crossUnPnl,
      availableBalance: r.availableBalance,
      maxWithdrawAmount: r.maxWithdrawAmount,
    }),
  );

const accountPositionSchema = z
  .object({
    symbol: nonEmptyStringField,
    positionAmt: decimalField,
    entryPrice: nonNegativeDecimalField,
    unrealizedProfit: decimalField,
    leverage: integerField({ min: 1 }),
    isolated: booleanField,
    positionSide: positionSideField,
    updateTime: epochMsField,
  })
  .transform(
    (r): PerpAccountPosition => ({
      symbol: r.symbol,
      positionAmt: r.positionAmt,
      entryPrice: r.entryPrice,
      unrealizedProfit: r.unrealizedProfit,
      leverage: r.leverage,
      marginType: r.isolated ? 'isolated' : 'cross',
      positionSide: r.positionSide,
      updateTimeMs: r.updateTime,
    }),
  );

const perpAccountSchema = z
  .object({
    feeTier: integerField({ min: 0 }),
    canTrade: booleanField,
    updateTime: epochMsField,
    totalWalletBalance: decimalField,
    totalUnrealizedProfit: decimalField,
    totalMarginBalance: decimalField,
    availableBalance: decimalField,
    maxWithdrawAmount: decimalField,
    assets: z.array(accountAssetSchema),
    positions: z.array(accountPositionSchema),
  })
  .transform(
    (r): PerpAccount => ({
      feeTier: r.feeTier,
      canTrade: r.canTrade,
      updateTimeMs: r.updateTime,
      totalWalletBalance: r.totalWalletBalance,
      totalUnrealizedProfit: r.totalUnrealizedProfit,
      totalMarginBalance: r.totalMarginBalance,
      availableBalance: r.availableBalance,
      maxWithdrawAmount: r.maxWithdrawAmount,
      assets: r.assets,
      positions: r.positions,
    }),
  );

/** `GET /fapi/v3/accountWithJoinMargin` (V3) or `GET /fapi/v4/account` (V1). */
export function parsePerpAccount(body: unknown, source = 'perp account'): PerpAccount {
  return parseWith(perpAccountSchema, body, source);
}

/*
 * positionRisk: marginType is lowercase "isolated"/"cross"; leverage is a digit string; liquidationPrice is "0"
 * when there is none. Live rows carry `notional` (signed, like positionAmt); the documented example does not, and
 * then it is positionAmt × markPrice, which is how the exchange defines it.
 */
const positionRiskSchema = z
  .object({
    symbol: nonEmptyStringField,
    positionAmt: decimalField,
    entryPrice: nonNegativeDecimalField,
    markPrice: nonNegativeDecimalField,
    unRealizedProfit: decimalField,
    liquidationPrice: nonNegativeDecimalField,
    leverage: integerField({ min: 1 }),
    marginType: marginTypeField,
    positionSide: positionSideField,
    notional: decimalField.optional(),
    updateTime: epochMsField,
  })
  .transform(
    (r): PerpPosition => ({
      symbol: r.symbol,
      positionAmt: r.positionAmt,
      entryPrice: r.entryPrice,
      markPrice: r.markPrice,
      unrealizedProfit: r.unRealizedProfit,
      liquidationPrice: r.liquidationPrice,
      leverage: r.leverage,
      marginType: r.marginType,
      positionSide: r.positionSide,
      notional: r.notional ?? r.positionAmt.times(r.markPrice),
      updateTimeMs: r.updateTime,
    }),
  );

/** `GET positionRisk`: every symbol's position (flat ones included, with positionAmt 0). */
export function parsePositionRisk(body: unknown, source = 'perp positionRisk'): PerpPosition[] {
  return parseWith(z.array(positionRiskSchema), body, source);
}

export interface SpotAccount {
  feeTier: number;
  canTrade: boolean;
  /** Normalised to ms (the live value is a 19-digit nanosecond count). */
  updateTimeMs: number;
  balances: SpotBalance[];
}

const spotBalanceSchema = z
  .object({ asset: nonEmptyStringField, free: nonNegativeDecimalField, locked: nonNegativeDecimalField })
  .transform((r): SpotBalance => r);

const spotAccountSchema = z
  .object({
    feeTier: integerField({ min: 0 }),
    canTrade: booleanField,
    updateTime: epochMsField,
    balances: z.array(spotBalanceSchema),
  })
  .transform(
    (r): SpotAccount => ({
      feeTier: r.feeTier,
      canTrade: r.canTrade,
      updateTimeMs: r.updateTime,
      balances: r.balances,
    }),
  );

/** `GET /api/v3/account`. */
export function parseSpotAccount(body: unknown, source = 'spot account'): SpotAccount {
  return parseWith(spotAccountSchema, body, source);
}

/** Maker may be negative (market-maker rebate tiers); a negative taker rate does not exist. */
const commissionRateSchema = z
  .object({
    symbol: nonEmptyStringField,
    makerCommissionRate: decimalField,
    takerCommissionRate: nonNegativeDecimalField,
  })
  .transform(
    (r): CommissionRates => ({ symbol: r.symbol, maker: r.makerCommissionRate, taker: r.takerCommissionRate }),
  );

/** `GET commissionRate?symbol=X` (either market). */
export function parseCommissionRate(body: unknown, source = 'commissionRate'): CommissionRates {
  return parseWith(commissionRateSchema, body, source);
}
