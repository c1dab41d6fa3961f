import { describe, expect, it } from 'vitest';
import { dec, ZERO } from '../../../src/domain/decimal.ts';
import { isStepMultiple } from '../../../src/domain/filters.ts';
import { deployableNotional, type OpenSizingInput, planWalletSplit, sizeOpen } from '../../../src/strategy/sizing.ts';
import { filtersOf, spotDocSymbol } from '../domain/support/realdata.ts';
import { filters } from './support/builders.ts';

function input(overrides: Partial<OpenSizingInput> = {}): OpenSizingInput {
  return {
    spotUsdt: dec('500'),
    perpUsdt: dec('500'),
    leverage: 1,
    capitalFraction: dec('0.96'),
    spotPrice: dec('2'),
    perpMarkPrice: dec('2'),
    spotFilters: filters({ marketStepSize: '0.01', marketMinQty: '0.01' }),
    perpFilters: filters({ marketStepSize: '0.01', marketMinQty: '0.01' }),
    spotTakerRate: dec('0.001'),
    spotCommissionInBase: false,
    ...overrides,
  };
}

describe('planWalletSplit and deployableNotional', () => {
  it.each([
    [1, '0.48'],
    [2, '0.64'],
    [3, '0.72'],
  ] as const)('deploys %ix notional = %s of the total with capital_fraction 0.96', (leverage, share) => {
    const total = dec('1200');
    // Start lopsided: everything in the spot wallet.
    const plan = planWalletSplit(total, ZERO, leverage, dec(1));
    expect(plan.targetSpotUsdt.plus(plan.targetPerpUsdt).equals(total)).toBe(true);
    const { notionalUsdt } = deployableNotional(plan.targetSpotUsdt, plan.targetPerpUsdt, leverage, dec('0.96'));
    expect(notionalUsdt.div(total).toDecimalPlaces(12).toFixed()).toBe(share);
  });

  it.each([
    [1, '600', '600'],
    [2, '800', '400'],
    [3, '900', '300'],
  ] as const)('splits L:1 at %ix (spot %s, perp %s of 1200)', (leverage, spot, perp) => {
    const plan = planWalletSplit(dec('1200'), ZERO, leverage, dec(1));
    expect(plan.targetSpotUsdt.toDecimalPlaces(8).toFixed()).toBe(spot);
    expect(plan.targetPerpUsdt.toDecimalPlaces(8).toFixed()).toBe(perp);
    expect(plan.transfer).toEqual({ direction: 'SPOT_TO_PERP', amountUsdt: dec(perp) });
  });

  it('transfers only beyond the $1 dead band: $1.00 stays, $1.01 moves', () => {
    expect(planWalletSplit(dec('49'), dec('51'), 1, dec(1)).transfer).toBeNull();
    expect(planWalletSplit(dec('51'), dec('49'), 1, dec(1)).transfer).toBeNull();
    expect(planWalletSplit(dec('48.99'), dec('51.01'), 1, dec(1)).transfer).toEqual({
      direction: 'PERP_TO_SPOT',
      amountUsdt: dec('1.01'),
    });
    expect(planWalletSplit(dec('51.01'), dec('48.99'), 1, dec(1)).transfer).toEqual({
      direction: 'SPOT_TO_PERP',
      amountUsdt: dec('1.01'),
    });
  });

  it('truncates a transfer to 6 decimals so it never exceeds the source wallet', () => {
    const plan = planWalletSplit(dec('100'), dec('0'), 2, dec(1));
    // target perp = 33.333…; the transfer is rounded down.
    expect(plan.transfer?.amountUsdt.toFixed()).toBe('33.333333');
  });

  it('reports the limiting wallet', () => {
    expect(deployableNotional(dec(100), dec(30), 3, dec(1))).toEqual({ notionalUsdt: dec(90), limitedBy: 'perp' });
    expect(deployableNotional(dec(80), dec(30), 3, dec(1))).toEqual({ notionalUsdt: dec(80), limitedBy: 'spot' });
  });
});

