/**
 * Profit and loss: of the open position (marked to market), of a closed position (from its fills),
 * of the whole account (portfolio value against a baseline), and traded volume.
 *
 * Fees are always the commissions actually paid, valued in quote currency by the caller (a base-asset
 * commission at its fill price). A spot buy whose commission is taken in the base asset delivers less
 * than it bought; that shortfall is the fee, so spot PnL is measured on the quantity actually sold
 * against the average buy price, and the fee is subtracted once, with the other fees.
 */
import type { PerpAssetBalance, PerpPosition, SpotBalance } from '../domain/account.ts';
import { type Decimal, ONE, sumDec, ZERO } from '../domain/decimal.ts';
import type { BookTop, MarketInfo } from '../domain/market.ts';
import { midPrice } from './prices.ts';
import type { HeldPosition } from './state.ts';

/** Long spot: qty × (price − entry). */
export function spotPnlUsdt(qty: Decimal, entryPrice: Decimal, price: Decimal): Decimal {
  return qty.times(price.minus(entryPrice));
}

/** Short perp of size `qty` (positive): qty × (entry − mark). */
export function shortPerpPnlUsdt(qty: Decimal, entryPrice: Decimal, markPrice: Decimal): Decimal {
  return qty.times(entryPrice.minus(markPrice));
}

export interface OpenPositionPnl {
  spotPnlUsdt: Decimal;
  perpPnlUsdt: Decimal;
  fundingUsdt: Decimal;
  entryFeesUsdt: Decimal;
  exitFeesEstimateUsdt: Decimal;
  /** spot + perp + funding − entry fees − estimated exit fees: what closing now would realise. */
  netPnlUsdt: Decimal;
  /** net / entry notional × 100; null without a notional. */
  netPnlPct: Decimal | null;
}

/** The held position marked to market at `spotPrice` (spot mid or bid) and the perp mark price. */
export function openPositionPnl(
  position: HeldPosition,
  spotPrice: Decimal,
  markPrice: Decimal,
  exitFeesEstimateUsdt: Decimal,
): OpenPositionPnl {
  const spot = spotPnlUsdt(position.spotQty, position.spotEntryPrice, spotPrice);
  const perp = shortPerpPnlUsdt(position.perpQty, position.entryPrice, markPrice);
  const net = spot
    .plus(perp)
    .plus(position.fundingReceivedUsdt)
    .minus(position.entryFeesUsdt)
    .minus(exitFeesEstimateUsdt);
  const notional = position.notionalUsdt;
  return {
    spotPnlUsdt: spot,
    perpPnlUsdt: perp,
    fundingUsdt: position.fundingReceivedUsdt,
    entryFeesUsdt: position.entryFeesUsdt,
    exitFeesEstimateUsdt,
    netPnlUsdt: net,
    netPnlPct: notional.isZero() ? null : net.div(notional).times(100),
  };
}

/** Executed quantity and quote value of one side of one leg (sums over its fills). */
export interface LegFills {
  qty: Decimal;
  quoteUsdt: Decimal;
}

export interface ClosedPositionInput {
  spotBuy: LegFills;
  spotSell: LegFills;
  perpOpen: LegFills;
  perpClose: LegFills;
  /** Net FUNDING_FEE income over the position's life (signed). */
  fundingUsdt: Decimal;
  /** Every commission of both legs, open and close, in quote currency. */
  feesUsdt: Decimal;
}

export interface RealisedPnl {
  spotPnlUsdt: Decimal;
  perpPnlUsdt: Decimal;
  fundingUsdt: Decimal;
  feesUsdt: Decimal;
  /** spot PnL + perp PnL + funding − all fees. */
  netPnlUsdt: Decimal;
  /** Spot + perp notional traded, open and close. */
  volumeUsdt: Decimal;
}

function averagePrice(fills: LegFills): Decimal {
  return fills.qty.isZero() ? ZERO : fills.quoteUsdt.div(fills.qty);
}

/**
 * Realised PnL of a closed position from its fills. Spot PnL covers the quantity sold, at the sell
 * proceeds minus the average buy price; perp PnL covers the quantity bought back. Quantity left over
 * (dust below the lot step) is not realised.
 */
export function realisedPnl(input: ClosedPositionInput): RealisedPnl {
  const spot = input.spotSell.quoteUsdt.minus(input.spotSell.qty.times(averagePrice(input.spotBuy)));
  const perp = input.perpClose.qty.times(averagePrice(input.perpOpen)).minus(input.perpClose.quoteUsdt);
  return {
    spotPnlUsdt: spot,
    perpPnlUsdt: perp,
    fundingUsdt: input.fundingUsdt,
    feesUsdt: input.feesUsdt,
    netPnlUsdt: spot.plus(perp).plus(input.fundingUsdt).minus(input.feesUsdt),
    volumeUsdt: tradedVolume(
      [input.spotBuy.quoteUsdt, input.spotSell.quoteUsdt],
      [input.perpOpen.quoteUsdt, input.perpClose.quoteUsdt],
    ).totalUsdt,
  };
}

