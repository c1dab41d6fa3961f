/**
 * Every Aster endpoint the simulator serves, on one port: futures under `/fapi/v1|v2|v3|v4`, spot under
 * `/api/v1|v3`. The path's API family decides the authentication: `/fapi/v3/*` and `/api/v3/*` are V3 (EIP-712,
 * no API key), every other prefix is V1 (HMAC with `X-MBX-APIKEY`; listenKey calls need the key only).
 * Weights follow the endpoint tables of the docs (aster-api.md §4): calls without a symbol cost more.
 */
import type { MarketKind } from '../../domain/market.ts';
import type { HandlerContext } from './context.ts';
import * as account from './handlers/account.ts';
import * as listenKeys from './handlers/listen-keys.ts';
import * as market from './handlers/market.ts';
import * as orders from './handlers/orders.ts';
import { optional, optionalInt, type RequestParams } from './params.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type ApiFamily = 'v1' | 'v3';
export type RouteAuth = 'none' | 'signed' | 'userStream';
export type RouteAction = 'order' | 'cancel' | 'transfer' | 'other';

export interface RouteDef {
  /** Stable endpoint name for logs and the request log, e.g. `perp.order.new`. */
  name: string;
  method: HttpMethod;
  market: MarketKind;
  auth: RouteAuth;
  action: RouteAction;
  weight: (params: RequestParams) => number;
  handle: (ctx: HandlerContext) => unknown;
}

export interface ResolvedRoute extends RouteDef {
  family: ApiFamily;
  path: string;
}

const fixed = (weight: number) => () => weight;
/** `withSymbol` when a symbol is sent, else `without`. */
const bySymbol = (withSymbol: number, without: number) => (p: RequestParams) =>
  optional(p, 'symbol') === undefined ? without : withSymbol;

interface Spec {
  name: string;
  method: HttpMethod;
  auth: RouteAuth;
  action?: RouteAction;
  weight: (params: RequestParams) => number;
  handle: (ctx: HandlerContext) => unknown;
}

