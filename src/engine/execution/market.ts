/** One pair's markets and prices out of a scan snapshot, and the funding guard evaluated on it. */
import type { Decimal } from '../../domain/decimal.ts';
import type { BookTop, MarketInfo, ScanSnapshot } from '../../domain/market.ts';
import { askPrice, bidPrice, midPrice } from '../../strategy/prices.ts';
import type { ExecContext } from './context.ts';
import { type FundingGuardVerdict, fundingGuard } from './funding-guard.ts';

export interface PairMarket {
  symbol: string;
  spotSymbol: string;
  spot: MarketInfo;
  perp: MarketInfo;
  spotBook: BookTop | undefined;
  /** Null when the snapshot has no usable value. */
  spotAsk: Decimal | null;
  spotBid: Decimal | null;
  spotMid: Decimal | null;
  perpMark: Decimal | null;
  nextFundingTimeMs: number;
  fundingIntervalHours: number;
}

export function pairMarket(
  snapshot: ScanSnapshot,
  symbol: string,
  spotSymbol: string,
  defaultIntervalHours: number,
): PairMarket | null {
  const spot = snapshot.spotMarkets.find((m) => m.symbol === spotSymbol);
  const perp = snapshot.perpMarkets.find((m) => m.symbol === symbol);
  if (spot === undefined || perp === undefined) return null;
  const spotBook = snapshot.spotBooks.get(spotSymbol);
  const premium = snapshot.premiumIndex.get(symbol);
  const mark = premium?.markPrice;
  return {
    symbol,
    spotSymbol,
    spot,
    perp,
    spotBook,
    spotAsk: askPrice(spotBook),
    spotBid: bidPrice(spotBook),
    spotMid: midPrice(spotBook),
    perpMark: mark?.isPositive() && !mark.isZero() ? mark : null,
    nextFundingTimeMs: premium?.nextFundingTimeMs ?? 0,
    fundingIntervalHours: snapshot.fundingInfo.get(symbol)?.fundingIntervalHours ?? defaultIntervalHours,
  };
}

export function guardFor(ctx: ExecContext, market: PairMarket): FundingGuardVerdict {
  return fundingGuard({
    nowMs: ctx.clock.nowMs(),
    nextFundingTimeMs: market.nextFundingTimeMs,
    fundingIntervalHours: market.fundingIntervalHours,
    guardSeconds: ctx.execution.fundingSettlementGuardSeconds,
  });
}
