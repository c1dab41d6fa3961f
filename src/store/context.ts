/** What every repository shares: the connection, the clocks, the statement cache and the transaction helper. */
import type { Database, Statement } from 'better-sqlite3';
import { StoreError } from './errors.ts';

export interface StoreContext {
  readonly db: Database;
  readonly path: string;
  readonly readOnly: boolean;
  /**
   * The prepared statement for `sql`, compiled once per connection. Preparing on every call would compile the SQL
   * again each time and leave a native statement behind until the garbage collector finalises its wrapper, which
   * in a process running for months means a steady churn of native memory. No repository changes a statement's
   * mode (pluck, raw, expand), so sharing one is safe.
   */
  prepare(sql: string): Statement;
  /** The engine's clock (may be a simulator's): stamps the trading records. */
  nowMs(): number;
  /** The OS clock: used for exit requests, which two processes with different engine clocks share. */
  wallNowMs(): number;
  /**
   * Runs `fn` in one transaction (BEGIN IMMEDIATE: the write lock is taken up front, so a concurrent
   * writer such as an exit requester makes it wait, never fail half-way). Nested calls are savepoints.
   */
  tx<T>(fn: () => T): T;
}

const MAX_CACHED_STATEMENTS = 512;

export function createContext(
  db: Database,
  path: string,
  readOnly: boolean,
  nowMs: () => number,
  wallNowMs: () => number,
): StoreContext {
  const statements = new Map<string, Statement>();
  return {
    db,
    path,
    readOnly,
    prepare(sql: string): Statement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        // The repositories' SQL is a fixed set (a few texts vary with a list's length); the bound only guards
        // against a caller that builds unbounded variants.
        if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
        statements.set(sql, statement);
      }
      return statement;
    },
    nowMs,
    wallNowMs,
    tx<T>(fn: () => T): T {
      if (readOnly) throw new StoreError(`store ${path} is open read-only: no change can be written`);
      if (db.inTransaction) return db.transaction(fn)();
      return db.transaction(fn).immediate();
    },
  };
}
