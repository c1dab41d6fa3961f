/**
 * Public market-data bodies in Aster's wire shapes (aster-api.md §4.1–§4.2 and the documented examples).
 *
 * Live quirks reproduced on purpose, so clients are exercised on them: futures `exchangeInfo.serverTime` and spot
 * 24 h ticker `openTime`/`count` arrive as strings; spot filters are zero-padded to 8 places; futures fundingInfo caps
 * are JSON numbers or null; futures bookTicker carries `lastUpdateId`.
 */
import { type Decimal, ZERO } from '../../../domain/decimal.ts';
import type { SimBookTicker, SimDepth, SimFundingInfo, SimPremiumIndex, SimTicker24h } from '../../engine/index.ts';
import type { SimMarketDef } from '../../market/types.ts';
import type { RateLimitRule } from '../rate-limit.ts';
import { padded, placesOf, plain, rate8 } from './numbers.ts';

export interface SymbolPlaces {
  price: number;
  qty: number;
}

export function placesFor(def: SimMarketDef | undefined): SymbolPlaces {
  if (def === undefined) return { price: 8, qty: 8 };
  return { price: placesOf(def.filters.tickSize), qty: placesOf(def.filters.stepSize) };
}

const FUTURES_ORDER_TYPES = [
  'LIMIT',
  'MARKET',
  'STOP',
  'STOP_MARKET',
  'TAKE_PROFIT',
  'TAKE_PROFIT_MARKET',
  'TRAILING_STOP_MARKET',
];
const SPOT_ORDER_TYPES = ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET'];
const TIME_IN_FORCE = ['GTC', 'IOC', 'FOK', 'GTX', 'HIDDEN'];
/** A far-future delivery date: Aster's perpetuals all carry 2100-12-25. */
const PERPETUAL_DELIVERY_MS = 4133404800000;

function futuresFilters(def: SimMarketDef): unknown[] {
  const f = def.filters;
  return [
    {
      filterType: 'PRICE_FILTER',
      minPrice: plain(f.minPrice),
      maxPrice: plain(f.maxPrice),
      tickSize: plain(f.tickSize),
    },
    { filterType: 'LOT_SIZE', minQty: plain(f.minQty), maxQty: plain(f.maxQty), stepSize: plain(f.stepSize) },
    {
      filterType: 'MARKET_LOT_SIZE',
      minQty: plain(f.marketMinQty),
      maxQty: plain(f.marketMaxQty),
      stepSize: plain(f.marketStepSize),
    },
    { filterType: 'MAX_NUM_ORDERS', limit: 200 },
    { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 100 },
    { filterType: 'MIN_NOTIONAL', notional: plain(f.minNotional) },
    { filterType: 'PERCENT_PRICE', multiplierUp: '1.1500', multiplierDown: '0.8500', multiplierDecimal: 4 },
  ];
}

export function futuresSymbol(def: SimMarketDef, onboardMs: number): Record<string, unknown> {
  const places = placesFor(def);
  return {
    symbol: def.symbol,
    pair: def.symbol,
    contractType: 'PERPETUAL',
    deliveryDate: PERPETUAL_DELIVERY_MS,
    onboardDate: onboardMs,
    status: def.status,
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: def.baseAsset,
    quoteAsset: def.quoteAsset,
    marginAsset: def.quoteAsset,
    pricePrecision: places.price,
    quantityPrecision: places.qty,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: ['Crypto'],
    settlePlan: 0,
    triggerProtect: '0.0500',
    filters: futuresFilters(def),
    OrderType: FUTURES_ORDER_TYPES,
    timeInForce: TIME_IN_FORCE,
    liquidationFee: padded(def.liquidationFeeRate, 6),
    marketTakeBound: padded(def.marketTakeBound, 2),
  };
}

/** Spot filter values: small ones zero-padded to 8 places ("0.00100000"), bounds plain ("100000"), as live. */
const pad8 = (value: Decimal): string => padded(value, 8);

/**
 * The order-value filters, exactly as the engine enforces them: MIN_NOTIONAL, and MAX_NOTIONAL plus NOTIONAL's
 * `maxNotional` when the definition has a ceiling (listed spot symbols do: 9 000 000). A definition without one
 * (zero) publishes no maximum rather than a number the engine would not apply.
 */