describe('sizeOpen', () => {
  it('sizes both legs at C / price floored to the common step', () => {
    const sizing = sizeOpen(input());
    expect(sizing).toMatchObject({ ok: true, limitedBy: 'spot' });
    if (!sizing.ok) return;
    expect(sizing.notionalUsdt.toFixed()).toBe('480');
    expect(sizing.perpQty.toFixed()).toBe('240');
    expect(sizing.spotBuyQty.toFixed()).toBe('240');
    expect(sizing.spotCostUsdt.toFixed()).toBe('480');
  });

  it('W-6: quantizes to real step multiples, valid on both markets even when the steps differ', () => {
    const sizing = sizeOpen(
      input({
        spotFilters: filters({ marketStepSize: '0.3', marketMinQty: '0.3' }),
        perpFilters: filters({ marketStepSize: '0.2', marketMinQty: '0.2' }),
        spotPrice: dec('3.7'),
        perpMarkPrice: dec('3.7'),
      }),
    );
    expect(sizing.ok).toBe(true);
    if (!sizing.ok) return;
    // 480 / 3.7 = 129.729… → the largest multiple of 0.6 below it.
    expect(sizing.perpQty.toFixed()).toBe('129.6');
    expect(isStepMultiple(sizing.perpQty, dec('0.3'))).toBe(true);
    expect(isStepMultiple(sizing.perpQty, dec('0.2'))).toBe(true);
    expect(sizing.commonStep.toFixed()).toBe('0.6');
  });

  it('W-6: checks minQty and MIN_NOTIONAL on both legs before anything is sent', () => {
    const tooSmall = sizeOpen(input({ spotUsdt: dec('5'), perpUsdt: dec('5') }));
    expect(tooSmall).toMatchObject({
      ok: false,
      reason: 'perp_order_invalid',
      check: { reason: 'below_min_notional' },
    });
    // BTC-like: minQty 0.001 at $110k needs $110 of notional, which the original README asked users to work around.
    const btc = sizeOpen(
      input({
        spotUsdt: dec('100'),
        perpUsdt: dec('100'),
        spotPrice: dec('110000'),
        perpMarkPrice: dec('110000'),
        spotFilters: filters({ marketStepSize: '0.00001', marketMinQty: '0.00001' }),
        perpFilters: filters({ marketStepSize: '0.001', marketMinQty: '0.001' }),
      }),
    );
    expect(btc).toMatchObject({ ok: false, reason: 'zero_quantity' });
    if (!btc.ok) expect(btc.message).toContain('less than one step 0.001');
    const spotLimited = sizeOpen(input({ spotFilters: filters({ marketStepSize: '0.01', marketMinQty: '500' }) }));
    expect(spotLimited).toMatchObject({ ok: false, reason: 'spot_order_invalid', check: { reason: 'below_min_qty' } });
  });

  it('W-6: uses the zero-padded MARKET_LOT_SIZE step of the documented spot example as 0.001', () => {
    const spot = filtersOf(spotDocSymbol());
    const sizing = sizeOpen(
      input({
        spotUsdt: dec('100'),
        perpUsdt: dec('100'),
        spotPrice: dec('613.37'),
        perpMarkPrice: dec('613.5'),
        spotFilters: spot,
        perpFilters: filters({ marketStepSize: '0.001', marketMinQty: '0.001' }),
      }),
    );
    expect(sizing.ok).toBe(true);
    // 96 / 613.37 = 0.15651…: three decimals, not the eight the string "0.00100000" has.
    if (sizing.ok) expect(sizing.perpQty.toFixed()).toBe('0.156');
  });

  it('W-8: buys the base-asset commission on top so the spot received covers the short', () => {
    const sizing = sizeOpen(input({ spotTakerRate: dec('0.001'), spotCommissionInBase: true }));
    expect(sizing.ok).toBe(true);
    if (!sizing.ok) return;
    expect(sizing.perpQty.toFixed()).toBe('240');
    // 240 / 0.999 = 240.2402… → rounded UP to the 0.01 step.
    expect(sizing.spotBuyQty.toFixed()).toBe('240.25');
    expect(sizing.expectedSpotNetQty.greaterThanOrEqualTo(sizing.perpQty)).toBe(true);
    // Never more than one spot step of excess.
    expect(sizing.expectedSpotNetQty.minus(sizing.perpQty).lessThan(dec('0.01'))).toBe(true);
  });

  it('W-8: buys exactly the perp quantity when the commission is not taken in the base asset', () => {
    const sizing = sizeOpen(input({ spotTakerRate: dec('0.001'), spotCommissionInBase: false }));
    expect(sizing.ok && sizing.spotBuyQty.equals(sizing.perpQty)).toBe(true);
  });

  it('W-8: shrinks the legs when the fee top-up would not fit in the spot wallet', () => {
    const sizing = sizeOpen(
      input({ capitalFraction: dec(1), spotCommissionInBase: true, spotTakerRate: dec('0.001') }),
    );
    expect(sizing.ok).toBe(true);
    if (!sizing.ok) return;
    expect(sizing.spotCostUsdt.lessThanOrEqualTo(dec('500'))).toBe(true);
    expect(sizing.expectedSpotNetQty.greaterThanOrEqualTo(sizing.perpQty)).toBe(true);
    expect(sizing.perpQty.toFixed()).toBe('249.75');
  });

  it('W-8: reports why it cannot size with an impossible fee rate', () => {
    expect(sizeOpen(input({ spotTakerRate: dec(1), spotCommissionInBase: true }))).toMatchObject({
      ok: false,
      reason: 'invalid_fee_rate',
    });
  });

  it('caps the legs at the markets’ maximum quantities', () => {
    const sizing = sizeOpen(
      input({
        spotUsdt: dec('100000'),
        perpUsdt: dec('100000'),
        perpFilters: filters({ marketStepSize: '0.01', marketMinQty: '0.01', marketMaxQty: '1000' }),
      }),
    );
    expect(sizing.ok && sizing.perpQty.toFixed()).toBe('1000');
  });

  it('sizes with the leverage: 3x puts 3 units of notional on 1 unit of perp margin', () => {
    const sizing = sizeOpen(input({ spotUsdt: dec('750'), perpUsdt: dec('250'), leverage: 3 }));
    expect(sizing.ok && sizing.notionalUsdt.toFixed()).toBe('720');
  });

  it('refuses non-positive prices and empty wallets', () => {
    expect(sizeOpen(input({ spotPrice: dec(0) }))).toMatchObject({ ok: false, reason: 'invalid_price' });
    expect(sizeOpen(input({ spotUsdt: ZERO }))).toMatchObject({ ok: false, reason: 'no_capital' });
  });
});