/** Futures endpoints by path suffix; `v1`/`v3` name the V1 path when it is not `/fapi/v1/<suffix>`. */
const FUTURES: { suffix: string; v1?: string; v3?: string[]; spec: Spec }[] = [
  { suffix: 'ping', spec: { name: 'perp.ping', method: 'GET', auth: 'none', weight: fixed(1), handle: market.ping } },
  { suffix: 'time', spec: { name: 'perp.time', method: 'GET', auth: 'none', weight: fixed(1), handle: market.time } },
  {
    suffix: 'exchangeInfo',
    spec: { name: 'perp.exchangeInfo', method: 'GET', auth: 'none', weight: fixed(1), handle: market.exchangeInfo },
  },
  {
    suffix: 'depth',
    spec: {
      name: 'perp.depth',
      method: 'GET',
      auth: 'none',
      weight: (p) => market.depthWeight(optionalInt(p, 'limit'), 'perp'),
      handle: market.depth,
    },
  },
  {
    suffix: 'premiumIndex',
    spec: {
      name: 'perp.premiumIndex',
      method: 'GET',
      auth: 'none',
      weight: bySymbol(1, 10),
      handle: market.premiumIndex,
    },
  },
  {
    suffix: 'fundingInfo',
    spec: { name: 'perp.fundingInfo', method: 'GET', auth: 'none', weight: fixed(1), handle: market.fundingInfo },
  },
  {
    suffix: 'fundingRate',
    spec: { name: 'perp.fundingRate', method: 'GET', auth: 'none', weight: fixed(1), handle: market.fundingRate },
  },
  {
    suffix: 'ticker/24hr',
    spec: { name: 'perp.ticker24hr', method: 'GET', auth: 'none', weight: bySymbol(1, 40), handle: market.ticker24h },
  },
  {
    suffix: 'ticker/bookTicker',
    spec: { name: 'perp.bookTicker', method: 'GET', auth: 'none', weight: bySymbol(1, 2), handle: market.bookTicker },
  },
  {
    suffix: 'ticker/price',
    spec: { name: 'perp.tickerPrice', method: 'GET', auth: 'none', weight: bySymbol(1, 2), handle: market.tickerPrice },
  },
  {
    suffix: 'balance',
    v1: '/fapi/v2/balance',
    spec: { name: 'perp.balance', method: 'GET', auth: 'signed', weight: fixed(5), handle: account.futuresBalance },
  },
  {
    suffix: 'accountWithJoinMargin',
    v1: '/fapi/v4/account',
    // `/fapi/v3/account` was renamed on 2026-03-28; clients written before still call it.
    v3: ['/fapi/v3/accountWithJoinMargin', '/fapi/v3/account'],
    spec: { name: 'perp.account', method: 'GET', auth: 'signed', weight: fixed(5), handle: account.futuresAccount },
  },
  {
    suffix: 'positionRisk',
    v1: '/fapi/v2/positionRisk',
    spec: { name: 'perp.positionRisk', method: 'GET', auth: 'signed', weight: fixed(5), handle: account.positionRisk },
  },
  {
    suffix: 'commissionRate',
    spec: {
      name: 'perp.commissionRate',
      method: 'GET',
      auth: 'signed',
      weight: fixed(20),
      handle: account.commissionRate,
    },
  },
  {
    suffix: 'order',
    spec: {
      name: 'perp.order.new',
      method: 'POST',
      auth: 'signed',
      action: 'order',
      weight: fixed(1),
      handle: orders.newOrder,
    },
  },
  {
    suffix: 'order',
    spec: { name: 'perp.order.query', method: 'GET', auth: 'signed', weight: fixed(1), handle: orders.queryOrder },
  },
  {
    suffix: 'order',
    spec: {
      name: 'perp.order.cancel',
      method: 'DELETE',
      auth: 'signed',
      action: 'cancel',
      weight: fixed(1),
      handle: orders.cancelOrder,
    },
  },
  {
    suffix: 'openOrders',
    spec: {
      name: 'perp.openOrders',
      method: 'GET',
      auth: 'signed',
      weight: bySymbol(1, 40),
      handle: orders.openOrders,
    },
  },
  {
    suffix: 'openOrder',
    spec: { name: 'perp.openOrder', method: 'GET', auth: 'signed', weight: fixed(1), handle: orders.openOrder },
  },
  {
    suffix: 'allOpenOrders',
    spec: {
      name: 'perp.allOpenOrders.cancel',
      method: 'DELETE',
      auth: 'signed',
      action: 'cancel',
      weight: fixed(1),
      handle: orders.cancelAllOpenOrders,
    },
  },
  {
    suffix: 'leverage',
    spec: { name: 'perp.leverage', method: 'POST', auth: 'signed', weight: fixed(1), handle: account.setLeverage },
  },
  {
    suffix: 'marginType',
    spec: { name: 'perp.marginType', method: 'POST', auth: 'signed', weight: fixed(1), handle: account.setMarginType },
  },
  {
    suffix: 'positionSide/dual',
    spec: {
      name: 'perp.positionMode.get',
      method: 'GET',
      auth: 'signed',
      weight: fixed(30),
      handle: account.getPositionMode,
    },
  },
  {
    suffix: 'positionSide/dual',
    spec: {
      name: 'perp.positionMode.set',
      method: 'POST',
      auth: 'signed',
      weight: fixed(1),
      handle: account.setPositionMode,
    },
  },
  {
    suffix: 'income',
    spec: { name: 'perp.income', method: 'GET', auth: 'signed', weight: fixed(30), handle: account.income },
  },
  {
    suffix: 'userTrades',
    spec: { name: 'perp.userTrades', method: 'GET', auth: 'signed', weight: fixed(5), handle: account.userTrades },
  },
  {
    suffix: 'asset/wallet/transfer',
    spec: {
      name: 'perp.transfer',
      method: 'POST',
      auth: 'signed',
      action: 'transfer',
      weight: fixed(5),
      handle: account.transfer,
    },
  },
  {
    suffix: 'listenKey',
    spec: {
      name: 'perp.listenKey.create',
      method: 'POST',
      auth: 'userStream',
      weight: fixed(1),
      handle: listenKeys.createListenKey,
    },
  },
  {
    suffix: 'listenKey',
    spec: {
      name: 'perp.listenKey.keepAlive',
      method: 'PUT',
      auth: 'userStream',
      weight: fixed(1),
      handle: listenKeys.keepAliveListenKey,
    },
  },
  {
    suffix: 'listenKey',
    spec: {
      name: 'perp.listenKey.close',
      method: 'DELETE',
      auth: 'userStream',
      weight: fixed(1),
      handle: listenKeys.closeListenKey,
    },
  },
];

