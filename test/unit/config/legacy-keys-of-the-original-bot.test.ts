import { describe, expect, it } from 'vitest';
import { parseConfigObject } from '../../../src/config/index.ts';
import { configErrorOf } from './helpers.ts';

describe('risk_management, the original bot’s legacy section', () => {
  it('risk_management.leverage alone is read as leverage_settings.leverage, with a warning to move it', () => {
    const parsed = parseConfigObject({ risk_management: { leverage: 2 } });
    expect(parsed.config.leverage_settings.leverage).toBe(2);
    expect(parsed.warnings).toEqual([
      { field: 'risk_management.leverage', message: expect.stringMatching(/move it to leverage_settings\.leverage/) },
    ]);
  });

  it('is merged into an existing leverage_settings section', () => {
    const parsed = parseConfigObject({ leverage_settings: {}, risk_management: { leverage: 3 } });
    expect(parsed.config.leverage_settings.leverage).toBe(3);
  });

  it('both locations with the same value is accepted with a warning', () => {
    const parsed = parseConfigObject({ leverage_settings: { leverage: 2 }, risk_management: { leverage: 2 } });
    expect(parsed.config.leverage_settings.leverage).toBe(2);
    expect(parsed.warnings.map((w) => w.field)).toEqual(['risk_management.leverage']);
  });

  it('both locations with different values is an error naming the legacy key', () => {
    const error = configErrorOf(() =>
      parseConfigObject({ leverage_settings: { leverage: 1 }, risk_management: { leverage: 3 } }),
    );
    expect(error.field).toBe('risk_management.leverage');
    expect(error.message).toMatch(/3 conflicts with leverage_settings\.leverage 1/);
  });

  it('emergency_stop_loss_pct is accepted but ignored, with a warning that names it and explains', () => {
    const parsed = parseConfigObject({
      leverage_settings: { leverage: 3 },
      risk_management: { emergency_stop_loss_pct: -50.0 },
    });
    expect(parsed.warnings).toHaveLength(1);
    const [warning] = parsed.warnings;
    expect(warning?.field).toBe('risk_management.emergency_stop_loss_pct');
    expect(warning?.message).toMatch(/-50 is obsolete and ignored/);
    expect(warning?.message).toMatch(/computed from leverage_settings\.leverage/);
    expect(warning?.message).toMatch(/with leverage 3 it fires at -23 %/);
  });

  it('the level in that warning follows the leverage and the risk settings', () => {
    const levelFor = (config: Record<string, unknown>) =>
      parseConfigObject({ ...config, risk_management: { emergency_stop_loss_pct: -10 } }).warnings[0]?.message;
    expect(levelFor({})).toMatch(/with leverage 1 it fires at -70 %/);
    expect(levelFor({ leverage_settings: { leverage: 2 } })).toMatch(/with leverage 2 it fires at -35 %/);
    expect(levelFor({ risk: { stop_loss_safety_multiplier: 0.5 } })).toMatch(/with leverage 1 it fires at -50 %/);
  });

  it('any other key in risk_management is an unknown key with a suggestion', () => {
    const error = configErrorOf(() => parseConfigObject({ risk_management: { stop_loss_safety_multiplier: 0.5 } }));
    expect(error.field).toBe('risk_management.stop_loss_safety_multiplier');
    expect(error.message).toMatch(/did you mean risk\.stop_loss_safety_multiplier\?/);
  });

  it('risk_management that is not an object is an error', () => {
    expect(configErrorOf(() => parseConfigObject({ risk_management: 5 })).field).toBe('risk_management');
  });
});
