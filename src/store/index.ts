/**
 * The SQLite store: open it, read and write through its repositories, import the original bot's state.
 *
 * How the engine is meant to use it (intent first, outcome after):
 *   const { intent, orders } = store.transaction(() => {
 *     const p = store.positions.create({...});                      // status `opening`
 *     return store.intents.create({ kind: 'open', positionId: p.id, payload, orders: [spotLeg, perpLeg] });
 *   });                                                              // committed BEFORE anything is sent
 *   store.orders.markSent(orders[0].clientOrderId); venue.placeMarketOrder({ ..., clientOrderId });
 *   store.orders.applyExchangeState(record); store.fills.record(trade, { commissionUsdt });
 *   store.positions.markOpen(p.id, entry); store.intents.complete(intent.id);
 * On start: `store.intents.unresolved()` and `store.orders.unresolved()` list everything whose outcome must
 * be asked of the exchange by client id; `store.positions.active()` is the one unfinished position.
 */
export {
  CLIENT_ID_PREFIX,
  type ClientIdParts,
  formatClientOrderId,
  formatClientTranId,
  MAX_CLIENT_ORDER_ID_LENGTH,
  MAX_CLIENT_TRAN_ID_LENGTH,
  parseClientId,
} from './client-ids.ts';
export { DB_FILE, storePath } from './connection.ts';
export {
  StoreCorruptError,
  StoreError,
  StoreLockedError,
  StoreMissingError,
  StoreSchemaError,
  StoreStateError,
} from './errors.ts';
export { type ExitChannel, openExitChannel, type WaitOptions } from './exit-channel.ts';
export { inspectLock, LOCK_FILE, LOCK_INFO_FILE, type LockHolder, type LockState } from './lock.ts';
export { LATEST_SCHEMA_VERSION } from './migrations/index.ts';
export { type OpenStoreOptions, openStore } from './open.ts';
export type { CarriedCounters } from './repos/counters.ts';
export { DEFAULT_EXIT_REQUEST_TTL_MS, type NewExitRequest } from './repos/exit-requests.ts';
export { type FillLink, summarizeFills } from './repos/fills.ts';
export type { CreatedIntent, NewIntent } from './repos/intents.ts';
export { isFinalOrderStatus } from './repos/orders.ts';
export {
  importSeedState,
  importSeedStateFile,
  SEED_IMPORT_META_KEY,
  type SeedImportOptions,
  SeedImportRefusedError,
  type SeedImportSummary,
} from './seed-import.ts';
export {
  parseIsoUtc,
  parseSeedState,
  readSeedStateFile,
  SEED_STATE_FILE,
  type SeedPosition,
  type SeedState,
} from './seed-state.ts';
export type { PositionDetail, StoreStatus, StoreTotals } from './store.ts';
export { Store } from './store.ts';
export * from './types.ts';
