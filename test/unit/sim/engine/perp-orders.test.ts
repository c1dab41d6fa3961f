import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import { book, errorOf, setup, value } from './harness.ts';

const PERP_BOOK = book(
  [
    [99990, '0.5'],
    [99980, '1'],
  ],
  [
    [100010, '0.5'],
    [100020, '1'],
  ],
);

function funded(futuresUsdt = 5_000) {
  const h = setup({
    symbols: [
      { baseAsset: 'BTC', price: '100000' },
      { baseAsset: 'ETH', price: '3500' },
    ],
  });
  h.source.setBook('perp', 'BTCUSDT', PERP_BOOK);
  h.tick();
  h.engine.deposit('alice', 'futures', 'USDT', dec(futuresUsdt));
  value(h.engine.setLeverage('alice', 'BTCUSDT', 5));
  return h;
}

const sell = (quantity: string, extra: Record<string, string> = {}) => ({
  symbol: 'BTCUSDT',
  side: 'SELL',
  type: 'MARKET',
  quantity,
  ...extra,
});
const buy = (quantity: string, extra: Record<string, string> = {}) => ({ ...sell(quantity, extra), side: 'BUY' });

describe('perp market orders', () => {
  it('opens a short at the bid, charges the taker commission in USDT and records it as income', () => {
    const { engine } = funded();
    const order = value(engine.placeOrder('alice', 'perp', sell('0.1', { newClientOrderId: 'open-1' })));
    expect(order).toMatchObject({ status: 'FILLED', clientOrderId: 'open-1' });
    expect(order.avgPrice.toFixed()).toBe('99990');
    const [position] = value(engine.positionRisk('alice', 'BTCUSDT'));
    expect(position?.positionAmt.toFixed()).toBe('-0.1');
    expect(position?.entryPrice.toFixed()).toBe('99990');
    // mark 100000: a short entered at 99990 is 1 USDT under water
    expect(position?.unrealizedProfit.toFixed()).toBe('-1');
    // 9999 × 0.035 % = 3.49965
    const commission = value(engine.income('alice', { incomeType: 'COMMISSION' }));
    expect(commission.map((r) => r.income.toFixed())).toEqual(['-3.49965']);
    expect(engine.futuresAccount('alice').totalWalletBalance.toFixed()).toBe('4996.50035');
  });

  it('averages the entry price over fills and realises PnL only on the reduced part', () => {
    const h = funded();
    value(h.engine.placeOrder('alice', 'perp', sell('0.1')));
    h.source.setBook('perp', 'BTCUSDT', book([[99890, 1]], [[99900, 1]]));
    h.tick();
    value(h.engine.placeOrder('alice', 'perp', sell('0.1')));
    let [position] = value(h.engine.positionRisk('alice', 'BTCUSDT'));
    expect(position?.entryPrice.toFixed()).toBe('99940');
    const close = value(h.engine.placeOrder('alice', 'perp', buy('0.15', { reduceOnly: 'true' })));
    expect(close.status).toBe('FILLED');
    [position] = value(h.engine.positionRisk('alice', 'BTCUSDT'));
    expect(position?.positionAmt.toFixed()).toBe('-0.05');
    expect(position?.entryPrice.toFixed()).toBe('99940');
    // bought back 0.15 at 99900 against an entry of 99940
    const pnl = value(h.engine.income('alice', { incomeType: 'REALIZED_PNL' }));
    expect(pnl.map((r) => r.income.toFixed())).toEqual(['6']);
    const trades = value(h.engine.userTrades('alice', 'perp', { symbol: 'BTCUSDT' }));
    expect(trades.at(-1)?.realizedPnl.toFixed()).toBe('6');
  });

  it('a reduce-only order never opens or grows a position, and is capped at the position size', () => {
    const { engine } = funded();
    expect(errorOf(engine.placeOrder('alice', 'perp', buy('0.1', { reduceOnly: 'true' })))).toEqual({
      code: -2022,
      msg: 'ReduceOnly Order is rejected.',
    });
    value(engine.placeOrder('alice', 'perp', sell('0.1')));
    expect(errorOf(engine.placeOrder('alice', 'perp', sell('0.1', { reduceOnly: 'true' }))).code).toBe(-2022);
    const close = value(engine.placeOrder('alice', 'perp', buy('0.3', { reduceOnly: 'true' })));
    expect(close.executedQty.toFixed()).toBe('0.1');
    expect(close.status).toBe('EXPIRED');
    expect(value(engine.positionRisk('alice', 'BTCUSDT'))[0]?.positionAmt.isZero()).toBe(true);
  });

  it('checks MARKET_LOT_SIZE and MIN_NOTIONAL (valued at mark), exempting reduce-only from the notional floor', () => {
    const { engine } = funded();
    const place = (params: Record<string, string>) => errorOf(engine.placeOrder('alice', 'perp', params));
    expect(place(sell('0')).code).toBe(-4003);
    expect(place(sell('0.00005'))).toEqual({ code: -4004, msg: 'Quantity less than min quantity.' });
    expect(place(sell('101'))).toEqual({ code: -4005, msg: 'Quantity greater than max quantity.' });
    expect(place(sell('0.00015'))).toEqual({ code: -4023, msg: 'Qty not increased by step size.' });
    const eth = { symbol: 'ETHUSDT', side: 'SELL', type: 'MARKET' };
    expect(place({ ...eth, quantity: '0.001' })).toEqual({
      code: -4164,
      msg: "Order's notional must be no smaller than 5.0 (unless you choose reduce only)",
    });
    value(engine.placeOrder('alice', 'perp', { ...eth, quantity: '0.01' }));
    const tiny = value(
      engine.placeOrder('alice', 'perp', { ...eth, side: 'BUY', quantity: '0.001', reduceOnly: 'true' }),
    );
    expect(tiny.status).toBe('FILLED');
  });

  it('rejects with -2019 when the futures wallet cannot carry the initial margin', () => {
    const { engine } = funded(1_000);
    value(engine.setLeverage('alice', 'BTCUSDT', 1));
    expect(errorOf(engine.placeOrder('alice', 'perp', sell('0.01'))).code).toBe(-2019);
    value(engine.setLeverage('alice', 'BTCUSDT', 2));
    expect(errorOf(engine.placeOrder('alice', 'perp', sell('0.02'))).code).toBe(-2019);
    value(engine.placeOrder('alice', 'perp', sell('0.019')));
    // Reducing is always allowed, whatever the margin.
    value(engine.placeOrder('alice', 'perp', buy('0.019', { reduceOnly: 'true' })));
    expect(engine.ledger('alice').some((e) => e.reason === 'realized_pnl')).toBe(true);
  });

  it('rejects with -2027 a position above the leverage bracket', () => {
    const { engine } = funded(50_000);
    value(engine.setLeverage('alice', 'BTCUSDT', 125));
    expect(errorOf(engine.placeOrder('alice', 'perp', sell('0.6'))).code).toBe(-2027);
  });

  it('rejects with -4131 when the best counterparty price is beyond the market take bound from mark', () => {
    const h = funded();
    h.source.setBook('perp', 'BTCUSDT', book([[99990, 1]], [[105010, 1]]));
    h.tick();
    expect(errorOf(h.engine.placeOrder('alice', 'perp', buy('0.01'))).code).toBe(-4131);
    value(h.engine.placeOrder('alice', 'perp', sell('0.01')));
  });

  it('one-way mode takes BOTH only; hedge mode needs LONG/SHORT and refuses reduceOnly', () => {
    const { engine } = funded();
    expect(errorOf(engine.placeOrder('alice', 'perp', sell('0.01', { positionSide: 'SHORT' })))).toEqual({
      code: -4061,
      msg: "Order's position side does not match user's setting.",
    });
    value(engine.setPositionMode('alice', 'true'));
    expect(errorOf(engine.placeOrder('alice', 'perp', sell('0.01'))).code).toBe(-4061);
    expect(
      errorOf(engine.placeOrder('alice', 'perp', sell('0.01', { positionSide: 'SHORT', reduceOnly: 'true' }))),
    ).toEqual({ code: -1106, msg: "Parameter 'reduceOnly' sent when not required." });
    value(engine.placeOrder('alice', 'perp', buy('0.02', { positionSide: 'LONG' })));
    value(engine.placeOrder('alice', 'perp', sell('0.01', { positionSide: 'SHORT' })));
    expect(errorOf(engine.placeOrder('alice', 'perp', sell('0.03', { positionSide: 'LONG' }))).code).toBe(-2022);
    const rows = value(engine.positionRisk('alice', 'BTCUSDT'));
    expect(rows.map((r) => [r.positionSide, r.positionAmt.toFixed()])).toEqual([
      ['LONG', '0.02'],
      ['SHORT', '-0.01'],
    ]);
  });

  it('finds orders by client id or order id and answers -2013 for unknown ones', () => {
    const { engine } = funded();
    const placed = value(engine.placeOrder('alice', 'perp', sell('0.01', { newClientOrderId: 'dn-open.1:a/b_c' })));
    const byClient = value(engine.getOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'dn-open.1:a/b_c' }));
    const byId = value(engine.getOrder('alice', 'perp', 'BTCUSDT', { orderId: String(placed.orderId) }));
    expect(byClient).toEqual(placed);
    expect(byId).toEqual(placed);
    expect(errorOf(engine.getOrder('alice', 'perp', 'BTCUSDT', { origClientOrderId: 'nope' }))).toEqual({
      code: -2013,
      msg: 'Order does not exist.',
    });
    expect(errorOf(engine.getOrder('alice', 'perp', 'ETHUSDT', { orderId: placed.orderId })).code).toBe(-2013);
    expect(errorOf(engine.getOrder('bob', 'perp', 'BTCUSDT', { orderId: placed.orderId })).code).toBe(-2013);
    expect(errorOf(engine.getOrder('alice', 'perp', 'BTCUSDT', {})).code).toBe(-1102);
    expect(errorOf(engine.placeOrder('alice', 'perp', sell('0.01', { newClientOrderId: 'has space' }))).code).toBe(
      -4015,
    );
    expect(errorOf(engine.placeOrder('alice', 'perp', sell('0.01', { newClientOrderId: 'x'.repeat(37) }))).code).toBe(
      -4015,
    );
    // A filled order's client id may be used again.
    value(engine.placeOrder('alice', 'perp', sell('0.01', { newClientOrderId: 'dn-open.1:a/b_c' })));
  });

  it('rejects unsupported order types and bad sides', () => {
    const { engine } = funded();
    expect(errorOf(engine.placeOrder('alice', 'perp', { ...sell('0.01'), type: 'LIMIT', price: '100000' })).code).toBe(
      -1116,
    );
    expect(errorOf(engine.placeOrder('alice', 'perp', { ...sell('0.01'), type: 'FOO' })).code).toBe(-1116);
    expect(errorOf(engine.placeOrder('alice', 'perp', { ...sell('0.01'), side: 'sell' })).code).toBe(-1117);
    expect(errorOf(engine.placeOrder('alice', 'perp', { ...sell('0.01'), symbol: 'BTC' })).code).toBe(-1121);
    expect(errorOf(engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET' }))).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.",
    });
  });
});
