import { describe, expect, it } from 'vitest';
import { parseConfigObject } from '../../../src/config/index.ts';
import { editDistance, suggestKey } from '../../../src/config/suggest.ts';
import { configErrorOf } from './helpers.ts';

describe('edit distance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('leverage', 'leverage')).toBe(0);
    expect(editDistance('leverag', 'leverage')).toBe(1);
    expect(editDistance('leverages', 'leverage')).toBe(1);
    expect(editDistance('leverbge', 'leverage')).toBe(1);
    expect(editDistance('levreage', 'leverage')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('suggestions for unknown keys', () => {
  const cases: Array<[string[], string | undefined]> = [
    [['position_management', 'loop_intervall_seconds'], 'position_management.loop_interval_seconds'],
    [['position_management', 'loop_interval'], 'position_management.loop_interval_seconds'],
    [['position_management', 'min_funding_apr'], 'funding_rate_strategy.min_funding_apr'],
    [['capital_management', 'leverage'], 'leverage_settings.leverage'],
    [['funding_rate_strategy', 'useFundingMa'], 'funding_rate_strategy.use_funding_ma'],
    [['filters', 'max-spread-pct'], 'filters.max_spread_pct'],
    [['leverage'], 'leverage_settings.leverage'],
    [['filter'], 'filters'],
    [['postion_management'], 'position_management'],
    [['mod'], 'mode'],
    [['exchange', 'futures_ws_ulr'], 'exchange.futures_ws_url'],
    [['exchange', 'websocket_url'], undefined],
    [['risk_management', 'stop_loss_safety_multiplier'], 'risk.stop_loss_safety_multiplier'],
    [['logging', 'colour'], undefined],
    [['zzzzzz'], undefined],
  ];
  for (const [path, expected] of cases) {
    it(`${path.join('.')} → ${expected ?? 'no suggestion'}`, () => {
      expect(suggestKey(path)).toBe(expected);
    });
  }

  it('prefers the closest spelling among similar keys', () => {
    expect(suggestKey(['risk', 'imbalance_warnig_pct'])).toBe('risk.imbalance_warning_pct');
    expect(suggestKey(['risk', 'imbalance_critcal_pct'])).toBe('risk.imbalance_critical_pct');
    expect(suggestKey(['position_management', 'rotation_min_hour'])).toBe('position_management.rotation_min_hours');
    expect(suggestKey(['position_management', 'forced_rotation_min_hour'])).toBe(
      'position_management.forced_rotation_min_hours',
    );
  });

  it('an unknown top-level key with no close match lists what the top level accepts', () => {
    const error = configErrorOf(() => parseConfigObject({ zzzzzz: 1 }));
    expect(error.field).toBe('zzzzzz');
    expect(error.message).toMatch(/top-level keys are mode, data_dir, capital_management/);
  });

  it('reports every unknown key, each with its own suggestion', () => {
    const error = configErrorOf(() =>
      parseConfigObject({
        position_management: { min_funding_apr: 7, loop_intervall_seconds: 60 },
      }),
    );
    expect(error.message).toContain(
      'position_management.min_funding_apr: unknown key; did you mean funding_rate_strategy.min_funding_apr?',
    );
    expect(error.message).toContain(
      'position_management.loop_intervall_seconds: unknown key; did you mean position_management.loop_interval_seconds?',
    );
  });
});