export interface TradedVolume {
  spotUsdt: Decimal;
  perpUsdt: Decimal;
  totalUsdt: Decimal;
}

/** Volume farmed: the quote value of every spot and perp fill. */
export function tradedVolume(spotQuotes: Iterable<Decimal>, perpQuotes: Iterable<Decimal>): TradedVolume {
  const spotUsdt = sumDec([...spotQuotes].map((q) => q.abs()));
  const perpUsdt = sumDec([...perpQuotes].map((q) => q.abs()));
  return { spotUsdt, perpUsdt, totalUsdt: spotUsdt.plus(perpUsdt) };
}

export interface PortfolioInput {
  spotBalances: readonly SpotBalance[];
  perpBalances: readonly PerpAssetBalance[];
  perpPositions: readonly PerpPosition[];
  spotMarkets: readonly MarketInfo[];
  spotBooks: ReadonlyMap<string, BookTop>;
  /** Valuation currency, counted at face value. */
  quoteAsset: string;
}

export interface AssetValue {
  asset: string;
  wallet: 'spot' | 'perp';
  qty: Decimal;
  /** Null when the asset has no usable spot book against the quote asset. */
  priceUsdt: Decimal | null;
  valueUsdt: Decimal;
}

export interface PortfolioValue {
  /** spot assets + perp wallet balances + unrealised PnL. */
  totalUsdt: Decimal;
  spotUsdt: Decimal;
  perpWalletUsdt: Decimal;
  unrealisedUsdt: Decimal;
  assets: AssetValue[];
  /** Assets with a balance but no price: left out of the total and listed so the gap is visible. */
  unpricedAssets: string[];
}

/**
 * The price of `asset` in `quote`: 1 for the quote itself, else the mid of the asset's own spot book
 * (the market found by base and quote asset, not by gluing symbol strings together).
 */
function assetPrice(asset: string, input: PortfolioInput): Decimal | null {
  if (asset === input.quoteAsset) return ONE;
  const market = input.spotMarkets.find((m) => m.baseAsset === asset && m.quoteAsset === input.quoteAsset);
  return market === undefined ? null : midPrice(input.spotBooks.get(market.symbol));
}

/**
 * Portfolio value = every spot asset (free + locked) at its own spot mid, quote at face value
 * + every perp wallet balance valued the same way + unrealised PnL of all perp positions.
 */
export function portfolioValue(input: PortfolioInput): PortfolioValue {
  const assets: AssetValue[] = [];
  const unpriced = new Set<string>();
  const value = (asset: string, wallet: 'spot' | 'perp', qty: Decimal) => {
    if (qty.isZero()) return;
    const price = assetPrice(asset, input);
    if (price === null) unpriced.add(asset);
    assets.push({ asset, wallet, qty, priceUsdt: price, valueUsdt: price === null ? ZERO : qty.times(price) });
  };
  for (const b of input.spotBalances) value(b.asset, 'spot', b.free.plus(b.locked));
  for (const b of input.perpBalances) value(b.asset, 'perp', b.walletBalance);
  const spotUsdt = sumDec(assets.filter((a) => a.wallet === 'spot').map((a) => a.valueUsdt));
  const perpWalletUsdt = sumDec(assets.filter((a) => a.wallet === 'perp').map((a) => a.valueUsdt));
  const unrealisedUsdt = sumDec(input.perpPositions.map((p) => p.unrealizedProfit));
  return {
    totalUsdt: spotUsdt.plus(perpWalletUsdt).plus(unrealisedUsdt),
    spotUsdt,
    perpWalletUsdt,
    unrealisedUsdt,
    assets,
    unpricedAssets: [...unpriced].sort(),
  };
}

export interface LongTermPnl {
  pnlUsdt: Decimal;
  /** Null when the baseline is zero. */
  pnlPct: Decimal | null;
}

/** Current portfolio value against the baseline captured at the first start. */
export function longTermPnl(currentUsdt: Decimal, baselineUsdt: Decimal): LongTermPnl {
  const pnlUsdt = currentUsdt.minus(baselineUsdt);
  return { pnlUsdt, pnlPct: baselineUsdt.isZero() ? null : pnlUsdt.div(baselineUsdt).times(100) };
}
