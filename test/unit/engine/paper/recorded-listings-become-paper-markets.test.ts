/**
 * Aster's recorded response examples, parsed by the client's own parsers, mapped onto the paper market, and read
 * back through the simulator's engine: what the bot will see in paper mode is what the live exchange published.
 *
 * The recorded examples do not share a symbol (the futures example lists DOGEUSDT with base BLZ, the spot one
 * BNBUSDT), which is itself a case the mapping must handle: nothing pairs. For the positive case the futures row is
 * re-labelled BNBUSDT/BNB, and the other recorded rows (premium index, fundingInfo, book tickers, 24 h tickers) are
 * re-labelled to the same symbol; their numbers stay as recorded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScanSnapshot } from '../../../../src/domain/market.ts';
import {
  applyBooksAndVolumes,
  applyMark,
  liveQuoteOf,
  manualSymbolOf,
  PAPER_COMMISSION,
  paperPairs,
  settlementBoundaryMs,
} from '../../../../src/engine/paper/index.ts';
import { SimClock } from '../../../../src/sim/clock.ts';
import { SimEngine, type SimResult } from '../../../../src/sim/engine/index.ts';
import { ManualMarketSource } from '../../../../src/sim/market/manual.ts';
import {
  parseBookTickerList,
  parseExchangeInfo,
  parseFundingInfoList,
  parsePremiumIndexList,
  parseSpotTicker24h,
  parseTicker24hList,
} from '../../../../src/venue/aster/schemas/index.ts';

const DOCS = join(import.meta.dirname, '../../../fixtures/realdata/aster-docs-examples');

function recorded(path: string): unknown {
  return JSON.parse(readFileSync(join(DOCS, path), 'utf8'));
}

/** A recorded body with every `symbol` set to `symbol` (and, where given, the base asset). */
function relabelled(path: string, symbol: string, baseAsset?: string): unknown {
  const body = recorded(path) as Record<string, unknown> | Record<string, unknown>[];
  const rows = Array.isArray(body) ? body : [body];
  const out = rows.map((row) => ({ ...row, symbol, ...(baseAsset === undefined ? {} : { baseAsset }) }));
  return Array.isArray(body) ? out : out[0];
}

