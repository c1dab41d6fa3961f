import { describe, expect, it } from 'vitest';
import { type Decimal, ZERO } from '../../../../src/domain/decimal.ts';
import { deriveBalances, type LedgerEntry, type SimEngine } from '../../../../src/sim/engine/index.ts';
import { ACCOUNTS, createScenario } from './scenario.ts';

const STEPS = 4_000;

type Balances = Map<string, Map<string, Decimal>>;

function add(map: Map<string, Decimal>, asset: string, amount: Decimal): void {
  map.set(asset, (map.get(asset) ?? ZERO).plus(amount));
}

/** What the engine reports, per account and wallet (`spot:USDT`, `futures:USDT`, …), zeros dropped. */
function reported(engine: SimEngine): Balances {
  const out: Balances = new Map();
  for (const id of ACCOUNTS) {
    const wallets = new Map<string, Decimal>();
    for (const b of engine.spotAccount(id).balances) add(wallets, `spot:${b.asset}`, b.free.plus(b.locked));
    for (const a of engine.futuresAccount(id).assets) add(wallets, `futures:${a.asset}`, a.walletBalance);
    out.set(id, dropZeros(wallets));
  }
  return out;
}

function dropZeros(map: Map<string, Decimal>): Map<string, Decimal> {
  return new Map([...map].filter(([, v]) => !v.isZero()).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Replays ledger entries on top of `into` (the ledger is append-only, so replaying the new tail suffices). */
function replay(into: Balances, entries: readonly LedgerEntry[]): void {
  for (const e of entries) {
    let wallets = into.get(e.accountId);
    if (!wallets) {
      wallets = new Map();
      into.set(e.accountId, wallets);
    }
    add(wallets, `${e.wallet}:${e.asset}`, e.delta);
  }
}

function normalise(balances: Balances): [string, [string, string][]][] {
  return ACCOUNTS.map((id) => [id, [...dropZeros(balances.get(id) ?? new Map())].map(([k, v]) => [k, v.toFixed()])]);
}

/**
 * Conservation, from records independent of the ledger: per asset, everything in all wallets plus what the house
 * collected equals what was deposited, plus what spot trading moved in from the market, plus realised perp PnL and
 * funding. Nothing else may create or destroy value.
 */
function checkConservation(engine: SimEngine, deposits: Map<string, Decimal>): void {
  const wallets = new Map<string, Decimal>();
  const expected = new Map<string, Decimal>(deposits);
  const commissions = new Map<string, Decimal>();
  let insuranceIncome = ZERO;
  for (const id of ACCOUNTS) {
    for (const b of engine.spotAccount(id).balances) add(wallets, b.asset, b.free.plus(b.locked));
    for (const a of engine.futuresAccount(id).assets) add(wallets, a.asset, a.walletBalance);
    const spotTrades = engine.userTrades(id, 'spot', {});
    const perpTrades = engine.userTrades(id, 'perp', {});
    const income = engine.income(id, {});
    if (!spotTrades.ok || !perpTrades.ok || !income.ok) throw new Error('queries must succeed');
    for (const t of spotTrades.value) {
      const [base, quote] = [t.symbol.replace(/USDT$/, ''), 'USDT'];
      const sign = t.side === 'BUY' ? 1 : -1;
      add(expected, base, t.qty.times(sign));
      add(expected, quote, t.quoteQty.times(-sign));
      add(commissions, t.commissionAsset, t.commission);
    }
    for (const t of perpTrades.value) {
      add(expected, 'USDT', t.realizedPnl);
      add(commissions, t.commissionAsset, t.commission);
    }
    for (const r of income.value) {
      if (r.incomeType === 'FUNDING_FEE') add(expected, r.asset, r.income);
      if (r.incomeType === 'INSURANCE_CLEAR') insuranceIncome = insuranceIncome.plus(r.income);
    }
    // The futures wallet is fully explained by its income records.
    const futuresUsdt = engine.futuresAccount(id).totalWalletBalance;
    const incomeUsdt = income.value.filter((r) => r.asset === 'USDT').reduce((s, r) => s.plus(r.income), ZERO);
    expect(futuresUsdt.toFixed(), `futures wallet of ${id} vs its income`).toBe(incomeUsdt.toFixed());
    for (const b of engine.spotAccount(id).balances) {
      expect(b.free.isNegative(), `spot ${b.asset} of ${id} is negative`).toBe(false);
    }
  }
  const house = engine.houseFees();
  // The house holds the commissions plus liquidation fees, less what the insurance fund paid out.
  const houseUsdt = (commissions.get('USDT') ?? ZERO).minus(insuranceIncome);
  expect((house.get('USDT') ?? ZERO).toFixed()).toBe(houseUsdt.toFixed());
  for (const asset of new Set([...wallets.keys(), ...expected.keys(), ...house.keys()])) {
    const held = (wallets.get(asset) ?? ZERO).plus(house.get(asset) ?? ZERO);
    expect(held.toFixed(), `conservation of ${asset}`).toBe((expected.get(asset) ?? ZERO).toFixed());
    if (asset !== 'USDT') expect((house.get(asset) ?? ZERO).toFixed()).toBe((commissions.get(asset) ?? ZERO).toFixed());
  }
}

describe('ledger property: thousands of random operations', () => {
  it('balances re-derived from the ledger equal the reported ones after every step, and value is conserved', () => {
    const scenario = createScenario(20250101);
    const { engine } = scenario;
    const derived: Balances = new Map();
    let replayed = 0;
    for (let step = 1; step <= STEPS; step++) {
      scenario.step();
      const ledger = engine.ledger();
      // Append-only: sequence numbers are dense and nothing before the tail changed.
      expect(ledger.length).toBeGreaterThanOrEqual(replayed);
      for (let i = replayed; i < ledger.length; i++) expect(ledger[i]?.seq).toBe(i + 1);
      replay(derived, ledger.slice(replayed));
      replayed = ledger.length;
      expect(normalise(derived), `step ${step}`).toEqual(normalise(reported(engine)));
      if (step % 500 === 0) {
        const fresh: Balances = new Map();
        for (const [id, wallets] of deriveBalances(ledger)) {
          const flat = new Map<string, Decimal>();
          for (const [asset, v] of wallets.spot) add(flat, `spot:${asset}`, v);
          for (const [asset, v] of wallets.futures) add(flat, `futures:${asset}`, v);
          fresh.set(id, flat);
        }
        expect(normalise(fresh)).toEqual(normalise(reported(engine)));
        checkConservation(engine, scenario.deposits);
      }
    }
    checkConservation(engine, scenario.deposits);

    // The scenario really exercised what it claims to.
    const reasons = new Map<string, number>();
    for (const e of engine.ledger()) reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
    for (const reason of ['trade', 'commission', 'funding', 'transfer', 'realized_pnl']) {
      expect(reasons.get(reason) ?? 0, `ledger entries for ${reason}`).toBeGreaterThan(10);
    }
    expect(reasons.get('liquidation_fee') ?? 0).toBeGreaterThan(0);
    for (const code of [-4115, -2022, -2018, -2019, -4164, -5076, -4004, -4005, -4023, -1111]) {
      expect(scenario.rejections.get(code) ?? 0, `rejections ${code}`).toBeGreaterThan(0);
    }
    const liquidations = ACCOUNTS.flatMap((id) =>
      ['BTCUSDT', 'ETHUSDT', 'DOGEUSDT'].flatMap((s) => {
        const orders = engine.allOrders(id, 'perp', s, {});
        return orders.ok ? orders.value.filter((o) => o.isLiquidation) : [];
      }),
    );
    expect(liquidations.length).toBeGreaterThan(0);
  });
});
