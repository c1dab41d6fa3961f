import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  configKeys,
  defaultConfig,
  describeConfigKeys,
  exampleConfigFile,
  parseConfigObject,
  parseConfigText,
  strategyParamsFromConfig,
} from '../../../src/config/index.ts';
import { Decimal } from '../../../src/domain/decimal.ts';
import { DEFAULT_STRATEGY_PARAMS, type StrategyParams } from '../../../src/strategy/params.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SEED_FILE = resolve(root, 'test/fixtures/seed/config_volume_farming_strategy.json');
const EXAMPLE_FILE = resolve(root, 'dnfarm.config.example.json');

/** Decimals compared by value, everything else as is. */
function comparable(params: StrategyParams): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, v instanceof Decimal ? `dec:${v.toString()}` : v]),
  );
}

describe('the original bot’s shipped config file', () => {
  const text = readFileSync(SEED_FILE, 'utf8');

  it('loads unchanged, comments and all, without warnings', () => {
    const parsed = parseConfigText(text, SEED_FILE);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.config).toEqual(defaultConfig());
  });

  it('sets exactly the keys of the original four sections', () => {
    const parsed = parseConfigText(text, SEED_FILE);
    expect([...parsed.explicitKeys].sort()).toEqual(
      [
        'capital_management.capital_fraction',
        'funding_rate_strategy.min_funding_apr',
        'funding_rate_strategy.use_funding_ma',
        'funding_rate_strategy.funding_ma_periods',
        'position_management.fee_coverage_multiplier',
        'position_management.max_position_age_hours',
        'position_management.loop_interval_seconds',
        'position_management.enable_forced_rotation',
        'position_management.forced_rotation_min_hours',
        'position_management.forced_rotation_apr_multiplier',
        'leverage_settings.leverage',
      ].sort(),
    );
  });
});

describe('defaults', () => {
  it('are the original bot’s shipped JSON values, not its code defaults', () => {
    const c = defaultConfig();
    expect(c.mode).toBe('sim');
    expect(c.data_dir).toBe('./data');
    expect(c.capital_management).toEqual({
      capital_fraction: 0.96,
      min_free_usdt_when_flat: 30,
      transfer_dead_band_usdt: 1,
    });
    expect(c.funding_rate_strategy).toEqual({
      min_funding_apr: 5.4,
      use_funding_ma: false,
      funding_ma_periods: 10,
      default_funding_interval_hours: 8,
    });
    expect(c.filters).toEqual({ min_volume_usdt: 250_000_000, max_spread_pct: 0.15, exclude_symbols: [] });
    expect(c.position_management).toEqual({
      fee_coverage_multiplier: 0.2,
      max_position_age_hours: 336,
      loop_interval_seconds: 300,
      enable_forced_rotation: true,
      forced_rotation_min_hours: 8,
      forced_rotation_apr_multiplier: 2,
      rotation_min_apr_gain_points: 10,
      rotation_min_hours: 4,
    });
    expect(c.leverage_settings).toEqual({ leverage: 1 });
    expect(c.risk).toEqual({
      stop_loss_maintenance_margin: 0.005,
      stop_loss_safety_multiplier: 0.7,
      exchange_stop_backstop: true,
      delta_neutral_imbalance_pct: 2,
      imbalance_warning_pct: 5,
      imbalance_critical_pct: 10,
      short_pnl_warning_pct: -25,
      short_pnl_critical_pct: -50,
      spot_value_warning_usdt: 10,
      spot_value_critical_usdt: 5,
      position_value_warning_usdt: 5,
    });
    expect(c.execution).toEqual({
      leg_timeout_ms: 5000,
      max_leg_repair_attempts: 3,
      margin_type: 'CROSSED',
      fallback_fee_rate: 0.001,
      funding_settlement_guard_seconds: 15,
    });
    expect(c.exchange).toEqual({
      network: 'mainnet',
      futures_url: 'https://fapi.asterdex.com',
      spot_url: 'https://sapi.asterdex.com',
      futures_ws_url: 'wss://fstream.asterdex.com',
      spot_ws_url: 'wss://sstream.asterdex.com',
      signing: 'eip712',
      recv_window_ms: 5000,
      request_timeout_ms: 2500,
      chain_id: 1666,
    });
    expect(c.simulator).toEqual({
      seed: 42,
      pairs: 30,
      speed: 1,
      fast_forward_idle: true,
      initial_usdt: 10_000,
      start_time: '2025-06-01T07:01:00Z',
    });
    expect(c.logging).toEqual({ level: 'info', max_file_bytes: 10 * 1024 * 1024, max_files: 5 });
  });

  it('are frozen, so no caller can change the shared config', () => {
    const c = defaultConfig();
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.position_management)).toBe(true);
    expect(Object.isFrozen(c.filters.exclude_symbols)).toBe(true);
  });

  it('map onto the strategy’s default parameters', () => {
    expect(comparable(strategyParamsFromConfig(defaultConfig()))).toEqual(comparable(DEFAULT_STRATEGY_PARAMS));
  });
});

