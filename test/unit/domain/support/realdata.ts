/**
 * Test-only readers of the real-data fixtures. They map the few wire fields a test needs onto domain
 * types; the venue's own parsers are tested elsewhere.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dec, ZERO } from '../../../../src/domain/decimal.ts';
import type { FundingRateRecord, SymbolFilters } from '../../../../src/domain/market.ts';

const REALDATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/realdata');

export function realdataText(relativePath: string): string {
  return readFileSync(resolve(REALDATA, relativePath), 'utf8');
}

export function realdataJson<T = unknown>(relativePath: string): T {
  return JSON.parse(realdataText(relativePath)) as T;
}

type RawFilter = Record<string, unknown> & { filterType: string };

function str(filter: RawFilter | undefined, key: string): string | undefined {
  const v = filter?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** SymbolFilters from one exchangeInfo `symbols[]` entry (MARKET_LOT_SIZE falling back to LOT_SIZE). */
export function filtersOf(symbol: { filters: RawFilter[] }): SymbolFilters {
  const find = (type: string) => symbol.filters.find((f) => f.filterType === type);
  const price = find('PRICE_FILTER');
  const lot = find('LOT_SIZE');
  const market = find('MARKET_LOT_SIZE') ?? lot;
  const minNotional = find('MIN_NOTIONAL');
  const maxNotional = find('MAX_NOTIONAL');
  const d = (v: string | undefined) => (v === undefined ? ZERO : dec(v));
  return {
    tickSize: d(str(price, 'tickSize')),
    minPrice: d(str(price, 'minPrice')),
    maxPrice: d(str(price, 'maxPrice')),
    stepSize: d(str(lot, 'stepSize')),
    minQty: d(str(lot, 'minQty')),
    maxQty: d(str(lot, 'maxQty')),
    marketStepSize: d(str(market, 'stepSize')),
    marketMinQty: d(str(market, 'minQty')),
    marketMaxQty: d(str(market, 'maxQty')),
    minNotional: d(str(minNotional, 'notional') ?? str(minNotional, 'minNotional')),
    maxNotional: d(str(maxNotional, 'maxNotional')),
  };
}

interface ExchangeInfoJson {
  symbols: Array<{ symbol: string; filters: RawFilter[]; baseAsset: string; quoteAsset: string; status: string }>;
}

/** The documented spot exchangeInfo example (BNBUSDT, MARKET_LOT_SIZE stepSize "0.00100000"). */
export function spotDocSymbol(): ExchangeInfoJson['symbols'][number] {
  const info = realdataJson<ExchangeInfoJson>('aster-docs-examples/spot-v3/GET__api_v3_exchangeInfo.json');
  const first = info.symbols[0];
  if (!first) throw new Error('spot exchangeInfo example has no symbol');
  return first;
}

/** The documented futures exchangeInfo example (DOGEUSDT, step 1, MIN_NOTIONAL `notional`). */
export function futuresDocSymbol(): ExchangeInfoJson['symbols'][number] {
  const info = realdataJson<ExchangeInfoJson>('aster-docs-examples/futures-v3/GET__fapi_v3_exchangeInfo.json');
  const first = info.symbols[0];
  if (!first) throw new Error('futures exchangeInfo example has no symbol');
  return first;
}

/** Real Aster BTCUSDT settlements (fundingTime with ms jitter), ascending. */
export function asterBtcFunding(): FundingRateRecord[] {
  const lines = realdataText('history/aster/aster_BTCUSDT_funding_2024-06_2026-06.csv').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [time, rate] = line.split(',');
    return { symbol: 'BTCUSDT', fundingTimeMs: Number(time), fundingRate: dec(rate as string) };
  });
}

/** Binance USD-M settlements of one symbol from the 95-symbol file (nine of them settle every 4 h). */
export function binanceFunding(symbol: string): FundingRateRecord[] {
  const lines = realdataText('history/binance-usdm/binance_usdm_95symbols_funding_2025-04_2025-09.csv')
    .trim()
    .split('\n')
    .slice(1);
  const out: FundingRateRecord[] = [];
  for (const line of lines) {
    const [sym, time, rate] = line.split(',');
    if (sym === symbol) out.push({ symbol, fundingTimeMs: Number(time), fundingRate: dec(rate as string) });
  }
  return out;
}
