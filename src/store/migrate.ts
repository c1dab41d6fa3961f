/**
 * Versioned migrations. `schema_migrations` records each applied step; `PRAGMA user_version` mirrors
 * the latest for tools that only look there. A database written by a newer dnfarm is refused rather
 * than guessed at: an older build could misread (and then trade on) columns it does not know.
 */
import type { Database } from 'better-sqlite3';
import { StoreError, StoreSchemaError } from './errors.ts';
import type { Migration } from './migrations/index.ts';

export interface MigrationResult {
  fromVersion: number;
  toVersion: number;
  applied: readonly number[];
}

/** Checks that versions run 1, 2, 3… with no gap or repeat; a broken list is a programming error. */
export function assertMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new StoreError(`migration list: entry ${i} ("${m.name}") has version ${m.version}, expected ${i + 1}`);
    }
  });
}

function ensureMigrationsTable(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
}

/** The highest applied version, 0 for an empty database. Works on read-only connections. */
export function currentSchemaVersion(db: Database): number {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/** Applies every pending migration, each in its own transaction. */
export function migrate(db: Database, path: string, migrations: readonly Migration[], nowMs: number): MigrationResult {
  assertMigrationList(migrations);
  const latest = migrations.length;
  ensureMigrationsTable(db);
  const fromVersion = currentSchemaVersion(db);
  if (fromVersion > latest) {
    throw new StoreSchemaError(
      path,
      fromVersion,
      latest,
      'it was written by a newer dnfarm: upgrade dnfarm, or point --data-dir elsewhere',
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of migrations.slice(fromVersion)) {
    const step = db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, nowMs);
      db.pragma(`user_version = ${m.version}`);
    });
    try {
      step.immediate();
    } catch (error) {
      throw new StoreError(`store ${path}: migration ${m.version} ("${m.name}") failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    applied.push(m.version);
  }
  return { fromVersion, toVersion: latest, applied };
}