function notionalFilters(f: SimMarketDef['filters']): unknown[] {
  const capped = f.maxNotional.greaterThan(0);
  return [
    { filterType: 'MIN_NOTIONAL', minNotional: plain(f.minNotional) },
    ...(capped ? [{ filterType: 'MAX_NOTIONAL', maxNotional: plain(f.maxNotional) }] : []),
    {
      filterType: 'NOTIONAL',
      minNotional: plain(f.minNotional),
      ...(capped ? { maxNotional: plain(f.maxNotional) } : {}),
      avgPriceMins: 5,
      applyMinToMarket: true,
      applyMaxToMarket: capped,
    },
  ];
}

function spotFilters(def: SimMarketDef): unknown[] {
  const f = def.filters;
  return [
    { filterType: 'PRICE_FILTER', minPrice: pad8(f.minPrice), maxPrice: plain(f.maxPrice), tickSize: pad8(f.tickSize) },
    { filterType: 'LOT_SIZE', stepSize: pad8(f.stepSize), maxQty: plain(f.maxQty), minQty: pad8(f.minQty) },
    {
      filterType: 'MARKET_LOT_SIZE',
      stepSize: pad8(f.marketStepSize),
      maxQty: plain(f.marketMaxQty),
      minQty: pad8(f.marketMinQty),
    },
    { filterType: 'MAX_NUM_ORDERS', limit: 200 },
    ...notionalFilters(f),
    { filterType: 'PERCENT_PRICE', multiplierUp: '5', multiplierDown: '0', multiplierDecimal: '0' },
    {
      filterType: 'PERCENT_PRICE_BY_SIDE',
      bidMultiplierUp: '5',
      bidMultiplierDown: '0',
      askMultiplierUp: '5',
      askMultiplierDown: '0',
      avgPriceMins: 5,
      multiplierDecimal: '0',
    },
  ];
}

export function spotSymbol(def: SimMarketDef): Record<string, unknown> {
  const places = placesFor(def);
  return {
    symbol: def.symbol,
    status: def.status,
    baseAsset: def.baseAsset,
    quoteAsset: def.quoteAsset,
    pricePrecision: places.price,
    quantityPrecision: places.qty,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    filters: spotFilters(def),
    orderTypes: SPOT_ORDER_TYPES,
    timeInForce: TIME_IN_FORCE,
    ocoAllowed: false,
  };
}

function rateLimitsBody(rules: readonly RateLimitRule[]): unknown[] {
  return rules.map((r) => ({
    rateLimitType: r.rateLimitType,
    interval: r.interval,
    intervalNum: r.intervalNum,
    limit: r.limit,
  }));
}

function assetsOf(defs: readonly SimMarketDef[]): string[] {
  const assets = new Set<string>();
  for (const d of defs) {
    assets.add(d.quoteAsset);
    assets.add(d.baseAsset);
  }
  return [...assets].sort();
}

export function futuresExchangeInfo(
  defs: readonly SimMarketDef[],
  rules: readonly RateLimitRule[],
  serverTimeMs: number,
  onboardMs: number,
): unknown {
  return {
    timezone: 'UTC',
    // Live futures exchangeInfo sends serverTime as a string.
    serverTime: String(serverTimeMs),
    futuresType: 'U_MARGINED',
    rateLimits: rateLimitsBody(rules),
    exchangeFilters: [],
    assets: assetsOf(defs).map((asset) => {
      const margin = asset === 'USDT';
      return { asset, marginAvailable: margin, autoAssetExchange: margin ? 0 : null };
    }),
    symbols: defs.map((d) => futuresSymbol(d, onboardMs)),
  };
}

export function spotExchangeInfo(
  defs: readonly SimMarketDef[],
  rules: readonly RateLimitRule[],
  serverTimeMs: number,
): unknown {
  return {
    timezone: 'UTC',
    serverTime: serverTimeMs,
    rateLimits: rateLimitsBody(rules),
    exchangeFilters: [],
    assets: assetsOf(defs).map((asset) => ({ asset })),
    symbols: defs.map(spotSymbol),
  };
}

