/** What every repository shares: the connection, the clocks and the transaction helper. */
import type { Database } from 'better-sqlite3';
import { StoreError } from './errors.ts';

export interface StoreContext {
  readonly db: Database;
  readonly path: string;
  readonly readOnly: boolean;
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

export function createContext(
  db: Database,
  path: string,
  readOnly: boolean,
  nowMs: () => number,
  wallNowMs: () => number,
): StoreContext {
  return {
    db,
    path,
    readOnly,
    nowMs,
    wallNowMs,
    tx<T>(fn: () => T): T {
      if (readOnly) throw new StoreError(`store ${path} is open read-only: no change can be written`);
      if (db.inTransaction) return db.transaction(fn)();
      return db.transaction(fn).immediate();
    },
  };
}
