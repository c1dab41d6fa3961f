/**
 * Every recorded Aster example goes through the parser of its endpoint, so adding a parser (a row in PARSERS)
 * adds coverage, and a new example file fails here until it is either parsed or listed in NOT_PARSED with a reason.
 * Key values of individual examples are asserted in the per-family tests.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseBookTicker,
  parseBookTickerList,
  parseBookTickerUpdate,
  parseCommissionRate,
  parseDepth,
  parseEmptyAck,
  parseExchangeInfo,
  parseFundingInfoList,
  parseFundingRateHistory,
  parseIncomeList,
  parseJsonText,
  parseLeverageResult,
  parseListenKey,
  parseMarkPriceUpdate,
  parseOrder,
  parseOrderList,
  parsePerpAccount,
  parsePerpBalances,
  parsePositionMode,
  parsePositionRisk,
  parsePremiumIndex,
  parsePremiumIndexList,
  parseServerTime,
  parseSpotAccount,
  parseSpotTicker24h,
  parseSpotTicker24hList,
  parseSuccessAck,
  parseTicker24h,
  parseTicker24hList,
  parseTransferResult,
  parseUserStreamEvent,
  parseUserTrades,
  unwrapStreamMessage,
} from '../../../../../src/venue/aster/schemas/index.ts';
import {
  DOCS_DIR,
  docsEndpoints,
  docsExampleText,
  listFiles,
  NET_DIR,
  netEndpoints,
  netEndpointText,
  netSubscriptionText,
  rel,
  versionless,
} from './fixtures.ts';

type Parser = (body: unknown, source: string) => unknown;

/** Single object with `?symbol=`, array without: the endpoint answers both ways. */
const oneOrMany =
  (one: Parser, many: Parser): Parser =>
  (body, source) =>
    Array.isArray(body) ? many(body, source) : one(body, source);

/** `{}` acknowledgements return nothing; report success as a value so the table check stays uniform. */
const emptyAck: Parser = (body, source) => {
  parseEmptyAck(body, source);
  return 'acknowledged';
};

/** REST parsers by version-less endpoint (`GET /fapi/v3/order` and `GET /fapi/v1/order` share a row). */
const PARSERS: Record<string, Parser> = {
  'GET /fapi/time': parseServerTime,
  'GET /api/time': parseServerTime,
  'GET /fapi/exchangeInfo': (b, s) => parseExchangeInfo(b, 'perp', s),
  'GET /api/exchangeInfo': (b, s) => parseExchangeInfo(b, 'spot', s),
  'GET /fapi/premiumIndex': oneOrMany(parsePremiumIndex, parsePremiumIndexList),
  'GET /fapi/fundingInfo': parseFundingInfoList,
  'GET /fapi/fundingRate': parseFundingRateHistory,
  'GET /fapi/ticker/24hr': oneOrMany(parseTicker24h, parseTicker24hList),
  'GET /api/ticker/24hr': oneOrMany(parseSpotTicker24h, parseSpotTicker24hList),
  'GET /fapi/ticker/bookTicker': oneOrMany(parseBookTicker, parseBookTickerList),
  'GET /api/ticker/bookTicker': oneOrMany(parseBookTicker, parseBookTickerList),
  'GET /fapi/depth': parseDepth,
  'GET /api/depth': parseDepth,
  'GET /fapi/balance': parsePerpBalances,
  'GET /fapi/account': parsePerpAccount,
  'GET /fapi/accountWithJoinMargin': parsePerpAccount,
  'GET /fapi/positionRisk': parsePositionRisk,
  'GET /api/account': parseSpotAccount,
  'GET /fapi/commissionRate': parseCommissionRate,
  'GET /api/commissionRate': parseCommissionRate,
  'POST /fapi/order': (b, s) => parseOrder(b, 'perp', s),
  'GET /fapi/order': (b, s) => parseOrder(b, 'perp', s),
  'DELETE /fapi/order': (b, s) => parseOrder(b, 'perp', s),
  'GET /fapi/openOrder': (b, s) => parseOrder(b, 'perp', s),
  'GET /fapi/openOrders': (b, s) => parseOrderList(b, 'perp', s),
  'GET /fapi/allOrders': (b, s) => parseOrderList(b, 'perp', s),
  'POST /api/order': (b, s) => parseOrder(b, 'spot', s),
  'GET /api/order': (b, s) => parseOrder(b, 'spot', s),
  'DELETE /api/order': (b, s) => parseOrder(b, 'spot', s),
  'GET /api/openOrder': (b, s) => parseOrder(b, 'spot', s),
  'GET /api/openOrders': (b, s) => parseOrderList(b, 'spot', s),
  'GET /api/allOrders': (b, s) => parseOrderList(b, 'spot', s),
  'POST /fapi/leverage': parseLeverageResult,
  'POST /fapi/marginType': parseSuccessAck,
  'POST /fapi/positionSide/dual': parseSuccessAck,
  'GET /fapi/positionSide/dual': parsePositionMode,
  'DELETE /fapi/allOpenOrders': parseSuccessAck,
  'DELETE /api/allOpenOrders': parseSuccessAck,
  'GET /fapi/income': parseIncomeList,
  'GET /fapi/userTrades': (b, s) => parseUserTrades(b, 'perp', s),
  'GET /api/userTrades': (b, s) => parseUserTrades(b, 'spot', s),
  'POST /fapi/asset/wallet/transfer': parseTransferResult,
  'POST /api/asset/wallet/transfer': parseTransferResult,
  'POST /fapi/listenKey': parseListenKey,
  'POST /api/listenKey': parseListenKey,
  'PUT /fapi/listenKey': emptyAck,
  'PUT /api/listenKey': emptyAck,
  'DELETE /fapi/listenKey': emptyAck,
  'DELETE /api/listenKey': emptyAck,
};

