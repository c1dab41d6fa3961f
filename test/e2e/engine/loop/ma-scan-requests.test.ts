/**
 * MA mode fetches funding histories only for the pairs that passed the cheap filters (negative rate,
 * volume, spread): one request per such pair, none for the others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import type { FundingRateRecord } from '../../../../src/domain/market.ts';
import { type EngineHarness, HOUR_MS, START_MS, seedConfig, startEngineHarness } from './support/harness.ts';

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

function history(symbol: string): FundingRateRecord[] {
  return Array.from({ length: 12 }, (_, i) => ({
    symbol,
    fundingRate: dec('0.0002'),
    fundingTimeMs: START_MS - 5 * HOUR_MS - (11 - i) * 8 * HOUR_MS,
  }));
}

describe('MA-mode scan', () => {
  it('asks for the history of the cheap-filter passers only, once each', async () => {
    const harness = await startEngineHarness({
      market: {
        symbols: [
          { baseAsset: 'AAA', price: 100, fundingRate: '0.0002' },
          { baseAsset: 'BBB', price: 50, fundingRate: '0.0002' },
          // Fails the volume filter (1 M + 1 M < 250 M).
          {
            baseAsset: 'LOW',
            price: 10,
            fundingRate: '0.0009',
            perpQuoteVolume: 1_000_000,
            spotQuoteVolume: 1_000_000,
          },
          // Fails the negative-rate filter.
          { baseAsset: 'NEG', price: 20, fundingRate: '-0.0001' },
        ],
        priorFunding: Object.fromEntries(['AAAUSDT', 'BBBUSDT', 'LOWUSDT', 'NEGUSDT'].map((s) => [s, history(s)])),
      },
      config: seedConfig({ funding_rate_strategy: { use_funding_ma: true } }),
    });
    h = harness;
    harness.start({ once: true });
    await harness.running;
    const histories = harness.sim
      .requests()
      .filter((r) => r.endpoint === 'perp.fundingRate')
      .map((r) => r.symbol)
      .sort();
    // The scan, then the reopen-free open: AAA and BBB once each (the executor sizes from its own reads).
    expect(histories).toEqual(['AAAUSDT', 'BBBUSDT']);
    const scan = harness.events.find((e) => e.type === 'scan');
    expect(scan?.type === 'scan' && scan.scan.mode).toBe('ma');
    expect(scan?.type === 'scan' && scan.scan.eligible.map((r) => r.symbol)).toEqual(['AAAUSDT', 'BBBUSDT']);
  }, 60_000);
});
