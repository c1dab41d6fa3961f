import { describe, expect, it } from 'vitest';
import {
  parseCommissionRate,
  parsePerpAccount,
  parsePerpBalances,
  parsePositionRisk,
  parseSpotAccount,
} from '../../../../../src/venue/aster/schemas/account.ts';
import { parseJsonText } from '../../../../../src/venue/aster/schemas/json-text.ts';
import { clone, expectInvalid } from './expect-invalid.ts';
import { docsBody, netBody } from './fixtures.ts';

type Rec = Record<string, unknown>;

describe('futures balance', () => {
  it('reads the wallet balance from `balance` (V3 and V2 paths give the same body)', () => {
    const [usdt] = parsePerpBalances(docsBody('futures-v3/GET__fapi_v3_balance.jsonc'));
    expect(usdt?.asset).toBe('USDT');
    expect(usdt?.walletBalance.toFixed()).toBe('122607.35137903');
    expect(usdt?.crossWalletBalance.toFixed()).toBe('23.72469206');
    expect(usdt?.availableBalance.toFixed()).toBe('23.72469206');
    expect(usdt?.maxWithdrawAmount.toFixed()).toBe('23.72469206');
    expect(parsePerpBalances(docsBody('futures-v1/GET__fapi_v2_balance.jsonc'))).toEqual([usdt]);
  });

  it('accepts a negative cross wallet (after losses) but not a missing one', () => {
    const body = clone(netBody('FuturesV3/Account/GetBalances.txt')) as Rec[];
    (body[0] as Rec)['crossWalletBalance'] = '-3.5';
    expect(parsePerpBalances(body)[0]?.crossWalletBalance.toFixed()).toBe('-3.5');
    delete body[0]?.['balance'];
    expectInvalid(() => parsePerpBalances(body, 'GET /fapi/v3/balance'), '[0].balance', 'nothing (field absent)');
  });
});

describe('futures account', () => {
  it('reads totals, assets and positions (accountWithJoinMargin and v4/account)', () => {
    const account = parsePerpAccount(docsBody('futures-v3/GET__fapi_v3_accountWithJoinMargin.jsonc'));
    expect(account.feeTier).toBe(0);
    expect(account.canTrade).toBe(true);
    expect(account.totalWalletBalance.toFixed()).toBe('23.72469206');
    expect(account.assets.map((a) => [a.asset, a.walletBalance.toFixed()])).toEqual([
      ['USDT', '23.72469206'],
      ['BUSD', '103.12345678'],
    ]);
    expect(account.positions).toHaveLength(1);
    expect(account.positions[0]).toMatchObject({
      symbol: 'BTCUSDT',
      leverage: 100,
      marginType: 'isolated',
      positionSide: 'BOTH',
    });
    expect(account.positions[0]?.positionAmt.isZero()).toBe(true);
    expect(parsePerpAccount(docsBody('futures-v1/GET__fapi_v4_account.jsonc'))).toEqual(account);
    expect(parsePerpAccount(netBody('FuturesV3/Account/GetAccountInfo.txt'))).toEqual(account);
  });

  it('rejects a position with a non-numeric amount', () => {
    const body = clone(netBody('FuturesV3/Account/GetAccountInfo.txt')) as Rec & { positions: Rec[] };
    (body.positions[0] as Rec)['positionAmt'] = 'abc';
    expectInvalid(() => parsePerpAccount(body, 'GET /fapi/v4/account'), 'positions[0].positionAmt', '"abc"');
  });
});

