import { describe, expect, it } from 'vitest';
import {
  parseLeverageResult,
  parsePositionMode,
  parseSuccessAck,
} from '../../../../../src/venue/aster/schemas/account-config.ts';
import { parseEmptyAck, parseListenKey } from '../../../../../src/venue/aster/schemas/listen-key.ts';
import { parseTransferResult } from '../../../../../src/venue/aster/schemas/transfer.ts';
import { expectInvalid } from './expect-invalid.ts';
import { docsBody, netBody } from './fixtures.ts';

describe('leverage', () => {
  it('reads the leverage the exchange set', () => {
    const r = parseLeverageResult(docsBody('futures-v3/POST__fapi_v3_leverage.jsonc'));
    expect(r.symbol).toBe('BTCUSDT');
    expect(r.leverage).toBe(21);
    expect(r.maxNotionalValue?.toFixed()).toBe('1000000');
  });

  it('rejects a zero or missing leverage', () => {
    expectInvalid(() => parseLeverageResult({ symbol: 'BTCUSDT', leverage: 0 }), 'leverage', '0');
    expectInvalid(() => parseLeverageResult({ symbol: 'BTCUSDT' }), 'leverage', 'nothing (field absent)');
  });
});

describe('{code, msg} acknowledgements', () => {
  it('accepts code 200 as a number (marginType, positionSide/dual) and as a string (allOpenOrders)', () => {
    expect(parseSuccessAck(docsBody('futures-v3/POST__fapi_v3_marginType.jsonc'))).toBe('success');
    expect(parseSuccessAck(docsBody('futures-v3/POST__fapi_v3_positionSide_dual.jsonc'))).toBe('success');
    expect(parseSuccessAck(docsBody('futures-v3/DELETE__fapi_v3_allOpenOrders.jsonc'))).toBe(
      'The operation of cancel all open order is done.',
    );
    expect(parseSuccessAck(netBody('SpotV3/Trading/CancelAllOrders.txt'))).toBe(
      'The operation of cancel all open order is done.',
    );
  });

  it('rejects an error code or a body without a code', () => {
    expectInvalid(
      () => parseSuccessAck({ code: -4046, msg: 'No need to change margin type.' }, 'POST /fapi/v3/marginType'),
      'code',
      '-4046',
      'POST /fapi/v3/marginType',
    );
    expectInvalid(() => parseSuccessAck({ code: '-2011', msg: 'Unknown order sent.' }), 'code', '"-2011"');
    expectInvalid(() => parseSuccessAck({ msg: 'success' }), 'code', 'nothing (field absent)');
  });
});

describe('position mode', () => {
  it('reads hedge mode as true and one-way as false, in either boolean form', () => {
    expect(parsePositionMode(docsBody('futures-v3/GET__fapi_v3_positionSide_dual.jsonc'))).toBe(true);
    expect(parsePositionMode({ dualSidePosition: 'false' })).toBe(false);
    expectInvalid(() => parsePositionMode({ dualSidePosition: 0 }), 'dualSidePosition', '0');
  });
});

describe('transfer', () => {
  it('reads the transfer id as a string on both hosts', () => {
    expect(parseTransferResult(docsBody('futures-v3/POST__fapi_v3_asset_wallet_transfer.jsonc'))).toEqual({
      tranId: '21841',
      status: 'SUCCESS',
    });
    expect(parseTransferResult(netBody('SpotV3/Account/Transfer.txt'))).toEqual({ tranId: '21841', status: 'SUCCESS' });
  });

  it('rejects an answer without a transfer id', () => {
    expectInvalid(() => parseTransferResult({ status: 'SUCCESS' }), 'tranId', 'nothing (field absent)');
  });
});

describe('listen keys', () => {
  it('reads the key and accepts the empty keep-alive answer', () => {
    expect(parseListenKey(docsBody('spot-v3/POST__api_v3_listenKey.jsonc'))).toMatch(
      /^pqia91ma19a5s61cv6a81va65sdf19v8a65a1/,
    );
    expect(() => parseEmptyAck(docsBody('futures-v3/PUT__fapi_v3_listenKey.jsonc'))).not.toThrow();
  });

  it('rejects an empty key and a keep-alive answer that is not an object', () => {
    expectInvalid(() => parseListenKey({ listenKey: '' }), 'listenKey', '[redacted]');
    expectInvalid(() => parseEmptyAck('ok', 'PUT /api/v3/listenKey'), '(body)');
  });
});
