/** One schema step. Versions start at 1 and increase by exactly 1; each runs in its own transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Plain SQL, possibly several statements. DDL is transactional in SQLite, so a failure leaves no trace. */
  readonly sql: string;
}