describe('strategyParamsFromConfig', () => {
  it('carries every changed key into the strategy’s units, exactly', () => {
    const { config } = parseConfigObject({
      capital_management: { capital_fraction: 0.1, transfer_dead_band_usdt: 2.5, min_free_usdt_when_flat: 50 },
      funding_rate_strategy: {
        min_funding_apr: 12.3,
        use_funding_ma: true,
        funding_ma_periods: 6,
        default_funding_interval_hours: 4,
      },
      filters: { min_volume_usdt: 1_000_000, max_spread_pct: 0.3, exclude_symbols: ['btcusdt', 'ETHUSDT', 'BTCUSDT'] },
      position_management: {
        fee_coverage_multiplier: 1.5,
        max_position_age_hours: 24,
        enable_forced_rotation: false,
        forced_rotation_min_hours: 2,
        forced_rotation_apr_multiplier: 1.5,
        rotation_min_apr_gain_points: 7,
        rotation_min_hours: 1,
      },
      leverage_settings: { leverage: 3 },
      risk: {
        stop_loss_maintenance_margin: 0.01,
        stop_loss_safety_multiplier: 0.5,
        delta_neutral_imbalance_pct: 1,
        imbalance_warning_pct: 3,
        imbalance_critical_pct: 6,
        short_pnl_warning_pct: -20,
        short_pnl_critical_pct: -40,
        spot_value_warning_usdt: 20,
        spot_value_critical_usdt: 8,
        position_value_warning_usdt: 9,
      },
      execution: { fallback_fee_rate: 0.0004 },
    });
    const p = strategyParamsFromConfig(config);
    expect(comparable(p)).toEqual({
      capitalFraction: 'dec:0.1',
      minFundingAprPct: 'dec:12.3',
      useFundingMa: true,
      fundingMaPeriods: 6,
      defaultFundingIntervalHours: 4,
      minVolumeUsdt: 'dec:1000000',
      maxSpreadPct: 'dec:0.3',
      excludeSymbols: ['BTCUSDT', 'ETHUSDT'],
      feeCoverageMultiplier: 'dec:1.5',
      maxPositionAgeHours: 24,
      enableForcedRotation: false,
      forcedRotationMinHours: 2,
      forcedRotationAprMultiplier: 'dec:1.5',
      rotationMinAprGainPoints: 'dec:7',
      rotationMinHours: 1,
      leverage: 3,
      transferDeadBandUsdt: 'dec:2.5',
      minFreeUsdtWhenFlat: 'dec:50',
      stopLossMaintenanceMargin: 'dec:0.01',
      stopLossSafetyMultiplier: 'dec:0.5',
      deltaNeutralImbalancePct: 'dec:1',
      imbalanceWarningPct: 'dec:3',
      imbalanceCriticalPct: 'dec:6',
      shortPnlWarningPct: 'dec:-20',
      shortPnlCriticalPct: 'dec:-40',
      spotValueWarningUsdt: 'dec:20',
      spotValueCriticalUsdt: 'dec:8',
      positionValueWarningUsdt: 'dec:9',
      fallbackFeeRate: 'dec:0.0004',
    });
  });
});

describe('comments', () => {
  it('any key starting with "_" is ignored at any depth', () => {
    const parsed = parseConfigObject({
      _comment: 'top',
      _obsolete_section: { anything: [1, 2] },
      filters: { _note: 'x', max_spread_pct: 0.2 },
      exchange: { _why: { nested: true } },
    });
    expect(parsed.config.filters.max_spread_pct).toBe(0.2);
    expect(parsed.explicitKeys).toEqual(['filters.max_spread_pct']);
  });
});

describe('dnfarm.config.example.json', () => {
  const example = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as Record<string, unknown>;

  it('parses and equals the defaults', () => {
    const parsed = parseConfigText(readFileSync(EXAMPLE_FILE, 'utf8'), EXAMPLE_FILE);
    expect(parsed.config).toEqual(defaultConfig());
    expect(parsed.warnings).toEqual([]);
  });

  it('is exactly what the schema generates (regenerate it when a key changes)', () => {
    expect(example).toEqual(exampleConfigFile());
  });

  it('lists every key of the schema', () => {
    const keysInFile: string[] = [];
    for (const [name, value] of Object.entries(example)) {
      if (name.startsWith('_')) continue;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const leaf of Object.keys(value)) if (!leaf.startsWith('_')) keysInFile.push(`${name}.${leaf}`);
      } else {
        keysInFile.push(name);
      }
    }
    expect(keysInFile).toEqual(configKeys().map((k) => k.key));
  });
});

describe('describeConfigKeys', () => {
  const rows = describeConfigKeys();

  it('has one described row per schema key', () => {
    expect(rows.map((r) => r.key)).toEqual(configKeys().map((k) => k.key));
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row.description.length, row.key).toBeGreaterThan(10);
      expect(() => JSON.parse(row.default), row.key).not.toThrow();
    }
  });

  it('describes keys by type, default and accepted values', () => {
    const byKey = new Map(rows.map((r) => [r.key, r]));
    expect(byKey.get('position_management.loop_interval_seconds')).toMatchObject({
      type: 'number',
      default: '300',
      accepted: 'a number > 0 and <= 86400',
    });
    expect(byKey.get('leverage_settings.leverage')).toMatchObject({
      type: 'integer',
      default: '1',
      accepted: 'an integer >= 1 and <= 3',
    });
    expect(byKey.get('mode')).toMatchObject({ type: '"sim" | "paper" | "live"', default: '"sim"' });
    expect(byKey.get('exchange.futures_url')).toMatchObject({
      type: 'string | null',
      default: '"https://fapi.asterdex.com"',
      accepted: 'a URL starting with http:// or https://, or null',
    });
    expect(byKey.get('filters.exclude_symbols')).toMatchObject({ type: 'string[]', default: '[]' });
  });

  it('has defaults that reproduce the default config when written back as a file', () => {
    const file: Record<string, Record<string, unknown> | unknown> = {};
    for (const row of rows) {
      if (row.key.startsWith('exchange.') && row.key.endsWith('_url')) continue; // derived from the network
      const [section, leaf] = row.key.split('.') as [string, string | undefined];
      if (leaf === undefined) file[section] = JSON.parse(row.default);
      else {
        const values = (file[section] ?? {}) as Record<string, unknown>;
        values[leaf] = JSON.parse(row.default);
        file[section] = values;
      }
    }
    expect(parseConfigObject(file).config).toEqual(defaultConfig());
  });
});
