import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import { commissionUsdt } from '../../../../src/engine/execution/fills.ts';

const assets = { baseAsset: 'ETH', quoteAsset: 'USDT' };
const none = () => null;

describe('a commission valued in USDT', () => {
  it('is taken as is when charged in the quote asset', () => {
    expect(
      commissionUsdt({ commission: dec('0.35'), commissionAsset: 'USDT', price: dec(3500) }, assets, none)?.toFixed(),
    ).toBe('0.35');
  });

  it('is valued at the fill price when charged in the base asset (a spot buy)', () => {
    const fee = commissionUsdt(
      { commission: dec('0.0004'), commissionAsset: 'ETH', price: dec('3500.5') },
      assets,
      none,
    );
    expect(fee?.toFixed()).toBe('1.4002');
  });

  it('uses the third asset price when known, and says so when not', () => {
    const trade = { commission: dec('2'), commissionAsset: 'ASTER', price: dec(3500) };
    expect(commissionUsdt(trade, assets, (a) => (a === 'ASTER' ? dec('1.5') : null))?.toFixed()).toBe('3');
    expect(commissionUsdt(trade, assets, none)).toBeNull();
  });

  it('is zero when nothing was charged, whatever the asset', () => {
    expect(commissionUsdt({ commission: dec(0), commissionAsset: 'BNB', price: dec(1) }, assets, none)?.isZero()).toBe(
      true,
    );
  });
});
