import { describe, expect, it } from 'vitest';
import { parseExchangeInfo } from '../../../../../src/venue/aster/schemas/exchange-info.ts';
import { clone, expectInvalid } from './expect-invalid.ts';
import { docsBody, netBody } from './fixtures.ts';

const PERP_SOURCE = 'GET /fapi/v3/exchangeInfo';
const SPOT_SOURCE = 'GET /api/v3/exchangeInfo';

type Row = Record<string, unknown> & { filters: Record<string, unknown>[] };
type Body = Record<string, unknown> & { symbols: Row[] };

const perpDocs = () => clone(docsBody('futures-v3/GET__fapi_v3_exchangeInfo.jsonc')) as Body;
const spotDocs = () => clone(docsBody('spot-v3/GET__api_v3_exchangeInfo.jsonc')) as Body;

function row(body: Body, index = 0): Row {
  const r = body.symbols[index];
  if (!r) throw new Error(`no symbol row ${index}`);
  return r;
}

function filter(body: Body, type: string): Record<string, unknown> {
  const f = row(body).filters.find((x) => x['filterType'] === type);
  if (!f) throw new Error(`no ${type} filter`);
  return f;
}

describe('futures exchangeInfo', () => {
  it('reads the documented DOGEUSDT contract with exact filters', () => {
    const info = parseExchangeInfo(perpDocs(), 'perp', PERP_SOURCE);
    expect(info.markets).toHaveLength(1);
    const doge = info.markets[0];
    expect(doge).toMatchObject({
      market: 'perp',
      symbol: 'DOGEUSDT',
      baseAsset: 'BLZ',
      quoteAsset: 'USDT',
      status: 'TRADING',
      contractType: 'PERPETUAL',
    });
    const f = doge?.filters;
    expect(f?.tickSize.toFixed()).toBe('0.0001');
    expect(f?.minPrice.toFixed()).toBe('0.0001');
    expect(f?.maxPrice.toFixed()).toBe('300');
    expect(f?.stepSize.toFixed()).toBe('1');
    expect(f?.minQty.toFixed()).toBe('1');
    expect(f?.maxQty.toFixed()).toBe('10000000');
    // Market orders follow MARKET_LOT_SIZE, whose maximum is far smaller than LOT_SIZE's.
    expect(f?.marketStepSize.toFixed()).toBe('1');
    expect(f?.marketMaxQty.toFixed()).toBe('590119');
    // Futures MIN_NOTIONAL spells the key `notional`.
    expect(f?.minNotional.toFixed()).toBe('1');
    expect(f?.maxNotional.isZero()).toBe(true);
  });

  it('reads the order types from `OrderType` (doc spelling) and from `orderTypes` (other captures)', () => {
    const docs = parseExchangeInfo(perpDocs(), 'perp', PERP_SOURCE);
    expect(docs.orderTypes.get('DOGEUSDT')).toContain('TRAILING_STOP_MARKET');
    const net = parseExchangeInfo(netBody('FuturesV3/ExchangeData/GetExchangeInfo.txt'), 'perp', PERP_SOURCE);
    expect(net.orderTypes.get('DOGEUSDT')).toEqual([
      'LIMIT',
      'MARKET',
      'STOP',
      'STOP_MARKET',
      'TAKE_PROFIT',
      'TAKE_PROFIT_MARKET',
      'TRAILING_STOP_MARKET',
    ]);
  });

  it('exposes the rate limits with their window length', () => {
    const info = parseExchangeInfo(perpDocs(), 'perp', PERP_SOURCE);
    expect(info.rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400, windowMs: 60_000 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200, windowMs: 60_000 },
    ]);
  });

  it('falls back to LOT_SIZE for market orders when MARKET_LOT_SIZE is absent', () => {
    const body = perpDocs();
    row(body).filters = row(body).filters.filter((f) => f['filterType'] !== 'MARKET_LOT_SIZE');
    const f = parseExchangeInfo(body, 'perp', PERP_SOURCE).markets[0]?.filters;
    expect(f?.marketStepSize.toFixed()).toBe('1');
    expect(f?.marketMinQty.toFixed()).toBe('1');
    expect(f?.marketMaxQty.toFixed()).toBe('10000000');
  });

  it('accepts `minNotional` in a futures MIN_NOTIONAL filter', () => {
    const body = perpDocs();
    const minNotional = filter(body, 'MIN_NOTIONAL');
    delete minNotional['notional'];
    minNotional['minNotional'] = '5';
    expect(parseExchangeInfo(body, 'perp', PERP_SOURCE).markets[0]?.filters.minNotional.toFixed()).toBe('5');
  });

  it('accepts a symbol without any notional filter (zero = no rule)', () => {
    const body = perpDocs();
    row(body).filters = row(body).filters.filter((f) => f['filterType'] !== 'MIN_NOTIONAL');
    expect(parseExchangeInfo(body, 'perp', PERP_SOURCE).markets[0]?.filters.minNotional.isZero()).toBe(true);
  });
});

