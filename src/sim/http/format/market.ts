/**
 * Public market-data bodies in Aster's wire shapes (aster-api.md §4.1–§4.2 and the documented examples).
 *
 * Live quirks reproduced on purpose, so clients are exercised on them: futures `exchangeInfo.serverTime` and spot
 * 24 h ticker `openTime`/`count` arrive as strings; spot filters are zero-padded to 8 places; futures fundingInfo caps
 * are JSON numbers or null; futures bookTicker carries `lastUpdateId`.
 *
 * All-symbols endpoints answer for every listed symbol, so their numbers are written through `paddedOnce`: within a
 * market step the Decimals are the same objects for every request, and each is formatted once. exchangeInfo's
 * symbols change only with a listing's status, so each symbol's JSON is kept until its definition changes.
 */
import { type Decimal, ZERO } from '../../../domain/decimal.ts';
import type { SimBookTicker, SimDepth, SimFundingInfo, SimPremiumIndex, SimTicker24h } from '../../engine/index.ts';
import type { SimMarketDef } from '../../market/types.ts';
import type { RateLimitRule } from '../rate-limit.ts';
import { RawJson } from '../raw-json.ts';
import { padded, paddedOnce, placesOf, plain } from './numbers.ts';

const rate8 = (value: Decimal): string => paddedOnce(value, 8);

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

/** A symbol's exchangeInfo JSON, with the definition fields it was written from. */
interface SymbolJson {
  status: string;
  filters: SimMarketDef['filters'];
  onboardMs: number;
  json: string;
}

const symbolJson = new WeakMap<SimMarketDef, SymbolJson>();

/**
 * JSON.stringify(write(def)), kept per definition until its status or filters change (a manual market can halt a
 * listing at any time; nothing else about a definition changes after it is made).
 */
function symbolText(def: SimMarketDef, onboardMs: number, write: (def: SimMarketDef) => unknown): string {
  const known = symbolJson.get(def);
  if (
    known !== undefined &&
    known.status === def.status &&
    known.filters === def.filters &&
    known.onboardMs === onboardMs
  ) {
    return known.json;
  }
  const json = JSON.stringify(write(def));
  symbolJson.set(def, { status: def.status, filters: def.filters, onboardMs, json });
  return json;
}

/**
 * The same text as JSON.stringify of `futuresExchangeInfo` / `spotExchangeInfo`, with each symbol's part reused
 * from `symbolText`: a full exchangeInfo is 130 KiB for 100 symbols, and every cold client asks for it. The frame
 * (time, limits, assets) is the builders' own, with `symbols` (its last key) spliced in.
 */
export function exchangeInfoJson(
  market: 'spot' | 'perp',
  defs: readonly SimMarketDef[],
  rules: readonly RateLimitRule[],
  serverTimeMs: number,
  onboardMs: number,
): RawJson {
  const symbols = defs.map((d) =>
    market === 'perp' ? symbolText(d, onboardMs, (x) => futuresSymbol(x, onboardMs)) : symbolText(d, 0, spotSymbol),
  );
  const frame = JSON.stringify(
    market === 'perp'
      ? futuresExchangeInfo(defs, rules, serverTimeMs, onboardMs, [])
      : spotExchangeInfo(defs, rules, serverTimeMs, []),
  );
  const emptySymbols = '"symbols":[]}';
  if (!frame.endsWith(emptySymbols)) throw new Error('exchangeInfo must end with its symbols');
  return new RawJson(`${frame.slice(0, -2)}${symbols.join(',')}]}`);
}

export function futuresExchangeInfo(
  defs: readonly SimMarketDef[],
  rules: readonly RateLimitRule[],
  serverTimeMs: number,
  onboardMs: number,
  symbols: readonly unknown[] = defs.map((d) => futuresSymbol(d, onboardMs)),
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
    symbols,
  };
}

