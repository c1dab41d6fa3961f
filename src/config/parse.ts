/**
 * From config text (or an already parsed object) to the effective, frozen configuration.
 *
 * Order of work: comments out, legacy keys folded in, command-line overrides applied, unknown keys reported with
 * suggestions, then the schema, then rules across keys, then derived values. Every finding up to the schema is
 * collected so that one error lists everything wrong with the file. A bad file is never replaced by defaults.
 */
import { ConfigError } from '../errors.ts';
import { consistencyIssues } from './consistency.ts';
import { asterNetworkOf, deriveExchange } from './exchange.ts';
import { type ConfigIssue, ConfigValidationError, type ConfigWarning, issueFromZod, showValue } from './issues.ts';
import { parseJsonDocument } from './json.ts';
import { findConfigKey, isSectionName } from './keys.ts';
import { foldLegacyKeys, isPlainObject, obsoleteStopLossWarning } from './legacy.ts';
import { configFileSchema } from './schema.ts';
import { unknownKeyMessage } from './suggest.ts';
import type { DnfarmConfig } from './types.ts';

/** Values given on the command line; they win over the file and are validated like it. */
export interface ConfigOverrides {
  readonly mode?: string | undefined;
  readonly futuresUrl?: string | undefined;
  readonly spotUrl?: string | undefined;
  readonly dataDir?: string | undefined;
}

const OVERRIDE_TARGETS: ReadonlyArray<{ option: keyof ConfigOverrides; flag: string; path: readonly string[] }> = [
  { option: 'mode', flag: '--mode', path: ['mode'] },
  { option: 'futuresUrl', flag: '--futures-url', path: ['exchange', 'futures_url'] },
  { option: 'spotUrl', flag: '--spot-url', path: ['exchange', 'spot_url'] },
  { option: 'dataDir', flag: '--data-dir', path: ['data_dir'] },
];

export interface ParseOptions {
  /** Where the config came from, for error messages. */
  readonly file?: string | undefined;
  readonly overrides?: ConfigOverrides | undefined;
}

export interface ParsedConfig {
  readonly config: DnfarmConfig;
  readonly warnings: readonly ConfigWarning[];
  /** Dotted keys set by the file or the command line (the rest are defaults). */
  readonly explicitKeys: readonly string[];
}