describe('spot exchangeInfo', () => {
  it('reads BNBUSDT, combining MIN_NOTIONAL, NOTIONAL and MAX_NOTIONAL into the strictest bounds', () => {
    const info = parseExchangeInfo(spotDocs(), 'spot', SPOT_SOURCE);
    const bnb = info.markets[0];
    expect(bnb).toMatchObject({ market: 'spot', symbol: 'BNBUSDT', baseAsset: 'BNB', quoteAsset: 'USDT' });
    expect(bnb?.contractType).toBeUndefined();
    const f = bnb?.filters;
    expect(f?.tickSize.toFixed()).toBe('0.01');
    expect(f?.stepSize.toFixed()).toBe('0.001');
    expect(f?.minQty.toFixed()).toBe('1');
    expect(f?.marketMinQty.toFixed()).toBe('0.001');
    expect(f?.marketMaxQty.toFixed()).toBe('900000');
    expect(f?.minNotional.toFixed()).toBe('5');
    expect(f?.maxNotional.toFixed()).toBe('100');
    expect(info.orderTypes.get('BNBUSDT')).toContain('MARKET');
  });

  it('reads the spot rate limits including the 10-second order window', () => {
    const info = parseExchangeInfo(spotDocs(), 'spot', SPOT_SOURCE);
    expect(info.rateLimits.map((r) => [r.rateLimitType, r.limit, r.windowMs])).toEqual([
      ['REQUEST_WEIGHT', 6000, 60_000],
      ['ORDERS', 6000, 60_000],
      ['ORDERS', 300, 10_000],
    ]);
  });

  it('takes the stricter of two minimum notionals and the smaller of two maxima', () => {
    const body = spotDocs();
    filter(body, 'NOTIONAL')['minNotional'] = '10';
    filter(body, 'MAX_NOTIONAL')['maxNotional'] = '50';
    const f = parseExchangeInfo(body, 'spot', SPOT_SOURCE).markets[0]?.filters;
    expect(f?.minNotional.toFixed()).toBe('10');
    expect(f?.maxNotional.toFixed()).toBe('50');
  });
});

