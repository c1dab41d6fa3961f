/** The compact fault specification: every kind of fault parses, prints back, and bad items are named. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/errors.ts';
import { formatFaultSpec, parseDurationMs, parseFaultSpec } from '../../../../src/sim/faults/spec.ts';

describe('fault spec', () => {
  it('parses every fault kind', () => {
    const config = parseFaultSpec(
      'latency=50,jitter=10,error5xx=0.05:/fapi/v3/order,after503=1:order*1,hang=1:spot-order,hang-after=0.5:transfer,' +
        'burst429=3,partial=0.5:perp-order,reject-next=spot,reject-next=perp:-2010,ws-drop=30s,skew=-2000',
    );
    expect(config.latencyMs).toBe(50);
    expect(config.jitterMs).toBe(10);
    expect(config.error5xx).toEqual([{ probability: 0.05, target: { kind: 'path', prefix: '/fapi/v3/order' } }]);
    expect(config.after503).toEqual([{ probability: 1, target: { kind: 'order' }, remaining: 1 }]);
    expect(config.hang).toEqual([{ probability: 1, target: { kind: 'spot-order' } }]);
    expect(config.hangAfter).toEqual([{ probability: 0.5, target: { kind: 'transfer' } }]);
    expect(config.burst429).toEqual([{ count: 3, target: { kind: 'any' } }]);
    expect(config.partial).toEqual([{ probability: 0.5, target: { kind: 'perp-order' } }]);
    expect(config.rejectNext).toEqual([
      { market: 'spot', code: -2018 },
      { market: 'perp', code: -2010 },
    ]);
    expect(config.wsDropEveryMs).toBe(30_000);
    expect(config.skewMs).toBe(-2000);
  });

  it('prints a spec that parses back to the same configuration', () => {
    const spec =
      'latency=5,error5xx=0.25:DELETE /fapi/v3/order,after503=1:order*2,burst429=1:signed,ws-drop=1m,skew=300';
    const config = parseFaultSpec(spec);
    expect(parseFaultSpec(formatFaultSpec(config))).toEqual(config);
    expect(formatFaultSpec(parseFaultSpec(''))).toBe('none');
  });

  it('reads durations in ms, s, m and h', () => {
    expect(parseDurationMs('1500ms', 'x')).toBe(1500);
    expect(parseDurationMs('2m', 'x')).toBe(120_000);
    expect(parseDurationMs('1h', 'x')).toBe(3_600_000);
    expect(parseDurationMs('250', 'x')).toBe(250);
  });

  it('names the offending item in a ConfigError', () => {
    for (const [spec, message] of [
      ['explode=1', 'unknown fault "explode"'],
      ['error5xx=2', 'probability must be within 0..1'],
      ['hang=1:somewhere', 'unknown target "somewhere"'],
      ['reject-next=both', 'reject-next takes spot or perp'],
      ['latency', 'expected name=value'],
      ['after503=1:order*x', 'cap must be a whole number'],
      ['ws-drop=soon', 'bad duration'],
    ] as const) {
      const attempt = () => parseFaultSpec(spec);
      expect(attempt, spec).toThrow(ConfigError);
      expect(attempt, spec).toThrow(message);
    }
  });
});
