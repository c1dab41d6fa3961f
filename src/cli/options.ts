/**
 * The options shared by every command that talks to an exchange, and the one function that turns them into the
 * effective configuration, the credentials and the warnings to show.
 */
import type { Command } from 'commander';
import {
  type Credentials,
  type LoadedConfig,
  loadConfig,
  loadSecrets,
  requireCredentials,
  type Secrets,
} from '../config/index.ts';

/** What commander collects from `addExchangeOptions` (camelCase option names). */
export interface ExchangeOptionValues {
  readonly config?: string | undefined;
  readonly mode?: string | undefined;
  readonly futuresUrl?: string | undefined;
  readonly spotUrl?: string | undefined;
  readonly dataDir?: string | undefined;
}

export function addExchangeOptions(command: Command): Command {
  return command
    .option(
      '--config <file>',
      'config file (default: ./dnfarm.config.json, else ./config_volume_farming_strategy.json, else built-in defaults)',
    )
    .option('--mode <sim|paper|live>', 'trading mode; overrides the config file')
    .option('--futures-url <url>', 'futures REST base URL, e.g. a testnet or a simulator started with `dnfarm sim`')
    .option('--spot-url <url>', 'spot REST base URL')
    .option('--data-dir <dir>', 'directory of the store, the lock and the logs');
}

export interface ResolvedConfig extends LoadedConfig {
  readonly secrets: Secrets;
  /** The `.env` file that was read, or null. */
  readonly envFile: string | null;
  /**
   * Set in live mode (and then complete: a missing variable is a ConfigError naming all of them); undefined in sim
   * and paper mode, which never sign with the user's keys.
   */
  readonly credentials: Credentials | undefined;
}

export interface ResolveContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Config file + command-line overrides + environment secrets. Throws ConfigError (exit code 2) on any bad input;
 * live mode is never entered without complete credentials.
 */
export function resolveConfig(options: ExchangeOptionValues, context: ResolveContext): ResolvedConfig {
  const loaded = loadConfig({
    cwd: context.cwd,
    configPath: options.config,
    overrides: {
      mode: options.mode,
      futuresUrl: options.futuresUrl,
      spotUrl: options.spotUrl,
      dataDir: options.dataDir,
    },
  });
  const { secrets, envFile } = loadSecrets(context);
  const credentials =
    loaded.config.mode === 'live' ? requireCredentials(loaded.config.exchange.signing, secrets) : undefined;
  return { ...loaded, secrets, envFile, credentials };
}
