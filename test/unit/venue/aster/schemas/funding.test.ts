import { describe, expect, it } from 'vitest';
import {
  parseFundingInfoList,
  parseFundingRateHistory,
  parsePremiumIndex,
  parsePremiumIndexList,
} from '../../../../../src/venue/aster/schemas/funding.ts';
import { parseJsonText } from '../../../../../src/venue/aster/schemas/json-text.ts';
import { clone, expectInvalid } from './expect-invalid.ts';
import { docsBody, netBody } from './fixtures.ts';

type Rec = Record<string, unknown>;

describe('premiumIndex', () => {
  it('reads the single-symbol answer', () => {
    const p = parsePremiumIndex(docsBody('futures-v3/GET__fapi_v3_premiumIndex.jsonc'));
    expect(p.symbol).toBe('BTCUSDT');
    expect(p.markPrice.toFixed()).toBe('11793.63104562');
    expect(p.indexPrice.toFixed()).toBe('11781.8049597');
    expect(p.lastFundingRate.toFixed()).toBe('0.00038246');
    expect(p.nextFundingTimeMs).toBe(1597392000000);
    expect(p.timeMs).toBe(1597370495002);
  });

  it('reads the all-symbols array the same way', () => {
    const list = parsePremiumIndexList(netBody('FuturesV3/ExchangeData/GetMarkPrices.txt'));
    expect(list).toHaveLength(1);
    expect(list[0]).toEqual(parsePremiumIndex(netBody('FuturesV3/ExchangeData/GetMarkPrice.txt')));
  });

  it('refuses to read an array as one symbol and one object as the list', () => {
    const single = docsBody('futures-v3/GET__fapi_v3_premiumIndex.jsonc');
    const list = docsBody('futures-v3/GET__fapi_v3_premiumIndex__1.jsonc');
    expectInvalid(() => parsePremiumIndex(list), '(body)');
    expectInvalid(() => parsePremiumIndexList(single), '(body)');
  });

  it.each([
    ['an empty markPrice', 'markPrice', '', '""'],
    ['a negative markPrice', 'markPrice', '-1', '"-1"'],
    ['a non-numeric funding rate', 'lastFundingRate', 'n/a', '"n/a"'],
    ['a null funding rate', 'lastFundingRate', null, 'null'],
    ['a missing nextFundingTime', 'nextFundingTime', undefined, 'nothing (field absent)'],
  ])('rejects %s, naming the row', (_name, key, value, shown) => {
    const body = clone(docsBody('futures-v3/GET__fapi_v3_premiumIndex__1.jsonc')) as Rec[];
    const rows = [clone(body[0] as Rec), { ...(body[0] as Rec), symbol: 'ETHUSDT' }];
    if (value === undefined) delete rows[1]?.[key];
    else (rows[1] as Rec)[key] = value;
    expectInvalid(
      () => parsePremiumIndexList(rows, 'GET /fapi/v3/premiumIndex'),
      `[1].${key}`,
      shown,
      'GET /fapi/v3/premiumIndex',
    );
  });
});

describe('fundingInfo', () => {
  it('reads intervals and caps per symbol (ZORAUSDT settles every 4 hours)', () => {
    const list = parseFundingInfoList(docsBody('futures-v3/GET__fapi_v3_fundingInfo.jsonc'));
    const bySymbol = new Map(list.map((f) => [f.symbol, f]));
    expect(bySymbol.get('INJUSDT')?.fundingIntervalHours).toBe(8);
    expect(bySymbol.get('INJUSDT')?.fundingFeeCap?.toFixed()).toBe('0.03');
    expect(bySymbol.get('INJUSDT')?.fundingFeeFloor?.toFixed()).toBe('-0.03');
    expect(bySymbol.get('ZORAUSDT')?.fundingIntervalHours).toBe(4);
    expect(bySymbol.get('ZORAUSDT')?.fundingFeeCap?.toFixed()).toBe('0.02');
    expect(bySymbol.get('ZORAUSDT')?.fundingFeeFloor?.toFixed()).toBe('-0.02');
  });

  it('reads null caps (live BTCUSDT has none) and treats absent caps the same way', () => {
    const text =
      '[{"symbol":"BTCUSDT","interestRate":"0.00010000","time":1756197479000,"fundingIntervalHours":8,' +
      '"fundingFeeCap":null,"fundingFeeFloor":null},{"symbol":"ETHUSDT","fundingIntervalHours":"8"}]';
    const [btc, eth] = parseFundingInfoList(parseJsonText(text, 'GET /fapi/v3/fundingInfo'));
    expect(btc).toEqual({ symbol: 'BTCUSDT', fundingIntervalHours: 8, fundingFeeCap: null, fundingFeeFloor: null });
    expect(eth).toEqual({ symbol: 'ETHUSDT', fundingIntervalHours: 8, fundingFeeCap: null, fundingFeeFloor: null });
  });

  it.each([
    ['a zero interval', 'fundingIntervalHours', 0, '0'],
    ['a fractional interval', 'fundingIntervalHours', 7.5, '7.5'],
    ['a missing interval', 'fundingIntervalHours', undefined, 'nothing (field absent)'],
    ['a non-numeric cap', 'fundingFeeCap', 'none', '"none"'],
    ['an empty cap', 'fundingFeeFloor', '', '""'],
  ])('rejects %s', (_name, key, value, shown) => {
    const body = clone(docsBody('futures-v3/GET__fapi_v3_fundingInfo.jsonc')) as Rec[];
    if (value === undefined) delete body[1]?.[key];
    else (body[1] as Rec)[key] = value;
    expectInvalid(() => parseFundingInfoList(body), `[1].${key}`, shown);
  });
});

describe('fundingRate history', () => {
  it('reads settled rates, negative ones included, ascending by time', () => {
    const body = clone(docsBody('futures-v3/GET__fapi_v3_fundingRate.jsonc')) as Rec[];
    const history = parseFundingRateHistory(body.reverse());
    expect(history.map((h) => [h.fundingTimeMs, h.fundingRate.toFixed()])).toEqual([
      [1570608000000, '-0.0375'],
      [1570636800000, '0.0001'],
    ]);
    expect(history[0]?.symbol).toBe('BTCUSDT');
  });

  it('keeps the millisecond jitter of real settlement times', () => {
    const [h] = parseFundingRateHistory([{ symbol: 'BTCUSDT', fundingRate: '0.0001', fundingTime: '1717228800008' }]);
    expect(h?.fundingTimeMs).toBe(1717228800008);
  });

  it('rejects a row without a rate', () => {
    expectInvalid(
      () => parseFundingRateHistory([{ symbol: 'BTCUSDT', fundingTime: 1570608000000 }], 'GET /fapi/v1/fundingRate'),
      '[0].fundingRate',
      'nothing (field absent)',
      'GET /fapi/v1/fundingRate',
    );
  });
});
