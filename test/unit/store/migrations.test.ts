import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DB_FILE,
  LATEST_SCHEMA_VERSION,
  openStore,
  StoreError,
  StoreMissingError,
  StoreSchemaError,
} from '../../../src/store/index.ts';
import { assertMigrationList, currentSchemaVersion, migrate } from '../../../src/store/migrate.ts';
import { MIGRATIONS } from '../../../src/store/migrations/index.ts';
import { removeTempDirs, tempDataDir } from './helpers.ts';

afterEach(removeTempDirs);

function appliedVersions(dir: string): number[] {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map(
      (r) => r.version,
    );
  } finally {
    db.close();
  }
}

describe('store migrations', () => {
  it('creates the data dir and the database from nothing, at the latest version, in WAL mode', () => {
    const dir = join(tempDataDir(), 'nested', 'data');
    const store = openStore(dir);
    try {
      expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(store.path).toBe(join(dir, DB_FILE));
      expect(store.storeId).toMatch(/^[a-z0-9]{6}$/);
    } finally {
      store.close();
    }
    expect(appliedVersions(dir)).toEqual(MIGRATIONS.map((m) => m.version));
    const db = new Database(join(dir, DB_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('re-opening applies nothing again and keeps data and the store id', () => {
    const dir = tempDataDir();
    const first = openStore(dir);
    const storeId = first.storeId;
    first.meta.set('k', 'v');
    first.close();
    const second = openStore(dir);
    try {
      expect(second.storeId).toBe(storeId);
      expect(second.meta.get('k')).toBe('v');
    } finally {
      second.close();
    }
    expect(appliedVersions(dir)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('refuses a database from a newer dnfarm, naming both versions, for writers and readers', () => {
    const dir = tempDataDir();
    openStore(dir).close();
    const db = new Database(join(dir, DB_FILE));
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(99, 'future', 0);
    db.close();

    for (const open of [() => openStore(dir), () => openStore(dir, { readOnly: true })]) {
      let error: unknown;
      try {
        open().close();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreSchemaError);
      expect((error as StoreSchemaError).dbVersion).toBe(99);
      expect((error as Error).message).toContain('schema version 99');
      expect((error as Error).message).toContain(`supports version ${LATEST_SCHEMA_VERSION}`);
      expect((error as Error).message).toMatch(/newer dnfarm/);
    }
    // The refused writer released its lock on the way out.
    expect(() => openStore(dir)).toThrow(StoreSchemaError);
  });

  it('a read-only open of a missing store is a clear error and creates nothing', () => {
    const dir = tempDataDir();
    expect(() => openStore(join(dir, 'absent'), { readOnly: true })).toThrow(StoreMissingError);
    expect(() => openStore(join(dir, 'absent'), { readOnly: true })).toThrow(/no store at/);
  });

  it('a failing migration rolls back entirely and leaves the previous version in place', () => {
    const db = new Database(':memory:');
    const broken = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'half-broken',
        sql: 'CREATE TABLE added_then_rolled_back (x TEXT); INSERT INTO no_such_table VALUES (1);',
      },
    ];
    expect(() => migrate(db, ':memory:', broken, 1)).toThrow(StoreError);
    expect(() => migrate(db, ':memory:', broken, 1)).toThrow(/migration 2 \("half-broken"\) failed: .*no_such_table/);
    expect(currentSchemaVersion(db)).toBe(MIGRATIONS.length);
    const leftover = db.prepare("SELECT name FROM sqlite_master WHERE name = 'added_then_rolled_back'").get();
    expect(leftover).toBeUndefined();
    db.close();
  });

  it('migrations are numbered 1, 2, 3… and a gap is rejected', () => {
    expect(() => assertMigrationList(MIGRATIONS)).not.toThrow();
    const gap = [
      { version: 1, name: 'a', sql: '' },
      { version: 3, name: 'c', sql: '' },
    ];
    expect(() => assertMigrationList(gap)).toThrow(/entry 1 \("c"\) has version 3, expected 2/);
  });
});
