import type { ExchangeSettings } from './exchange.ts';
import type { ConfigFile } from './schema.ts';

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * The effective configuration: the file's keys (snake_case, as written) after validation, with defaults filled in,
 * `filters.exclude_symbols` upper-cased and the exchange URLs and chain id derived. Deeply frozen.
 */
export type DnfarmConfig = DeepReadonly<Omit<ConfigFile, 'exchange'>> & { readonly exchange: ExchangeSettings };
