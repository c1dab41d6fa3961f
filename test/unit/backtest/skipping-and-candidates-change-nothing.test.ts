/**
 * The replay's two shortcuts are exact: deciding only when something the decision depends on changed, and showing
 * `decide` only the held pair and the top candidates. A run without them (every check decided, every pair scanned)
 * must give the same cycles, the same money and the same balances, to the last decimal.
 */
import { describe, expect, it } from 'vitest';
import type { BacktestReport } from '../../../src/backtest/report.ts';
import { dec } from '../../../src/domain/decimal.ts';
import type { Leverage } from '../../../src/strategy/params.ts';
import { randomMarket } from './support/random-market.ts';
import { params, run } from './support/series.ts';

function essence(report: BacktestReport) {
  return {
    cycles: report.cycles.map((c) => ({
      symbol: c.symbol,
      opened: c.openedAtMs,
      closed: c.closedAtMs,
      reason: c.closeReason,
      funding: c.fundingUsdt.toFixed(),
      fees: c.feesUsdt.toFixed(),
      pnl: c.pnlUsdt.toFixed(),
      volume: c.volumeUsdt.toFixed(),
    })),
    equity: report.finalEquityUsdt.toFixed(),
    funding: report.fundingUsdt.toFixed(),
    fees: report.feesUsdt.toFixed(),
    balances: report.balances.map((b) => `${b.asset} ${b.qty.toFixed()}`),
    drawdown: report.maxDrawdownUsdt.toFixed(),
  };
}

const CASES: { name: string; seed: number; leverage: Leverage; ma: boolean; loop: number; volatility?: number }[] = [
  { name: 'defaults', seed: 1, leverage: 1, ma: false, loop: 300 },
  { name: 'moving-average ranking', seed: 2, leverage: 1, ma: true, loop: 900 },
  { name: '3x with price jumps (stop-losses)', seed: 3, leverage: 3, ma: false, loop: 600, volatility: 0.05 },
  { name: 'a loop slower than the funding interval', seed: 4, leverage: 2, ma: false, loop: 5 * 3600 },
];

describe('the optimised replay equals the naive one', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const data = randomMarket(c.seed, 7, 12, c.volatility);
      const settings = {
        params: params({ leverage: c.leverage, useFundingMa: c.ma, fundingMaPeriods: 5, minFundingAprPct: dec(3) }),
        loopIntervalSeconds: c.loop,
      };
      const fast = run(data, settings).report;
      const naive = run(data, { ...settings, decideEveryCheck: true, scanEveryPair: true }).report;
      expect(fast.opens).toBeGreaterThan(2);
      expect(naive.decisions).toBe(naive.checks);
      expect(fast.decisions).toBeLessThan(naive.decisions);
      expect(essence(fast)).toEqual(essence(naive));
    });
  }

  it('covers the exits the random markets are built for', () => {
    const reasons = new Set<string>();
    for (const c of CASES) {
      const data = randomMarket(c.seed, 7, 12, c.volatility);
      const { report } = run(data, {
        params: params({ leverage: c.leverage, useFundingMa: c.ma, fundingMaPeriods: 5, minFundingAprPct: dec(3) }),
        loopIntervalSeconds: c.loop,
      });
      for (const reason of Object.keys(report.closeReasons)) reasons.add(reason);
    }
    expect([...reasons].sort()).toEqual(
      expect.arrayContaining(['data_ended', 'fee_coverage', 'rotation', 'stop_loss']),
    );
  });
});
