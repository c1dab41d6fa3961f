/**
 * Known-answer tests of V1 HMAC signing against the official examples (aster-api.md §3 TV-1, TV-2).
 */
import { describe, expect, it } from 'vitest';
import { createHmacSigner, hmacSha256Hex } from '../../src/venue/aster/sign/hmac.ts';
import { encodeParams, type ParamList } from '../../src/venue/aster/sign/params.ts';

const TV1 = {
  apiKey: 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83',
  secret: '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9',
  payload:
    'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943',
  signature: '3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9',
};

const TV2 = {
  apiKey: '4452d7e2ed4da80b74105e02d06328c71a34488c9fdd60a5a0900d42d584b795',
  secret: 'fdde510a2b71fa43a43bff3e3cf7819c8c66df34633d338050f4f59664b3b313',
  payload:
    'symbol=BNBUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=5&price=1.1&recvWindow=5000&timestamp=1756187806000',
  signature: 'e09169bf6c02ec4b29fa1bdc3a967f92c8c6cfcde0551ba1d477b2d3cf4c51b0',
};

describe('V1 HMAC signing', () => {
  it('reproduces the official futures example TV-1', () => {
    expect(hmacSha256Hex(TV1.secret, TV1.payload)).toBe(TV1.signature);
  });

  it('reproduces the official spot example TV-2', () => {
    expect(hmacSha256Hex(TV2.secret, TV2.payload)).toBe(TV2.signature);
  });

  it('signs query and body concatenated without a separator (TV-1 "example 3", computed value)', () => {
    const total =
      'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC' +
      'quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943';
    expect(hmacSha256Hex(TV1.secret, total)).toBe('30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4');
  });

  it('the signer appends recvWindow, server-time timestamp and the signature last, reproducing TV-1 on the wire', async () => {
    const signer = createHmacSigner({
      apiKey: TV1.apiKey,
      apiSecret: TV1.secret,
      recvWindowMs: 5000,
      clock: { nowMs: () => 1591702613943.6 },
    });
    const business: ParamList = [
      ['symbol', 'BTCUSDT'],
      ['side', 'BUY'],
      ['type', 'LIMIT'],
      ['quantity', '1'],
      ['price', '9000'],
      ['timeInForce', 'GTC'],
    ];
    const signed = await signer.sign(business);
    expect(encodeParams(signed.params)).toBe(`${TV1.payload}&signature=${TV1.signature}`);
    expect(signed.signature).toBe(TV1.signature);
    expect(signed.headers).toEqual({ 'X-MBX-APIKEY': TV1.apiKey });
    expect(signer.apiKeyHeaders()).toEqual({ 'X-MBX-APIKEY': TV1.apiKey });
  });

  it('reproduces TV-2 through the signer', async () => {
    const signer = createHmacSigner({
      apiKey: TV2.apiKey,
      apiSecret: TV2.secret,
      clock: { nowMs: () => 1756187806000 },
    });
    const signed = await signer.sign([
      ['symbol', 'BNBUSDT'],
      ['side', 'BUY'],
      ['type', 'LIMIT'],
      ['timeInForce', 'GTC'],
      ['quantity', '5'],
      ['price', '1.1'],
    ]);
    expect(encodeParams(signed.params)).toBe(`${TV2.payload}&signature=${TV2.signature}`);
  });
});
