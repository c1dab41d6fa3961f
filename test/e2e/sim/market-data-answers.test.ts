/**
 * The all-symbols market endpoints answer from per-step caches (market states, formatted numbers, exchangeInfo
 * parts) and must never serve a stale answer: a price set through the control API shows at once in the
 * all-symbols book ticker, premium index and 24 h ticker of the same market step (for that symbol only), a halted
 * listing shows in exchangeInfo at once, and the injected latency delays requests side by side, not one after
 * another.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualMarketSource } from '../../../src/sim/market/manual.ts';
import { startSimulator } from '../../../src/sim/server.ts';
import { send } from './support/client.ts';
import { type Harness, START_MS, startHarness } from './support/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

type Row = { symbol: string } & Record<string, unknown>;
const bySymbol = (rows: Row[]) => new Map(rows.map((r) => [r.symbol, r]));

describe('all-symbols answers of one market step', () => {
  it('change for the moved symbol as soon as its price is set, and for no other', async () => {
    const sim = await startSimulator({ manualClock: true, startMs: START_MS, pairs: 12, seed: 5, warn: () => {} });
    h = { sim, client: undefined as never };
    const rows = async (path: string) => bySymbol((await send(sim.url, 'GET', path)).body as Row[]);
    const read = async () => ({
      books: await rows('/fapi/v1/ticker/bookTicker'),
      premium: await rows('/fapi/v1/premiumIndex'),
      tickers: await rows('/fapi/v1/ticker/24hr'),
    });
    const quote = (row: Record<string, unknown> | undefined) =>
      row && [row['bidPrice'], row['bidQty'], row['askPrice'], row['askQty']];
    const before = await read();
    expect((await read()).books).toEqual(before.books);
    const mark = Number(before.premium.get('ETHUSDT')?.['markPrice']);
    const target = String(Math.round(mark * 1.1));
    const moved = await send(
      sim.url,
      'POST',
      '/_sim/price',
      '',
      JSON.stringify({ symbol: 'ETHUSDT', markPrice: target }),
      {
        'Content-Type': 'application/json',
      },
    );
    expect(moved.status).toBe(200);
    const after = await read();
    // Still the same instant, so still the same market step: only the override changed.
    expect(sim.clock.nowMs()).toBe(START_MS);
    expect(Number(after.premium.get('ETHUSDT')?.['markPrice'])).toBeCloseTo(Number(target), 6);
    const bidBefore = Number(before.books.get('ETHUSDT')?.['bidPrice']);
    expect(Number(after.books.get('ETHUSDT')?.['bidPrice'])).toBeGreaterThan(bidBefore * 1.05);
    const lastBefore = Number(before.tickers.get('ETHUSDT')?.['lastPrice']);
    expect(Number(after.tickers.get('ETHUSDT')?.['lastPrice'])).toBeGreaterThan(lastBefore * 1.05);
    for (const [symbol, row] of after.books) {
      if (symbol !== 'ETHUSDT') expect(quote(row), symbol).toEqual(quote(before.books.get(symbol)));
    }
    expect(after.premium.get('BTCUSDT')).toEqual(before.premium.get('BTCUSDT'));
  });

  it('show a halted listing in exchangeInfo at once', async () => {
    const source = new ManualMarketSource({
      startMs: START_MS,
      symbols: [
        { baseAsset: 'BTC', price: '100000' },
        { baseAsset: 'ETH', price: '3500' },
      ],
    });
    const sim = await startSimulator({ manualClock: true, startMs: START_MS, source, warn: () => {} });
    h = { sim, client: undefined as never };
    const status = async (path: string) => bySymbol((await send(sim.url, 'GET', path)).body.symbols as Row[]);
    expect((await status('/fapi/v1/exchangeInfo')).get('ETHUSDT')).toMatchObject({ status: 'TRADING' });
    expect((await status('/api/v1/exchangeInfo')).get('ETHUSDT')).toMatchObject({ status: 'TRADING' });
    source.setStatus('ETHUSDT', 'BREAK');
    expect((await status('/fapi/v1/exchangeInfo')).get('ETHUSDT')).toMatchObject({ status: 'BREAK' });
    expect((await status('/api/v1/exchangeInfo')).get('ETHUSDT')).toMatchObject({ status: 'BREAK' });
    expect((await status('/fapi/v1/exchangeInfo')).get('BTCUSDT')).toMatchObject({ status: 'TRADING' });
  });
});

describe('injected latency', () => {
  it('delays each request by itself: concurrent requests wait side by side, not in a queue', async () => {
    const latencyMs = 300;
    h = await startHarness({ latencyMs });
    const paths = ['premiumIndex', 'ticker/24hr', 'ticker/bookTicker', 'fundingInfo', 'exchangeInfo', 'time'];
    const replies = await Promise.all(paths.map((p) => send(h?.sim.url ?? '', 'GET', `/fapi/v1/${p}`)));
    expect(replies.map((r) => r.status)).toEqual(paths.map(() => 200));
    const entries = h.sim.requests().filter((e) => e.endpoint !== 'control');
    expect(entries).toHaveLength(paths.length);
    // A queue would make the k-th answer wait k × 300 ms; side by side, each waits about 300 ms.
    for (const entry of entries) {
      expect(entry.durationMs, entry.endpoint).toBeGreaterThanOrEqual(latencyMs - 1);
      expect(entry.durationMs, entry.endpoint).toBeLessThan(2 * latencyMs);
    }
  });
});