/** Endpoints the bot does not call, so their examples are deliberately not parsed. */
const NOT_PARSED: Record<string, string> = {
  'GET /fapi/ping': 'connectivity check; the client uses /time, which also gives the clock offset',
  'GET /api/ping': 'connectivity check; the client uses /time',
  'GET /fapi/klines': 'no candles: prices come from bookTicker and premiumIndex',
  'GET /api/klines': 'no candles',
  'GET /fapi/markPriceKlines': 'no candles',
  'GET /fapi/indexPriceKlines': 'no candles',
  'GET /fapi/trades': 'public trades are not used',
  'GET /api/trades': 'public trades are not used',
  'GET /fapi/historicalTrades': 'public trades are not used',
  'GET /api/historicalTrades': 'public trades are not used',
  'GET /fapi/aggTrades': 'public trades are not used',
  'GET /api/aggTrades': 'public trades are not used',
  'GET /fapi/ticker/price': 'last price is not used; mids come from bookTicker',
  'GET /api/ticker/price': 'last price is not used; mids come from bookTicker',
  'GET /fapi/indexreferences': 'index constituents are not used',
  'GET /fapi/leverageBracket': 'leverage is at most 3, far below every bracket',
  'GET /fapi/adlQuantile': 'ADL estimates are not used',
  'GET /fapi/forceOrders': 'liquidation history is not used',
  'GET /fapi/multiAssetsMargin': 'multi-assets mode is not managed by the bot',
  'POST /fapi/multiAssetsMargin': 'multi-assets mode is not managed by the bot',
  'POST /fapi/positionMargin': 'isolated margin is not adjusted (the bot trades cross)',
  'GET /fapi/positionMargin/history': 'isolated margin is not adjusted',
  'POST /fapi/countdownCancelAll': 'no resting orders to guard with a dead-man switch',
  'POST /fapi/batchOrders': 'legs are sent as two single orders, one per market',
  'DELETE /fapi/batchOrders': 'orders are cancelled one by one',
  'POST /fapi/noop': 'queued-transaction cancel is not used',
  'POST /api/noop': 'queued-transaction cancel is not used',
  'GET /fapi/stpMode': 'self-trade prevention is not configured',
  'POST /fapi/stpMode': 'self-trade prevention is not configured',
  'GET /fapi/mmp': 'market-maker protection is not used',
  'POST /fapi/placeStrategyOrder': 'strategy orders are not used',
  'POST /fapi/updateStrategyOrder': 'strategy orders are not used',
  'GET /fapi/strategyOpenOrder': 'strategy orders are not used',
  'GET /fapi/strategyHistoryOrder': 'strategy orders are not used',
  'POST /fapi/chase': 'chase orders are not used (and the recorded body is not JSON)',
  'PUT /fapi/order': 'orders are never modified (and the doc block is a Python literal, not JSON)',
  'POST /fapi/createSubAccount': 'sub-accounts are not managed',
  'GET /fapi/getSubAccountList': 'sub-accounts are not managed',
  'POST /fapi/updateSubAccount': 'sub-accounts are not managed',
  'POST /fapi/subAccountTransfer': 'sub-accounts are not managed',
  'POST /fapi/asset/migrateUser': 'account migration is not used',
  'GET /fapi/announcement/direct': 'announcements are not used',
  'GET /fapi/remainingOpenableNotionalValue': 'position size is bounded by the strategy, not by this query',
  'GET /api/aster/withdraw/estimateFee': 'the bot never withdraws',
  'POST /api/aster/user-withdraw': 'the bot never withdraws',
  'POST /api/asset/sendToAddress': 'the bot never withdraws',
  'POST /fapi/aster/deposit-withdraw-history': 'the bot never withdraws',
  'POST /fapi/aster/user-withdraw-info': 'the bot never withdraws',
};

