/**
 * What goes on the wire: the server side of each test re-derives the signature from the bytes it received, so
 * these prove that the string we sign is exactly the string we send.
 */
import { createHmac } from 'node:crypto';
import { encodeAbiParameters, keccak256, recoverMessageAddress, recoverTypedDataAddress } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../../src/domain/decimal.ts';
import { endpoint } from '../../../../../src/venue/aster/endpoints.ts';
import type { AsterRequest, AsterTransport } from '../../../../../src/venue/aster/http/transport.ts';
import { asterTypedData } from '../../../../../src/venue/aster/sign/eip712.ts';
import { legacyAbiJson } from '../../../../../src/venue/aster/sign/legacy-abi.ts';
import { DEMO, DEMO_V1, ManualClock, makeTransport, rejectionOf } from './support/fixtures.ts';
import { type LoopbackServer, param, type Recorded, sendJson, startLoopbackServer } from './support/loopback-server.ts';

let server: LoopbackServer | undefined;
let transport: AsterTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

const signedPayload = (r: Recorded) => (r.method === 'POST' || r.method === 'PUT' ? r.body : r.query);
const withoutSignature = (s: string) => s.slice(0, s.lastIndexOf('&signature='));

async function echo() {
  server = await startLoopbackServer((req, res) => sendJson(res, 200, { path: req.path }));
  return server;
}

describe('EIP-712 requests on the wire', () => {
  it('GET carries everything in the query, signature last, and the signature covers the exact query', async () => {
    const s = await echo();
    const clock = new ManualClock();
    transport = makeTransport(s.url, { clock });
    await transport.request({
      market: 'perp',
      method: 'GET',
      path: '/fapi/v3/order',
      auth: 'signed',
      kind: 'read',
      weight: 1,
      params: { symbol: 'BTCUSDT', origClientOrderId: 'dn-1' },
    });
    const r = s.requests[0]!;
    expect(r.body).toBe('');
    expect(r.params.map(([k]) => k)).toEqual(['symbol', 'origClientOrderId', 'nonce', 'user', 'signer', 'signature']);
    expect(param(r, 'nonce')).toBe(String(clock.timeMs * 1000));
    expect(param(r, 'user')).toBe(DEMO.user);
    expect(r.headers['x-mbx-apikey']).toBeUndefined();
    const signature = param(r, 'signature') as `0x${string}`;
    const recovered = await recoverTypedDataAddress({ ...asterTypedData(withoutSignature(r.query), 1666), signature });
    expect(recovered).toBe(DEMO.signer);
  });

  it('POST sends a form body (testnet chainId 714) signed over the exact body', async () => {
    const s = await echo();
    transport = makeTransport(s.url, { signing: { scheme: 'eip712', chainId: 714, ...DEMO } });
    await transport.request({
      market: 'spot',
      method: 'POST',
      path: '/api/v3/order',
      auth: 'signed',
      kind: 'order',
      weight: 1,
      params: [
        ['symbol', 'ETHUSDT'],
        ['side', 'BUY'],
        ['type', 'MARKET'],
        ['quantity', dec('0.005')],
        ['newClientOrderId', 'dn-9-spot'],
      ],
    });
    const r = s.requests[0]!;
    expect(r.query).toBe('');
    expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(
      r.body.startsWith('symbol=ETHUSDT&side=BUY&type=MARKET&quantity=0.005&newClientOrderId=dn-9-spot&nonce='),
    ).toBe(true);
    const signature = param(r, 'signature') as `0x${string}`;
    expect(await recoverTypedDataAddress({ ...asterTypedData(withoutSignature(r.body), 714), signature })).toBe(
      DEMO.signer,
    );
  });

  it('public calls carry no auth parameters or headers; the base URL path prefix is kept', async () => {
    const s = await echo();
    transport = makeTransport(`${s.url}/gateway/`);
    await transport.request({
      market: 'perp',
      method: 'GET',
      path: '/fapi/v3/premiumIndex',
      auth: 'none',
      kind: 'read',
      weight: 10,
    });
    const r = s.requests[0]!;
    expect(r.path).toBe('/gateway/fapi/v3/premiumIndex');
    expect(r.query).toBe('');
    expect(r.headers['x-mbx-apikey']).toBeUndefined();
  });

  it('call() takes an endpoint spec from endpoints.ts', async () => {
    const s = await echo();
    transport = makeTransport(s.url);
    const spec = endpoint('perpCancelOrder', transport.apiFamily);
    await transport.call(spec, { symbol: 'BTCUSDT', origClientOrderId: 'dn-2' }, { clientOrderId: 'dn-2' });
    const r = s.requests[0]!;
    expect([r.method, r.path]).toEqual(['DELETE', '/fapi/v3/order']);
    expect(param(r, 'origClientOrderId')).toBe('dn-2');
    expect(r.body).toBe('');
  });

  it('signed calls without credentials, and apiKey calls with a V3 signer, are refused before sending', async () => {
    const s = await echo();
    const base = { market: 'perp', method: 'POST', path: '/fapi/v3/listenKey', kind: 'control', weight: 1 } as const;
    const publicOnly = makeTransport(s.url, { signing: undefined });
    expect(await rejectionOf(publicOnly.request({ ...base, auth: 'signed' }))).toMatchObject({
      name: 'AsterRequestError',
      field: 'auth',
    });
    await publicOnly.close();
    transport = makeTransport(s.url);
    expect(await rejectionOf(transport.request({ ...base, auth: 'apiKey' }))).toMatchObject({ field: 'auth' });
    expect(s.requests).toHaveLength(0);
  });
});

