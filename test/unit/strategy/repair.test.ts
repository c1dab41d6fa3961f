import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { planImbalanceRepair } from '../../../src/strategy/repair.ts';
import { filters } from './support/builders.ts';

const base = {
  symbol: 'ASTERUSDT',
  spotSymbol: 'ASTERUSDT',
  spotFilters: filters({ marketStepSize: '0.01', marketMinQty: '0.01', minNotional: '5' }),
  perpFilters: filters({ marketStepSize: '0.1', marketMinQty: '0.1', minNotional: '5' }),
  spotPrice: dec('2'),
  markPrice: dec('2'),
};

describe('planImbalanceRepair', () => {
  it('buys back the excess short reduce-only, even below the minimum notional', () => {
    expect(planImbalanceRepair({ ...base, spotQty: dec('400'), perpQty: dec('401.97') })).toEqual({
      market: 'perp',
      symbol: 'ASTERUSDT',
      side: 'BUY',
      quantity: dec('1.9'),
      reduceOnly: true,
    });
  });

  it('sells excess spot when that is a valid order', () => {
    expect(planImbalanceRepair({ ...base, spotQty: dec('460.123'), perpQty: dec('400') })).toEqual({
      market: 'spot',
      symbol: 'ASTERUSDT',
      side: 'SELL',
      quantity: dec('60.12'),
      reduceOnly: false,
    });
  });

  it('extends the short when the spot excess is below the spot minimum notional', () => {
    const spotMin = filters({ marketStepSize: '0.01', marketMinQty: '0.01', minNotional: '50' });
    expect(planImbalanceRepair({ ...base, spotFilters: spotMin, spotQty: dec('420'), perpQty: dec('400') })).toEqual({
      market: 'perp',
      symbol: 'ASTERUSDT',
      side: 'SELL',
      quantity: dec('20'),
      reduceOnly: false,
    });
  });

  it('returns null when no order would pass the filters', () => {
    expect(planImbalanceRepair({ ...base, spotQty: dec('401'), perpQty: dec('400') })).toBeNull();
    expect(planImbalanceRepair({ ...base, spotQty: dec('400'), perpQty: dec('400.05') })).toBeNull();
  });
});
