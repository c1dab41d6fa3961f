/**
 * Reading the account engine's ledger as it grows. The ledger is the audit trail of every balance change, so the
 * backtest takes its money figures from it and from nothing else: funding as the engine paid it, commissions as it
 * charged them, balances as it booked them. `LedgerReader` keeps a cursor and looks at each entry once.
 *
 * A spot buy pays its commission in the base asset; it is valued at the price of the fill it came with (the trade
 * entries with the same reference just before it), which is how the bot values such a fee.
 */
import { type Decimal, ZERO } from '../domain/decimal.ts';
import type { LedgerEntry, SimEngine } from '../sim/engine/index.ts';

export interface FundingEntry {
  readonly symbol: string;
  readonly amountUsdt: Decimal;
  readonly timeMs: number;
}

/** What a batch of new entries changed, in the order the engine booked it. */
export interface LedgerBatch {
  readonly funding: readonly FundingEntry[];
  /** Commissions and liquidation fees, valued in the quote asset. */
  readonly feesUsdt: Decimal;
  /** Commissions taken in a base asset, per asset (a spot buy receives this much less). */
  readonly baseCommission: ReadonlyMap<string, Decimal>;
  /** Liquidation fees and insurance payouts seen in the batch (a liquidation happened). */
  readonly liquidation: boolean;
}

const FUNDING_REF = /^funding:(.+):\d+$/;

export class LedgerReader {
  readonly #entries: readonly LedgerEntry[];
  readonly #engine: SimEngine;
  readonly #accountId: string;
  readonly #quoteAsset: string;
  #cursor = 0;
  /** The latest spot fill seen, to value a base-asset commission that follows it. */
  #fill: { refId: string; quote: Decimal | null; base: Decimal | null } = { refId: '', quote: null, base: null };
  /** Balances rebuilt from the entries: the same as the engine's by its own contract, and checked against it. */
  readonly spot = new Map<string, Decimal>();
  readonly futures = new Map<string, Decimal>();
  fundingTotalUsdt: Decimal = ZERO;
  feesTotalUsdt: Decimal = ZERO;
  depositsUsdt: Decimal = ZERO;

  constructor(engine: SimEngine, accountId: string, quoteAsset: string) {
    this.#engine = engine;
    this.#entries = engine.ledger();
    this.#accountId = accountId;
    this.#quoteAsset = quoteAsset;
  }

  spotBalance(asset: string): Decimal {
    return this.spot.get(asset) ?? ZERO;
  }

  futuresBalance(asset: string): Decimal {
    return this.futures.get(asset) ?? ZERO;
  }

  /** Applies every entry booked since the last call. */
  read(): LedgerBatch {
    // The engine hands out its own append-only list; should it ever hand out a copy, read the new one.
    const entries = this.#entries.length >= this.#cursor ? this.#entries : this.#engine.ledger();
    const funding: FundingEntry[] = [];
    let feesUsdt = ZERO;
    let liquidation = false;
    const baseCommission = new Map<string, Decimal>();
    for (; this.#cursor < entries.length; this.#cursor++) {
      const entry = entries[this.#cursor] as LedgerEntry;
      if (entry.accountId !== this.#accountId) continue;
      const wallet = entry.wallet === 'spot' ? this.spot : this.futures;
      wallet.set(entry.asset, (wallet.get(entry.asset) ?? ZERO).plus(entry.delta));
      switch (entry.reason) {
        case 'funding': {
          const symbol = FUNDING_REF.exec(entry.refId)?.[1] ?? '';
          funding.push({ symbol, amountUsdt: entry.delta, timeMs: entry.timeMs });
          this.fundingTotalUsdt = this.fundingTotalUsdt.plus(entry.delta);
          break;
        }
        case 'trade':
          if (entry.refId !== this.#fill.refId) this.#fill = { refId: entry.refId, quote: null, base: null };
          if (entry.asset === this.#quoteAsset) this.#fill.quote = entry.delta;
          else this.#fill.base = entry.delta;
          break;
        case 'commission':
        case 'liquidation_fee': {
          const paid = entry.delta.negated();
          let valued = paid;
          if (entry.asset !== this.#quoteAsset) {
            const { refId, quote, base } = this.#fill;
            if (refId !== entry.refId || quote === null || base === null || base.isZero()) {
              throw new Error(`ledger entry ${entry.seq}: a ${entry.asset} commission without its fill`);
            }
            valued = paid.times(quote.abs()).div(base.abs());
            baseCommission.set(entry.asset, (baseCommission.get(entry.asset) ?? ZERO).plus(paid));
          }
          feesUsdt = feesUsdt.plus(valued);
          if (entry.reason === 'liquidation_fee') liquidation = true;
          break;
        }
        case 'insurance':
          liquidation = true;
          break;
        case 'deposit':
          if (entry.asset === this.#quoteAsset) this.depositsUsdt = this.depositsUsdt.plus(entry.delta);
          break;
        default:
          break;
      }
    }
    this.feesTotalUsdt = this.feesTotalUsdt.plus(feesUsdt);
    return { funding, feesUsdt, baseCommission, liquidation };
  }
}
