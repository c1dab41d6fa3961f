/**
 * The Aster venue: `createVenueFromConfig(config, secrets, { logger })` for the CLI and the engine, or
 * `createAsterVenue({...})` with explicit URLs and signing. Lower layers (transport, signers, schemas, streams)
 * are imported from their own folders by code that needs them directly.
 */
export {
  AsterVenue,
  type AsterVenueConfig,
  type AsterVenueOptions,
  type AsterVenueTuning,
  createAsterVenue,
  DEFAULT_VENUE_TUNING,
} from './adapter.ts';
export { createVenueFromConfig, signingConfigFor, type VenueFactoryOptions, venueConfigFromConfig } from './factory.ts';
export { AsterFuturesApi, type AsterTransferResult, type SettingOutcome } from './futures.ts';
export { DEFAULT_FUNDING_HISTORY_LIMIT, fetchScanSnapshot, mapWithConcurrency } from './snapshot.ts';
export { AsterSpotApi } from './spot.ts';
export { AsterStreams, markPriceStreamName } from './streams.ts';
