import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../../../../src/venue/aster/schemas/json-text.ts';
import { parseOrder, parseOrderList } from '../../../../../src/venue/aster/schemas/orders.ts';
import { clone, expectInvalid } from './expect-invalid.ts';
import { docsBody, netBody } from './fixtures.ts';

type Rec = Record<string, unknown>;

describe('futures orders', () => {
  it('reads a new-order answer; the numeric orderId becomes a string', () => {
    const o = parseOrder(docsBody('futures-v3/POST__fapi_v3_order.jsonc'), 'perp');
    expect(o).toMatchObject({
      market: 'perp',
      symbol: 'BTCUSDT',
      orderId: '22542179',
      clientOrderId: 'testOrder',
      side: 'BUY',
      type: 'TRAILING_STOP_MARKET',
      status: 'NEW',
      reduceOnly: false,
      updateTimeMs: 1566818724722,
    });
    expect(o.origQty.toFixed()).toBe('10');
    expect(o.executedQty.isZero()).toBe(true);
    expect(o.avgPrice.isZero()).toBe(true);
    expect(o.stopPrice.toFixed()).toBe('9300');
  });

  it('reads a cancel answer, which has no avgPrice', () => {
    const o = parseOrder(netBody('FuturesV3/Trading/CancelOrder.txt'), 'perp');
    expect(o.status).toBe('CANCELED');
    expect(o.orderId).toBe('283194212');
    expect(o.avgPrice.isZero()).toBe(true);
  });

  it('reads a filled market order (RESULT answer) with its average and quote filled', () => {
    const body = {
      ...(clone(docsBody('futures-v3/POST__fapi_v3_order.jsonc')) as Rec),
      type: 'MARKET',
      origType: 'MARKET',
      status: 'FILLED',
      side: 'SELL',
      positionSide: 'BOTH',
      origQty: '0.010',
      executedQty: '0.010',
      cumQty: '0.010',
      cumQuote: '1179.36310',
      avgPrice: '117936.31000',
      reduceOnly: true,
      newChainData: { hash: '0xabc' },
    };
    const o = parseOrder(body, 'perp');
    expect(o.executedQty.toFixed()).toBe('0.01');
    expect(o.avgPrice.toFixed()).toBe('117936.31');
    expect(o.cumQuote.toFixed()).toBe('1179.3631');
    expect(o.reduceOnly).toBe(true);
  });

  it('derives the average from cumQuote / executedQty when the answer leaves it out', () => {
    const body = clone(netBody('FuturesV3/Trading/CancelOrder.txt')) as Rec;
    Object.assign(body, { executedQty: '3', cumQuote: '30.3', status: 'PARTIALLY_FILLED' });
    expect(parseOrder(body, 'perp').avgPrice.toFixed()).toBe('10.1');
  });

  it('reads open orders as a list', () => {
    const list = parseOrderList(docsBody('futures-v3/GET__fapi_v3_openOrders.jsonc'), 'perp');
    expect(list.map((o) => [o.orderId, o.clientOrderId, o.origQty.toFixed(), o.updateTimeMs])).toEqual([
      ['1917641', 'abc', '0.4', 1579276756075],
    ]);
  });
});

describe('spot orders', () => {
  it('reads the live shape: string orderId, MARKET BUY still NEW with nothing filled', () => {
    const text =
      '{"orderId":"456720177","symbol":"ETHUSDT","status":"NEW","clientOrderId":"dn-open-1-spot","price":"0",' +
      '"avgPrice":"0.00000000","origQty":"0.0050","executedQty":"0","cumQty":"0","cumQuote":"0",' +
      '"timeInForce":"GTC","type":"MARKET","side":"BUY","stopPrice":"0","origType":"MARKET",' +
      '"updateTime":"1767810156430","orderListId":"-1"}';
    const o = parseOrder(parseJsonText(text, 'POST /api/v3/order'), 'spot');
    expect(o).toMatchObject({ market: 'spot', orderId: '456720177', status: 'NEW', reduceOnly: false });
    expect(o.origQty.toFixed()).toBe('0.005');
    expect(o.updateTimeMs).toBe(1767810156430);
  });

  it('derives the average price of a FILLED order whose avgPrice is reported as 0', () => {
    const o = parseOrder(docsBody('spot-v3/POST__api_v3_order.jsonc'), 'spot');
    expect(o.status).toBe('FILLED');
    expect(o.executedQty.toFixed()).toBe('10');
    expect(o.cumQuote.toFixed()).toBe('10');
    expect(o.avgPrice.toFixed()).toBe('1');
  });

  it('keeps a reported average', () => {
    const o = parseOrder(docsBody('spot-v3/GET__api_v3_order.jsonc'), 'spot');
    expect(o.avgPrice.toFixed()).toBe('12');
    expect(o.updateTimeMs).toBe(1649913186297);
  });

  it('falls back to `time` when `updateTime` is missing, and rejects an order with neither', () => {
    const body = clone(docsBody('spot-v3/GET__api_v3_order.jsonc')) as Rec;
    delete body['updateTime'];
    expect(parseOrder(body, 'spot').updateTimeMs).toBe(1649913186270);
    delete body['time'];
    expectInvalid(() => parseOrder(body, 'spot', 'GET /api/v3/order'), 'updateTime', 'nothing (field absent)');
  });

  it('reads open orders (docs block with non-breaking spaces and a trailing comma)', () => {
    const [o] = parseOrderList(docsBody('spot-v3/GET__api_v3_openOrders.jsonc'), 'spot');
    expect(o?.orderId).toBe('349661');
    expect(o?.origQty.toFixed()).toBe('5');
    expect(o?.stopPrice.isZero()).toBe(true);
  });
});

describe('malformed orders', () => {
  it.each([
    ['executedQty', undefined, 'nothing (field absent)'],
    ['executedQty', '', '""'],
    ['origQty', '-1', '"-1"'],
    ['cumQuote', 'NaN', '"NaN"'],
    ['side', 'SHORT', '"SHORT"'],
    ['orderId', 1.5, '1.5'],
    ['clientOrderId', '', '""'],
    ['status', null, 'null'],
  ])('rejects a bad %s (%s)', (key, value, shown) => {
    const body = clone(docsBody('futures-v3/GET__fapi_v3_order.jsonc')) as Rec;
    if (value === undefined) delete body[key];
    else body[key] = value;
    expectInvalid(() => parseOrder(body, 'perp', 'GET /fapi/v3/order'), key, shown, 'GET /fapi/v3/order');
  });

  it('rejects an orderId that JSON.parse already rounded', () => {
    const body = { ...(clone(docsBody('futures-v3/GET__fapi_v3_order.jsonc')) as Rec), orderId: 2 ** 60 };
    const error = expectInvalid(() => parseOrder(body, 'perp'), 'orderId');
    expect(error.message).toContain('lost precision');
  });

  it('rejects a list that is an object', () => {
    expectInvalid(() => parseOrderList(docsBody('futures-v3/GET__fapi_v3_order.jsonc'), 'perp'), '(body)');
  });
});
