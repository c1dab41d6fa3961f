/**
 * Order entry and the account endpoints over HTTP: ACK vs RESULT answers, queries by either id, reduce-only stops
 * that trigger on a price move, cancels, filter rejections with Aster's codes, history parameters, unknown paths.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { send } from './support/client.ts';
import { DEMO, type Harness, startHarness } from './support/harness.ts';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
  const transfer = await h.client.v3(DEMO, 'POST', '/api/v3/asset/wallet/transfer', {
    asset: 'USDT',
    amount: '5000',
    kindType: 'SPOT_FUTURE',
    clientTranId: 'orders-setup',
  });
  expect(transfer.body).toEqual({ tranId: expect.any(Number), status: 'SUCCESS' });
});

afterEach(async () => {
  await h.sim.close();
});

const order = (params: Record<string, string>, path = '/fapi/v3/order') => h.client.v3(DEMO, 'POST', path, params);

describe('new orders', () => {
  it('answers ACK with the accepted order and RESULT with the fill', async () => {
    const ack = await order({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.01',
      newClientOrderId: 'a1',
    });
    expect(ack.body).toMatchObject({ status: 'NEW', executedQty: '0.000', clientOrderId: 'a1' });
    const byId = await h.client.v3(DEMO, 'GET', '/fapi/v3/order', {
      symbol: 'BTCUSDT',
      orderId: String(ack.body.orderId),
    });
    expect(byId.body).toMatchObject({ status: 'FILLED', executedQty: '0.010', avgPrice: '99999.90000' });

    const result = await order({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.01',
      reduceOnly: 'true',
      newOrderRespType: 'RESULT',
    });
    expect(result.body).toMatchObject({ status: 'FILLED', reduceOnly: true, cumQuote: '1000.00100000' });
    const position = await h.client.v3(DEMO, 'GET', '/fapi/v3/positionRisk', { symbol: 'BTCUSDT' });
    expect(position.body[0].positionAmt).toBe('0.000');
  });

  it('rejects a duplicate client order id of an open order, a bad symbol and undersized orders with Aster codes', async () => {
    expect((await order({ symbol: 'NOPEUSDT', side: 'SELL', type: 'MARKET', quantity: '1' })).body).toEqual({
      code: -1121,
      msg: 'Invalid symbol.',
    });
    const tiny = await order({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.0001' });
    expect(tiny.status).toBe(400);
    expect([-4004, -4023, -1111]).toContain(tiny.body.code);
    const underNotional = await order({ symbol: 'PERPONLYUSDT', side: 'SELL', type: 'MARKET', quantity: '1' });
    expect(underNotional.body.code).toBe(-4164);
    const spotUnder = await order(
      { symbol: 'SPOTONLYUSDT', side: 'BUY', type: 'MARKET', quantity: '1' },
      '/api/v3/order',
    );
    expect(spotUnder.body.code).toBe(-5076);
    const badResp = await order({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.01',
      newOrderRespType: 'FULL',
    });
    expect(badResp.body.code).toBe(-1130);
    await order({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' });
    const stop = {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'STOP_MARKET',
      stopPrice: '120000',
      quantity: '0.01',
      reduceOnly: 'true',
      newClientOrderId: 'dup',
    };
    expect((await order(stop)).status).toBe(200);
    expect((await order(stop)).body.code).toBe(-4116);
  });
});

describe('stop orders', () => {
  it('keeps a reduce-only STOP_MARKET open until the mark crosses it, then closes the short', async () => {
    await order({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.02' });
    const stop = await order({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'STOP_MARKET',
      stopPrice: '101000',
      quantity: '0.02',
      reduceOnly: 'true',
      workingType: 'MARK_PRICE',
      newClientOrderId: 'sl-1',
    });
    expect(stop.body).toMatchObject({ status: 'NEW', type: 'STOP_MARKET', stopPrice: '101000.0' });
    const open = await h.client.v3(DEMO, 'GET', '/fapi/v3/openOrders', { symbol: 'BTCUSDT' });
    expect(open.body.map((o: { clientOrderId: string }) => o.clientOrderId)).toEqual(['sl-1']);

    await h.client.control('POST', '/_sim/price', { symbol: 'BTCUSDT', markPrice: '101500' });
    const triggered = await h.client.v3(DEMO, 'GET', '/fapi/v3/order', {
      symbol: 'BTCUSDT',
      origClientOrderId: 'sl-1',
    });
    expect(triggered.body.status).toBe('FILLED');
    const position = await h.client.v3(DEMO, 'GET', '/fapi/v3/positionRisk', { symbol: 'BTCUSDT' });
    expect(position.body[0].positionAmt).toBe('0.000');
    const openOrder = await h.client.v3(DEMO, 'GET', '/fapi/v3/openOrder', {
      symbol: 'BTCUSDT',
      origClientOrderId: 'sl-1',
    });
    expect(openOrder.body).toEqual({ code: -2013, msg: 'Order does not exist.' });
  });

  it('cancels by order id; a second cancel is -2011, and cancel-all answers the string code', async () => {
    await order({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' });
    const stop = await order({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'STOP_MARKET',
      stopPrice: '110000',
      quantity: '0.01',
      reduceOnly: 'true',
    });
    const id = String(stop.body.orderId);
    const cancelled = await h.client.v3(DEMO, 'DELETE', '/fapi/v3/order', { symbol: 'BTCUSDT', orderId: id });
    expect(cancelled.body.status).toBe('CANCELED');
    const again = await h.client.v3(DEMO, 'DELETE', '/fapi/v3/order', { symbol: 'BTCUSDT', orderId: id });
    expect(again.body.code).toBe(-2011);
    const missingRef = await h.client.v3(DEMO, 'DELETE', '/fapi/v3/order', { symbol: 'BTCUSDT' });
    expect(missingRef.body.code).toBe(-1102);
    const all = await h.client.v3(DEMO, 'DELETE', '/fapi/v3/allOpenOrders', { symbol: 'BTCUSDT' });
    expect(all.body).toEqual({ code: '200', msg: 'The operation of cancel all open order is done.' });
    const spotAll = await h.client.v3(DEMO, 'DELETE', '/api/v3/allOpenOrders', { symbol: 'BTCUSDT' });
    expect(spotAll.body).toEqual({ code: 200, msg: 'The operation of cancel all open order is done.' });
  });
});

describe('account endpoints', () => {
  it('sets leverage, margin type and position mode with Aster answers and codes', async () => {
    const leverage = await h.client.v3(DEMO, 'POST', '/fapi/v3/leverage', { symbol: 'ETHUSDT', leverage: '3' });
    expect(leverage.body).toMatchObject({ symbol: 'ETHUSDT', leverage: 3 });
    const margin = await h.client.v3(DEMO, 'POST', '/fapi/v3/marginType', { symbol: 'ETHUSDT', marginType: 'CROSSED' });
    expect(margin.body.code).toBe(-4046);
    const mode = await h.client.v3(DEMO, 'GET', '/fapi/v3/positionSide/dual');
    expect(mode.body).toEqual({ dualSidePosition: false });
    const unchanged = await h.client.v3(DEMO, 'POST', '/fapi/v3/positionSide/dual', { dualSidePosition: 'false' });
    expect(unchanged.body.code).toBe(-4059);
  });

  it('validates history parameters and answers income and trades in ascending time order', async () => {
    await order({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' });
    await h.sim.advance(60_000);
    const tooMany = await h.client.v3(DEMO, 'GET', '/fapi/v3/income', { limit: '1001' });
    expect(tooMany.body.code).toBe(-1130);
    const inverted = await h.client.v3(DEMO, 'GET', '/fapi/v3/income', { startTime: '2', endTime: '1' });
    expect(inverted.body.code).toBe(-1023);
    const income = await h.client.v3(DEMO, 'GET', '/fapi/v3/income');
    const types = income.body.map((r: { incomeType: string }) => r.incomeType);
    expect(types).toEqual(expect.arrayContaining(['TRANSFER', 'COMMISSION', 'FUNDING_FEE']));
    const times = income.body.map((r: { time: number }) => r.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const noSymbol = await h.client.v3(DEMO, 'GET', '/fapi/v3/userTrades');
    expect(noSymbol.body.code).toBe(-1102);
    const trades = await h.client.v3(DEMO, 'GET', '/fapi/v3/userTrades', { symbol: 'BTCUSDT' });
    expect(trades.body).toEqual([expect.objectContaining({ side: 'SELL', qty: '0.010', commissionAsset: 'USDT' })]);
  });

  it('refuses a reused clientTranId with -4115 and moves nothing', async () => {
    const again = await h.client.v3(DEMO, 'POST', '/fapi/v3/asset/wallet/transfer', {
      asset: 'USDT',
      amount: '5000',
      kindType: 'SPOT_FUTURE',
      clientTranId: 'orders-setup',
    });
    expect(again.body.code).toBe(-4115);
    const balance = await h.client.v3(DEMO, 'GET', '/fapi/v3/balance');
    expect(balance.body[0].balance).toBe('5000.00000000');
  });
});

describe('paths', () => {
  it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
    const unknown = await send(h.sim.url, 'GET', '/fapi/v3/nothing');
    expect(unknown.status).toBe(404);
    const wrongMethod = await send(h.sim.url, 'PUT', '/fapi/v3/time');
    expect(wrongMethod.status).toBe(405);
  });
});
