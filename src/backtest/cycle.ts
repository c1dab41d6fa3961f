/**
 * One position's life in a backtest, from the fills of its orders: what it bought and sold on each leg, the
 * commissions and the funding booked for it. Its realised PnL is the strategy's own formula (`realisedPnl`), the
 * same the live bot records for a closed position.
 */
import { type Decimal, ZERO } from '../domain/decimal.ts';
import type { CloseReason } from '../strategy/decision.ts';
import { type LegFills, type RealisedPnl, realisedPnl } from '../strategy/pnl.ts';
import type { HeldPosition } from '../strategy/state.ts';

/**
 * Why a cycle ended: the strategy's close reasons; `position_gone` when the exchange no longer held it (a
 * liquidation); `data_ended` when its symbol's data ran out while held (the symbol left the market, as a delisted
 * one does, and the position was closed at its last price).
 */
export type CycleEndReason = CloseReason | 'position_gone' | 'data_ended';

const NO_FILLS: LegFills = { qty: ZERO, quoteUsdt: ZERO };

function add(fills: LegFills, qty: Decimal, quoteUsdt: Decimal): LegFills {
  return { qty: fills.qty.plus(qty), quoteUsdt: fills.quoteUsdt.plus(quoteUsdt) };
}

export interface CycleIdentity {
  readonly id: number;
  readonly symbol: string;
  readonly spotSymbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly leverage: number;
  readonly openedAtMs: number;
  /** The ranking APR when opened (display only). */
  readonly entryAprPct: Decimal | null;
}

export class Cycle {
  readonly identity: CycleIdentity;
  spotBuy: LegFills = NO_FILLS;
  spotSell: LegFills = NO_FILLS;
  perpOpen: LegFills = NO_FILLS;
  perpClose: LegFills = NO_FILLS;
  /** Base asset the spot buys paid as commission: the wallet received that much less. */
  baseCommission: Decimal = ZERO;
  feesUsdt: Decimal = ZERO;
  /** Commissions up to the end of the open (entry legs and their trims): what fee coverage must recover. */
  entryFeesUsdt: Decimal = ZERO;
  fundingUsdt: Decimal = ZERO;
  fundingPayments = 0;
  /** Set once the open is complete. */
  opened = false;
  closedAtMs: number | null = null;
  endReason: CycleEndReason | null = null;
  /** Why an open did not complete (its legs were unwound); null for a position that was held. */
  failure: string | null = null;
  /** `held()` without the funding, until the next fill or fee. */
  #held: HeldPosition | null = null;

  constructor(identity: CycleIdentity) {
    this.identity = identity;
  }

  /** Books one order's fills. */
  fill(market: 'spot' | 'perp', side: 'BUY' | 'SELL', qty: Decimal, quoteUsdt: Decimal): void {
    if (qty.isZero()) return;
    this.#held = null;
    if (market === 'spot') {
      if (side === 'BUY') this.spotBuy = add(this.spotBuy, qty, quoteUsdt);
      else this.spotSell = add(this.spotSell, qty, quoteUsdt);
    } else if (side === 'SELL') this.perpOpen = add(this.perpOpen, qty, quoteUsdt);
    else this.perpClose = add(this.perpClose, qty, quoteUsdt);
  }

  fee(feesUsdt: Decimal, baseCommission: Decimal): void {
    this.#held = null;
    this.feesUsdt = this.feesUsdt.plus(feesUsdt);
    this.baseCommission = this.baseCommission.plus(baseCommission);
    if (!this.opened) this.entryFeesUsdt = this.entryFeesUsdt.plus(feesUsdt);
  }

  funding(amountUsdt: Decimal): void {
    this.fundingUsdt = this.fundingUsdt.plus(amountUsdt);
    this.fundingPayments++;
  }

  /** Spot the position holds: bought, net of the base commission, less what was sold. */
  get netSpot(): Decimal {
    return this.spotBuy.qty.minus(this.baseCommission).minus(this.spotSell.qty);
  }

  /** Size of the short. */
  get netPerp(): Decimal {
    return this.perpOpen.qty.minus(this.perpClose.qty);
  }

  get volumeUsdt(): Decimal {
    return this.spotBuy.quoteUsdt
      .plus(this.spotSell.quoteUsdt)
      .plus(this.perpOpen.quoteUsdt)
      .plus(this.perpClose.quoteUsdt);
  }

  /** The position as the strategy sees it (what the live bot builds from its store). */
  held(): HeldPosition {
    this.#held ??= this.#position();
    return this.#held.fundingReceivedUsdt === this.fundingUsdt
      ? this.#held
      : { ...this.#held, fundingReceivedUsdt: this.fundingUsdt };
  }

  #position(): HeldPosition {
    const { identity } = this;
    const entryPrice = this.perpOpen.qty.isZero() ? ZERO : this.perpOpen.quoteUsdt.div(this.perpOpen.qty);
    const spotEntryPrice = this.spotBuy.qty.isZero() ? entryPrice : this.spotBuy.quoteUsdt.div(this.spotBuy.qty);
    const perpQty = this.netPerp;
    return {
      symbol: identity.symbol,
      spotSymbol: identity.spotSymbol,
      baseAsset: identity.baseAsset,
      quoteAsset: identity.quoteAsset,
      openedAtMs: identity.openedAtMs,
      leverage: identity.leverage,
      spotQty: this.netSpot,
      perpQty,
      entryPrice,
      spotEntryPrice,
      notionalUsdt: perpQty.times(entryPrice),
      entryFeesUsdt: this.entryFeesUsdt,
      fundingReceivedUsdt: this.fundingUsdt,
      entryAprPct: identity.entryAprPct,
    };
  }

  /** Realised PnL so far: what the sold spot and the bought-back perp realised, funding, every fee. */
  pnl(): RealisedPnl {
    return realisedPnl({
      spotBuy: this.spotBuy,
      spotSell: this.spotSell,
      perpOpen: this.perpOpen,
      perpClose: this.perpClose,
      fundingUsdt: this.fundingUsdt,
      feesUsdt: this.feesUsdt,
    });
  }
}
