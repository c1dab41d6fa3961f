/** What a backtest reports, and the small accumulators that build it. */
import { type Decimal, ZERO } from '../domain/decimal.ts';
import type { CycleEndReason } from './cycle.ts';

export interface SymbolSummary {
  readonly symbol: string;
  readonly source: string;
  /** The series' usual funding interval (hours). */
  readonly intervalHours: number;
  /** Settlements of the symbol inside the period: its symbol-intervals. */
  readonly settlements: number;
  readonly firstSettlementMs: number;
  readonly lastSettlementMs: number;
  /** False when the file had no prices (replayed at a constant reference price). */
  readonly pricesFromData: boolean;
}

export interface CycleReport {
  readonly id: number;
  readonly symbol: string;
  readonly leverage: number;
  readonly openedAtMs: number;
  /** Null for the position still open at the end. */
  readonly closedAtMs: number | null;
  readonly hoursHeld: number;
  /** Null while open; an open that had to be unwound reports `failed_open`. */
  readonly closeReason: CycleEndReason | 'failed_open' | null;
  readonly entryAprPct: Decimal | null;
  /** Short size × average entry price. */
  readonly notionalUsdt: Decimal;
  readonly fundingUsdt: Decimal;
  readonly fundingPayments: number;
  readonly feesUsdt: Decimal;
  readonly spotPnlUsdt: Decimal;
  readonly perpPnlUsdt: Decimal;
  /**
   * Closed: realised spot + perp PnL + funding − fees. Open at the end: the same with both legs marked at the last
   * price (exit fees not included).
   */
  readonly pnlUsdt: Decimal;
  readonly volumeUsdt: Decimal;
  /** Spot left below one lot step when the position was sold (it stays in the wallet). */
  readonly dustQty: Decimal;
}

export interface AssetBalance {
  readonly asset: string;
  readonly qty: Decimal;
  /** At the last price; the quote asset at face value. */
  readonly valueUsdt: Decimal;
}

export interface BacktestReport {
  readonly period: { readonly fromMs: number; readonly toMs: number; readonly days: number };
  readonly symbols: readonly SymbolSummary[];
  /** Σ settlements inside the period over every symbol: the data the backtest went through. */
  readonly symbolIntervals: number;
  /** Check iterations of the loop (one per `loop_interval_seconds`). */
  readonly checks: number;
  /** Checks at which something the decision depends on had changed, so `decide` ran. */
  readonly decisions: number;
  readonly loopIntervalSeconds: number;
  readonly leverage: number;
  readonly capitalUsdt: Decimal;
  readonly finalEquityUsdt: Decimal;
  /** Final equity − capital. */
  readonly netPnlUsdt: Decimal;
  readonly returnPct: Decimal;
  /** Return scaled to a year (no compounding). */
  readonly aprPct: Decimal;
  /** Every FUNDING_FEE the engine booked. */
  readonly fundingUsdt: Decimal;
  /** Every commission (and liquidation fee) the engine charged, base-asset ones at their fill price. */
  readonly feesUsdt: Decimal;
  readonly spotVolumeUsdt: Decimal;
  readonly perpVolumeUsdt: Decimal;
  readonly volumeUsdt: Decimal;
  readonly opens: number;
  readonly closes: number;
  readonly closeReasons: Readonly<Record<string, number>>;
  /** Opens the strategy decided that did not happen, by reason (funding guard, sizing, …). */
  readonly skippedOpens: Readonly<Record<string, number>>;
  readonly failedOpens: number;
  readonly orders: number;
  readonly rejectedOrders: number;
  readonly transfers: number;
  readonly timeInPositionHours: number;
  /** Share of the period a position was held (percent). */
  readonly timeInPositionPct: number;
  /** Largest fall of the equity from a previous peak (see `EquityCurve`). */
  readonly maxDrawdownUsdt: Decimal;
  readonly maxDrawdownPct: Decimal;
  readonly cycles: readonly CycleReport[];
  /** Commissions of orders outside any cycle (repairs of positions without a record). */
  readonly unattributedFeesUsdt: Decimal;
  /** Funding of positions without a record. */
  readonly unattributedFundingUsdt: Decimal;
  /** Every asset left in either wallet at the end, at the last price. */
  readonly balances: readonly AssetBalance[];
  /** Unrealised PnL of the perp position open at the end: final equity = Σ balances + this. */
  readonly unrealisedPnlUsdt: Decimal;
}

/**
 * The equity curve's running peak and deepest fall. Equity is sampled after every decision: both wallets' quote
 * balance, the unrealised perp PnL and the held asset at its spot mid (dust of other assets, below one lot step
 * each, is valued only at the end).
 */
export class EquityCurve {
  #peak: Decimal;
  #maxDrawdown: Decimal = ZERO;
  #maxDrawdownPct: Decimal = ZERO;

  constructor(start: Decimal) {
    this.#peak = start;
  }

  sample(equity: Decimal): void {
    if (equity.greaterThan(this.#peak)) {
      this.#peak = equity;
      return;
    }
    const drawdown = this.#peak.minus(equity);
    if (drawdown.greaterThan(this.#maxDrawdown)) {
      this.#maxDrawdown = drawdown;
      this.#maxDrawdownPct = this.#peak.isZero() ? ZERO : drawdown.div(this.#peak).times(100);
    }
  }

  get maxDrawdownUsdt(): Decimal {
    return this.#maxDrawdown;
  }

  get maxDrawdownPct(): Decimal {
    return this.#maxDrawdownPct;
  }
}

/** Adds one to a reason's count. */
export function countReason(counts: Record<string, number>, reason: string): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}
