import { describe, expect, it } from 'vitest';
import { InvalidDataError } from '../../../../../src/errors.ts';
import { parseSpotAccount } from '../../../../../src/venue/aster/schemas/account.ts';
import { parseIncomeList } from '../../../../../src/venue/aster/schemas/income.ts';
import { parseJsonText, quoteLongNumbers } from '../../../../../src/venue/aster/schemas/json-text.ts';
import { expectInvalid } from './expect-invalid.ts';

describe('parseJsonText keeps every digit', () => {
  it('leaves ordinary bodies untouched (the same string comes back, no copy)', () => {
    const text = '{"serverTime":1499827319559,"markPrice":"11793.63104562","caps":[0.03,-0.03]}';
    expect(quoteLongNumbers(text)).toBe(text);
    expect(parseJsonText(text, 'GET /fapi/v3/time')).toEqual({
      serverTime: 1499827319559,
      markPrice: '11793.63104562',
      caps: [0.03, -0.03],
    });
  });

  it('turns 16+ digit numbers into exact strings instead of rounded floats', () => {
    const body = parseJsonText('{"updateTime":1767810156430279925,"tranId":1759115482304540227}', 'x') as Record<
      string,
      unknown
    >;
    expect(body['updateTime']).toBe('1767810156430279925');
    expect(body['tranId']).toBe('1759115482304540227');
  });

  it('protects long decimals and negative numbers too, and leaves digits inside strings alone', () => {
    const text =
      '{"a":-0.12345678901234567,"b":"1234567890123456789","c":"x\\"1234567890123456789","d":[12345678901234567]}';
    expect(parseJsonText(text, 'x')).toEqual({
      a: '-0.12345678901234567',
      b: '1234567890123456789',
      c: 'x"1234567890123456789',
      d: ['12345678901234567'],
    });
  });

  it('lets the 19-digit nanosecond spot updateTime reach the parser exactly (live account shape)', () => {
    const text =
      '{"feeTier":"0","canTrade":true,"canDeposit":true,"canWithdraw":true,"canBurnAsset":true,' +
      '"updateTime":1767810156430279925,"balances":[{"asset":"USDT","free":"12.5","locked":"0"}]}';
    const account = parseSpotAccount(parseJsonText(text, 'GET /api/v3/account'));
    expect(account.updateTimeMs).toBe(1767810156430);
    expect(account.feeTier).toBe(0);
  });

  it('lets a 19-digit numeric tranId survive as an exact string id', () => {
    const text =
      '[{"symbol":"BTCUSDT","incomeType":"FUNDING_FEE","income":"0.51","asset":"USDT","info":"",' +
      '"time":1750176000000,"tranId":4480321991774044580,"tradeId":""}]';
    expect(parseIncomeList(parseJsonText(text, 'GET /fapi/v3/income'))[0]?.tranId).toBe('4480321991774044580');
  });
});

describe('parseJsonText rejects what is not JSON', () => {
  it('rejects a truncated body, naming the endpoint and showing the text', () => {
    const error = expectInvalid(
      () => parseJsonText('[{"symbol":"BTCUSDT","markPrice":"117', 'GET /fapi/v3/premiumIndex'),
      '(body)',
      '"[{\\"symbol\\":\\"BTCUSDT\\",\\"markPrice\\":\\"117"',
      'GET /fapi/v3/premiumIndex',
    );
    expect(error.message).toMatch(/not valid JSON/);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects an empty body', () => {
    const error = expectInvalid(() => parseJsonText('  \n', 'GET /api/v3/account'), '(body)');
    expect(error.message).toMatch(/empty response body/);
  });

  it('rejects an HTML error page and truncates it in the message', () => {
    const page = `<html><head><title>502 Bad Gateway</title></head><body>${'x'.repeat(500)}</body></html>`;
    const error = expectInvalid(() => parseJsonText(page, 'GET /fapi/v3/balance'), '(body)');
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain('502 Bad Gateway');
    expect(error.message).toContain('chars)');
    expect(error.message.length).toBeLessThan(400);
  });
});
