/** Public market-data endpoints of both markets. */
import { apiErrors } from '../api-error.ts';
import { definitionOf, type HandlerContext, placesOf, unwrap } from '../context.ts';
import {
  bookTickerBody,
  depthBody,
  exchangeInfoJson,
  fundingInfoBody,
  fundingRateBody,
  premiumIndexBody,
  priceTickerBody,
  ticker24hBody,
} from '../format/market.ts';
import { optional, optionalInt, required } from '../params.ts';

const DEPTH_LIMITS = new Set([5, 10, 20, 50, 100, 500, 1000]);
const FUNDING_RATE_DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export const ping = (): unknown => ({});

export const time = (ctx: HandlerContext): unknown => ({ serverTime: ctx.serverTimeMs });

export function exchangeInfo(ctx: HandlerContext): unknown {
  const defs = ctx.engine.definitions();
  return exchangeInfoJson(
    ctx.market,
    ctx.market === 'perp' ? defs.perp : defs.spot,
    ctx.rateLimitRules,
    ctx.serverTimeMs,
    ctx.onboardMs,
  );
}

/** Depth weight by limit, as documented: ≤50 → 2, 100 → 5, 500 → 10, 1000 → 20. */
export function depthWeight(limit: number | undefined, market: 'spot' | 'perp'): number {
  const effective = limit ?? (market === 'perp' ? 500 : 100);
  if (effective <= 50) return 2;
  if (effective <= 100) return 5;
  if (effective <= 500) return 10;
  return 20;
}

export function depth(ctx: HandlerContext): unknown {
  const symbol = required(ctx.params, 'symbol');
  const limit = optionalInt(ctx.params, 'limit') ?? (ctx.market === 'perp' ? 500 : 100);
  if (!DEPTH_LIMITS.has(limit)) throw apiErrors.invalidParam('limit');
  const book = unwrap(ctx.engine.depth(ctx.market, symbol, limit));
  return depthBody(book, placesOf(ctx, symbol), ctx.serverTimeMs);
}

export function premiumIndex(ctx: HandlerContext): unknown {
  const symbol = optional(ctx.params, 'symbol');
  const rows = unwrap(ctx.engine.premiumIndex(symbol)).map(premiumIndexBody);
  return symbol === undefined ? rows : rows[0];
}

export function fundingInfo(ctx: HandlerContext): unknown {
  return unwrap(ctx.engine.fundingInfo(optional(ctx.params, 'symbol'))).map(fundingInfoBody);
}

export function fundingRate(ctx: HandlerContext): unknown {
  const limit = optionalInt(ctx.params, 'limit') ?? FUNDING_RATE_DEFAULT_LIMIT;
  if (limit < 1 || limit > MAX_LIMIT) throw apiErrors.invalidParam('limit');
  const startTimeMs = optionalInt(ctx.params, 'startTime');
  const endTimeMs = optionalInt(ctx.params, 'endTime');
  const query = {
    limit,
    ...(startTimeMs === undefined ? {} : { startTimeMs }),
    ...(endTimeMs === undefined ? {} : { endTimeMs }),
  };
  return unwrap(ctx.engine.fundingRateHistory(optional(ctx.params, 'symbol'), query)).map(fundingRateBody);
}

export function ticker24h(ctx: HandlerContext): unknown {
  const symbol = optional(ctx.params, 'symbol');
  const rows = unwrap(ctx.engine.tickers24h(ctx.market, symbol)).map((t) => {
    const def = definitionOf(ctx, t.symbol);
    return ticker24hBody(t, placesOf(ctx, t.symbol), def?.baseAsset ?? '', def?.quoteAsset ?? '');
  });
  return symbol === undefined ? rows : rows[0];
}

export function bookTicker(ctx: HandlerContext): unknown {
  const symbol = optional(ctx.params, 'symbol');
  const rows = unwrap(ctx.engine.bookTickers(ctx.market, symbol)).map((b) =>
    bookTickerBody(b, placesOf(ctx, b.symbol)),
  );
  return symbol === undefined ? rows : rows[0];
}

export function tickerPrice(ctx: HandlerContext): unknown {
  const symbol = optional(ctx.params, 'symbol');
  const rows = unwrap(ctx.engine.tickers24h(ctx.market, symbol)).map((t) =>
    priceTickerBody(t.symbol, t.lastPrice, placesOf(ctx, t.symbol), t.timeMs),
  );
  return symbol === undefined ? rows : rows[0];
}