const SPOT: { suffix: string; spec: Spec }[] = [
  { suffix: 'ping', spec: { name: 'spot.ping', method: 'GET', auth: 'none', weight: fixed(1), handle: market.ping } },
  { suffix: 'time', spec: { name: 'spot.time', method: 'GET', auth: 'none', weight: fixed(1), handle: market.time } },
  {
    suffix: 'exchangeInfo',
    spec: { name: 'spot.exchangeInfo', method: 'GET', auth: 'none', weight: fixed(1), handle: market.exchangeInfo },
  },
  {
    suffix: 'depth',
    spec: {
      name: 'spot.depth',
      method: 'GET',
      auth: 'none',
      weight: (p) => market.depthWeight(optionalInt(p, 'limit'), 'spot'),
      handle: market.depth,
    },
  },
  {
    suffix: 'ticker/24hr',
    spec: { name: 'spot.ticker24hr', method: 'GET', auth: 'none', weight: bySymbol(1, 40), handle: market.ticker24h },
  },
  {
    suffix: 'ticker/bookTicker',
    spec: { name: 'spot.bookTicker', method: 'GET', auth: 'none', weight: bySymbol(1, 2), handle: market.bookTicker },
  },
  {
    suffix: 'ticker/price',
    spec: { name: 'spot.tickerPrice', method: 'GET', auth: 'none', weight: bySymbol(1, 2), handle: market.tickerPrice },
  },
  {
    suffix: 'account',
    spec: { name: 'spot.account', method: 'GET', auth: 'signed', weight: fixed(5), handle: account.spotAccount },
  },
  {
    suffix: 'commissionRate',
    spec: {
      name: 'spot.commissionRate',
      method: 'GET',
      auth: 'signed',
      weight: fixed(20),
      handle: account.commissionRate,
    },
  },
  {
    suffix: 'order',
    spec: {
      name: 'spot.order.new',
      method: 'POST',
      auth: 'signed',
      action: 'order',
      weight: fixed(1),
      handle: orders.newOrder,
    },
  },
  {
    suffix: 'order',
    spec: { name: 'spot.order.query', method: 'GET', auth: 'signed', weight: fixed(1), handle: orders.queryOrder },
  },
  {
    suffix: 'order',
    spec: {
      name: 'spot.order.cancel',
      method: 'DELETE',
      auth: 'signed',
      action: 'cancel',
      weight: fixed(1),
      handle: orders.cancelOrder,
    },
  },
  {
    suffix: 'openOrders',
    spec: {
      name: 'spot.openOrders',
      method: 'GET',
      auth: 'signed',
      weight: bySymbol(1, 40),
      handle: orders.openOrders,
    },
  },
  {
    suffix: 'openOrder',
    spec: { name: 'spot.openOrder', method: 'GET', auth: 'signed', weight: fixed(1), handle: orders.openOrder },
  },
  {
    suffix: 'allOpenOrders',
    spec: {
      name: 'spot.allOpenOrders.cancel',
      method: 'DELETE',
      auth: 'signed',
      action: 'cancel',
      weight: fixed(1),
      handle: orders.cancelAllOpenOrders,
    },
  },
  {
    suffix: 'userTrades',
    spec: { name: 'spot.userTrades', method: 'GET', auth: 'signed', weight: fixed(5), handle: account.userTrades },
  },
  {
    suffix: 'asset/wallet/transfer',
    spec: {
      name: 'spot.transfer',
      method: 'POST',
      auth: 'signed',
      action: 'transfer',
      weight: fixed(5),
      handle: account.transfer,
    },
  },
  {
    suffix: 'listenKey',
    spec: {
      name: 'spot.listenKey.create',
      method: 'POST',
      auth: 'userStream',
      weight: fixed(1),
      handle: listenKeys.createListenKey,
    },
  },
  {
    suffix: 'listenKey',
    spec: {
      name: 'spot.listenKey.keepAlive',
      method: 'PUT',
      auth: 'userStream',
      weight: fixed(1),
      handle: listenKeys.keepAliveListenKey,
    },
  },
  {
    suffix: 'listenKey',
    spec: {
      name: 'spot.listenKey.close',
      method: 'DELETE',
      auth: 'userStream',
      weight: fixed(1),
      handle: listenKeys.closeListenKey,
    },
  },
];

function toDef(spec: Spec, marketKind: MarketKind): RouteDef {
  return { action: 'other', ...spec, market: marketKind };
}

/** `METHOD path` → route. */
export function buildRouteTable(): Map<string, ResolvedRoute> {
  const table = new Map<string, ResolvedRoute>();
  const add = (path: string, family: ApiFamily, def: RouteDef) => {
    table.set(`${def.method} ${path}`, { ...def, family, path });
  };
  for (const entry of FUTURES) {
    const def = toDef(entry.spec, 'perp');
    add(entry.v1 ?? `/fapi/v1/${entry.suffix}`, 'v1', def);
    for (const path of entry.v3 ?? [`/fapi/v3/${entry.suffix}`]) add(path, 'v3', def);
  }
  for (const entry of SPOT) {
    const def = toDef(entry.spec, 'spot');
    add(`/api/v1/${entry.suffix}`, 'v1', def);
    add(`/api/v3/${entry.suffix}`, 'v3', def);
  }
  return table;
}

/** Every path served (any method), to tell 404 from 405. */
export function knownPaths(table: ReadonlyMap<string, ResolvedRoute>): Set<string> {
  return new Set([...table.values()].map((r) => r.path));
}
