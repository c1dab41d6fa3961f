/**
 * Configuration to venue: maps the validated config (URLs already resolved from `exchange.network`, the file and
 * the `--futures-url` / `--spot-url` options) and the environment's credentials onto the transport and signer.
 *
 * The chain id of the EIP-712 domain follows `exchange.network` (1666 mainnet, 714 testnet), never the URL: a
 * testnet URL with a mainnet chain id is a configuration mistake the config layer warns about, not something to
 * guess around here.
 */

import { type Credentials, type DnfarmConfig, requireCredentials, type Secrets } from '../../config/index.ts';
import type { Clock } from '../../domain/clock.ts';
import { type AsterVenue, type AsterVenueConfig, type AsterVenueTuning, createAsterVenue } from './adapter.ts';
import type { AsterLogger } from './log.ts';
import type { SigningConfig } from './sign/index.ts';
import type { ConnectionTuningInput } from './ws/index.ts';

export interface VenueFactoryOptions {
  logger?: AsterLogger;
  /** The bot's clock (in sim mode the simulator's, so nonces follow simulated time). */
  clock?: Clock;
  /**
   * Build a venue without credentials (paper mode reads live public data only). Otherwise the credentials of
   * `exchange.signing` are required and their absence is a `MissingCredentialsError` naming the variables.
   */
  publicOnly?: boolean;
  tuning?: Partial<AsterVenueTuning>;
  streamTuning?: ConnectionTuningInput;
}

/** The signer configuration for a scheme's credentials; secrets are revealed here and nowhere else. */
export function signingConfigFor(credentials: Credentials, config: DnfarmConfig): SigningConfig {
  switch (credentials.scheme) {
    case 'eip712':
      return {
        scheme: 'eip712',
        chainId: config.exchange.chain_id,
        user: credentials.user,
        signer: credentials.signer,
        privateKey: credentials.privateKey.reveal(),
      };
    case 'legacy-abi':
      return {
        scheme: 'legacy-abi',
        user: credentials.user,
        signer: credentials.signer,
        privateKey: credentials.privateKey.reveal(),
        recvWindowMs: config.exchange.recv_window_ms,
      };
    case 'hmac':
      return {
        scheme: 'hmac',
        apiKey: credentials.apiKey,
        apiSecret: credentials.apiSecret.reveal(),
        recvWindowMs: config.exchange.recv_window_ms,
      };
  }
}

/**
 * The venue configuration for `config`: pure, so the mapping can be checked without opening a connection. The
 * result carries the revealed signing key: hand it to `createAsterVenue`, never to a logger.
 */
export function venueConfigFromConfig(
  config: DnfarmConfig,
  secrets: Secrets,
  options: VenueFactoryOptions = {},
): AsterVenueConfig {
  const exchange = config.exchange;
  const signing =
    options.publicOnly === true ? undefined : signingConfigFor(requireCredentials(exchange.signing, secrets), config);
  return {
    futuresBaseUrl: exchange.futures_url,
    spotBaseUrl: exchange.spot_url,
    futuresWsUrl: exchange.futures_ws_url,
    spotWsUrl: exchange.spot_ws_url,
    signing,
    requestTimeoutMs: exchange.request_timeout_ms,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.tuning === undefined ? {} : { tuning: options.tuning }),
    ...(options.streamTuning === undefined ? {} : { streamTuning: options.streamTuning }),
  };
}

export function createVenueFromConfig(
  config: DnfarmConfig,
  secrets: Secrets,
  options: VenueFactoryOptions = {},
): AsterVenue {
  return createAsterVenue(venueConfigFromConfig(config, secrets, options));
}
