/**
 * Every money figure of the report is the account engine's: funding, fees and balances add up to what its ledger
 * booked, exactly, and the cycles add up to the totals. Run on real ApolloX data (BTC, ETH and SOL from October 2022
 * to January 2023, across SOL's weeks of 4 h and 2 h funding) and on a random market.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_ID } from '../../../src/backtest/account.ts';
import { loadBacktestData } from '../../../src/backtest/files.ts';
import type { BacktestReport } from '../../../src/backtest/report.ts';
import { type Decimal, dec } from '../../../src/domain/decimal.ts';
import { deriveBalances, type LedgerEntry, type SimEngine } from '../../../src/sim/engine/index.ts';
import { randomMarket } from './support/random-market.ts';
import { run, sum } from './support/series.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const APOLLOX = 'test/fixtures/realdata/history/aster-apollox';

/** Commissions valued independently: a base-asset commission at the price of its own fill (same reference). */
function ledgerFees(entries: readonly LedgerEntry[]): Decimal {
  let total = dec(0);
  for (const e of entries) {
    if (e.reason !== 'commission' && e.reason !== 'liquidation_fee') continue;
    if (e.asset === 'USDT') {
      total = total.plus(e.delta.negated());
      continue;
    }
    const fill = entries.filter((f) => f.refId === e.refId && f.reason === 'trade');
    const quote = fill.find((f) => f.asset === 'USDT')!.delta.abs();
    const base = fill.find((f) => f.asset !== 'USDT')!.delta.abs();
    total = total.plus(e.delta.negated().times(quote).div(base));
  }
  return total;
}

function audit(report: BacktestReport, engine: SimEngine): void {
  const entries = engine.ledger();
  const funding = sum(entries.filter((e) => e.reason === 'funding').map((e) => e.delta));
  expect(report.fundingUsdt.toFixed()).toBe(funding.toFixed());
  expect(
    sum(report.cycles.map((c) => c.fundingUsdt))
      .plus(report.unattributedFundingUsdt)
      .toFixed(),
  ).toBe(funding.toFixed());

  const fees = ledgerFees(entries);
  expect(report.feesUsdt.toFixed()).toBe(fees.toFixed());
  expect(
    sum(report.cycles.map((c) => c.feesUsdt))
      .plus(report.unattributedFeesUsdt)
      .toFixed(),
  ).toBe(fees.toFixed());

  const derived = deriveBalances(entries).get(ACCOUNT_ID)!;
  const spot = report.balances.filter((b) => !b.asset.includes('perp wallet'));
  const wanted = [...derived.spot].filter(([, qty]) => !qty.isZero()).sort(([a], [b]) => (a < b ? -1 : 1));
  expect(spot.map((b) => [b.asset, b.qty.toFixed()])).toEqual(wanted.map(([a, q]) => [a, q.toFixed()]));
  const engineSpot = engine
    .spotAccount(ACCOUNT_ID)
    .balances.filter((b) => !b.free.isZero())
    .map((b) => [b.asset, b.free.toFixed()]);
  expect(engineSpot).toEqual(wanted.map(([a, q]) => [a, q.toFixed()]));
  const perpWallet = report.balances.find((b) => b.asset.includes('perp wallet'))!;
  expect(perpWallet.qty.toFixed()).toBe(derived.futures.get('USDT')!.toFixed());

  const futures = engine.futuresAccount(ACCOUNT_ID);
  expect(report.finalEquityUsdt.toFixed()).toBe(
    sum(report.balances.map((b) => b.valueUsdt))
      .plus(futures.totalUnrealizedProfit)
      .toFixed(),
  );
  expect(report.unrealisedPnlUsdt.toFixed()).toBe(futures.totalUnrealizedProfit.toFixed());
  expect(report.netPnlUsdt.toFixed()).toBe(report.finalEquityUsdt.minus(report.capitalUsdt).toFixed());
  expect(sum(report.cycles.map((c) => c.volumeUsdt)).toFixed()).toBe(report.volumeUsdt.toFixed());
}

describe('the report against the ledger', () => {
  it('on real ApolloX data', () => {
    const data = loadBacktestData([APOLLOX], { cwd: ROOT, symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] });
    const { report, engine } = run(data.series, {
      fromMs: Date.UTC(2022, 9, 1),
      toMs: Date.UTC(2023, 0, 31),
    });
    expect(report.opens).toBeGreaterThan(10);
    audit(report, engine);
  });

  it('on a random market with delistings and stop-losses', () => {
    const { report, engine } = run(randomMarket(3, 7, 12, 0.05), {});
    expect(report.closes).toBeGreaterThan(5);
    audit(report, engine);
  });
});