/** Example files whose body does not belong to the endpoint they are filed under. */
const MISFILED: Record<string, string> = {
  'aster-docs-examples/spot-v1/GET__api_v1_allOrders__1.jsonc':
    'a transactionHistory row (tranId, balanceDelta) filed under allOrders; transactionHistory is not used',
  'aster-docs-examples/spot-v3/GET__api_v3_allOrders__1.jsonc':
    'a transactionHistory row (tranId, balanceDelta) filed under allOrders; transactionHistory is not used',
};

/** WebSocket payloads by fixture file. */
const STREAM_PARSERS: Record<string, Parser> = {
  'Futures/MarkPrice.txt': parseMarkPriceUpdate,
  'Futures/BookTicker.txt': (d, s) => parseBookTickerUpdate(d, 'perp', s),
  'Spot/BookTicker.txt': (d, s) => parseBookTickerUpdate(d, 'spot', s),
  'Futures/OrderUpdate.txt': (d, s) => parseUserStreamEvent(d, 'perp', s),
  'Futures/AccountUpdate.txt': (d, s) => parseUserStreamEvent(d, 'perp', s),
  'Futures/AccountConfig.txt': (d, s) => parseUserStreamEvent(d, 'perp', s),
  'Futures/AccountConfig2.txt': (d, s) => parseUserStreamEvent(d, 'perp', s),
  'Futures/AccountMargin.txt': (d, s) => parseUserStreamEvent(d, 'perp', s),
  'Spot/OrderUpdate.txt': (d, s) => parseUserStreamEvent(d, 'spot', s),
  'Spot/AccountUpdate.txt': (d, s) => parseUserStreamEvent(d, 'spot', s),
};

const STREAMS_NOT_PARSED: Record<string, string> = {
  'Futures/Klines.txt': 'no candles',
  'Spot/Klines.txt': 'no candles',
  'Futures/Concurrent.txt': 'kline subscriptions (client multiplexing test)',
  'Spot/Concurrent.txt': 'kline subscriptions (client multiplexing test)',
  'Futures/MiniTicker.txt': '24 h volumes come from the REST ticker once per scan',
  'Spot/MiniTicker.txt': '24 h volumes come from the REST ticker once per scan',
  'Futures/Ticker.txt': '24 h volumes come from the REST ticker once per scan',
  'Spot/Ticker.txt': '24 h volumes come from the REST ticker once per scan',
  'Futures/Trades.txt': 'public trades are not used',
  'Spot/Trades.txt': 'public trades are not used',
  'Futures/OrderBook.txt': 'no local order book: best bid/ask come from bookTicker',
  'Spot/OrderBook.txt': 'no local order book: best bid/ask come from bookTicker',
  'Futures/Liquidation.txt': 'market-wide liquidations are not used',
};

