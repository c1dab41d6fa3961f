/**
 * The append-only record of every balance change. Balances are kept in the engine for speed, but the ledger is the
 * audit trail: `deriveBalances(ledger)` must reproduce every wallet exactly, and tests hold the engine to that.
 */
import { type Decimal, ZERO } from '../../domain/decimal.ts';

export type LedgerWallet = 'spot' | 'futures';

export type LedgerReason =
  | 'deposit'
  /** A fill's base or quote movement in a spot wallet. */
  | 'trade'
  | 'commission'
  | 'funding'
  | 'transfer'
  | 'realized_pnl'
  | 'liquidation_fee'
  /** The insurance fund covering a liquidated account's negative balance. */
  | 'insurance';

export interface LedgerEntry {
  seq: number;
  accountId: string;
  wallet: LedgerWallet;
  asset: string;
  /** Signed change; never zero. */
  delta: Decimal;
  reason: LedgerReason;
  /** What caused it: `order:<id>`, `trade:<id>`, `tran:<id>`, `funding:<symbol>:<boundary>`. */
  refId: string;
  timeMs: number;
}

export class Ledger {
  private readonly entries: LedgerEntry[] = [];

  append(entry: Omit<LedgerEntry, 'seq'>): LedgerEntry {
    const full: LedgerEntry = { seq: this.entries.length + 1, ...entry };
    this.entries.push(full);
    return full;
  }

  all(): readonly LedgerEntry[] {
    return this.entries;
  }

  ofAccount(accountId: string): LedgerEntry[] {
    return this.entries.filter((e) => e.accountId === accountId);
  }
}

/** accountId → wallet → asset → balance. */
export type DerivedBalances = Map<string, { spot: Map<string, Decimal>; futures: Map<string, Decimal> }>;

/** Replays ledger entries into balances: the reference the engine's own balances are checked against. */
export function deriveBalances(entries: Iterable<LedgerEntry>): DerivedBalances {
  const out: DerivedBalances = new Map();
  for (const e of entries) {
    let account = out.get(e.accountId);
    if (!account) {
      account = { spot: new Map(), futures: new Map() };
      out.set(e.accountId, account);
    }
    const wallet = account[e.wallet];
    wallet.set(e.asset, (wallet.get(e.asset) ?? ZERO).plus(e.delta));
  }
  return out;
}
