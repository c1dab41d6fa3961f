/**
 * Finding and reading the config file and the `.env` file.
 *
 * Lookup: `--config <file>` (must exist) → `dnfarm.config.json` → the original bot's
 * `config_volume_farming_strategy.json` → every default. The first file found is the whole config: files are not
 * merged, so what `config check` shows is what one file says.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { parseDotenv } from './dotenv.ts';
import { type ConfigOverrides, type ParsedConfig, parseConfigObject, parseConfigText } from './parse.ts';
import { readSecrets, type Secrets } from './secrets.ts';

export const DNFARM_CONFIG_FILE = 'dnfarm.config.json';
export const SEED_CONFIG_FILE = 'config_volume_farming_strategy.json';
export const ENV_FILE = '.env';

export type ConfigSource =
  | { readonly kind: 'option'; readonly path: string }
  | { readonly kind: 'dnfarm'; readonly path: string }
  | { readonly kind: 'seed'; readonly path: string }
  | { readonly kind: 'defaults' };

export function describeSource(source: ConfigSource): string {
  switch (source.kind) {
    case 'option':
      return `${source.path} (--config)`;
    case 'dnfarm':
      return `${source.path} (found in the working directory)`;
    case 'seed':
      return `${source.path} (the original bot's config file, found in the working directory)`;
    case 'defaults':
      return `built-in defaults (no ${DNFARM_CONFIG_FILE} or ${SEED_CONFIG_FILE} in the working directory)`;
  }
}

function isFile(path: string): boolean {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return false;
  if (!stat.isFile()) throw new ConfigError('', `config path ${path} exists but is not a file`);
  return true;
}

/** Which file the config comes from. `configOption` is the `--config` value, relative to `cwd`. */
export function locateConfig(cwd: string, configOption?: string): ConfigSource {
  if (configOption !== undefined) {
    const path = resolve(cwd, configOption);
    if (!isFile(path)) throw new ConfigError('', `config file ${path} (given with --config) does not exist`);
    return { kind: 'option', path };
  }
  const own = resolve(cwd, DNFARM_CONFIG_FILE);
  if (isFile(own)) return { kind: 'dnfarm', path: own };
  const seed = resolve(cwd, SEED_CONFIG_FILE);
  if (isFile(seed)) return { kind: 'seed', path: seed };
  return { kind: 'defaults' };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError('', `${what} ${path} cannot be read (${code})`, { cause: error });
  }
}

export interface LoadedConfig extends ParsedConfig {
  readonly source: ConfigSource;
}

export interface LoadConfigOptions {
  readonly cwd: string;
  /** The `--config` value. */
  readonly configPath?: string | undefined;
  readonly overrides?: ConfigOverrides | undefined;
}

/** Locates, reads and validates the config, applying command-line overrides. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const source = locateConfig(options.cwd, options.configPath);
  if (source.kind === 'defaults') {
    return { ...parseConfigObject({}, { overrides: options.overrides }), source };
  }
  const text = readText(source.path, 'config file');
  return { ...parseConfigText(text, source.path, { overrides: options.overrides }), source };
}

export interface LoadedSecrets {
  readonly secrets: Secrets;
  /** The `.env` file that was read, or null when there is none. */
  readonly envFile: string | null;
}

/**
 * Reads the credential variables from `env` and `<cwd>/.env`. A variable defined in `env` wins over the file, even
 * when empty, so `API_PRIVATE_KEY= dnfarm …` can switch a key off for one run.
 */
export function loadSecrets(options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }): LoadedSecrets {
  const path = resolve(options.cwd, ENV_FILE);
  const exists = statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  const vars = exists ? parseDotenv(readText(path, 'environment file'), path) : new Map<string, string>();
  for (const [name, value] of Object.entries(options.env)) {
    if (value !== undefined) vars.set(name, value);
  }
  return { secrets: readSecrets(vars), envFile: exists ? path : null };
}