describe('positionRisk', () => {
  it('reads hedge-mode rows, signed amounts and derives the notional when the row lacks it', () => {
    const [long, short] = parsePositionRisk(docsBody('futures-v3/GET__fapi_v3_positionRisk__1.jsonc'));
    expect(long).toMatchObject({ symbol: 'BTCUSDT', positionSide: 'LONG', marginType: 'isolated', leverage: 10 });
    expect(long?.positionAmt.toFixed()).toBe('20');
    expect(long?.entryPrice.toFixed()).toBe('6563.665');
    expect(long?.liquidationPrice.toFixed()).toBe('5930.78');
    expect(long?.unrealizedProfit.toFixed()).toBe('2316.8342356');
    expect(long?.notional.toFixed()).toBe('133590.1342356');
    expect(short?.positionAmt.toFixed()).toBe('-10');
    expect(short?.notional.toFixed()).toBe('-66795.0671178');
    expect(short?.updateTimeMs).toBe(0);
  });

  it('uses the live `notional` when present and reads "cross" margin', () => {
    const body = clone(docsBody('futures-v3/GET__fapi_v3_positionRisk.jsonc')) as Rec[];
    Object.assign(body[0] as Rec, { marginType: 'cross', positionAmt: '-0.010', notional: '-66.79', leverage: '3' });
    const [p] = parsePositionRisk(body);
    expect(p?.marginType).toBe('cross');
    expect(p?.leverage).toBe(3);
    expect(p?.notional.toFixed()).toBe('-66.79');
    expect(p?.liquidationPrice.isZero()).toBe(true);
  });

  it.each([
    ['positionSide', 'BOTHWAYS', '"BOTHWAYS"'],
    ['leverage', '2.5', '"2.5"'],
    ['markPrice', '-1', '"-1"'],
    ['marginType', 'portfolio', '"portfolio"'],
    ['entryPrice', '', '""'],
  ])('rejects a bad %s', (key, value, shown) => {
    const body = clone(docsBody('futures-v3/GET__fapi_v3_positionRisk.jsonc')) as Rec[];
    (body[0] as Rec)[key] = value;
    expectInvalid(() => parsePositionRisk(body, 'GET /fapi/v3/positionRisk'), `[0].${key}`, shown);
  });
});

describe('spot account', () => {
  it('reads free and locked balances', () => {
    const account = parseSpotAccount(docsBody('spot-v3/GET__api_v3_account.jsonc'));
    expect(account.balances.map((b) => [b.asset, b.free.toFixed(), b.locked.toFixed()])).toEqual([
      ['BTC', '4723846.89208129', '0'],
      ['LTC', '4763368.68006011', '0'],
    ]);
    expect(account.updateTimeMs).toBe(0);
    expect(parseSpotAccount(netBody('SpotV3/Account/GetAccountInfo.txt'))).toEqual(account);
  });

  it('reads the live shape: feeTier as a string, 19-digit nanosecond updateTime', () => {
    const text =
      '{"feeTier":"0","canTrade":true,"canDeposit":true,"canWithdraw":true,"canBurnAsset":true,' +
      '"updateTime":"1767810156430279925","balances":[{"asset":"USDT","free":"5.00000000","locked":"1.5"}]}';
    const account = parseSpotAccount(parseJsonText(text, 'GET /api/v3/account'));
    expect(account.feeTier).toBe(0);
    expect(account.updateTimeMs).toBe(1767810156430);
    expect(account.balances[0]?.locked.toFixed()).toBe('1.5');
  });

  it('rejects a negative free balance', () => {
    const body = clone(docsBody('spot-v3/GET__api_v3_account.jsonc')) as Rec & { balances: Rec[] };
    (body.balances[1] as Rec)['free'] = '-1';
    expectInvalid(
      () => parseSpotAccount(body, 'GET /api/v3/account'),
      'balances[1].free',
      '"-1"',
      'GET /api/v3/account',
    );
  });
});

describe('commissionRate', () => {
  it('reads both markets', () => {
    const perp = parseCommissionRate(docsBody('futures-v3/GET__fapi_v3_commissionRate.jsonc'));
    expect([perp.symbol, perp.maker.toFixed(), perp.taker.toFixed()]).toEqual(['BTCUSDT', '0.0002', '0.0004']);
    const spot = parseCommissionRate(docsBody('spot-v3/GET__api_v3_commissionRate.jsonc'));
    expect([spot.symbol, spot.maker.toFixed(), spot.taker.toFixed()]).toEqual(['APXUSDT', '0.0002', '0.0007']);
  });

  it('accepts a maker rebate but not a negative taker rate', () => {
    const rebate = parseCommissionRate({
      symbol: 'BTCUSDT',
      makerCommissionRate: '-0.0001',
      takerCommissionRate: '0.00025',
    });
    expect(rebate.maker.toFixed()).toBe('-0.0001');
    expectInvalid(
      () => parseCommissionRate({ symbol: 'BTCUSDT', makerCommissionRate: '0', takerCommissionRate: '-0.1' }),
      'takerCommissionRate',
      '"-0.1"',
    );
  });
});
