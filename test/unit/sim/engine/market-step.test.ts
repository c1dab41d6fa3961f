/**
 * `marketStepMs`: the clock drives market reads at most once per step, on multiples of it, while the engine's own
 * time follows the clock exactly; funding boundaries and `refreshMarket` stay exact.
 */
import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import { SimClock } from '../../../../src/sim/clock.ts';
import {
  type LedgerEntry,
  SimEngine,
  type SimEvent,
  type SimMarkPriceEvent,
} from '../../../../src/sim/engine/index.ts';
import { ManualMarketSource } from '../../../../src/sim/market/manual.ts';
import { SyntheticMarketSource } from '../../../../src/sim/market/synthetic.ts';
import type { MarketSource, MarketState } from '../../../../src/sim/market/types.ts';
import { T0, value } from './harness.ts';

const STEP = 100;

/** Records the instant of every read of the wrapped source. */
class CountingSource implements MarketSource {
  readonly reads: number[] = [];
  readonly startMs: number;

  constructor(private readonly inner: MarketSource) {
    this.startMs = inner.startMs;
  }

  definitions(): ReturnType<MarketSource['definitions']> {
    return this.inner.definitions();
  }

  advance(toMs: number): MarketState {
    this.reads.push(toMs);
    return this.inner.advance(toMs);
  }

  settlement(symbol: string, boundaryMs: number): ReturnType<MarketSource['settlement']> {
    return this.inner.settlement(symbol, boundaryMs);
  }

  priorFunding(symbol: string): ReturnType<MarketSource['priorFunding']> {
    return this.inner.priorFunding(symbol);
  }
}

function stepped(marketStepMs = STEP) {
  const manual = new ManualMarketSource({ startMs: T0, symbols: [{ baseAsset: 'BTC', price: '100000' }] });
  const source = new CountingSource(manual);
  const clock = new SimClock({ startMs: T0, manual: true });
  const engine = new SimEngine({ source, clock, marketStepMs });
  const events: SimEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const at = (offsetMs: number) => clock.advance(T0 + offsetMs - clock.nowMs());
  const mark = () => value(engine.premiumIndex('BTCUSDT'))[0]?.markPrice.toFixed();
  return { manual, source, clock, engine, events, at, mark };
}

describe('market step', () => {
  it('a burst of calls within one step shares one market read, while the engine time follows the clock', () => {
    const s = stepped();
    s.source.reads.length = 0;
    for (const offset of [10, 35, 60, 99]) {
      s.at(offset);
      s.engine.bookTickers('spot');
      expect(s.engine.nowMs()).toBe(T0 + offset);
    }
    expect(s.source.reads).toEqual([]);
    s.at(100);
    s.engine.bookTickers('spot');
    s.at(180);
    s.engine.deposit('alice', 'futures', 'USDT', dec(1_000));
    s.at(250);
    const order = value(
      s.engine.placeOrder('alice', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.001' }),
    );
    expect(s.source.reads).toEqual([T0 + 100, T0 + 200]);
    // Records carry the clock's instant, not the step's.
    expect(order.timeMs).toBe(T0 + 250);
    const marks = s.events.filter((e): e is SimMarkPriceEvent => e.type === 'markPrice').map((e) => e.timeMs);
    expect(marks).toEqual([T0 + 100, T0 + 200]);
  });

  it('a price change shows at the next step; refreshMarket shows it at once', () => {
    const s = stepped();
    s.at(120);
    expect(s.mark()).toBe('100000');
    s.manual.setMarkPrice('BTCUSDT', '101000');
    s.at(199);
    expect(s.mark()).toBe('100000');
    s.at(200);
    expect(s.mark()).toBe('101000');
    s.manual.setMarkPrice('BTCUSDT', '102000');
    s.at(230);
    s.events.length = 0;
    s.engine.refreshMarket();
    expect(s.mark()).toBe('102000');
    expect(s.events.filter((e) => e.type === 'markPrice').map((e) => e.timeMs)).toEqual([T0 + 230]);
    // The next step still reads on the grid, after the refreshed instant.
    s.at(260);
    s.engine.bookTickers('spot');
    s.at(300);
    s.engine.bookTickers('spot');
    expect(s.source.reads.slice(-2)).toEqual([T0 + 230, T0 + 300]);
  });

  it('with calls on the step grid, a stepped engine books exactly what an unstepped one does', () => {
    const run = (marketStepMs: number): { ledger: string[]; marks: string[] } => {
      const source = new SyntheticMarketSource({ seed: 5, pairs: 6 });
      const clock = new SimClock({ startMs: source.startMs, manual: true });
      const engine = new SimEngine({ source, clock, marketStepMs });
      const marks: string[] = [];
      engine.subscribe((e) => {
        if (e.type === 'markPrice' && e.symbol === 'ETHUSDT') marks.push(`${e.timeMs}:${e.fundingRate.toFixed()}`);
      });
      engine.transfer('u1', { asset: 'USDT', amount: '4000', kindType: 'SPOT_FUTURE', clientTranId: 't1' });
      engine.placeOrder('u1', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' });
      engine.placeOrder('u1', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' });
      for (let i = 0; i < 30; i++) {
        clock.advance(23 * 60_000 + 300);
        const side = i % 2 === 0 ? 'BUY' : 'SELL';
        engine.placeOrder('u1', 'perp', { symbol: 'ETHUSDT', side, type: 'MARKET', quantity: '0.05' });
      }
      clock.advance(16 * 3_600_000);
      engine.advanceTo(clock.nowMs());
      const fingerprint = (e: LedgerEntry) =>
        `${e.seq}|${e.wallet}|${e.asset}|${e.delta.toFixed()}|${e.reason}|${e.timeMs}`;
      return { ledger: engine.ledger().map(fingerprint), marks };
    };
    const exact = run(0);
    const grid = run(STEP);
    expect(exact.ledger.some((l) => l.includes('|funding|'))).toBe(true);
    expect(grid).toEqual(exact);
  });

  it('rejects a step that is not a whole number of ms', () => {
    expect(() => stepped(-1)).toThrow(/marketStepMs/);
    expect(() => stepped(0.5)).toThrow(/marketStepMs/);
  });
});