/** Any key starting with "_" is a comment, at any depth (the original bot's files are full of them). */
function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('_')) continue;
    Object.defineProperty(out, key, {
      value: withoutComments(inner),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function applyOverrides(data: Record<string, unknown>, overrides: ConfigOverrides | undefined): Map<string, string> {
  const flags = new Map<string, string>();
  if (overrides === undefined) return flags;
  for (const target of OVERRIDE_TARGETS) {
    const value = overrides[target.option];
    if (value === undefined) continue;
    const [first, second] = target.path as [string, string | undefined];
    if (second === undefined) {
      data[first] = value;
    } else {
      const section = data[first] ?? {};
      // A section that is not an object is reported by the schema; the override cannot be placed in it.
      if (!isPlainObject(section)) continue;
      section[second] = value;
      data[first] = section;
    }
    flags.set(target.path.join('.'), target.flag);
  }
  return flags;
}

function unknownKeyIssues(data: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (isSectionName(key)) {
      if (!isPlainObject(value)) continue;
      for (const [leaf, leafValue] of Object.entries(value)) {
        const field = `${key}.${leaf}`;
        if (findConfigKey(field) === undefined) {
          issues.push({ field, message: unknownKeyMessage([key, leaf]), value: leafValue });
        }
      }
    } else if (findConfigKey(key) === undefined) {
      issues.push({ field: key, message: unknownKeyMessage([key]), value });
    }
  }
  return issues;
}

function explicitKeysOf(data: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (isSectionName(key) && isPlainObject(value)) {
      for (const leaf of Object.keys(value)) keys.push(`${key}.${leaf}`);
    } else {
      keys.push(key);
    }
  }
  return keys.filter((k) => findConfigKey(k) !== undefined);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Validates a parsed JSON value (the whole document) and returns the effective configuration. */
export function parseConfigObject(raw: unknown, options: ParseOptions = {}): ParsedConfig {
  const { file } = options;
  if (!isPlainObject(raw)) {
    throw new ConfigValidationError(
      [
        {
          field: '',
          message: `the config must be a JSON object at the top level, received ${showValue(raw)}`,
          value: raw,
        },
      ],
      file,
    );
  }
  const data = withoutComments(raw) as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  const warnings: ConfigWarning[] = [];
  const legacy = foldLegacyKeys(data, issues, warnings);
  const flags = applyOverrides(data, options.overrides);
  issues.push(...unknownKeyIssues(data));

  const result = configFileSchema.safeParse(data);
  if (!result.success) {
    for (const zodIssue of result.error.issues) {
      if (zodIssue.code === 'unrecognized_keys') continue; // reported above, with suggestions
      const issue = issueFromZod(zodIssue, data);
      const alias = legacy.aliases.get(issue.field);
      const flag = flags.get(issue.field);
      if (alias !== undefined) issues.push({ ...issue, field: alias });
      else if (flag !== undefined) issues.push({ ...issue, message: `${issue.message} (from ${flag})` });
      else issues.push(issue);
    }
  }
  if (issues.length > 0 || !result.success) throw new ConfigValidationError(issues, file);

  const checked = result.data;
  const crossIssues = consistencyIssues(checked);
  if (crossIssues.length > 0) throw new ConfigValidationError(crossIssues, file);

  const explicitKeys = explicitKeysOf(data);
  const exchange = deriveExchange(checked.exchange);
  if (legacy.hasObsoleteStopLoss) {
    warnings.push(
      obsoleteStopLossWarning(
        legacy.obsoleteStopLoss,
        checked.leverage_settings.leverage,
        checked.risk.stop_loss_maintenance_margin,
        checked.risk.stop_loss_safety_multiplier,
      ),
    );
  }
  if (exchange.signing !== 'hmac' && exchange.recv_window_ms !== defaultRecvWindowMs()) {
    warnings.push({
      field: 'exchange.recv_window_ms',
      message: `is used only with signing "hmac"; it is ignored with "${exchange.signing}"`,
    });
  }
  for (const market of ['futures', 'spot'] as const) {
    const key = market === 'futures' ? 'futures_url' : 'spot_url';
    const urlNetwork = asterNetworkOf(exchange[key], market);
    if (urlNetwork !== undefined && urlNetwork !== exchange.network) {
      warnings.push({
        field: `exchange.${key}`,
        message:
          `points at the Aster ${urlNetwork} but exchange.network is ${exchange.network} ` +
          `(signatures use chain id ${exchange.chain_id}); set exchange.network to ${urlNetwork}`,
      });
    }
  }

  const excluded = [...new Set(checked.filters.exclude_symbols.map((s) => s.toUpperCase()))];
  const config = deepFreeze({
    ...checked,
    filters: { ...checked.filters, exclude_symbols: excluded },
    exchange,
  }) as DnfarmConfig;
  return { config, warnings: Object.freeze(warnings), explicitKeys: Object.freeze(explicitKeys) };
}

/** Validates config text; `file` names it in every error (syntax errors also carry line and column). */
export function parseConfigText(text: string, file: string, options: Omit<ParseOptions, 'file'> = {}): ParsedConfig {
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    throw new ConfigError('', `config file ${file} is empty; write {} to use every default, or remove the file`);
  }
  return parseConfigObject(parseJsonDocument(text, file), { ...options, file });
}

let defaults: DnfarmConfig | undefined;

function defaultRecvWindowMs(): number {
  return configFileSchema.shape.exchange.parse({}).recv_window_ms;
}

/** Every key at its default (sim mode, mainnet URLs). */
export function defaultConfig(): DnfarmConfig {
  defaults ??= parseConfigObject({}).config;
  return defaults;
}
