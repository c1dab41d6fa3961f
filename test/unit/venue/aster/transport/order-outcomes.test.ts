/**
 * Orders and transfers are never repeated blindly: an unknown outcome (timeout, reset, 5xx, -1007, unreadable 2xx)
 * surfaces as `ambiguous` with the client order id after exactly one request; definite rejections are final.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../../src/domain/decimal.ts';
import type { AsterApiError } from '../../../../../src/venue/aster/errors.ts';
import type { AsterRequest, AsterTransport } from '../../../../../src/venue/aster/http/transport.ts';
import { makeTransport, rejectionOf } from './support/fixtures.ts';
import { closedPortUrl, type LoopbackServer, param, sendJson, startLoopbackServer } from './support/loopback-server.ts';

const ORDER_PATH = '/fapi/v3/order';
const order = (clientOrderId = 'dn-open-1-perp'): AsterRequest => ({
  market: 'perp',
  method: 'POST',
  path: ORDER_PATH,
  auth: 'signed',
  kind: 'order',
  weight: 1,
  clientOrderId,
  params: { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: dec('0.010'), newClientOrderId: clientOrderId },
});

let server: LoopbackServer | undefined;
let transport: AsterTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

describe('order outcomes', () => {
  it('a timed-out order is ambiguous and sent exactly once', async () => {
    server = await startLoopbackServer(() => {
      // Accept the order, never answer.
    });
    transport = makeTransport(server.url, { requestTimeoutMs: 300 });
    const error = (await rejectionOf(transport.request(order()))) as AsterApiError;
    expect(error).toMatchObject({
      kind: 'ambiguous',
      reason: 'timeout',
      sent: true,
      clientOrderId: 'dn-open-1-perp',
      endpoint: 'POST /fapi/v3/order',
    });
    expect(error.message).toContain('clientOrderId=dn-open-1-perp');
    expect(server.hits(ORDER_PATH)).toBe(1);
    expect(param(server.requests[0]!, 'quantity')).toBe('0.01');
  });

  it('503 on an order is ambiguous and never retried', async () => {
    server = await startLoopbackServer((_req, res) =>
      sendJson(res, 503, { code: -1007, msg: 'Timeout waiting for response from backend server.' }),
    );
    transport = makeTransport(server.url);
    const error = await rejectionOf(transport.request(order()));
    expect(error).toMatchObject({ kind: 'ambiguous', httpStatus: 503, code: -1007 });
    expect(server.hits(ORDER_PATH)).toBe(1);
  });

  it('a 500 without body on a transfer is ambiguous', async () => {
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    transport = makeTransport(server.url);
    const error = await rejectionOf(
      transport.request({
        market: 'spot',
        method: 'POST',
        path: '/api/v3/asset/wallet/transfer',
        auth: 'signed',
        kind: 'transfer',
        weight: 5,
        params: { asset: 'USDT', amount: dec('12.5'), clientTranId: 'dn-xfer-7', kindType: 'SPOT_FUTURE' },
      }),
    );
    expect(error).toMatchObject({ kind: 'ambiguous', reason: 'http', httpStatus: 500 });
    expect(server.hits('/api/v3/asset/wallet/transfer')).toBe(1);
  });

  it('-1007 inside a 200 or 400 on an order is ambiguous', async () => {
    server = await startLoopbackServer((_req, res, n) =>
      sendJson(res, n === 1 ? 200 : 400, { code: -1007, msg: 'Timeout, execution status unknown' }),
    );
    transport = makeTransport(server.url);
    expect(await rejectionOf(transport.request(order('a1')))).toMatchObject({ kind: 'ambiguous', code: -1007 });
    expect(await rejectionOf(transport.request(order('a2')))).toMatchObject({ kind: 'ambiguous', code: -1007 });
    expect(server.hits(ORDER_PATH)).toBe(2);
  });

  it('a connection reset after the order was sent is ambiguous', async () => {
    server = await startLoopbackServer((_req, res) => res.socket?.destroy());
    transport = makeTransport(server.url);
    const error = await rejectionOf(transport.request(order()));
    expect(error).toMatchObject({ kind: 'ambiguous', reason: 'network', sent: true });
    expect(server.hits(ORDER_PATH)).toBe(1);
  });

  it('an unreadable 200 on an order is ambiguous (it was accepted), on a read fatal', async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, '{"orderId": 12'));
    transport = makeTransport(server.url);
    expect(await rejectionOf(transport.request(order()))).toMatchObject({
      kind: 'ambiguous',
      reason: 'invalid-response',
    });
    expect(
      await rejectionOf(
        transport.request({ market: 'perp', method: 'GET', path: ORDER_PATH, auth: 'signed', kind: 'read', weight: 1 }),
      ),
    ).toMatchObject({ kind: 'fatal', reason: 'invalid-response', httpStatus: 200 });
    expect(server.hits(ORDER_PATH)).toBe(2);
  });

  it('a definite rejection (-2019 margin insufficient) is fatal and sent once', async () => {
    server = await startLoopbackServer((_req, res) =>
      sendJson(res, 400, { code: -2019, msg: 'Margin is insufficient.' }),
    );
    transport = makeTransport(server.url);
    const error = await rejectionOf(transport.request(order()));
    expect(error).toMatchObject({ kind: 'fatal', code: -2019, clientOrderId: 'dn-open-1-perp' });
    expect(server.hits(ORDER_PATH)).toBe(1);
  });

  it('an order whose connection never opened is retryable: nothing was sent', async () => {
    transport = makeTransport(await closedPortUrl(), {
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 100 },
    });
    const error = await rejectionOf(transport.request(order()));
    expect(error).toMatchObject({ kind: 'retryable', reason: 'network', sent: false, clientOrderId: 'dn-open-1-perp' });
  });

  it('refuses to send an order whose client id could be mangled by URL encoding', async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, {}));
    transport = makeTransport(server.url);
    const bad = { ...order(), clientOrderId: 'a:b' };
    expect(await rejectionOf(transport.request(bad))).toMatchObject({
      name: 'AsterRequestError',
      field: 'clientOrderId',
      kind: 'fatal',
    });
    expect(server.requests).toHaveLength(0);
  });
});
