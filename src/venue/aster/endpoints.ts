/**
 * Which path, auth and request weight each Aster call uses, for the V3 ("Pro API", EIP-712) and V1 (HMAC) families.
 *
 * The two families serve the same response bodies under different paths (aster-api.md §4.0). V1 futures mixes
 * versions: balance and positionRisk live under /fapi/v2 and the account under /fapi/v4. Weights come from the
 * endpoint tables of the official docs; calls without a symbol cost more (e.g. 24 h tickers: 1 with, 40 without).
 */
import type { MarketKind } from '../../domain/market.ts';

export type ApiFamily = 'v3' | 'v1';
/** `apiKey`: V1 user-stream calls need only the `X-MBX-APIKEY` header; in V3 they are signed like any other. */
export type EndpointAuth = 'none' | 'signed' | 'apiKey';
/** How the transport may retry: reads freely; orders and transfers only after asking the exchange by client id. */
export type CallKind = 'read' | 'order' | 'transfer' | 'control';

export interface EndpointSpec {
  market: MarketKind;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  auth: EndpointAuth;
  kind: CallKind;
  weight: number;
}

interface EndpointDef {
  market: MarketKind;
  method: EndpointSpec['method'];
  v3: string;
  v1: string;
  auth: EndpointAuth;
  kind: CallKind;
  weight: number;
}

const def = (
  market: MarketKind,
  method: EndpointSpec['method'],
  v3: string,
  v1: string,
  auth: EndpointAuth,
  kind: CallKind,
  weight: number,
): EndpointDef => ({ market, method, v3, v1, auth, kind, weight });

