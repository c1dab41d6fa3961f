import { describe, expect, it } from 'vitest';
import { dec, ZERO } from '../../../src/domain/decimal.ts';
import type { BookTop } from '../../../src/domain/market.ts';
import {
  longTermPnl,
  openPositionPnl,
  portfolioValue,
  realisedPnl,
  shortPerpPnlUsdt,
  spotPnlUsdt,
  tradedVolume,
} from '../../../src/strategy/pnl.ts';
import { heldPosition, market, perpBalance, perpPosition, spotBalance } from './support/builders.ts';

function book(symbol: string, bid: string, ask: string): BookTop {
  return { symbol, bidPrice: dec(bid), bidQty: dec(1), askPrice: dec(ask), askQty: dec(1) };
}

describe('leg PnL', () => {
  it('long spot gains when the price rises; the short perp loses the same', () => {
    expect(spotPnlUsdt(dec(10), dec(2), dec('2.5')).toFixed()).toBe('5');
    expect(shortPerpPnlUsdt(dec(10), dec(2), dec('2.5')).toFixed()).toBe('-5');
  });
});

describe('openPositionPnl', () => {
  it('combines spot, perp, funding and fees, net of the estimated exit fees', () => {
    const pos = heldPosition({
      spotQty: dec(100),
      perpQty: dec(100),
      spotEntryPrice: dec('2.00'),
      entryPrice: dec('2.01'),
      notionalUsdt: dec('201'),
      entryFeesUsdt: dec('0.15'),
      fundingReceivedUsdt: dec('0.4'),
    });
    const pnl = openPositionPnl(pos, dec('2.2'), dec('2.21'), dec('0.16'));
    expect(pnl.spotPnlUsdt.toFixed()).toBe('20');
    expect(pnl.perpPnlUsdt.toFixed()).toBe('-20');
    // 20 − 20 + 0.4 − 0.15 − 0.16
    expect(pnl.netPnlUsdt.toFixed()).toBe('0.09');
    expect(pnl.netPnlPct?.toDecimalPlaces(4).toFixed()).toBe('0.0448');
  });
});

describe('realisedPnl', () => {
  it('is spot PnL + perp PnL + funding − all fees, from the actual fills', () => {
    // Bought 100.04 spot for 200.08 (fee 0.04 base taken from it), sold the 100 received for 210.
    // Shorted 100 at 2.01 (201), bought back at 2.105 (210.5). Funding +0.6, fees 0.08 + 0.07 + 0.084 + 0.074.
    const r = realisedPnl({
      spotBuy: { qty: dec('100.04'), quoteUsdt: dec('200.08') },
      spotSell: { qty: dec('100'), quoteUsdt: dec('210') },
      perpOpen: { qty: dec('100'), quoteUsdt: dec('201') },
      perpClose: { qty: dec('100'), quoteUsdt: dec('210.5') },
      fundingUsdt: dec('0.6'),
      feesUsdt: dec('0.308'),
    });
    expect(r.spotPnlUsdt.toFixed()).toBe('10'); // 210 − 100 × 2.00
    expect(r.perpPnlUsdt.toFixed()).toBe('-9.5'); // 201 − 210.5
    expect(r.netPnlUsdt.toFixed()).toBe('0.792');
    expect(r.volumeUsdt.toFixed()).toBe('821.58');
  });

  it('counts perp PnL only on the quantity bought back', () => {
    const r = realisedPnl({
      spotBuy: { qty: ZERO, quoteUsdt: ZERO },
      spotSell: { qty: ZERO, quoteUsdt: ZERO },
      perpOpen: { qty: dec(10), quoteUsdt: dec(100) },
      perpClose: { qty: dec(4), quoteUsdt: dec(36) },
      fundingUsdt: ZERO,
      feesUsdt: ZERO,
    });
    expect(r.perpPnlUsdt.toFixed()).toBe('4');
    expect(r.spotPnlUsdt.toFixed()).toBe('0');
  });
});

describe('portfolioValue', () => {
  const spotMarkets = [
    market('spot', 'ASTERUSDT', 'ASTER'),
    market('spot', 'USDCUSDT', 'USDC'),
    market('spot', 'BNBUSDT', 'BNB'),
  ];
  const spotBooks = new Map([
    ['ASTERUSDT', book('ASTERUSDT', '1.99', '2.01')],
    ['USDCUSDT', book('USDCUSDT', '0.9998', '1.0000')],
    ['BNBUSDT', book('BNBUSDT', '600', '600.2')],
  ]);

  it('W-20: values every spot asset at its own spot mid, locked included, plus perp wallets and unrealised PnL', () => {
    const value = portfolioValue({
      spotBalances: [
        spotBalance('USDT', '100', '5'),
        spotBalance('ASTER', '450', '50'),
        spotBalance('USDC', '20'),
        spotBalance('MYSTERY', '3'),
      ],
      perpBalances: [perpBalance('USDT', '300'), perpBalance('BNB', '0.1')],
      perpPositions: [perpPosition('ASTERUSDT', '-450', '1.9', '2', { unrealized: '-45' })],
      spotMarkets,
      spotBooks,
      quoteAsset: 'USDT',
    });
    // spot: 105 + 500 × 2 + 20 × 0.9999 = 1124.998; perp: 300 + 0.1 × 600.1 = 360.01; uPnL −45
    expect(value.spotUsdt.toFixed()).toBe('1124.998');
    expect(value.perpWalletUsdt.toFixed()).toBe('360.01');
    expect(value.unrealisedUsdt.toFixed()).toBe('-45');
    expect(value.totalUsdt.toFixed()).toBe('1440.008');
    expect(value.unpricedAssets).toEqual(['MYSTERY']);
    expect(value.assets.find((a) => a.asset === 'MYSTERY')).toMatchObject({ priceUsdt: null, valueUsdt: ZERO });
  });
});

describe('longTermPnl and tradedVolume', () => {
  it('measures PnL against the baseline', () => {
    const r = longTermPnl(dec('1250'), dec('1184.998'));
    expect(r.pnlUsdt.toFixed()).toBe('65.002');
    expect(r.pnlPct?.toDecimalPlaces(4).toFixed()).toBe('5.4854');
    expect(longTermPnl(dec(5), ZERO).pnlPct).toBeNull();
  });

  it('adds spot and perp notional of every fill', () => {
    expect(tradedVolume([dec('200.08'), dec('210')], [dec('201'), dec('-210.5')])).toEqual({
      spotUsdt: dec('410.08'),
      perpUsdt: dec('411.5'),
      totalUsdt: dec('821.58'),
    });
  });
});