describe('malformed exchangeInfo is rejected with the field path', () => {
  /** LOT_SIZE is the second filter of the documented futures row. */
  const STEP = 'symbols[0].filters[1].stepSize';

  it('rejects a negative stepSize', () => {
    const body = perpDocs();
    filter(body, 'LOT_SIZE')['stepSize'] = '-1';
    const error = expectInvalid(() => parseExchangeInfo(body, 'perp', PERP_SOURCE), STEP, '"-1"', PERP_SOURCE);
    expect(error.message).toContain('must not be negative');
  });

  it.each([
    ['missing', undefined, 'nothing (field absent)'],
    ['empty string', '', '""'],
    ['NaN string', 'NaN', '"NaN"'],
    ['null', null, 'null'],
    ['wrong type', { value: 1 }, '{"value":1}'],
    ['boolean', true, 'true'],
  ])('rejects a %s stepSize', (_name, value, shown) => {
    const body = perpDocs();
    if (value === undefined) delete filter(body, 'LOT_SIZE')['stepSize'];
    else filter(body, 'LOT_SIZE')['stepSize'] = value;
    expectInvalid(() => parseExchangeInfo(body, 'perp', PERP_SOURCE), STEP, shown, PERP_SOURCE);
  });

  it('rejects a NaN number handed over by a caller that did not come through JSON', () => {
    const body = perpDocs();
    filter(body, 'PRICE_FILTER')['tickSize'] = Number.NaN;
    expectInvalid(() => parseExchangeInfo(body, 'perp', PERP_SOURCE), 'symbols[0].filters[0].tickSize', 'NaN');
  });

  it('rejects a MIN_NOTIONAL with neither `notional` nor `minNotional`', () => {
    const body = perpDocs();
    delete filter(body, 'MIN_NOTIONAL')['notional'];
    const error = expectInvalid(() => parseExchangeInfo(body, 'perp', PERP_SOURCE), 'symbols[0].filters[5]');
    expect(error.message).toContain('neither notional nor minNotional');
  });

  it('rejects a trading symbol without LOT_SIZE', () => {
    const body = perpDocs();
    row(body).filters = row(body).filters.filter((f) => f['filterType'] !== 'LOT_SIZE');
    const error = expectInvalid(() => parseExchangeInfo(body, 'perp', PERP_SOURCE), 'symbols[0].filters');
    expect(error.message).toContain('no LOT_SIZE filter');
  });

  it('rejects a minimum quantity above a positive maximum', () => {
    const body = spotDocs();
    filter(body, 'LOT_SIZE')['maxQty'] = '0.5';
    const error = expectInvalid(() => parseExchangeInfo(body, 'spot', SPOT_SOURCE), 'symbols[0].filters[1].minQty');
    expect(error.message).toContain('minQty is above maxQty');
  });

  it('rejects a minimum notional above the maximum notional', () => {
    const body = spotDocs();
    filter(body, 'MAX_NOTIONAL')['maxNotional'] = '2';
    expectInvalid(() => parseExchangeInfo(body, 'spot', SPOT_SOURCE), 'symbols[0].filters');
  });

  it('rejects a row without baseAsset and a body without symbols', () => {
    const body = perpDocs();
    delete row(body)['baseAsset'];
    expectInvalid(() => parseExchangeInfo(body, 'perp', PERP_SOURCE), 'symbols[0].baseAsset');
    expectInvalid(() => parseExchangeInfo({ rateLimits: [] }, 'perp', PERP_SOURCE), 'symbols');
  });

  it('rejects an unknown rate-limit interval (the throttle could not honour it)', () => {
    const body = perpDocs();
    (body['rateLimits'] as Record<string, unknown>[])[1] = { ...(body['rateLimits'] as object[])[1], interval: 'WEEK' };
    expectInvalid(() => parseExchangeInfo(body, 'perp', PERP_SOURCE), 'rateLimits[1].interval', '"WEEK"');
  });

  it('rejects a symbol listed twice', () => {
    const body = perpDocs();
    body.symbols.push(clone(row(body)));
    expectInvalid(() => parseExchangeInfo(body, 'perp', PERP_SOURCE), 'symbols[1].symbol', '"DOGEUSDT"');
  });
});

describe('non-trading symbols do not block the rest of the market list', () => {
  it('skips an invalid row whose status is not TRADING, and reports why', () => {
    const body = perpDocs();
    const settling = clone(row(body));
    settling['symbol'] = 'OLDUSDT';
    settling['status'] = 'SETTLING';
    settling['filters'] = [];
    body.symbols.unshift(settling);
    const info = parseExchangeInfo(body, 'perp', PERP_SOURCE);
    expect(info.markets.map((m) => m.symbol)).toEqual(['DOGEUSDT']);
    expect(info.skipped).toHaveLength(1);
    expect(info.skipped[0]).toMatchObject({ index: 0, symbol: 'OLDUSDT', status: 'SETTLING' });
    expect(info.skipped[0]?.reason).toContain('symbols[0].filters');
  });

  it('keeps a valid non-trading row (its status tells the strategy not to use it)', () => {
    const body = perpDocs();
    row(body)['status'] = 'PENDING_TRADING';
    const info = parseExchangeInfo(body, 'perp', PERP_SOURCE);
    expect(info.markets[0]?.status).toBe('PENDING_TRADING');
    expect(info.skipped).toEqual([]);
  });
});

describe('a full market list', () => {
  it('parses 200 symbols, each with its own filters', () => {
    const body = perpDocs();
    const template = row(body);
    body.symbols = Array.from({ length: 200 }, (_, i) => {
      const r = clone(template);
      r['symbol'] = `SYM${i}USDT`;
      r['baseAsset'] = `SYM${i}`;
      const lot = r.filters.find((f) => f['filterType'] === 'LOT_SIZE') as Record<string, unknown>;
      lot['stepSize'] = `0.${'0'.repeat(i % 8)}1`;
      return r;
    });
    const info = parseExchangeInfo(body, 'perp', PERP_SOURCE);
    expect(info.markets).toHaveLength(200);
    expect(info.markets[199]?.symbol).toBe('SYM199USDT');
    expect(info.markets[7]?.filters.stepSize.toFixed()).toBe('0.00000001');
    expect(info.markets[8]?.filters.stepSize.toFixed()).toBe('0.1');
  });
});
