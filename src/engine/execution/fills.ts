/**
 * Actual fills and commissions, from the exchange's user trades, into the store.
 *
 * An order response says how much executed and at what average price, but not what it cost: the commission
 * (and its asset) is only on the trades. Aster charges a spot BUY's commission in the base asset received, so the
 * spot leg holds less than it bought; that commission is valued in USDT at its fill's price. A commission in a
 * third asset (BNB, ASTER when "pay fees in ASTER" is on) is valued at that asset's spot price when known.
 *
 * Trades become visible shortly after the order; a few short retries cover the gap, and anything still missing is
 * picked up by the next accounting refresh (recording is idempotent per trade id).
 */
import type { UserTrade } from '../../domain/account.ts';
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import { describeError } from '../../errors.ts';
import type { StoredFill, StoredOrder } from '../../store/index.ts';
import type { ExecContext } from './context.ts';

/** Trades are looked up from this long before the order's exchange time (clock differences, slow matching). */
const TRADE_LOOKBACK_MS = 60_000;
const VISIBILITY_RETRIES_MS = [100, 250, 500] as const;

export interface LegAssets {
  baseAsset: string;
  quoteAsset: string;
}

/** Prices of third assets in the quote asset, for commissions paid in them; null when unknown. */
export type AssetPriceLookup = (asset: string) => Decimal | null;

export interface RecordedFills {
  /** Every trade of the order has been recorded (their quantities add up to its executed quantity). */
  complete: boolean;
  fills: StoredFill[];
}

export function commissionUsdt(
  trade: Pick<UserTrade, 'commission' | 'commissionAsset' | 'price'>,
  assets: LegAssets,
  priceOf: AssetPriceLookup,
): Decimal | null {
  if (trade.commission.isZero()) return ZERO;
  if (trade.commissionAsset === assets.quoteAsset) return trade.commission;
  if (trade.commissionAsset === assets.baseAsset) return trade.commission.times(trade.price);
  const price = priceOf(trade.commissionAsset);
  return price === null ? null : trade.commission.times(price);
}

/** Sum of the commissions taken in `asset` (e.g. the base asset a spot buy delivers less of). */
export function commissionIn(fills: readonly StoredFill[], asset: string): Decimal {
  return fills.filter((f) => f.commissionAsset === asset).reduce((sum, f) => sum.plus(f.commission), ZERO);
}

export class FillRecorder {
  readonly #ctx: ExecContext;

  constructor(ctx: ExecContext) {
    this.#ctx = ctx;
  }

  /**
   * Records the trades of one of our orders, linked to the order and its intent's position. Returns what is
   * recorded for the order afterwards; `complete` is false when the trades are not (all) visible yet.
   */
  async recordOrder(
    order: StoredOrder,
    assets: LegAssets,
    priceOf: AssetPriceLookup = () => null,
  ): Promise<RecordedFills> {
    const { store } = this.#ctx;
    const want = order.executedQty;
    const done = (): RecordedFills => {
      const fills = store.fills.byOrder(order.clientOrderId);
      const qty = fills.reduce((sum, f) => sum.plus(f.qty), ZERO);
      return { complete: qty.greaterThanOrEqualTo(want), fills };
    };
    if (want.isZero() || order.exchangeOrderId === null) return { complete: want.isZero(), fills: [] };
    let recorded = done();
    if (recorded.complete) return recorded;
    for (let attempt = 0; attempt <= VISIBILITY_RETRIES_MS.length; attempt++) {
      await this.#fetchAndRecord(order, assets, priceOf);
      recorded = done();
      if (recorded.complete) return recorded;
      const wait = VISIBILITY_RETRIES_MS[attempt];
      if (wait === undefined) break;
      await this.#ctx.clock.sleep(wait);
    }
    this.#ctx.logger.warn(
      { clientOrderId: order.clientOrderId, executedQty: want.toFixed() },
      'not every trade of the order is visible yet; the next accounting refresh records the rest',
    );
    return recorded;
  }

  async #fetchAndRecord(order: StoredOrder, assets: LegAssets, priceOf: AssetPriceLookup): Promise<void> {
    const { venue, store, logger } = this.#ctx;
    const aroundMs = order.exchangeUpdatedAtMs ?? order.sentAtMs ?? order.createdAtMs;
    let trades: UserTrade[];
    try {
      trades = await venue.userTrades(order.market, order.symbol, { startTimeMs: aroundMs - TRADE_LOOKBACK_MS });
    } catch (error) {
      logger.warn({ clientOrderId: order.clientOrderId, error: describeError(error) }, 'user trades read failed');
      return;
    }
    const own = trades.filter((t) => t.orderId === order.exchangeOrderId);
    const items = own.map((trade) => {
      const usdt = commissionUsdt(trade, assets, priceOf);
      if (usdt === null) {
        this.#ctx.emit({
          type: 'warning',
          code: 'commission_unpriced',
          message: `${order.symbol}: commission ${trade.commission.toFixed()} ${trade.commissionAsset} of trade ${trade.id} has no USDT price; counted as 0`,
        });
      }
      return { trade, link: { commissionUsdt: usdt ?? ZERO, clientOrderId: order.clientOrderId } };
    });
    if (items.length > 0) store.fills.recordMany(items);
  }
}
