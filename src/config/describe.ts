/**
 * The configuration reference, generated from the schema: one row per key with its type, accepted values, default
 * and description. The README's configuration table and `dnfarm.config.example.json` are checked against it.
 */
import { configKeys, describeAccepted, descriptionOf, typeName } from './keys.ts';
import { defaultConfig } from './parse.ts';
import type { DnfarmConfig } from './types.ts';

export interface ConfigKeyRow {
  /** Dotted key, e.g. `position_management.loop_interval_seconds`. */
  readonly key: string;
  /** `number`, `integer`, `boolean`, `string`, `string[]`, or the enum values (`"sim" | "paper" | "live"`). */
  readonly type: string;
  /** The default as JSON text: `300`, `"sim"`, `[]`; URLs show the mainnet value. */
  readonly default: string;
  /** Accepted values in words, e.g. `a number > 0 and <= 1`. */
  readonly accepted: string;
  readonly description: string;
}

function defaultAt(config: DnfarmConfig, key: string): unknown {
  let current: unknown = config;
  for (const segment of key.split('.')) current = (current as Record<string, unknown>)[segment];
  return current;
}

export function describeConfigKeys(): ConfigKeyRow[] {
  const defaults = defaultConfig();
  return configKeys().map((k) => ({
    key: k.key,
    type: typeName(k.schema),
    default: JSON.stringify(defaultAt(defaults, k.key)),
    accepted: describeAccepted(k.schema),
    description: descriptionOf(k.schema),
  }));
}

/**
 * A complete config file with every key at its default, in schema order; the URL keys are null ("derive from
 * network") so that switching `exchange.network` alone is enough.
 */
export function exampleConfigFile(): Record<string, unknown> {
  const defaults = defaultConfig();
  const out: Record<string, unknown> = {
    _comment: 'dnfarm configuration: every key at its default. Keys starting with "_" are comments.',
  };
  for (const k of configKeys()) {
    const value = k.section === 'exchange' && k.name.endsWith('_url') ? null : defaultAt(defaults, k.key);
    if (k.section === null) {
      out[k.name] = value;
    } else {
      const section = (out[k.section] ?? {}) as Record<string, unknown>;
      section[k.name] = value;
      out[k.section] = section;
    }
  }
  return out;
}
