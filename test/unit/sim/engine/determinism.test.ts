import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../../src/sim/clock.ts';
import { type LedgerEntry, SimEngine } from '../../../../src/sim/engine/index.ts';
import { SyntheticMarketSource } from '../../../../src/sim/market/synthetic.ts';
import { createScenario } from './scenario.ts';

function fingerprint(entries: readonly LedgerEntry[]): string[] {
  return entries.map(
    (e) => `${e.seq}|${e.accountId}|${e.wallet}|${e.asset}|${e.delta.toFixed()}|${e.reason}|${e.refId}|${e.timeMs}`,
  );
}

function runScenario(seed: number, steps: number): { ledger: string[]; trades: string[] } {
  const scenario = createScenario(seed);
  for (let i = 0; i < steps; i++) scenario.step();
  const trades: string[] = [];
  for (const id of ['a', 'b', 'c', 'd']) {
    for (const market of ['spot', 'perp'] as const) {
      const result = scenario.engine.userTrades(id, market, {});
      if (result.ok)
        for (const t of result.value) trades.push(`${t.id}|${t.orderId}|${t.price.toFixed()}|${t.qty.toFixed()}`);
    }
  }
  return { ledger: fingerprint(scenario.engine.ledger()), trades };
}

/** A fixed script of requests at fixed clock times against the synthetic market. */
function runSynthetic(seed: number): { ledger: string[]; marks: string[] } {
  const source = new SyntheticMarketSource({ seed, pairs: 8 });
  const clock = new SimClock({ startMs: source.startMs, manual: true });
  const engine = new SimEngine({ source, clock });
  const marks: string[] = [];
  engine.subscribe((e) => {
    if (e.type === 'markPrice' && e.symbol === 'BTCUSDT') marks.push(e.markPrice.toFixed());
  });
  engine.transfer('u1', { asset: 'USDT', amount: '4000', kindType: 'SPOT_FUTURE', clientTranId: 'r1' });
  // A carry position held throughout, so funding settles on it…
  engine.placeOrder('u1', 'spot', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' });
  engine.placeOrder('u1', 'perp', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' });
  // …and round trips on ETH at fixed clock times.
  for (let i = 0; i < 40; i++) {
    clock.advance(17 * 60_000);
    const side = i % 2 === 0 ? 'BUY' : 'SELL';
    engine.placeOrder('u1', 'spot', { symbol: 'ETHUSDT', side, type: 'MARKET', quantity: '0.05' });
    engine.placeOrder('u1', 'perp', {
      symbol: 'ETHUSDT',
      side: side === 'BUY' ? 'SELL' : 'BUY',
      type: 'MARKET',
      quantity: '0.05',
    });
  }
  clock.advance(24 * 3_600_000);
  engine.advanceTo(clock.nowMs());
  return { ledger: fingerprint(engine.ledger()), marks };
}

describe('determinism', () => {
  it('the same seed and the same requests give the same fills and the same ledger', () => {
    const first = runScenario(7, 800);
    const second = runScenario(7, 800);
    expect(first.ledger.length).toBeGreaterThan(100);
    expect(second).toEqual(first);
    const other = runScenario(8, 800);
    expect(other.ledger).not.toEqual(first.ledger);
  });

  it('on the synthetic market: same seed, same requests at the same clock times ⇒ same path, fills and ledger', () => {
    const first = runSynthetic(42);
    const second = runSynthetic(42);
    expect(first.ledger.some((l) => l.includes('|funding|'))).toBe(true);
    expect(second).toEqual(first);
    const other = runSynthetic(43);
    expect(other.marks).not.toEqual(first.marks);
    expect(other.ledger).not.toEqual(first.ledger);
  });
});
