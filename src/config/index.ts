export { consistencyIssues } from './consistency.ts';
export { type ConfigKeyRow, describeConfigKeys, exampleConfigFile } from './describe.ts';
export { parseDotenv } from './dotenv.ts';
export { ASTER_ENDPOINTS, type ExchangeSettings, type NetworkEndpoints } from './exchange.ts';
export { type ConfigIssue, ConfigValidationError, type ConfigWarning } from './issues.ts';
export { type ConfigKey, configKeys } from './keys.ts';
export {
  type ConfigSource,
  DNFARM_CONFIG_FILE,
  describeSource,
  ENV_FILE,
  type LoadedConfig,
  type LoadedSecrets,
  loadConfig,
  loadSecrets,
  locateConfig,
  SEED_CONFIG_FILE,
} from './load.ts';
export {
  type ConfigOverrides,
  defaultConfig,
  type ParsedConfig,
  parseConfigObject,
  parseConfigText,
} from './parse.ts';
export {
  LOG_LEVELS,
  type LogLevel,
  MARGIN_TYPES,
  type MarginType,
  MODES,
  type Mode,
  NETWORKS,
  type Network,
  SIGNING_SCHEMES,
  type SigningScheme,
} from './schema.ts';
export {
  type Address,
  type Credentials,
  MissingCredentialsError,
  maskSecret,
  maskSecrets,
  readSecrets,
  requireCredentials,
  requiredVariables,
  SECRET_VARIABLES,
  Secret,
  type Secrets,
  type SecretVariable,
} from './secrets.ts';
export { strategyParamsFromConfig } from './strategy-params.ts';
export type { DnfarmConfig } from './types.ts';