export function depthBody(depth: SimDepth, places: SymbolPlaces, serverTimeMs: number): unknown {
  const level = (l: { price: Decimal; qty: Decimal }) => [padded(l.price, places.price), padded(l.qty, places.qty)];
  return {
    lastUpdateId: depth.lastUpdateId,
    E: serverTimeMs,
    T: depth.timeMs,
    bids: depth.bids.map(level),
    asks: depth.asks.map(level),
  };
}

export function premiumIndexBody(p: SimPremiumIndex): unknown {
  return {
    symbol: p.symbol,
    markPrice: padded(p.markPrice, 8),
    indexPrice: padded(p.indexPrice, 8),
    estimatedSettlePrice: padded(p.estimatedSettlePrice, 8),
    lastFundingRate: rate8(p.lastFundingRate),
    interestRate: rate8(p.interestRate),
    nextFundingTime: p.nextFundingTimeMs,
    time: p.timeMs,
  };
}

/** Caps are JSON numbers (or null), unlike nearly every other Aster decimal. */
function capNumber(value: Decimal | null): number | null {
  return value === null ? null : Number(value.toString());
}

export function fundingInfoBody(f: SimFundingInfo): unknown {
  return {
    symbol: f.symbol,
    interestRate: rate8(f.interestRate),
    time: f.timeMs,
    fundingIntervalHours: f.fundingIntervalHours,
    fundingFeeCap: capNumber(f.fundingFeeCap),
    fundingFeeFloor: capNumber(f.fundingFeeFloor),
  };
}

export function fundingRateBody(r: { symbol: string; fundingRate: Decimal; fundingTimeMs: number }): unknown {
  return { symbol: r.symbol, fundingRate: rate8(r.fundingRate), fundingTime: r.fundingTimeMs };
}

/**
 * 24 h ticker. The simulator keeps no 24 h candle, so open/high/low/prevClose equal the last price and the change is
 * zero; the volumes (the fields a funding scanner reads) are the market source's rolling 24 h volumes.
 */
export function ticker24hBody(t: SimTicker24h, places: SymbolPlaces, baseAsset: string, quoteAsset: string): unknown {
  const last = padded(t.lastPrice, places.price);
  const weighted = t.volume.isZero() ? t.lastPrice : t.quoteVolume.dividedBy(t.volume);
  const openTime = t.timeMs - 86_400_000;
  const common = {
    symbol: t.symbol,
    priceChange: padded(ZERO, places.price),
    priceChangePercent: '0.000',
    weightedAvgPrice: padded(weighted.toDecimalPlaces(places.price), places.price),
    prevClosePrice: last,
    lastPrice: last,
    lastQty: padded(t.bidQty.isZero() ? t.askQty : t.bidQty, places.qty),
  };
  const tail = {
    openPrice: last,
    highPrice: last,
    lowPrice: last,
    volume: padded(t.volume, places.qty),
    quoteVolume: padded(t.quoteVolume, 2),
  };
  if (t.market === 'perp') {
    return { ...common, ...tail, openTime, closeTime: t.timeMs, firstId: 0, lastId: 0, count: 0 };
  }
  return {
    ...common,
    bidPrice: padded(t.bidPrice, places.price),
    bidQty: padded(t.bidQty, places.qty),
    askPrice: padded(t.askPrice, places.price),
    askQty: padded(t.askQty, places.qty),
    ...tail,
    // Live spot tickers send these integers as strings.
    openTime: String(openTime),
    closeTime: t.timeMs,
    firstId: 0,
    lastId: 0,
    count: '0',
    baseAsset,
    quoteAsset,
  };
}

export function bookTickerBody(b: SimBookTicker, places: SymbolPlaces): unknown {
  const body: Record<string, unknown> = {
    symbol: b.symbol,
    bidPrice: padded(b.bidPrice, places.price),
    bidQty: padded(b.bidQty, places.qty),
    askPrice: padded(b.askPrice, places.price),
    askQty: padded(b.askQty, places.qty),
    time: b.timeMs,
  };
  if (b.market === 'perp') body['lastUpdateId'] = b.updateId;
  return body;
}

export function priceTickerBody(symbol: string, price: Decimal, places: SymbolPlaces, timeMs: number): unknown {
  return { symbol, price: padded(price, places.price), time: timeMs };
}
