/**
 * Connection plumbing shared by every way of opening the store.
 *
 * Durability: WAL with `synchronous = FULL`. In WAL mode NORMAL already survives a process crash, but a
 * power cut or kernel panic may lose the last commits. Here the last commit is typically an order
 * intent whose order is then sent: losing it would leave a live order the store knows nothing about.
 * FULL fsyncs the WAL at every commit; the bot commits a few transactions per order, so the cost is a
 * few milliseconds per trade. WAL also lets `status` and `exit` read while the bot writes.
 */
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { isValidStoreId } from './client-ids.ts';
import { StoreCorruptError, StoreError, StoreMissingError, StoreSchemaError } from './errors.ts';
import { currentSchemaVersion } from './migrate.ts';
import { LATEST_SCHEMA_VERSION } from './migrations/index.ts';

export const DB_FILE = 'dnfarm.db';
/** How long a write waits for another connection's write (an exit request, a checkpoint) before failing. */
export const BUSY_TIMEOUT_MS = 5000;

export function storePath(dataDir: string): string {
  return join(resolve(dataDir), DB_FILE);
}

export function describeSqliteError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e.code ? `${e.code}: ${e.message}` : String(error);
}

/** Applies connection settings and proves the file is a sound SQLite database before anything reads it. */
export function prepareConnection(
  db: Database.Database,
  path: string,
  readOnly: boolean,
  check: 'full' | 'quick',
): void {
  try {
    if (readOnly) {
      db.pragma('query_only = ON');
    } else {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
    }
    const pragma = check === 'full' ? 'integrity_check' : 'quick_check';
    const rows = db.pragma(pragma) as Record<string, unknown>[];
    const problems = rows.map((r) => String(Object.values(r)[0]));
    if (problems.length !== 1 || problems[0] !== 'ok') throw new StoreCorruptError(path, problems);
  } catch (error) {
    if (error instanceof StoreCorruptError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
      throw new StoreCorruptError(path, [describeSqliteError(error)], { cause: error });
    }
    throw new StoreError(`store ${path}: cannot open: ${describeSqliteError(error)}`, { cause: error });
  }
}

export function newStoreId(): string {
  return randomInt(0, 36 ** 6)
    .toString(36)
    .padStart(6, '0');
}

export function readStoreId(db: Database.Database, path: string): string {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'store_id'").get() as { value: string } | undefined;
  if (!row || !isValidStoreId(row.value)) {
    throw new StoreCorruptError(path, [`meta.store_id: expected 6 of [a-z0-9], got ${JSON.stringify(row?.value)}`]);
  }
  return row.value;
}

/** Opens an existing database file without creating anything. */
export function openExisting(path: string, readOnly: boolean): Database.Database {
  if (!existsSync(path)) throw new StoreMissingError(path);
  try {
    return new Database(path, { readonly: readOnly, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new StoreError(`store ${path}: cannot open: ${describeSqliteError(error)}`, { cause: error });
  }
}

/**
 * Connections that do not migrate (readers, exit requesters) need exactly this build's schema: an
 * older one is migrated by the next `dnfarm run`, a newer one belongs to a newer dnfarm.
 */
export function requireCurrentSchema(db: Database.Database, path: string): number {
  const version = currentSchemaVersion(db);
  if (version === 0) throw new StoreMissingError(path);
  if (version > LATEST_SCHEMA_VERSION) {
    throw new StoreSchemaError(
      path,
      version,
      LATEST_SCHEMA_VERSION,
      'it was written by a newer dnfarm: upgrade dnfarm',
    );
  }
  if (version < LATEST_SCHEMA_VERSION) {
    throw new StoreSchemaError(
      path,
      version,
      LATEST_SCHEMA_VERSION,
      'it predates this dnfarm: start `dnfarm run` once to migrate it',
    );
  }
  return version;
}
