/**
 * WebSocket payloads in Aster's shapes (aster-api.md §4.8, §5).
 *
 * Futures user data: ORDER_TRADE_UPDATE, ACCOUNT_UPDATE (m = ORDER / FUNDING_FEE / ASSET_TRANSFER / …),
 * ACCOUNT_CONFIG_UPDATE, listenKeyExpired. Spot user data: executionReport, outboundAccountPosition.
 * Market: markPriceUpdate, futures bookTicker (with e/E/T) and spot bookTicker (without them, as documented).
 */
import { ZERO } from '../../domain/decimal.ts';
import type {
  SimAccountConfigEvent,
  SimBookTicker,
  SimFuturesAccountEvent,
  SimMarkPriceEvent,
  SimOrderEvent,
  SimSpotBalanceEvent,
} from '../engine/index.ts';
import type { SymbolPlaces } from '../http/format/market.ts';
import { money, padded, rate8 } from '../http/format/numbers.ts';

export function orderTradeUpdate(event: SimOrderEvent, places: SymbolPlaces, quoteAsset: string): unknown {
  const o = event.order;
  return {
    e: 'ORDER_TRADE_UPDATE',
    E: event.timeMs,
    T: event.timeMs,
    o: {
      s: o.symbol,
      c: o.clientOrderId,
      S: o.side,
      o: o.type,
      f: o.timeInForce,
      q: padded(o.origQty, places.qty),
      p: '0',
      ap: padded(o.avgPrice, Math.max(places.price, 5)),
      sp: o.stopPrice.isZero() ? '0' : padded(o.stopPrice, places.price),
      x: event.execType,
      X: o.status,
      i: o.orderId,
      l: padded(event.lastFillQty, places.qty),
      z: padded(o.executedQty, places.qty),
      L: padded(event.lastFillPrice, places.price),
      N: event.commissionAsset === '' ? quoteAsset : event.commissionAsset,
      n: money(event.commission),
      T: event.timeMs,
      t: event.tradeId,
      b: '0',
      a: '0',
      m: event.maker,
      R: o.reduceOnly,
      wt: o.workingType,
      ot: o.origType,
      ps: o.positionSide,
      cp: o.closePosition,
      rp: money(event.realizedPnl),
    },
  };
}

export function accountUpdate(event: SimFuturesAccountEvent, placesOf: (symbol: string) => SymbolPlaces): unknown {
  return {
    e: 'ACCOUNT_UPDATE',
    E: event.timeMs,
    T: event.timeMs,
    a: {
      m: event.reason,
      B: event.balances.map((b) => ({
        a: b.asset,
        wb: money(b.walletBalance),
        cw: money(b.crossWalletBalance),
        bc: money(b.balanceChange),
      })),
      P: event.positions.map((p) => {
        const places = placesOf(p.symbol);
        return {
          s: p.symbol,
          pa: padded(p.positionAmt, places.qty),
          ep: padded(p.entryPrice, Math.max(places.price, 5)),
          cr: money(p.accumulatedRealized),
          up: money(p.unrealizedPnl),
          mt: p.marginType,
          iw: money(p.isolatedWallet),
          ps: p.positionSide,
        };
      }),
    },
  };
}

export function accountConfigUpdate(event: SimAccountConfigEvent): unknown {
  if (event.symbol !== undefined && event.leverage !== undefined) {
    return { e: 'ACCOUNT_CONFIG_UPDATE', E: event.timeMs, T: event.timeMs, ac: { s: event.symbol, l: event.leverage } };
  }
  return {
    e: 'ACCOUNT_CONFIG_UPDATE',
    E: event.timeMs,
    T: event.timeMs,
    ai: { j: false, f: false, d: event.dualSidePosition ?? false },
  };
}

export function executionReport(event: SimOrderEvent, places: SymbolPlaces): unknown {
  const o = event.order;
  const lastQuote = event.lastFillQty.times(event.lastFillPrice);
  return {
    e: 'executionReport',
    E: event.timeMs,
    s: o.symbol,
    c: o.clientOrderId,
    S: o.side,
    o: o.type,
    f: o.timeInForce,
    q: padded(o.origQty, places.qty),
    p: '0',
    ap: padded(o.avgPrice, 16),
    P: o.stopPrice.isZero() ? '0' : padded(o.stopPrice, places.price),
    x: event.execType,
    X: o.status,
    i: o.orderId,
    l: padded(event.lastFillQty, places.qty),
    z: padded(o.executedQty, places.qty),
    L: padded(event.lastFillPrice, places.price),
    n: money(event.commission),
    N: event.commissionAsset === '' ? null : event.commissionAsset,
    T: event.timeMs,
    t: event.tradeId === 0 ? -1 : event.tradeId,
    m: event.maker,
    ot: o.origType,
    O: o.timeMs,
    Z: money(o.cumQuote),
    Y: money(lastQuote),
    Q: money(o.quoteOrderQty ?? ZERO),
  };
}

export function outboundAccountPosition(event: SimSpotBalanceEvent, reason: string): unknown {
  return {
    e: 'outboundAccountPosition',
    E: event.timeMs,
    T: event.timeMs,
    m: reason,
    B: event.balances.map((b) => ({ a: b.asset, f: money(b.free), l: money(b.locked) })),
  };
}

export function listenKeyExpired(timeMs: number): unknown {
  return { e: 'listenKeyExpired', E: timeMs };
}

export function markPriceUpdate(event: SimMarkPriceEvent, timeMs: number): unknown {
  return {
    e: 'markPriceUpdate',
    E: timeMs,
    s: event.symbol,
    p: padded(event.markPrice, 8),
    i: padded(event.indexPrice, 8),
    P: padded(event.estimatedSettlePrice, 8),
    r: rate8(event.fundingRate),
    T: event.nextFundingTimeMs,
  };
}

export function bookTickerUpdate(b: SimBookTicker, places: SymbolPlaces, timeMs: number): unknown {
  const quote = {
    u: b.updateId,
    s: b.symbol,
    b: padded(b.bidPrice, places.price),
    B: padded(b.bidQty, places.qty),
    a: padded(b.askPrice, places.price),
    A: padded(b.askQty, places.qty),
  };
  if (b.market === 'spot') return quote;
  return { e: 'bookTicker', E: timeMs, T: b.timeMs, ...quote };
}
