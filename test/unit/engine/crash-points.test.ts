import { describe, expect, it } from 'vitest';
import type { MarketOrderRequest, OrderRecord } from '../../../src/domain/account.ts';
import { dec } from '../../../src/domain/decimal.ts';
import { type CrashStep, parseCrashSpec, withCrashPoints } from '../../../src/engine/crash.ts';
import { ConfigError } from '../../../src/errors.ts';
import type { Venue } from '../../../src/venue/port.ts';

class Killed extends Error {
  constructor(readonly step: CrashStep) {
    super(`killed at ${step}`);
  }
}

/** A venue whose order calls resolve when the test says so, recording what reached "the exchange". */
function fakeVenue() {
  const sent: string[] = [];
  const pending: Array<() => void> = [];
  const record = (r: MarketOrderRequest): OrderRecord => ({
    market: r.market,
    symbol: r.symbol,
    orderId: String(sent.length),
    clientOrderId: r.clientOrderId,
    side: r.side,
    type: 'MARKET',
    status: 'FILLED',
    origQty: r.quantity,
    executedQty: r.quantity,
    avgPrice: dec(1),
    cumQuote: r.quantity,
    reduceOnly: r.reduceOnly === true,
    stopPrice: dec(0),
    updateTimeMs: 0,
  });
  const venue = {
    name: 'fake',
    placeMarketOrder: (r: MarketOrderRequest) => {
      sent.push(r.clientOrderId);
      return new Promise<OrderRecord>((resolve) => pending.push(() => resolve(record(r))));
    },
    serverTimeMs: async () => 123,
    transfer: async () => ({ tranId: '1', status: 'CONFIRMED' }),
  };
  return { venue: venue as unknown as Venue, sent, answerNext: () => pending.shift()?.() };
}

function killer(): { kill: (step: CrashStep) => never; killed: CrashStep[] } {
  const killed: CrashStep[] = [];
  return {
    killed,
    kill: (step) => {
      killed.push(step);
      throw new Killed(step);
    },
  };
}

const spotBuy = (id: string): MarketOrderRequest => ({
  market: 'spot',
  symbol: 'AAAUSDT',
  side: 'BUY',
  quantity: dec(1),
  clientOrderId: id,
});
const perpSell = (id: string): MarketOrderRequest => ({
  market: 'perp',
  symbol: 'AAAUSDT',
  side: 'SELL',
  quantity: dec(1),
  clientOrderId: id,
});
const perpBuyReduce = (id: string): MarketOrderRequest => ({ ...perpSell(id), side: 'BUY', reduceOnly: true });
const tick = () => new Promise((r) => setTimeout(r, 1));

describe('parseCrashSpec', () => {
  it('reads a step and an optional occurrence; nothing set means no crash point', () => {
    expect(parseCrashSpec(undefined)).toBeNull();
    expect(parseCrashSpec('  ')).toBeNull();
    expect(parseCrashSpec('open:after-fills')).toEqual({ step: 'open:after-fills', occurrence: 1 });
    expect(parseCrashSpec('close:between-legs#3')).toEqual({ step: 'close:between-legs', occurrence: 3 });
  });

  it('names the variable and the accepted steps for anything else', () => {
    for (const bad of ['open:later', 'open:after-fills#0', 'open', 'transfer:after-send#x']) {
      expect(() => parseCrashSpec(bad)).toThrow(ConfigError);
    }
    expect(() => parseCrashSpec('open:later')).toThrow(/DNFARM_CRASH_AT: must be one of open:before-orders/);
  });
});

describe('withCrashPoints', () => {
  it('returns the venue untouched without a crash point', () => {
    const { venue } = fakeVenue();
    expect(withCrashPoints(venue, null)).toBe(venue);
  });

  it('open:before-orders dies before the first order leaves', async () => {
    const { venue, sent } = fakeVenue();
    const k = killer();
    const wrapped = withCrashPoints(venue, parseCrashSpec('open:before-orders'), k.kill);
    await expect(wrapped.placeMarketOrder(spotBuy('a'))).rejects.toThrow(Killed);
    expect(sent).toEqual([]);
    expect(k.killed).toEqual(['open:before-orders']);
  });

  it('open:between-legs lets the first leg execute, holds the second back, and dies on the first answer', async () => {
    const { venue, sent, answerNext } = fakeVenue();
    const k = killer();
    const wrapped = withCrashPoints(venue, parseCrashSpec('open:between-legs'), k.kill);
    const first = wrapped.placeMarketOrder(spotBuy('spot-1'));
    const second = wrapped.placeMarketOrder(perpSell('perp-1'));
    second.catch(() => {});
    await tick();
    expect(sent).toEqual(['spot-1']);
    answerNext();
    await expect(first).rejects.toThrow(Killed);
    expect(sent).toEqual(['spot-1']);
    expect(k.killed).toEqual(['open:between-legs']);
  });

  it('open:after-fills lets both legs execute and dies when both answers are in, before the caller sees them', async () => {
    const { venue, sent, answerNext } = fakeVenue();
    const k = killer();
    const wrapped = withCrashPoints(venue, parseCrashSpec('open:after-fills'), k.kill);
    let seen = 0;
    const first = wrapped.placeMarketOrder(spotBuy('spot-1')).then(() => seen++);
    const second = wrapped.placeMarketOrder(perpSell('perp-1')).then(() => seen++);
    first.catch(() => {});
    await tick();
    expect(sent).toEqual(['spot-1', 'perp-1']);
    answerNext();
    await tick();
    expect(k.killed).toEqual([]);
    answerNext();
    await expect(second).rejects.toThrow(Killed);
    expect(k.killed).toEqual(['open:after-fills']);
    expect(seen).toBe(0);
  });

  it('tells closes from opens and counts occurrences', async () => {
    const { venue, sent, answerNext } = fakeVenue();
    const k = killer();
    const wrapped = withCrashPoints(venue, parseCrashSpec('close:before-orders#2'), k.kill);
    // An open and a first close pass through.
    for (const request of [spotBuy('o1'), perpBuyReduce('c1')]) {
      const p = wrapped.placeMarketOrder(request);
      answerNext();
      await p;
    }
    // The second reducing order (a spot sell) is the one that dies.
    await expect(
      wrapped.placeMarketOrder({
        market: 'spot',
        symbol: 'AAAUSDT',
        side: 'SELL',
        quantity: dec(1),
        clientOrderId: 'c2',
      }),
    ).rejects.toThrow(Killed);
    expect(sent).toEqual(['o1', 'c1']);
    expect(k.killed).toEqual(['close:before-orders']);
  });

  it('transfer:after-send dies after the transfer was answered; other calls pass through', async () => {
    const { venue } = fakeVenue();
    const k = killer();
    const wrapped = withCrashPoints(venue, parseCrashSpec('transfer:after-send'), k.kill);
    expect(await wrapped.serverTimeMs()).toBe(123);
    await expect(
      wrapped.transfer({ asset: 'USDT', amount: dec(5), direction: 'SPOT_TO_PERP', clientTranId: 't1' }),
    ).rejects.toThrow(Killed);
    expect(k.killed).toEqual(['transfer:after-send']);
  });
});
