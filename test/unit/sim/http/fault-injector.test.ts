/** Which requests a configured fault hits: targets, caps, one-shot rejections, bursts, and seeded determinism. */
import { describe, expect, it } from 'vitest';
import { FaultInjector, type RequestFacts } from '../../../../src/sim/faults/injector.ts';
import { parseFaultSpec } from '../../../../src/sim/faults/spec.ts';

const perpOrder: RequestFacts = {
  method: 'POST',
  path: '/fapi/v3/order',
  market: 'perp',
  signed: true,
  action: 'order',
};
const spotOrder: RequestFacts = {
  method: 'POST',
  path: '/api/v3/order',
  market: 'spot',
  signed: true,
  action: 'order',
};
const time: RequestFacts = { method: 'GET', path: '/fapi/v3/time', market: 'perp', signed: false, action: 'other' };

describe('FaultInjector', () => {
  it('applies a capped rule only as many times as its cap', () => {
    const faults = new FaultInjector(1, parseFaultSpec('after503=1:order*2'));
    expect([1, 2, 3].map(() => faults.decide(perpOrder).after503)).toEqual([true, true, false]);
    expect(faults.describe()).toBe('after503=1:order*0');
  });

  it('matches targets: market-specific orders, public, paths with methods', () => {
    const faults = new FaultInjector(1, parseFaultSpec('hang=1:spot-order,error5xx=1:public'));
    expect(faults.decide(perpOrder).hang).toBe(false);
    expect(faults.decide(spotOrder).hang).toBe(true);
    expect(faults.decide(time).error5xx).toBe(true);
    const byMethod = new FaultInjector(1, parseFaultSpec('error5xx=1:DELETE /fapi/v3/order'));
    expect(byMethod.decide(perpOrder).error5xx).toBe(false);
    expect(byMethod.decide({ ...perpOrder, method: 'DELETE', action: 'cancel' }).error5xx).toBe(true);
  });

  it('rejects only the next order of the named market, once', () => {
    const faults = new FaultInjector(1, parseFaultSpec('reject-next=perp'));
    expect(faults.decide(spotOrder).rejectCode).toBeUndefined();
    expect(faults.decide(perpOrder).rejectCode).toBe(-2019);
    expect(faults.decide(perpOrder).rejectCode).toBeUndefined();
  });

  it('answers 429 to the next N requests of a burst, before any other fault', () => {
    const faults = new FaultInjector(1, parseFaultSpec('burst429=2,error5xx=1'));
    const first = faults.decide(time);
    expect(first).toMatchObject({ burst429: true, error5xx: false });
    expect(faults.decide(time).burst429).toBe(true);
    expect(faults.decide(time)).toMatchObject({ burst429: false, error5xx: true });
  });

  it('draws partial fractions between 20 % and 80 %', () => {
    const faults = new FaultInjector(3, parseFaultSpec('partial=1'));
    for (let i = 0; i < 50; i++) {
      const fraction = faults.decide(perpOrder).partialFraction ?? -1;
      expect(fraction).toBeGreaterThanOrEqual(0.2);
      expect(fraction).toBeLessThan(0.8);
    }
    expect(faults.decide(time).partialFraction).toBeUndefined();
  });

  it('repeats its decisions and latencies under the same seed', () => {
    const run = (seed: number) => {
      const faults = new FaultInjector(seed, parseFaultSpec('error5xx=0.3,latency=10,jitter=40'));
      return Array.from({ length: 40 }, () => `${faults.decide(time).error5xx}:${faults.latencyMs().toFixed(6)}`);
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });
});
