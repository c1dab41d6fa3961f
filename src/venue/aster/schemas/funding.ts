/**
 * Funding data: `premiumIndex` (mark price and current rate), `fundingInfo` (interval and caps per symbol) and
 * `fundingRate` (settled history). Futures only; V1 and V3 paths return the same bodies.
 */
import { z } from 'zod';
import type { FundingInfo, FundingRateRecord, PremiumIndex } from '../../../domain/market.ts';
import { parseWith } from './parse.ts';
import {
  decimalField,
  decimalOrNullField,
  epochMsField,
  integerField,
  nonEmptyStringField,
  nonNegativeDecimalField,
} from './primitives.ts';

/*
 * The mark price may be zero in the all-symbols array for a contract that is settling or not yet live; rejecting
 * it here would block the scan of every other symbol, so zero passes and the strategy treats it as "no price".
 * `nextFundingTime` is 0 for such symbols too.
 */
const premiumIndexSchema = z
  .object({
    symbol: nonEmptyStringField,
    markPrice: nonNegativeDecimalField,
    indexPrice: nonNegativeDecimalField,
    lastFundingRate: decimalField,
    nextFundingTime: epochMsField,
    time: epochMsField,
  })
  .transform(
    (r): PremiumIndex => ({
      symbol: r.symbol,
      markPrice: r.markPrice,
      indexPrice: r.indexPrice,
      lastFundingRate: r.lastFundingRate,
      nextFundingTimeMs: r.nextFundingTime,
      timeMs: r.time,
    }),
  );

/** `GET premiumIndex?symbol=X`: one object. */
export function parsePremiumIndex(body: unknown, source = 'perp premiumIndex'): PremiumIndex {
  return parseWith(premiumIndexSchema, body, source);
}

/** `GET premiumIndex` without a symbol: every symbol in one array (the scan's source of current rates). */
export function parsePremiumIndexList(body: unknown, source = 'perp premiumIndex'): PremiumIndex[] {
  return parseWith(z.array(premiumIndexSchema), body, source);
}

/*
 * fundingFeeCap / fundingFeeFloor are JSON numbers (0.03, -0.03) or null (live BTCUSDT); a string is accepted too.
 * Intervals seen: 8 h by default, 4 h for some symbols; anything from 1 to 24 hours is plausible, 0 is not.
 */
const fundingInfoSchema = z
  .object({
    symbol: nonEmptyStringField,
    fundingIntervalHours: integerField({ min: 1, max: 24 }),
    // Optional: zod reports an absent key whose schema turns undefined into a value as an error.
    fundingFeeCap: decimalOrNullField.optional(),
    fundingFeeFloor: decimalOrNullField.optional(),
  })
  .transform(
    (r): FundingInfo => ({
      symbol: r.symbol,
      fundingIntervalHours: r.fundingIntervalHours,
      fundingFeeCap: r.fundingFeeCap ?? null,
      fundingFeeFloor: r.fundingFeeFloor ?? null,
    }),
  );

/** `GET fundingInfo`: the funding configuration of every symbol. */
export function parseFundingInfoList(body: unknown, source = 'perp fundingInfo'): FundingInfo[] {
  return parseWith(z.array(fundingInfoSchema), body, source);
}

const fundingRateSchema = z
  .object({
    symbol: nonEmptyStringField,
    fundingRate: decimalField,
    fundingTime: epochMsField,
  })
  .transform(
    (r): FundingRateRecord => ({ symbol: r.symbol, fundingRate: r.fundingRate, fundingTimeMs: r.fundingTime }),
  );

/**
 * `GET fundingRate`: settled rates. Aster documents them ascending; they are sorted here anyway (stable) because
 * the moving average and interval detection rely on that order.
 */
export function parseFundingRateHistory(body: unknown, source = 'perp fundingRate'): FundingRateRecord[] {
  const records = parseWith(z.array(fundingRateSchema), body, source);
  return records.sort((a, b) => a.fundingTimeMs - b.fundingTimeMs);
}
