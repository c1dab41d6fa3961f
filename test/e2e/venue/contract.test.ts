/**
 * Contract suite: the Aster venue (real transport, signer, schemas and streams) against the simulator over loopback,
 * once with V3 EIP-712 signing and once with V1 HMAC keys. The steps run in order and share one account, as a bot
 * would: fund, configure, trade, stream, earn funding, close, then read the ledger back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec } from '../../../src/domain/decimal.ts';
import type { SymbolFilters } from '../../../src/domain/market.ts';
import { DEFAULT_RATE_LIMITS as SIM_RATE_LIMITS, type SimulatorHandle } from '../../../src/sim/index.ts';
import { AsterApiError } from '../../../src/venue/aster/errors.ts';
import type { AsterVenue } from '../../../src/venue/aster/index.ts';
import type { MarkPriceUpdate, UserEvent } from '../../../src/venue/port.ts';
import {
  exchangeRequests,
  LogRecorder,
  lastSeq,
  quietSimulator,
  type Scheme,
  secretValuesFor,
  venueFor,
  waitFor,
} from './support/sim-venue.ts';

const SYMBOL = 'BTCUSDT';
const QTY = dec('0.001');
const FILTER_KEYS: readonly (keyof SymbolFilters)[] = [
  'tickSize',
  'minPrice',
  'maxPrice',
  'stepSize',
  'minQty',
  'maxQty',
  'marketStepSize',
  'marketMinQty',
  'marketMaxQty',
  'minNotional',
  'maxNotional',
];

function usdt<T extends { asset: string }>(rows: readonly T[]): T | undefined {
  return rows.find((r) => r.asset === 'USDT');
}

function floorToTick(price: Decimal, tick: Decimal): Decimal {
  return price.div(tick).floor().mul(tick);
}

describe.each<Scheme>(['eip712', 'hmac'])('Aster venue contract against the simulator (%s signing)', (scheme) => {
  let sim: SimulatorHandle;
  let venue: AsterVenue;
  const log = new LogRecorder();
  const id = (name: string) => `${scheme}-${name}`;

  beforeAll(async () => {
    sim = await quietSimulator({ pairs: 5, seed: 7 });
    venue = venueFor(sim, scheme, { logger: log });
  });

  afterAll(async () => {
    await venue?.close();
    await sim?.close();
  });

  it('reads the exchange clock and adopts it', async () => {
    const beforeMs = sim.clock.nowMs();
    const serverMs = await venue.serverTimeMs();
    const afterMs = sim.clock.nowMs();
    expect(serverMs).toBeGreaterThanOrEqual(beforeMs - 1_000);
    expect(serverMs).toBeLessThanOrEqual(afterMs + 1_000);
  });

  it('lists both markets with the exchange filters, cached until refreshed', async () => {
    for (const market of ['spot', 'perp'] as const) {
      const listed = market === 'spot' ? await venue.spotMarkets() : await venue.perpMarkets();
      const defs = sim.engine.definitions()[market];
      expect(listed.map((m) => m.symbol).sort()).toEqual(defs.map((d) => d.symbol).sort());
      for (const def of defs) {
        const info = listed.find((m) => m.symbol === def.symbol);
        expect(info, def.symbol).toBeDefined();
        expect(info?.market).toBe(market);
        expect([info?.baseAsset, info?.quoteAsset, info?.status]).toEqual([def.baseAsset, def.quoteAsset, def.status]);
        for (const key of FILTER_KEYS) {
          expect(info?.filters[key].eq(def.filters[key]), `${market} ${def.symbol} ${key}`).toBe(true);
        }
      }
    }
    const seq = lastSeq(sim);
    await venue.perpMarkets();
    await venue.spotMarkets();
    expect(exchangeRequests(sim, seq)).toEqual([]);
    await venue.perpMarkets({ refresh: true });
    expect(exchangeRequests(sim, seq).map((r) => r.endpoint)).toEqual(['perp.exchangeInfo']);

    // After an hour the lists are read again.
    await sim.advance(61 * 60_000);
    const later = lastSeq(sim);
    await venue.spotMarkets();
    await venue.perpMarkets();
    expect(exchangeRequests(sim, later).map((r) => r.endpoint)).toEqual(['spot.exchangeInfo', 'perp.exchangeInfo']);
  });

  it('paces itself by the rate limits exchangeInfo publishes (the stricter of both markets on a shared host)', () => {
    const published = [...SIM_RATE_LIMITS.spot, ...SIM_RATE_LIMITS.perp];
    for (const market of ['spot', 'perp'] as const) {
      const windows = venue.transport.rateLimitUsage(market);
      for (const type of ['REQUEST_WEIGHT', 'ORDERS'] as const) {
        const perMinute = published.filter((r) => r.rateLimitType === type && r.interval === 'MINUTE');
        const expected = Math.min(...perMinute.map((r) => r.limit));
        expect(windows.find((w) => w.type === type && w.intervalMs === 60_000)?.limit, `${market} ${type}`).toBe(
          expected,
        );
      }
      const tenSeconds = published.find((r) => r.interval === 'SECOND' && r.intervalNum === 10);
      expect(windows.find((w) => w.type === 'ORDERS' && w.intervalMs === 10_000)?.limit).toBe(tenSeconds?.limit);
    }
  });

  it('shows 10,000 USDT in the spot wallet on the first account request and an empty futures wallet', async () => {
    const spot = usdt(await venue.spotBalances());
    expect(spot?.free.eq(10_000)).toBe(true);
    expect(spot?.locked.eq(0)).toBe(true);
    const perp = usdt(await venue.perpBalances());
    expect(perp === undefined || perp.walletBalance.eq(0)).toBe(true);
  });

  it('takes a scan snapshot covering every symbol, with funding history only where asked', async () => {
    const snapshot = await venue.scanSnapshot({ fundingHistoryFor: [SYMBOL], fundingHistoryLimit: 3 });
    const defs = sim.engine.definitions();
    for (const def of defs.perp) {
      expect(snapshot.premiumIndex.get(def.symbol)?.markPrice.gt(0), def.symbol).toBe(true);
      expect(snapshot.fundingInfo.get(def.symbol)?.fundingIntervalHours, def.symbol).toBe(def.fundingIntervalHours);
      expect(snapshot.perpTickers.has(def.symbol), def.symbol).toBe(true);
      expect(snapshot.perpBooks.get(def.symbol)?.askPrice.gte(snapshot.perpBooks.get(def.symbol)?.bidPrice ?? 0)).toBe(
        true,
      );
    }
    for (const def of defs.spot) {
      expect(snapshot.spotTickers.has(def.symbol), def.symbol).toBe(true);
      expect(snapshot.spotBooks.has(def.symbol), def.symbol).toBe(true);
    }
    expect([...snapshot.fundingHistory.keys()]).toEqual([SYMBOL]);
    const history = snapshot.fundingHistory.get(SYMBOL) ?? [];
    expect(history.length).toBe(3);
    expect(history.map((r) => r.fundingTimeMs)).toEqual([...history.map((r) => r.fundingTimeMs)].sort((a, b) => a - b));
    expect(snapshot.timeMs).toBeLessThanOrEqual(sim.clock.nowMs());
    expect(snapshot.spotMarkets.length).toBe(defs.spot.length);
  });

  it('reads the account commission rates of both markets', async () => {
    for (const market of ['spot', 'perp'] as const) {
      const rates = await venue.commissionRates(market, SYMBOL);
      const def = sim.engine.definition(market, SYMBOL);
      expect(rates.symbol).toBe(SYMBOL);
      expect(rates.maker.eq(def?.makerCommissionRate ?? -1)).toBe(true);
      expect(rates.taker.eq(def?.takerCommissionRate ?? -1)).toBe(true);
    }
  });

  it('moves USDT between wallets and reports a reused clientTranId as a duplicate without moving it again', async () => {
    const first = await venue.transfer({
      asset: 'USDT',
      amount: dec('2000'),
      direction: 'SPOT_TO_PERP',
      clientTranId: id('t1'),
    });
    expect(first).toMatchObject({ status: 'SUCCESS', duplicate: false });
    expect(first.tranId).not.toBe('');
    const again = await venue.transfer({
      asset: 'USDT',
      amount: dec('2000'),
      direction: 'SPOT_TO_PERP',
      clientTranId: id('t1'),
    });
    expect(again).toMatchObject({ duplicate: true, status: 'DUPLICATE' });
    expect(usdt(await venue.spotBalances())?.free.eq(8000)).toBe(true);
    expect(usdt(await venue.perpBalances())?.walletBalance.eq(2000)).toBe(true);

    await venue.transfer({ asset: 'USDT', amount: dec('500.5'), direction: 'PERP_TO_SPOT', clientTranId: id('t2') });
    expect(usdt(await venue.spotBalances())?.free.eq('8500.5')).toBe(true);
    expect(usdt(await venue.perpBalances())?.walletBalance.eq('1499.5')).toBe(true);
  });

  it('sets leverage, cross margin and one-way mode, and repeating them is harmless', async () => {
    expect(await venue.setLeverage(SYMBOL, 2)).toBe(2);
    expect(await venue.setLeverage(SYMBOL, 2)).toBe(2);
    await venue.setMarginType(SYMBOL, 'ISOLATED');
    await venue.setMarginType(SYMBOL, 'CROSSED');
    await venue.setMarginType(SYMBOL, 'CROSSED');

    expect(await venue.futures.setDualSidePosition(true)).toBe('changed');
    await venue.ensureOneWayMode();
    expect(await venue.futures.isDualSidePosition()).toBe(false);
    const seq = lastSeq(sim);
    await venue.ensureOneWayMode();
    // Already one-way: one read, no write.
    expect(exchangeRequests(sim, seq).map((r) => r.endpoint)).toEqual(['perp.positionMode.get']);

    const [position] = await venue.perpPositions(SYMBOL);
    expect(position).toMatchObject({ symbol: SYMBOL, leverage: 2, marginType: 'cross', positionSide: 'BOTH' });
  });

  it('buys spot and shorts perp with client ids, sending plain decimal quantities', async () => {
    const seq = lastSeq(sim);
    const buy = await venue.placeMarketOrder({
      market: 'spot',
      symbol: SYMBOL,
      side: 'BUY',
      quantity: QTY,
      clientOrderId: id('spot-buy'),
    });
    const short = await venue.placeMarketOrder({
      market: 'perp',
      symbol: SYMBOL,
      side: 'SELL',
      quantity: QTY,
      clientOrderId: id('perp-short'),
    });
    for (const order of [buy, short]) {
      expect(order.status).toBe('FILLED');
      expect(order.executedQty.eq(QTY)).toBe(true);
      expect(order.avgPrice.gt(0)).toBe(true);
      expect(order.cumQuote.eq(order.avgPrice.mul(QTY))).toBe(true);
    }
    expect(buy).toMatchObject({ market: 'spot', clientOrderId: id('spot-buy'), side: 'BUY', type: 'MARKET' });
    expect(short).toMatchObject({ market: 'perp', clientOrderId: id('perp-short'), side: 'SELL', reduceOnly: false });
    const sent = exchangeRequests(sim, seq).filter((r) => r.endpoint.endsWith('order.new'));
    expect(sent.map((r) => [r.endpoint, r.clientOrderId, r.quantity, r.type])).toEqual([
      ['spot.order.new', id('spot-buy'), '0.001', 'MARKET'],
      ['perp.order.new', id('perp-short'), '0.001', 'MARKET'],
    ]);
    const [position] = await venue.perpPositions(SYMBOL);
    expect(position?.positionAmt.eq(QTY.neg())).toBe(true);
  });

  it('reads the order books of both markets and the futures account', async () => {
    for (const market of ['spot', 'perp'] as const) {
      const book = await venue.depth(market, SYMBOL, 5);
      expect(book.bids.length).toBeGreaterThan(0);
      expect(book.asks.length).toBeGreaterThan(0);
      expect(book.bids.length).toBeLessThanOrEqual(5);
      expect(book.bids[0]?.price.lt(book.asks[0]?.price ?? 0)).toBe(true);
      expect(book.bids.every((level, i) => i === 0 || level.price.lt(book.bids[i - 1]?.price ?? 0))).toBe(true);
      expect(book.asks.every((level, i) => i === 0 || level.price.gt(book.asks[i - 1]?.price ?? 0))).toBe(true);
    }
    await expect(venue.depth('perp', SYMBOL, 7)).rejects.toThrow(/limit: must be one of 5, 10, 20, 50, 100, 500, 1000/);

    const account = await venue.perpAccount();
    expect(usdt(account.assets)?.walletBalance.lte('1499.5')).toBe(true);
    const row = account.positions.find((p) => p.symbol === SYMBOL);
    expect(row?.positionAmt.eq(QTY.neg())).toBe(true);
    expect(row).toMatchObject({ leverage: 2, marginType: 'cross', positionSide: 'BOTH' });
  });

  it('looks orders up by client id, and answers null for one the exchange does not know', async () => {
    const spot = await venue.getOrder('spot', SYMBOL, id('spot-buy'));
    expect(spot).toMatchObject({ clientOrderId: id('spot-buy'), status: 'FILLED' });
    const perp = await venue.getOrder('perp', SYMBOL, id('perp-short'));
    expect(perp).toMatchObject({ clientOrderId: id('perp-short'), status: 'FILLED' });
    expect(perp?.executedQty.eq(QTY)).toBe(true);
    expect(await venue.getOrder('spot', SYMBOL, id('never-sent'))).toBeNull();
    expect(await venue.getOrder('perp', SYMBOL, id('never-sent'))).toBeNull();
    expect(await venue.cancelOrder('perp', SYMBOL, id('never-sent'))).toBeNull();
  });

  it('places a reduce-only STOP_MARKET on the mark price, lists it, and cancels it', async () => {
    const perpInfo = (await venue.perpMarkets()).find((m) => m.symbol === SYMBOL);
    const mark = (await venue.scanSnapshot()).premiumIndex.get(SYMBOL)?.markPrice ?? dec(0);
    const stopPrice = floorToTick(mark.mul('1.5'), perpInfo?.filters.tickSize ?? dec('0.1'));
    const seq = lastSeq(sim);
    const stop = await venue.placeStopMarket({
      symbol: SYMBOL,
      side: 'BUY',
      stopPrice,
      quantity: QTY,
      clientOrderId: id('stop'),
    });
    expect(stop).toMatchObject({ type: 'STOP_MARKET', status: 'NEW', reduceOnly: true, clientOrderId: id('stop') });
    expect(stop.stopPrice.eq(stopPrice)).toBe(true);
    const [sent] = exchangeRequests(sim, seq);
    expect(sent).toMatchObject({ endpoint: 'perp.order.new', type: 'STOP_MARKET', reduceOnly: 'true' });

    expect((await venue.openOrders('perp', SYMBOL)).map((o) => o.clientOrderId)).toEqual([id('stop')]);
    expect((await venue.openOrders('perp')).map((o) => o.clientOrderId)).toEqual([id('stop')]);
    const cancelled = await venue.cancelOrder('perp', SYMBOL, id('stop'));
    expect(cancelled).toMatchObject({ clientOrderId: id('stop'), status: 'CANCELED' });
    expect(await venue.openOrders('perp', SYMBOL)).toEqual([]);
    expect(await venue.cancelOrder('perp', SYMBOL, id('stop'))).toBeNull();
  });

  it('reads the fills with their commissions', async () => {
    const spotTrades = await venue.userTrades('spot', SYMBOL);
    const perpTrades = await venue.userTrades('perp', SYMBOL);
    const spotRate = sim.engine.definition('spot', SYMBOL)?.takerCommissionRate ?? dec(-1);
    const perpRate = sim.engine.definition('perp', SYMBOL)?.takerCommissionRate ?? dec(-1);

    expect(spotTrades).toHaveLength(1);
    const [spotFill] = spotTrades;
    expect(spotFill).toMatchObject({ market: 'spot', side: 'BUY', commissionAsset: 'BTC', maker: false });
    // A spot buy pays its fee in the asset received.
    expect(spotFill?.commission.eq(QTY.mul(spotRate))).toBe(true);

    expect(perpTrades).toHaveLength(1);
    const [perpFill] = perpTrades;
    expect(perpFill).toMatchObject({ market: 'perp', side: 'SELL', commissionAsset: 'USDT' });
    expect(perpFill?.commission.eq(perpFill.quoteQty.mul(perpRate))).toBe(true);
    const order = await venue.getOrder('perp', SYMBOL, id('perp-short'));
    expect(perpFill?.orderId).toBe(order?.orderId);
  });

  it('streams mark prices of a symbol', async () => {
    const updates: MarkPriceUpdate[] = [];
    const statuses: boolean[] = [];
    const subscription = await venue.subscribeMarkPrice(SYMBOL, {
      onEvent: (update) => updates.push(update),
      onStatus: (status) => statuses.push(status.up),
    });
    try {
      const tick = (await venue.perpMarkets()).find((m) => m.symbol === SYMBOL)?.filters.tickSize ?? dec('0.1');
      const current = (await venue.scanSnapshot()).premiumIndex.get(SYMBOL)?.markPrice ?? dec(0);
      const target = floorToTick(current.mul('1.02'), tick);
      await sim.setPrice(SYMBOL, { perpMark: target });
      // The synthetic market keeps moving after the jump, so the published mark is near the target, not on it.
      const seen = await waitFor('the new mark price on the stream', () =>
        updates.find((u) => u.markPrice.div(target).minus(1).abs().lt('0.002')),
      );
      expect(seen).toMatchObject({ symbol: SYMBOL });
      expect(seen.nextFundingTimeMs).toBeGreaterThan(seen.eventTimeMs);
      expect(statuses).toContain(true);
    } finally {
      await subscription.close();
    }
  });

  it('streams the account events of an order on each market', async () => {
    const events: UserEvent[] = [];
    const statuses: boolean[] = [];
    const seq = lastSeq(sim);
    const subscription = await venue.subscribeUserData({
      onEvent: (event) => events.push(event),
      onStatus: (status) => statuses.push(status.up),
    });
    try {
      expect(statuses).toEqual([true]);
      await venue.placeMarketOrder({
        market: 'spot',
        symbol: SYMBOL,
        side: 'BUY',
        quantity: QTY,
        clientOrderId: id('ud-spot'),
      });
      await venue.placeMarketOrder({
        market: 'perp',
        symbol: SYMBOL,
        side: 'SELL',
        quantity: QTY,
        clientOrderId: id('ud-perp'),
      });
      const filled = (clientOrderId: string) => () =>
        events.find(
          (e) => e.type === 'order' && e.order.clientOrderId === clientOrderId && e.order.status === 'FILLED',
        );
      const spotFill = await waitFor('the spot fill event', filled(id('ud-spot')));
      const perpFill = await waitFor('the perp fill event', filled(id('ud-perp')));
      expect(spotFill.type === 'order' && spotFill.order.market).toBe('spot');
      expect(spotFill.type === 'order' && spotFill.lastFillQty.eq(QTY)).toBe(true);
      expect(perpFill.type === 'order' && perpFill.commissionAsset).toBe('USDT');
      await waitFor('the perp position update', () =>
        events.find((e) => e.type === 'position' && e.symbol === SYMBOL && e.positionAmt.eq(QTY.mul(-2))),
      );
      await waitFor('the spot balance update', () =>
        events.find((e) => e.type === 'balance' && e.market === 'spot' && e.asset === 'BTC'),
      );
    } finally {
      await subscription.close();
    }
    const endpoints = exchangeRequests(sim, seq).map((r) => r.endpoint);
    expect(endpoints).toEqual(expect.arrayContaining(['spot.listenKey.create', 'perp.listenKey.create']));
    expect(endpoints).toEqual(expect.arrayContaining(['spot.listenKey.close', 'perp.listenKey.close']));
  });

  it('records a FUNDING_FEE once the clock passes a funding time', async () => {
    await sim.setFundingRate(SYMBOL, dec('0.0005'));
    const next = (await venue.scanSnapshot()).premiumIndex.get(SYMBOL)?.nextFundingTimeMs ?? 0;
    expect(next).toBeGreaterThan(sim.clock.nowMs());
    await sim.advance(next - sim.clock.nowMs() + 60_000);

    const funding = await venue.income({ symbol: SYMBOL, incomeType: 'FUNDING_FEE' });
    expect(funding.length).toBeGreaterThanOrEqual(1);
    const fee = funding.find((r) => r.timeMs >= next);
    expect(fee).toMatchObject({ symbol: SYMBOL, incomeType: 'FUNDING_FEE', asset: 'USDT' });
    // A short receives a positive rate.
    expect(fee?.income.gt(0)).toBe(true);
  });

  it('closes the short reduce-only, and refuses a reduce-only order with nothing to reduce', async () => {
    const close = await venue.placeMarketOrder({
      market: 'perp',
      symbol: SYMBOL,
      side: 'BUY',
      quantity: QTY.mul(2),
      clientOrderId: id('close'),
      reduceOnly: true,
    });
    expect(close).toMatchObject({ status: 'FILLED', reduceOnly: true });
    const [position] = await venue.perpPositions(SYMBOL);
    expect(position?.positionAmt.eq(0)).toBe(true);

    const refused = venue.placeMarketOrder({
      market: 'perp',
      symbol: SYMBOL,
      side: 'BUY',
      quantity: QTY,
      clientOrderId: id('close-again'),
      reduceOnly: true,
    });
    await expect(refused).rejects.toBeInstanceOf(AsterApiError);
    await expect(refused).rejects.toMatchObject({ kind: 'fatal', reason: 'api' });
    await expect(
      venue.placeMarketOrder({
        market: 'spot',
        symbol: SYMBOL,
        side: 'SELL',
        quantity: QTY,
        clientOrderId: id('spot-ro'),
        reduceOnly: true,
      }),
    ).rejects.toThrow(/reduceOnly/);
  });

  it('reads the whole income ledger the same way with small pages, without duplicates', async () => {
    const all = await venue.income({});
    const types = new Set(all.map((r) => r.incomeType));
    expect([...types].sort()).toEqual(['COMMISSION', 'FUNDING_FEE', 'REALIZED_PNL', 'TRANSFER']);
    expect(all.length).toBeGreaterThan(3);

    const paged = venueFor(sim, scheme, { tuning: { incomePageSize: 3 } });
    try {
      const seq = lastSeq(sim);
      const rows = await paged.income({});
      const key = (r: { incomeType: string; tranId: string }) => `${r.incomeType}/${r.tranId}`;
      expect(rows.map(key)).toEqual(all.map(key));
      expect(new Set(rows.map(key)).size).toBe(rows.length);
      const pages = exchangeRequests(sim, seq).filter((r) => r.endpoint === 'perp.income').length;
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(all.length / 3));
    } finally {
      await paged.close();
    }
  });

  it('reads fills across more than 7 days in windows, and page by page from an id', async () => {
    const startMs = (await venue.userTrades('spot', SYMBOL))[0]?.timeMs ?? 0;
    await sim.advance(8 * 86_400_000);
    await venue.placeMarketOrder({
      market: 'spot',
      symbol: SYMBOL,
      side: 'BUY',
      quantity: QTY,
      clientOrderId: id('late'),
    });
    const endMs = sim.clock.nowMs();

    const everything = await venue.userTrades('spot', SYMBOL, { startTimeMs: startMs, endTimeMs: endMs });
    expect(everything).toHaveLength(3);
    expect(everything.at(-1)?.orderId).toBe((await venue.getOrder('spot', SYMBOL, id('late')))?.orderId);
    // Without a range: the last 7 days only.
    expect(await venue.userTrades('spot', SYMBOL)).toHaveLength(1);

    const small = venueFor(sim, scheme, { tuning: { tradePageSize: 1 } });
    try {
      const seq = lastSeq(sim);
      const windowed = await small.userTrades('spot', SYMBOL, { startTimeMs: startMs, endTimeMs: endMs });
      expect(windowed.map((t) => t.id)).toEqual(everything.map((t) => t.id));
      const calls = exchangeRequests(sim, seq).filter((r) => r.endpoint === 'spot.userTrades');
      expect(calls.length).toBeGreaterThanOrEqual(3);
      const fromFirst = await small.userTrades('spot', SYMBOL, { fromId: everything[0]?.id ?? '0' });
      expect(fromFirst.map((t) => t.id)).toEqual(everything.map((t) => t.id));
    } finally {
      await small.close();
    }
  });

  it('never logs a secret or a signature', () => {
    expect(log.lines.length).toBeGreaterThan(0);
    const text = log.text().toLowerCase();
    for (const secret of secretValuesFor(sim, scheme)) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/signature=[^\s&"]*[0-9a-f]{16}/);
  });
});
