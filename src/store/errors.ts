/**
 * Errors raised by the store. All are `fatal`: retrying the same call cannot succeed until an
 * operator (or the engine's reconciliation) changes something.
 */
import { DnfarmError } from '../errors.ts';
import type { LockHolder } from './lock.ts';

export class StoreError extends DnfarmError {
  override name = 'StoreError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { kind: 'fatal', cause: options.cause });
  }
}

/** Another process holds the writer lock of this data dir. */
export class StoreLockedError extends StoreError {
  override name = 'StoreLockedError';
  readonly dataDir: string;
  readonly holder: LockHolder | null;

  constructor(dataDir: string, holder: LockHolder | null) {
    super(
      holder
        ? `data dir ${dataDir} is in use by pid ${holder.pid} on host ${holder.host} ` +
            `(command: ${holder.command}; since ${new Date(holder.startedAtMs).toISOString()}); ` +
            'only one dnfarm may trade from a data dir: stop that process, or use `dnfarm exit` to ask it to close'
        : `data dir ${dataDir} is in use by another process (its details are not readable yet); ` +
            'only one dnfarm may trade from a data dir',
    );
    this.dataDir = dataDir;
    this.holder = holder;
  }
}

/** The database's schema version is not the one this build understands. */
export class StoreSchemaError extends StoreError {
  override name = 'StoreSchemaError';
  readonly dbVersion: number;
  readonly supportedVersion: number;

  constructor(path: string, dbVersion: number, supportedVersion: number, hint: string) {
    super(`store ${path}: schema version ${dbVersion}, this dnfarm supports version ${supportedVersion}; ${hint}`);
    this.dbVersion = dbVersion;
    this.supportedVersion = supportedVersion;
  }
}

/** The database file failed its integrity check or is not an SQLite database at all. */
export class StoreCorruptError extends StoreError {
  override name = 'StoreCorruptError';
  readonly path: string;
  readonly problems: readonly string[];

  constructor(path: string, problems: readonly string[], options: { cause?: unknown } = {}) {
    super(
      `store ${path} failed its integrity check: ${problems.slice(0, 5).join('; ')}` +
        (problems.length > 5 ? ` (and ${problems.length - 5} more)` : '') +
        '; restore a backup or move the file away (the exchange remains the source of truth for open positions)',
      options,
    );
    this.path = path;
    this.problems = problems;
  }
}

/** A read-only or coordination open found no database to read. */
export class StoreMissingError extends StoreError {
  override name = 'StoreMissingError';
  readonly path: string;

  constructor(path: string) {
    super(`no store at ${path}: nothing has run with this data dir yet (dnfarm run creates it)`);
    this.path = path;
  }
}

/** A requested change contradicts the stored state (e.g. a second active position, an illegal status change). */
export class StoreStateError extends StoreError {
  override name = 'StoreStateError';
}
