/**
 * Opening the store: the writer (the bot: lock, integrity check, migrations) and readers (`dnfarm
 * status`: no lock, no writes). The exit requester has its own narrow entry point (exit-channel.ts).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../domain/clock.ts';
import {
  BUSY_TIMEOUT_MS,
  DB_FILE,
  newStoreId,
  openExisting,
  prepareConnection,
  readStoreId,
  requireCurrentSchema,
} from './connection.ts';
import { createContext } from './context.ts';
import { StoreError } from './errors.ts';
import { acquireInstanceLock } from './lock.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { Store } from './store.ts';

export interface OpenStoreOptions {
  /** For `status` and other viewers: no lock, no migrations, every write refused. */
  readOnly?: boolean;
  /** Shown to a second process that finds the lock taken, e.g. "dnfarm run --mode live". */
  command?: string;
  /** Stamps trading records; defaults to the system clock. The simulator's clock goes here in sim mode. */
  clock?: Pick<Clock, 'nowMs'>;
  /** OS time for exit-request expiry; replaceable in tests. */
  wallClock?: () => number;
  /** `full` (default for writers) checks indexes against tables too; `quick` (default for readers) is O(pages). */
  integrityCheck?: 'full' | 'quick';
}

function defaultCommand(): string {
  return ['dnfarm', ...process.argv.slice(2)].join(' ').slice(0, 200);
}

/**
 * Opens (creating if needed) `<dataDir>/dnfarm.db`.
 * Writers take the data dir's lock (StoreLockedError names the holder), check integrity, and migrate.
 * Readers (`readOnly`) need an existing store at exactly this build's schema version.
 */
export function openStore(dataDir: string, options: OpenStoreOptions = {}): Store {
  const dir = resolve(dataDir);
  const path = join(dir, DB_FILE);
  const clock = options.clock ?? { nowMs: () => Date.now() };
  const wallNowMs = options.wallClock ?? (() => Date.now());
  if (options.readOnly) return openReader(dir, path, clock, wallNowMs, options.integrityCheck ?? 'quick');

  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StoreError(`cannot create the data dir ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const lock = acquireInstanceLock(dir, { command: options.command ?? defaultCommand(), nowMs: wallNowMs() });
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    prepareConnection(db, path, false, options.integrityCheck ?? 'full');
    const { toVersion } = migrate(db, path, MIGRATIONS, clock.nowMs());
    const existing = db.prepare("SELECT value FROM meta WHERE key = 'store_id'").get();
    if (!existing) db.prepare("INSERT INTO meta (key, value) VALUES ('store_id', ?)").run(newStoreId());
    const storeId = readStoreId(db, path);
    const ctx = createContext(db, path, false, () => clock.nowMs(), wallNowMs);
    return new Store({ ctx, dataDir: dir, schemaVersion: toVersion, storeId, lock });
  } catch (error) {
    db?.close();
    lock.release();
    throw error;
  }
}

function openReader(
  dir: string,
  path: string,
  clock: Pick<Clock, 'nowMs'>,
  wallNowMs: () => number,
  check: 'full' | 'quick',
): Store {
  const db = openExisting(path, true);
  try {
    prepareConnection(db, path, true, check);
    const version = requireCurrentSchema(db, path);
    const ctx = createContext(db, path, true, () => clock.nowMs(), wallNowMs);
    return new Store({ ctx, dataDir: dir, schemaVersion: version, storeId: readStoreId(db, path), lock: null });
  } catch (error) {
    db.close();
    throw error;
  }
}