export function spotExchangeInfo(
  defs: readonly SimMarketDef[],
  rules: readonly RateLimitRule[],
  serverTimeMs: number,
  symbols: readonly unknown[] = defs.map(spotSymbol),
): unknown {
  return {
    timezone: 'UTC',
    serverTime: serverTimeMs,
    rateLimits: rateLimitsBody(rules),
    exchangeFilters: [],
    assets: assetsOf(defs).map((asset) => ({ asset })),
    symbols,
  };
}

export function depthBody(depth: SimDepth, places: SymbolPlaces, serverTimeMs: number): unknown {
  const level = (l: { price: Decimal; qty: Decimal }) => [
    paddedOnce(l.price, places.price),
    paddedOnce(l.qty, places.qty),
  ];
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
    markPrice: paddedOnce(p.markPrice, 8),
    indexPrice: paddedOnce(p.indexPrice, 8),
    estimatedSettlePrice: paddedOnce(p.estimatedSettlePrice, 8),
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
/** The last weighted average written per quote-volume Decimal, with what it was computed from. */
const weightedAverages = new WeakMap<Decimal, { volume: Decimal; last: Decimal; places: number; text: string }>();

/** quoteVolume / volume to the price's places (the last price when nothing traded), remembered per inputs. */
function weightedAverage(t: SimTicker24h, places: number): string {
  const known = weightedAverages.get(t.quoteVolume);
  if (known !== undefined && known.volume === t.volume && known.last === t.lastPrice && known.places === places) {
    return known.text;
  }
  const weighted = t.volume.isZero() ? t.lastPrice : t.quoteVolume.dividedBy(t.volume);
  const text = padded(weighted.toDecimalPlaces(places), places);
  weightedAverages.set(t.quoteVolume, { volume: t.volume, last: t.lastPrice, places, text });
  return text;
}

export function ticker24hBody(t: SimTicker24h, places: SymbolPlaces, baseAsset: string, quoteAsset: string): unknown {
  const last = paddedOnce(t.lastPrice, places.price);
  const openTime = t.timeMs - 86_400_000;
  // Written out in full, key by key: spreading shared parts into the two shapes cost tens of microseconds per row
  // (V8 turns an object that is spread into and then extended into a slow dictionary object).
  const symbol = t.symbol;
  const priceChange = paddedOnce(ZERO, places.price);
  const weightedAvgPrice = weightedAverage(t, places.price);
  const lastQty = paddedOnce(t.bidQty.isZero() ? t.askQty : t.bidQty, places.qty);
  const volume = paddedOnce(t.volume, places.qty);
  const quoteVolume = paddedOnce(t.quoteVolume, 2);
  if (t.market === 'perp') {
    return {
      symbol,
      priceChange,
      priceChangePercent: '0.000',
      weightedAvgPrice,
      prevClosePrice: last,
      lastPrice: last,
      lastQty,
      openPrice: last,
      highPrice: last,
      lowPrice: last,
      volume,
      quoteVolume,
      openTime,
      closeTime: t.timeMs,
      firstId: 0,
      lastId: 0,
      count: 0,
    };
  }
  return {
    symbol,
    priceChange,
    priceChangePercent: '0.000',
    weightedAvgPrice,
    prevClosePrice: last,
    lastPrice: last,
    lastQty,
    bidPrice: paddedOnce(t.bidPrice, places.price),
    bidQty: paddedOnce(t.bidQty, places.qty),
    askPrice: paddedOnce(t.askPrice, places.price),
    askQty: paddedOnce(t.askQty, places.qty),
    openPrice: last,
    highPrice: last,
    lowPrice: last,
    volume,
    quoteVolume,
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
    bidPrice: paddedOnce(b.bidPrice, places.price),
    bidQty: paddedOnce(b.bidQty, places.qty),
    askPrice: paddedOnce(b.askPrice, places.price),
    askQty: paddedOnce(b.askQty, places.qty),
    time: b.timeMs,
  };
  if (b.market === 'perp') body['lastUpdateId'] = b.updateId;
  return body;
}

export function priceTickerBody(symbol: string, price: Decimal, places: SymbolPlaces, timeMs: number): unknown {
  return { symbol, price: paddedOnce(price, places.price), time: timeMs };
}