function value<T>(result: SimResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code} ${result.error.msg}`);
  return result.value;
}

const perpInfo = parseExchangeInfo(recorded('futures-v3/GET__fapi_v3_exchangeInfo.json'), 'perp');
const spotInfo = parseExchangeInfo(recorded('spot-v3/GET__api_v3_exchangeInfo.json'), 'spot');

describe('recorded Aster listings in the paper market', () => {
  it('pairs nothing when no base/quote trades on both markets, and says why for each listing', () => {
    const { pairs, skipped } = paperPairs(spotInfo.markets, perpInfo.markets);
    expect(pairs).toEqual([]);
    expect(skipped).toEqual([
      {
        symbol: 'DOGEUSDT',
        reason: 'listed on perp only: no trading spot market with base BLZ and quote USDT',
      },
      {
        symbol: 'BNBUSDT',
        reason: 'listed on spot only: no trading perp market with base BNB and quote USDT',
      },
    ]);
  });

  it('carries each market’s filters, the funding interval, the mark, the rate, the books and the volumes', () => {
    const futuresBody = recorded('futures-v3/GET__fapi_v3_exchangeInfo.json') as { symbols: object[] };
    const bnbPerp = { ...futuresBody.symbols[0], symbol: 'BNBUSDT', pair: 'BNBUSDT', baseAsset: 'BNB' };
    const perpMarkets = parseExchangeInfo({ ...futuresBody, symbols: [...futuresBody.symbols, bnbPerp] }, 'perp');
    const { pairs, skipped } = paperPairs(spotInfo.markets, perpMarkets.markets);
    expect(pairs.map((p) => p.symbol)).toEqual(['BNBUSDT']);
    expect(skipped.map((s) => s.symbol)).toEqual(['DOGEUSDT']);

    const spotTicker = parseSpotTicker24h(relabelled('spot-v3/GET__api_v3_ticker_24hr.json', 'BNBUSDT'));
    const snapshot: ScanSnapshot = {
      timeMs: 1597370495002,
      spotMarkets: spotInfo.markets,
      perpMarkets: perpMarkets.markets,
      premiumIndex: new Map(
        parsePremiumIndexList(relabelled('futures-v3/GET__fapi_v3_premiumIndex__1.json', 'BNBUSDT')).map((r) => [
          r.symbol,
          r,
        ]),
      ),
      fundingInfo: new Map(
        parseFundingInfoList(recorded('futures-v3/GET__fapi_v3_fundingInfo.json'))
          .filter((r) => r.symbol === 'ZORAUSDT')
          .map((r) => ['BNBUSDT', { ...r, symbol: 'BNBUSDT' }]),
      ),
      spotTickers: new Map([['BNBUSDT', spotTicker]]),
      perpTickers: new Map(
        parseTicker24hList(relabelled('futures-v3/GET__fapi_v3_ticker_24hr__1.json', 'BNBUSDT')).map((r) => [
          r.symbol,
          r,
        ]),
      ),
      spotBooks: new Map(spotTicker.book === null ? [] : [['BNBUSDT', spotTicker.book]]),
      perpBooks: new Map(
        parseBookTickerList(relabelled('futures-v3/GET__fapi_v3_ticker_bookTicker__1.json', 'BNBUSDT')).map((r) => [
          r.symbol,
          r,
        ]),
      ),
      fundingHistory: new Map(),
    };
    const pair = pairs[0];
    const quote = liveQuoteOf(snapshot, 'BNBUSDT');
    if (pair === undefined || typeof quote === 'string') throw new Error(`no quote: ${String(quote)}`);

    const startMs = snapshot.timeMs;
    const source = new ManualMarketSource({ startMs, symbols: [manualSymbolOf(pair, quote)] });
    applyMark(source, pair.symbol, quote.mark, quote.fundingIntervalHours);
    applyBooksAndVolumes(source, pair, quote);
    const engine = new SimEngine({ source, clock: new SimClock({ startMs, manual: true }) });

    // Filters: the spot example's on spot, the futures example's on the perp.
    expect(engine.definition('spot', 'BNBUSDT')?.filters).toEqual(spotInfo.markets[0]?.filters);
    expect(engine.definition('perp', 'BNBUSDT')?.filters).toEqual(perpInfo.markets[0]?.filters);
    const spotFilters = engine.definition('spot', 'BNBUSDT')?.filters;
    expect(spotFilters?.tickSize.toFixed()).toBe('0.01');
    expect(spotFilters?.maxNotional.toFixed()).toBe('100');
    expect(engine.definition('perp', 'BNBUSDT')?.filters.marketMaxQty.toFixed()).toBe('590119');

    // ZORAUSDT's recorded 4 h interval.
    expect(value(engine.fundingInfo('BNBUSDT'))[0]?.fundingIntervalHours).toBe(4);

    const [premium] = value(engine.premiumIndex('BNBUSDT'));
    expect(premium?.markPrice.toFixed()).toBe('11793.63104562');
    expect(premium?.indexPrice.toFixed()).toBe('11781.8049597');
    expect(premium?.lastFundingRate.toFixed()).toBe('0.00038246');

    // The best levels are the recorded ones, sizes included.
    const [spotTop] = value(engine.bookTickers('spot', 'BNBUSDT'));
    expect([spotTop?.bidPrice, spotTop?.bidQty, spotTop?.askPrice, spotTop?.askQty].map((d) => d?.toFixed())).toEqual([
      '866.66',
      '72.051',
      '866.73',
      '1.217',
    ]);
    const [perpTop] = value(engine.bookTickers('perp', 'BNBUSDT'));
    expect([perpTop?.bidPrice, perpTop?.bidQty, perpTop?.askPrice, perpTop?.askQty].map((d) => d?.toFixed())).toEqual([
      '4',
      '431',
      '4.000002',
      '9',
    ]);

    const spotVolume = value(engine.tickers24h('spot', 'BNBUSDT'))[0]?.quoteVolume;
    const perpVolume = value(engine.tickers24h('perp', 'BNBUSDT'))[0]?.quoteVolume;
    expect([spotVolume?.toFixed(), perpVolume?.toFixed()]).toEqual(['15.3', '15.3']);

    // Public data has no account fees: Aster's base tier.
    expect(value(engine.commissionRate('spot', 'BNBUSDT')).takerCommissionRate.toFixed()).toBe(
      PAPER_COMMISSION.spot.taker,
    );
    expect(value(engine.commissionRate('perp', 'BNBUSDT')).makerCommissionRate.toFixed()).toBe(
      PAPER_COMMISSION.perp.maker,
    );
  });

  it('pins a rate to the boundary premiumIndex names, or to the next grid boundary when it names none on the grid', () => {
    const [premium] = parsePremiumIndexList(recorded('futures-v3/GET__fapi_v3_premiumIndex__1.json'));
    if (premium === undefined) throw new Error('no recorded premium index row');
    // 1597392000000 is 2020-08-14 08:00 UTC: on both the 8 h and the 4 h grid.
    expect(settlementBoundaryMs(premium.nextFundingTimeMs, 8, premium.timeMs)).toBe(1597392000000);
    expect(settlementBoundaryMs(premium.nextFundingTimeMs, 4, premium.timeMs)).toBe(1597392000000);
    // Observed 2020-08-14 01:21:35 UTC: the next 8 h boundary is 08:00, whatever a missing or odd field says.
    expect(settlementBoundaryMs(0, 8, premium.timeMs)).toBe(1597392000000);
    expect(settlementBoundaryMs(premium.nextFundingTimeMs + 1, 8, premium.timeMs)).toBe(1597392000000);
  });
});
