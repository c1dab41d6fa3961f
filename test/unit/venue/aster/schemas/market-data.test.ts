import { describe, expect, it } from 'vitest';
import {
  parseBookTicker,
  parseBookTickerList,
  parseDepth,
  parseServerTime,
  parseSpotTicker24h,
  parseSpotTicker24hList,
  parseTicker24h,
  parseTicker24hList,
} from '../../../../../src/venue/aster/schemas/market-data.ts';
import { clone, expectInvalid } from './expect-invalid.ts';
import { docsBody, netBody } from './fixtures.ts';

type Rec = Record<string, unknown>;

describe('server time', () => {
  it('reads the number and the string form', () => {
    expect(parseServerTime(docsBody('futures-v3/GET__fapi_v3_time.jsonc'))).toBe(1499827319559);
    expect(parseServerTime({ serverTime: '1779359311580' })).toBe(1779359311580);
  });

  it('rejects a missing or negative time', () => {
    expectInvalid(() => parseServerTime({}, 'GET /api/v3/time'), 'serverTime', 'nothing (field absent)');
    expectInvalid(() => parseServerTime({ serverTime: -5 }), 'serverTime', '-5');
  });
});

describe('24 h tickers', () => {
  it('reads the futures quote volume (single and list)', () => {
    expect(parseTicker24h(docsBody('futures-v3/GET__fapi_v3_ticker_24hr.jsonc'))).toEqual(
      parseTicker24hList(docsBody('futures-v3/GET__fapi_v3_ticker_24hr__1.jsonc'))[0],
    );
    const t = parseTicker24h(netBody('FuturesV3/ExchangeData/GetTicker.txt'));
    expect(t.symbol).toBe('BTCUSDT');
    expect(t.quoteVolume.toFixed()).toBe('15.3');
  });

  it('reads the best bid and ask that the spot ticker carries', () => {
    const t = parseSpotTicker24h(docsBody('spot-v3/GET__api_v3_ticker_24hr.jsonc'));
    expect(t.quoteVolume.toFixed()).toBe('15.3');
    expect(t.book?.bidPrice.toFixed()).toBe('866.66');
    expect(t.book?.bidQty.toFixed()).toBe('72.051');
    expect(t.book?.askPrice.toFixed()).toBe('866.73');
    expect(t.book?.askQty.toFixed()).toBe('1.217');
    expect(t.book?.symbol).toBe('BTCUSDT');
  });

  it('gives a null book when the spot row has no bid/ask, but rejects a half-present book', () => {
    const body = clone(docsBody('spot-v3/GET__api_v3_ticker_24hr.jsonc')) as Rec;
    for (const k of ['bidPrice', 'bidQty', 'askPrice', 'askQty']) delete body[k];
    expect(parseSpotTicker24hList([body])[0]?.book).toBeNull();
    body['bidPrice'] = '866.66';
    expectInvalid(() => parseSpotTicker24hList([body]), '[0].bidQty', 'nothing (field absent)');
  });

  it.each([
    ['missing', undefined, 'nothing (field absent)'],
    ['empty', '', '""'],
    ['negative', '-15.3', '"-15.3"'],
  ])('rejects a %s quoteVolume', (_name, value, shown) => {
    const body = clone(docsBody('futures-v3/GET__fapi_v3_ticker_24hr__1.jsonc')) as Rec[];
    if (value === undefined) delete body[0]?.['quoteVolume'];
    else (body[0] as Rec)['quoteVolume'] = value;
    expectInvalid(() => parseTicker24hList(body, 'GET /fapi/v3/ticker/24hr'), '[0].quoteVolume', shown);
  });
});

describe('bookTicker', () => {
  it('reads both markets, single and list', () => {
    const perp = parseBookTicker(docsBody('futures-v3/GET__fapi_v3_ticker_bookTicker.jsonc'));
    expect(perp.bidPrice.toFixed()).toBe('4');
    expect(perp.askPrice.toFixed()).toBe('4.000002');
    expect(perp.askQty.toFixed()).toBe('9');
    const spot = parseBookTickerList(docsBody('spot-v3/GET__api_v3_ticker_bookTicker__1.jsonc'));
    expect(spot[0]?.symbol).toBe('LTCBTC');
    expect(spot[0]?.bidQty.toFixed()).toBe('431');
  });

  it('rejects a book with a missing ask', () => {
    const body = clone(docsBody('futures-v3/GET__fapi_v3_ticker_bookTicker.jsonc')) as Rec;
    delete body['askPrice'];
    expectInvalid(() => parseBookTicker(body, 'GET /fapi/v3/ticker/bookTicker'), 'askPrice');
  });
});

describe('depth', () => {
  it('reads levels as exact decimals with both timestamps', () => {
    const d = parseDepth(docsBody('futures-v3/GET__fapi_v3_depth.jsonc'));
    expect(d.lastUpdateId).toBe(1027024);
    expect(d.eventTimeMs).toBe(1589436922972);
    expect(d.transactionTimeMs).toBe(1589436922959);
    expect(d.bids.map((l) => [l.price.toFixed(), l.qty.toFixed()])).toEqual([['4', '431']]);
    expect(d.asks.map((l) => [l.price.toFixed(), l.qty.toFixed()])).toEqual([['4.000002', '12']]);
  });

  it('rejects a level with one number or a bad quantity', () => {
    const body = clone(docsBody('spot-v3/GET__api_v3_depth.jsonc')) as Rec;
    body['asks'] = [['4.000002']];
    expectInvalid(() => parseDepth(body), 'asks[0][1]', 'nothing (field absent)');
    body['asks'] = [['4.000002', 'x']];
    expectInvalid(() => parseDepth(body), 'asks[0][1]', '"x"');
  });
});
