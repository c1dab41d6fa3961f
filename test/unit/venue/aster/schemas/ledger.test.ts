import { describe, expect, it } from 'vitest';
import { parseIncomeList } from '../../../../../src/venue/aster/schemas/income.ts';
import { parseUserTrades } from '../../../../../src/venue/aster/schemas/user-trades.ts';
import { clone, expectInvalid } from './expect-invalid.ts';
import { docsBody, netBody } from './fixtures.ts';

type Rec = Record<string, unknown>;

describe('income', () => {
  it('reads signed amounts, string ids and the "" placeholders', () => {
    const [transfer, commission] = parseIncomeList(docsBody('futures-v3/GET__fapi_v3_income.jsonc'));
    expect(transfer).toMatchObject({
      symbol: '',
      incomeType: 'TRANSFER',
      asset: 'USDT',
      tranId: '9689322392',
      tradeId: '',
    });
    expect(transfer?.income.toFixed()).toBe('-0.375');
    expect(transfer?.timeMs).toBe(1570608000000);
    expect(commission).toMatchObject({ symbol: 'BTCUSDT', incomeType: 'COMMISSION', tradeId: '2059192' });
    expect(parseIncomeList(netBody('FuturesV3/Account/GetIncomeHistory.txt'))).toEqual([transfer, commission]);
  });

  it('accepts a numeric tranId and an absent tradeId', () => {
    const [r] = parseIncomeList([
      {
        symbol: 'ZORAUSDT',
        incomeType: 'FUNDING_FEE',
        income: '0.0123',
        asset: 'USDT',
        time: 1750176000000,
        tranId: 131001573082,
      },
    ]);
    expect(r?.tranId).toBe('131001573082');
    expect(r?.tradeId).toBe('');
    expect(r?.income.toFixed()).toBe('0.0123');
  });

  it.each([
    ['income', '', '""'],
    ['income', undefined, 'nothing (field absent)'],
    ['tranId', '', '""'],
    ['incomeType', '', '""'],
    ['time', 'yesterday', '"yesterday"'],
  ])('rejects a bad %s (%s)', (key, value, shown) => {
    const body = clone(docsBody('futures-v3/GET__fapi_v3_income.jsonc')) as Rec[];
    if (value === undefined) delete body[1]?.[key];
    else (body[1] as Rec)[key] = value;
    expectInvalid(() => parseIncomeList(body, 'GET /fapi/v3/income'), `[1].${key}`, shown, 'GET /fapi/v3/income');
  });
});

describe('userTrades', () => {
  it('reads futures fills and keeps the fee positive even though the docs show it negative', () => {
    const [t] = parseUserTrades(docsBody('futures-v3/GET__fapi_v3_userTrades.jsonc'), 'perp');
    expect(t).toMatchObject({ market: 'perp', symbol: 'BTCUSDT', id: '698759', orderId: '25851813', side: 'SELL' });
    expect(t?.commission.toFixed()).toBe('0.0781901');
    expect(t?.commissionAsset).toBe('USDT');
    expect(t?.price.toFixed()).toBe('7819.01');
    expect(t?.qty.toFixed()).toBe('0.002');
    expect(t?.quoteQty.toFixed()).toBe('15.63802');
    expect(t?.realizedPnl.toFixed()).toBe('-0.91539999');
    expect(t?.maker).toBe(false);
    expect(t?.timeMs).toBe(1569514978020);
  });

  it('reads spot fills: commission in the base asset, no realised PnL', () => {
    const [t] = parseUserTrades(netBody('SpotV3/Trading/GetUserTrades.txt'), 'spot');
    expect(t).toMatchObject({ market: 'spot', symbol: 'BNBUSDT', id: '1002', orderId: '266358', side: 'BUY' });
    expect(t?.commission.toFixed()).toBe('0.00105');
    expect(t?.commissionAsset).toBe('BNB');
    expect(t?.realizedPnl.isZero()).toBe(true);
  });

  it('derives the side from `buyer` and the quote quantity from price × qty when they are missing', () => {
    const body = clone(docsBody('spot-v3/GET__api_v3_userTrades.jsonc')) as Rec[];
    delete body[0]?.['side'];
    delete body[0]?.['quoteQty'];
    Object.assign(body[0] as Rec, { price: '1.25', qty: '2' });
    const [t] = parseUserTrades(body, 'spot');
    expect(t?.side).toBe('BUY');
    expect(t?.quoteQty.toFixed()).toBe('2.5');
    delete body[0]?.['buyer'];
    expectInvalid(() => parseUserTrades(body, 'spot'), '[0].side', 'nothing (field absent)');
  });

  it.each([
    ['price', '0', '"0"'],
    ['qty', '-2', '"-2"'],
    ['commission', 'x', '"x"'],
    ['id', null, 'null'],
    ['maker', 'maybe', '"maybe"'],
  ])('rejects a bad %s', (key, value, shown) => {
    const body = clone(docsBody('futures-v3/GET__fapi_v3_userTrades.jsonc')) as Rec[];
    (body[0] as Rec)[key] = value;
    expectInvalid(() => parseUserTrades(body, 'perp', 'GET /fapi/v3/userTrades'), `[0].${key}`, shown);
  });
});
