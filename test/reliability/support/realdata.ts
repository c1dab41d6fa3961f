/**
 * The recorded Aster responses the bad-input suites mutate, each with the parser of its endpoint.
 *
 * Only examples that are valid JSON as recorded are used (the `.json` beside a docs `.jsonc`, the Aster.Net
 * `.json` bodies, and stream pushes after their `=` marker); repairing broken doc blocks is the schema tests' job.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MarketKind } from '../../../src/domain/market.ts';
import {
  parseBookTicker,
  parseBookTickerList,
  parseCommissionRate,
  parseDepth,
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
  parseTicker24h,
  parseTicker24hList,
  parseTransferResult,
  parseUserStreamEvent,
  parseUserTrades,
} from '../../../src/venue/aster/schemas/index.ts';
import { REALDATA } from './fixtures.ts';

export type BodyParser = (body: unknown, source: string) => unknown;

export interface RecordedResponse {
  /** Path under test/fixtures/realdata. */
  file: string;
  parse: BodyParser;
}

const oneOrMany =
  (one: BodyParser, many: BodyParser): BodyParser =>
  (body, source) =>
    Array.isArray(body) ? many(body, source) : one(body, source);

const order =
  (market: MarketKind): BodyParser =>
  (b, s) =>
    parseOrder(b, market, s);
const trades =
  (market: MarketKind): BodyParser =>
  (b, s) =>
    parseUserTrades(b, market, s);
const userEvent =
  (market: MarketKind): BodyParser =>
  (b, s) =>
    parseUserStreamEvent(b, market, s);

const DOCS = 'aster-docs-examples';
const NET = 'aster-net-fixtures/Endpoints';
const STREAMS = 'aster-net-fixtures/Subscriptions';

/** Every response the bot reads while deciding, and the acknowledgements of what it sends. */
export const RECORDED_RESPONSES: readonly RecordedResponse[] = [
  { file: `${DOCS}/futures-v3/GET__fapi_v3_exchangeInfo.json`, parse: (b, s) => parseExchangeInfo(b, 'perp', s) },
  { file: `${DOCS}/spot-v3/GET__api_v3_exchangeInfo.json`, parse: (b, s) => parseExchangeInfo(b, 'spot', s) },
  { file: `${NET}/FuturesV3/ExchangeData/GetExchangeInfo.json`, parse: (b, s) => parseExchangeInfo(b, 'perp', s) },
  { file: `${NET}/SpotV3/ExchangeData/GetExchangeInfo.json`, parse: (b, s) => parseExchangeInfo(b, 'spot', s) },
  {
    file: `${DOCS}/futures-v3/GET__fapi_v3_premiumIndex.json`,
    parse: oneOrMany(parsePremiumIndex, parsePremiumIndexList),
  },
  {
    file: `${DOCS}/futures-v3/GET__fapi_v3_premiumIndex__1.json`,
    parse: oneOrMany(parsePremiumIndex, parsePremiumIndexList),
  },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_fundingInfo.json`, parse: parseFundingInfoList },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_fundingRate.json`, parse: parseFundingRateHistory },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_ticker_24hr.json`, parse: oneOrMany(parseTicker24h, parseTicker24hList) },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_ticker_24hr__1.json`, parse: oneOrMany(parseTicker24h, parseTicker24hList) },
  {
    file: `${DOCS}/spot-v3/GET__api_v3_ticker_24hr.json`,
    parse: oneOrMany(parseSpotTicker24h, parseSpotTicker24hList),
  },
  {
    file: `${DOCS}/futures-v3/GET__fapi_v3_ticker_bookTicker.json`,
    parse: oneOrMany(parseBookTicker, parseBookTickerList),
  },
  {
    file: `${DOCS}/futures-v3/GET__fapi_v3_ticker_bookTicker__1.json`,
    parse: oneOrMany(parseBookTicker, parseBookTickerList),
  },
  {
    file: `${DOCS}/spot-v3/GET__api_v3_ticker_bookTicker__1.json`,
    parse: oneOrMany(parseBookTicker, parseBookTickerList),
  },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_depth.json`, parse: parseDepth },
  { file: `${DOCS}/spot-v3/GET__api_v3_depth.json`, parse: parseDepth },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_time.json`, parse: parseServerTime },
  { file: `${NET}/FuturesV3/Account/GetBalances.json`, parse: parsePerpBalances },
  { file: `${NET}/FuturesV3/Account/GetAccountInfo.json`, parse: parsePerpAccount },
  { file: `${NET}/SpotV3/Account/GetAccountInfo.json`, parse: parseSpotAccount },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_positionRisk.json`, parse: parsePositionRisk },
  { file: `${NET}/FuturesV3/Trading/GetPositions.json`, parse: parsePositionRisk },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_commissionRate.json`, parse: parseCommissionRate },
  { file: `${NET}/SpotV3/Account/GetUserCommissionRate.json`, parse: parseCommissionRate },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_order.json`, parse: order('perp') },
  { file: `${DOCS}/futures-v3/POST__fapi_v3_order.json`, parse: order('perp') },
  { file: `${DOCS}/futures-v3/DELETE__fapi_v3_order.json`, parse: order('perp') },
  { file: `${DOCS}/spot-v3/GET__api_v3_order.json`, parse: order('spot') },
  { file: `${DOCS}/spot-v3/POST__api_v3_order.json`, parse: order('spot') },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_openOrders.json`, parse: (b, s) => parseOrderList(b, 'perp', s) },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_income.json`, parse: parseIncomeList },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_userTrades.json`, parse: trades('perp') },
  { file: `${DOCS}/spot-v3/GET__api_v3_userTrades.json`, parse: trades('spot') },
  { file: `${DOCS}/futures-v3/POST__fapi_v3_leverage.json`, parse: parseLeverageResult },
  { file: `${DOCS}/futures-v3/GET__fapi_v3_positionSide_dual.json`, parse: parsePositionMode },
  { file: `${DOCS}/futures-v3/POST__fapi_v3_asset_wallet_transfer.json`, parse: parseTransferResult },
  { file: `${DOCS}/spot-v3/POST__api_v3_asset_wallet_transfer.json`, parse: parseTransferResult },
  { file: `${DOCS}/futures-v3/POST__fapi_v3_listenKey.json`, parse: parseListenKey },
  { file: `${STREAMS}/Futures/MarkPrice.txt`, parse: parseMarkPriceUpdate },
  { file: `${STREAMS}/Futures/AccountUpdate.txt`, parse: userEvent('perp') },
  { file: `${STREAMS}/Futures/OrderUpdate.txt`, parse: userEvent('perp') },
  { file: `${STREAMS}/Spot/AccountUpdate.txt`, parse: userEvent('spot') },
  { file: `${STREAMS}/Spot/OrderUpdate.txt`, parse: userEvent('spot') },
];

/** The body text of a recorded response: a `.json` as is, a stream push's `data` after its `=` marker. */
export function recordedText(file: string): string {
  const text = readFileSync(join(REALDATA, file), 'utf8');
  if (!file.endsWith('.txt')) return text;
  const marker = /^=\s?/m.exec(text);
  if (!marker) throw new Error(`${file}: no "=" section`);
  const message = parseJsonText(text.slice(marker.index + 1), file) as { data?: unknown };
  return JSON.stringify(message.data ?? message);
}

export function recordedBody(file: string): unknown {
  return parseJsonText(recordedText(file), file);
}
