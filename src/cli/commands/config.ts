/**
 * `dnfarm config check [--json]`: validates the config file, the command-line overrides and the credential
 * variables, then prints the effective config (secrets masked), where it came from, and the warnings.
 * A bad config throws ConfigError, which the CLI turns into exit code 2.
 */
import type { Command } from 'commander';
import {
  ConfigValidationError,
  type ConfigWarning,
  configKeys,
  type DnfarmConfig,
  defaultConfig,
  describeSource,
  maskSecrets,
} from '../../config/index.ts';
import { ConfigError } from '../../errors.ts';
import { createPalette, type Palette, shouldUseColor } from '../../ui/color.ts';
import { addExchangeOptions, type ExchangeOptionValues, type ResolvedConfig, resolveConfig } from '../options.ts';

export interface ConfigCommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly cwd: () => string;
  readonly env: NodeJS.ProcessEnv;
}

function valueAt(config: DnfarmConfig, key: string): unknown {
  let current: unknown = config;
  for (const segment of key.split('.')) current = (current as Record<string, unknown>)[segment];
  return current;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function checkReport(resolved: ResolvedConfig): Record<string, unknown> {
  const { config } = resolved;
  return {
    ok: true,
    source: { ...resolved.source, description: describeSource(resolved.source) },
    env_file: resolved.envFile,
    config,
    explicit_keys: resolved.explicitKeys,
    secrets: maskSecrets(resolved.secrets),
    credentials:
      resolved.credentials === undefined
        ? { required: false }
        : { required: true, scheme: resolved.credentials.scheme, complete: true },
    warnings: resolved.warnings,
  };
}

function warningLines(warnings: readonly ConfigWarning[], pc: Palette): string[] {
  if (warnings.length === 0) return [];
  return ['', pc.bold('Warnings'), ...warnings.map((w) => `  ${pc.yellow('!')} ${w.field}: ${w.message}`)];
}

function humanReport(resolved: ResolvedConfig, pc: Palette): string {
  const { config } = resolved;
  const defaults = defaultConfig();
  const explicit = new Set(resolved.explicitKeys);
  const width = Math.max(...configKeys().map((k) => k.name.length));
  const lines: string[] = [
    `${pc.bold('Config')}       ${describeSource(resolved.source)}`,
    `${pc.bold('Mode')}         ${config.mode}`,
    `${pc.bold('Environment')}  ${resolved.envFile === null ? 'process environment (no .env file)' : `process environment and ${resolved.envFile}`}`,
  ];
  let section: string | null | undefined;
  for (const key of configKeys()) {
    if (key.section !== section) {
      section = key.section;
      lines.push('', pc.bold(section ?? '(top level)'));
    }
    const value = valueAt(config, key.key);
    const changed = JSON.stringify(value) !== JSON.stringify(valueAt(defaults, key.key));
    const mark = explicit.has(key.key) ? '*' : ' ';
    const note = changed ? pc.dim(`  (default ${show(valueAt(defaults, key.key))})`) : '';
    lines.push(` ${mark} ${key.name.padEnd(width)}  ${show(value)}${note}`);
    if (key.key === 'exchange.signing') {
      lines.push(`   ${'chain_id'.padEnd(width)}  ${config.exchange.chain_id}${pc.dim('  (from network)')}`);
    }
  }
  lines.push('', pc.dim(' * set in the config file or on the command line'), '', pc.bold('Credentials'));
  for (const [name, masked] of Object.entries(maskSecrets(resolved.secrets))) {
    lines.push(`   ${name.padEnd(width)}  ${masked ?? pc.dim('(not set)')}`);
  }
  lines.push(
    resolved.credentials === undefined
      ? pc.dim(`   not needed in ${config.mode} mode`)
      : `   complete for signing "${resolved.credentials.scheme}"`,
  );
  lines.push(...warningLines(resolved.warnings, pc), '', pc.green('Config OK.'));
  return `${lines.join('\n')}\n`;
}

function errorReport(error: ConfigError): Record<string, unknown> {
  const issues =
    error instanceof ConfigValidationError
      ? error.issues.map((i) => ({ field: i.field, message: i.message }))
      : [{ field: error.field, message: error.message }];
  return { ok: false, error: { name: error.name, field: error.field, message: error.message, issues } };
}

export function registerConfigCommand(program: Command, io: Partial<ConfigCommandIo> = {}): Command {
  const stdout = io.stdout ?? process.stdout;
  const cwd = io.cwd ?? (() => process.cwd());
  const env = io.env ?? process.env;
  const config = program.command('config').description('inspect the configuration');
  const check = config
    .command('check')
    .description('validate and print the effective config (secrets masked), its source and any warnings')
    .option('--json', 'print one JSON document');
  addExchangeOptions(check).action((options: ExchangeOptionValues & { json?: boolean }) => {
    let resolved: ResolvedConfig;
    try {
      resolved = resolveConfig(options, { cwd: cwd(), env });
    } catch (error) {
      if (options.json === true && error instanceof ConfigError) {
        stdout.write(`${JSON.stringify(errorReport(error), null, 2)}\n`);
      }
      throw error;
    }
    // Colours follow the same rules as every other command: a terminal, NO_COLOR, FORCE_COLOR (not `CI`).
    const palette = createPalette(shouldUseColor({ isTTY: (stdout as { isTTY?: boolean }).isTTY, env }));
    stdout.write(
      options.json === true ? `${JSON.stringify(checkReport(resolved), null, 2)}\n` : humanReport(resolved, palette),
    );
  });
  return config;
}