interface Example {
  file: string;
  endpoint: string;
  text: () => string;
}

function restExamples(): Example[] {
  const docs = docsEndpoints();
  const net = netEndpoints();
  const out: Example[] = [];
  for (const file of listFiles(DOCS_DIR, '.jsonc')) {
    out.push({ file, endpoint: docs.get(file) ?? 'unknown', text: () => docsExampleText(file) });
  }
  for (const file of listFiles(join(NET_DIR, 'Endpoints'), '.txt')) {
    out.push({ file, endpoint: net.get(file) ?? 'unknown', text: () => netEndpointText(file) });
  }
  return out;
}

const SUBSCRIPTIONS_DIR = join(NET_DIR, 'Subscriptions');
const rest = restExamples();
const streams = listFiles(SUBSCRIPTIONS_DIR, '.txt').map((file) => ({
  file,
  key: file.slice(SUBSCRIPTIONS_DIR.length + 1),
}));

describe('recorded Aster examples: every file is parsed or deliberately skipped', () => {
  it('finds the example folders (guards against a wrong fixture path silently testing nothing)', () => {
    expect(rest.length).toBeGreaterThan(250);
    expect(streams.length).toBeGreaterThan(20);
  });

  it('classifies every REST example by its endpoint', () => {
    const unclassified = rest
      .filter((e) => MISFILED[rel(e.file)] === undefined)
      .map((e) => ({ file: rel(e.file), endpoint: versionless(e.endpoint) }))
      .filter((e) => PARSERS[e.endpoint] === undefined && NOT_PARSED[e.endpoint] === undefined);
    expect(unclassified).toEqual([]);
  });

  it('has no table row without an example (no stale entries)', () => {
    const endpoints = new Set(rest.map((e) => versionless(e.endpoint)));
    const stale = [...Object.keys(PARSERS), ...Object.keys(NOT_PARSED)].filter((k) => !endpoints.has(k));
    const streamKeys = new Set(streams.map((s) => s.key));
    const staleStreams = [...Object.keys(STREAM_PARSERS), ...Object.keys(STREAMS_NOT_PARSED)].filter(
      (k) => !streamKeys.has(k),
    );
    expect([...stale, ...staleStreams]).toEqual([]);
  });

  it('classifies every WebSocket example', () => {
    const unclassified = streams
      .map((s) => s.key)
      .filter((k) => STREAM_PARSERS[k] === undefined && STREAMS_NOT_PARSED[k] === undefined);
    expect(unclassified).toEqual([]);
  });

  const parsed = rest.filter((e) => MISFILED[rel(e.file)] === undefined && PARSERS[versionless(e.endpoint)]);
  it.each(parsed.map((e) => [rel(e.file), e] as const))('parses %s', (_name, example) => {
    const parser = PARSERS[versionless(example.endpoint)] as Parser;
    const body = parseJsonText(example.text(), example.endpoint);
    const result = parser(body, example.endpoint);
    expect(result).toBeDefined();
    if (Array.isArray(result)) expect(result.length).toBeGreaterThan(0);
  });

  const parsedStreams = streams.filter((s) => STREAM_PARSERS[s.key]);
  it.each(parsedStreams.map((s) => [s.key, s] as const))('parses the %s WebSocket payload', (_name, s) => {
    const parser = STREAM_PARSERS[s.key] as Parser;
    const message = unwrapStreamMessage(parseJsonText(netSubscriptionText(s.file), s.key), s.key);
    expect(message.kind).toBe('data');
    if (message.kind !== 'data') return;
    expect(message.stream).not.toBeNull();
    const result = parser(message.data, s.key);
    expect(result).toBeDefined();
    if (Array.isArray(result)) expect(result.length).toBeGreaterThan(0);
  });
});