export const ENDPOINTS = {
  perpTime: def('perp', 'GET', '/fapi/v3/time', '/fapi/v1/time', 'none', 'read', 1),
  perpExchangeInfo: def('perp', 'GET', '/fapi/v3/exchangeInfo', '/fapi/v1/exchangeInfo', 'none', 'read', 1),
  perpPremiumIndexAll: def('perp', 'GET', '/fapi/v3/premiumIndex', '/fapi/v1/premiumIndex', 'none', 'read', 10),
  perpFundingInfoAll: def('perp', 'GET', '/fapi/v3/fundingInfo', '/fapi/v1/fundingInfo', 'none', 'read', 1),
  perpFundingRate: def('perp', 'GET', '/fapi/v3/fundingRate', '/fapi/v1/fundingRate', 'none', 'read', 1),
  perpTicker24hAll: def('perp', 'GET', '/fapi/v3/ticker/24hr', '/fapi/v1/ticker/24hr', 'none', 'read', 40),
  perpBookTickerAll: def('perp', 'GET', '/fapi/v3/ticker/bookTicker', '/fapi/v1/ticker/bookTicker', 'none', 'read', 2),
  perpDepth: def('perp', 'GET', '/fapi/v3/depth', '/fapi/v1/depth', 'none', 'read', 5),
  perpBalance: def('perp', 'GET', '/fapi/v3/balance', '/fapi/v2/balance', 'signed', 'read', 5),
  perpAccount: def('perp', 'GET', '/fapi/v3/accountWithJoinMargin', '/fapi/v4/account', 'signed', 'read', 5),
  perpPositionRisk: def('perp', 'GET', '/fapi/v3/positionRisk', '/fapi/v2/positionRisk', 'signed', 'read', 5),
  perpCommissionRate: def('perp', 'GET', '/fapi/v3/commissionRate', '/fapi/v1/commissionRate', 'signed', 'read', 20),
  perpNewOrder: def('perp', 'POST', '/fapi/v3/order', '/fapi/v1/order', 'signed', 'order', 1),
  perpQueryOrder: def('perp', 'GET', '/fapi/v3/order', '/fapi/v1/order', 'signed', 'read', 1),
  perpCancelOrder: def('perp', 'DELETE', '/fapi/v3/order', '/fapi/v1/order', 'signed', 'control', 1),
  perpOpenOrders: def('perp', 'GET', '/fapi/v3/openOrders', '/fapi/v1/openOrders', 'signed', 'read', 1),
  perpLeverage: def('perp', 'POST', '/fapi/v3/leverage', '/fapi/v1/leverage', 'signed', 'control', 1),
  perpMarginType: def('perp', 'POST', '/fapi/v3/marginType', '/fapi/v1/marginType', 'signed', 'control', 1),
  perpPositionModeGet: def(
    'perp',
    'GET',
    '/fapi/v3/positionSide/dual',
    '/fapi/v1/positionSide/dual',
    'signed',
    'read',
    30,
  ),
  perpPositionModeSet: def(
    'perp',
    'POST',
    '/fapi/v3/positionSide/dual',
    '/fapi/v1/positionSide/dual',
    'signed',
    'control',
    1,
  ),
  perpIncome: def('perp', 'GET', '/fapi/v3/income', '/fapi/v1/income', 'signed', 'read', 30),
  perpUserTrades: def('perp', 'GET', '/fapi/v3/userTrades', '/fapi/v1/userTrades', 'signed', 'read', 5),
  perpTransfer: def(
    'perp',
    'POST',
    '/fapi/v3/asset/wallet/transfer',
    '/fapi/v1/asset/wallet/transfer',
    'signed',
    'transfer',
    5,
  ),
  perpListenKeyCreate: def('perp', 'POST', '/fapi/v3/listenKey', '/fapi/v1/listenKey', 'signed', 'control', 1),
  perpListenKeyKeepAlive: def('perp', 'PUT', '/fapi/v3/listenKey', '/fapi/v1/listenKey', 'signed', 'control', 1),
  perpListenKeyClose: def('perp', 'DELETE', '/fapi/v3/listenKey', '/fapi/v1/listenKey', 'signed', 'control', 1),

  spotTime: def('spot', 'GET', '/api/v3/time', '/api/v1/time', 'none', 'read', 1),
  spotExchangeInfo: def('spot', 'GET', '/api/v3/exchangeInfo', '/api/v1/exchangeInfo', 'none', 'read', 1),
  spotTicker24hAll: def('spot', 'GET', '/api/v3/ticker/24hr', '/api/v1/ticker/24hr', 'none', 'read', 40),
  spotBookTickerAll: def('spot', 'GET', '/api/v3/ticker/bookTicker', '/api/v1/ticker/bookTicker', 'none', 'read', 2),
  spotDepth: def('spot', 'GET', '/api/v3/depth', '/api/v1/depth', 'none', 'read', 5),
  spotAccount: def('spot', 'GET', '/api/v3/account', '/api/v1/account', 'signed', 'read', 5),
  spotCommissionRate: def('spot', 'GET', '/api/v3/commissionRate', '/api/v1/commissionRate', 'signed', 'read', 20),
  spotNewOrder: def('spot', 'POST', '/api/v3/order', '/api/v1/order', 'signed', 'order', 1),
  spotQueryOrder: def('spot', 'GET', '/api/v3/order', '/api/v1/order', 'signed', 'read', 1),
  spotCancelOrder: def('spot', 'DELETE', '/api/v3/order', '/api/v1/order', 'signed', 'control', 1),
  spotOpenOrders: def('spot', 'GET', '/api/v3/openOrders', '/api/v1/openOrders', 'signed', 'read', 1),
  spotUserTrades: def('spot', 'GET', '/api/v3/userTrades', '/api/v1/userTrades', 'signed', 'read', 5),
  spotListenKeyCreate: def('spot', 'POST', '/api/v3/listenKey', '/api/v1/listenKey', 'signed', 'control', 1),
  spotListenKeyKeepAlive: def('spot', 'PUT', '/api/v3/listenKey', '/api/v1/listenKey', 'signed', 'control', 1),
  spotListenKeyClose: def('spot', 'DELETE', '/api/v3/listenKey', '/api/v1/listenKey', 'signed', 'control', 1),
} as const satisfies Record<string, EndpointDef>;

export type EndpointName = keyof typeof ENDPOINTS;

/** The concrete endpoint for the configured API family. */
export function endpoint(name: EndpointName, family: ApiFamily): EndpointSpec {
  const d = ENDPOINTS[name];
  const isV1ListenKey = family === 'v1' && d.v3.endsWith('/listenKey');
  return {
    market: d.market,
    method: d.method,
    path: family === 'v3' ? d.v3 : d.v1,
    auth: isV1ListenKey ? 'apiKey' : d.auth,
    kind: d.kind,
    weight: d.weight,
  };
}