describe('HMAC requests on the wire', () => {
  it('sends the API key header and an HMAC over the exact query with recvWindow and server-time timestamp', async () => {
    const s = await echo();
    const clock = new ManualClock();
    transport = makeTransport(s.url, { clock, signing: { scheme: 'hmac', ...DEMO_V1, recvWindowMs: 7000 } });
    transport.serverClock.setOffsetMs(-1_500);
    await transport.request({
      market: 'perp',
      method: 'GET',
      path: '/fapi/v1/income',
      auth: 'signed',
      kind: 'read',
      weight: 30,
      params: { incomeType: 'FUNDING_FEE', limit: 1000 },
    });
    const r = s.requests[0]!;
    expect(r.headers['x-mbx-apikey']).toBe(DEMO_V1.apiKey);
    expect(r.params.map(([k]) => k)).toEqual(['incomeType', 'limit', 'recvWindow', 'timestamp', 'signature']);
    expect(param(r, 'recvWindow')).toBe('7000');
    expect(param(r, 'timestamp')).toBe(String(clock.timeMs - 1_500));
    const expected = createHmac('sha256', DEMO_V1.apiSecret).update(withoutSignature(r.query)).digest('hex');
    expect(param(r, 'signature')).toBe(expected);
  });

  it('apiKey calls (V1 user stream) carry only the header', async () => {
    const s = await echo();
    transport = makeTransport(s.url, { signing: { scheme: 'hmac', ...DEMO_V1 } });
    const spec = endpoint('spotListenKeyKeepAlive', transport.apiFamily);
    expect(spec.auth).toBe('apiKey');
    await transport.call(spec, { listenKey: 'abc123' });
    const r = s.requests[0]!;
    expect([r.method, r.path, r.body]).toEqual(['PUT', '/api/v1/listenKey', 'listenKey=abc123']);
    expect(r.headers['x-mbx-apikey']).toBe(DEMO_V1.apiKey);
  });
});

describe('legacy ABI requests on the wire', () => {
  it('the received parameters re-derive a hash whose personal_sign recovers to the signer', async () => {
    const s = await echo();
    transport = makeTransport(s.url, { signing: { scheme: 'legacy-abi', ...DEMO, recvWindowMs: 50_000 } });
    await transport.request({
      market: 'perp',
      method: 'POST',
      path: '/fapi/v3/order',
      auth: 'signed',
      kind: 'order',
      weight: 1,
      params: { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' },
    });
    const r = s.requests[0]!;
    const auth = new Set(['nonce', 'user', 'signer', 'signature']);
    const signedParams = r.params.filter(([k]) => !auth.has(k));
    expect(signedParams.map(([k]) => k)).toEqual(['symbol', 'side', 'type', 'quantity', 'recvWindow', 'timestamp']);
    const hash = keccak256(
      encodeAbiParameters(
        [{ type: 'string' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }],
        [legacyAbiJson(signedParams), DEMO.user, DEMO.signer, BigInt(param(r, 'nonce') ?? '0')],
      ),
    );
    const signature = param(r, 'signature') as `0x${string}`;
    expect(await recoverMessageAddress({ message: { raw: hash }, signature })).toBe(DEMO.signer);
    expect(signedPayload(r).endsWith(`&signature=${signature}`)).toBe(true);
  });
});

describe('request validation', () => {
  it('refuses a float quantity before anything is sent, naming the endpoint, the field and the value', async () => {
    const s = await echo();
    transport = makeTransport(s.url);
    const request: AsterRequest = {
      market: 'perp',
      method: 'POST',
      path: '/fapi/v3/order',
      auth: 'signed',
      kind: 'order',
      weight: 1,
      params: { symbol: 'BTCUSDT', quantity: 0.1 },
    };
    const error = await rejectionOf(transport.request(request));
    expect(error).toMatchObject({ name: 'AsterRequestError', field: 'quantity', value: 0.1, kind: 'fatal' });
    expect((error as Error).message).toContain('POST /fapi/v3/order: quantity');
    expect(s.requests).toHaveLength(0);
  });

  it('rejects base URLs that are not plain http(s) URLs, naming the option', async () => {
    expect(() => makeTransport('ftp://127.0.0.1:1')).toThrow(/futuresBaseUrl/);
    expect(() => makeTransport('http://127.0.0.1:1', { spotBaseUrl: 'http://127.0.0.1:1/?x=1' })).toThrow(
      /spotBaseUrl/,
    );
  });
});
