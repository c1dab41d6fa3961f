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
  | 'insurance'
  /** Older entries folded into one per account, wallet and asset under a retention bound: the balance they left. */
  | 'opening';

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
  /** Folded history, one entry per `accountId|wallet|asset`; empty until something is folded. */
  private readonly opening = new Map<string, LedgerEntry>();
  private nextSeq = 1;

  append(entry: Omit<LedgerEntry, 'seq'>): LedgerEntry {
    const full: LedgerEntry = { seq: this.nextSeq++, ...entry };
    this.entries.push(full);
    return full;
  }

  /** Opening entries (if anything was folded) then every later entry, in sequence order. */
  all(): readonly LedgerEntry[] {
    // Without folding, the live list itself: a reader may keep it and follow it as it grows.
    if (this.opening.size === 0) return this.entries;
    return [...[...this.opening.values()].sort((a, b) => a.seq - b.seq), ...this.entries];
  }

  ofAccount(accountId: string): LedgerEntry[] {
    return this.all().filter((e) => e.accountId === accountId);
  }

  /** Entries held one by one (opening entries not counted). */
  get size(): number {
    return this.entries.length;
  }

  /**
   * Folds the oldest entries into the opening entries: the longest run from the start in which every entry is older
   * than `cutoffMs` and not among the newest `keepPerAccount` of its account. Folding a prefix keeps the list in
   * sequence order; an opening entry carries the sequence number and time of the newest entry folded into it.
   * Returns how many entries were folded.
   */
  fold(cutoffMs: number, keepPerAccount: number): number {
    const remaining = new Map<string, number>();
    for (const e of this.entries) remaining.set(e.accountId, (remaining.get(e.accountId) ?? 0) + 1);
    let folded = 0;
    for (const e of this.entries) {
      const left = remaining.get(e.accountId) ?? 0;
      if (e.timeMs >= cutoffMs || left <= keepPerAccount) break;
      remaining.set(e.accountId, left - 1);
      const key = `${e.accountId}|${e.wallet}|${e.asset}`;
      const before = this.opening.get(key);
      this.opening.set(key, {
        seq: e.seq,
        accountId: e.accountId,
        wallet: e.wallet,
        asset: e.asset,
        delta: before === undefined ? e.delta : before.delta.plus(e.delta),
        reason: 'opening',
        refId: 'opening',
        timeMs: e.timeMs,
      });
      folded++;
    }
    this.entries.splice(0, folded);
    // A balance that came back to zero needs no opening entry (ledger deltas are never zero).
    for (const [key, e] of this.opening) if (e.delta.isZero()) this.opening.delete(key);
    return folded;
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
