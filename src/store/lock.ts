/**
 * One trading process per data dir.
 *
 * The lock itself is an SQLite file (`dnfarm.lock`) held in EXCLUSIVE locking mode for the life of the
 * process. That is an OS advisory lock (fcntl), which the kernel drops the instant the process dies,
 * however it dies. Compared with a pid file created with `wx`, this never needs a "stale lock" guess:
 * - a kill -9 cannot leave a lock behind, so there is no takeover race between two starting processes;
 * - a recycled pid (a new, unrelated process with the dead bot's pid) cannot keep the dir locked;
 * - it works across container pid namespaces that share a bind-mounted data dir, where pids are meaningless.
 * Who holds it is published in `dnfarm.lock.json` ({pid, host, startedAtMs, command}) for error messages and
 * `dnfarm status`; a leftover JSON from a dead process is simply overwritten by the next holder.
 *
 * Caveats: POSIX locks are per process, and closing *any* descriptor of the lock file drops them, so nothing
 * in this process may open `dnfarm.lock` with plain fs calls (SQLite itself handles its own descriptors).
 * Network filesystems with broken fcntl locking are not supported for the data dir.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, StoreLockedError } from './errors.ts';

export const LOCK_FILE = 'dnfarm.lock';
export const LOCK_INFO_FILE = 'dnfarm.lock.json';

/** How long a starting writer waits for a momentary lock (e.g. a `status` probe) before refusing. */
const ACQUIRE_WAIT_MS = 1000;

export interface LockHolder {
  pid: number;
  host: string;
  startedAtMs: number;
  command: string;
}

export interface InstanceLock {
  readonly holder: LockHolder;
  /** The holder recorded by a previous process that ended without releasing (crash, kill -9), if any. */
  readonly previousHolder: LockHolder | null;
  release(): void;
}

export interface LockState {
  held: boolean;
  /** The current holder when held. */
  holder: LockHolder | null;
  /** When not held: what a process that died while holding it left behind. */
  stale: LockHolder | null;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** Takes the writer lock of `dataDir` (which must exist) or throws StoreLockedError naming the holder. */
export function acquireInstanceLock(
  dataDir: string,
  options: { command: string; nowMs: number; pid?: number },
): InstanceLock {
  const lockPath = join(dataDir, LOCK_FILE);
  const infoPath = join(dataDir, LOCK_INFO_FILE);
  const db = new Database(lockPath, { timeout: ACQUIRE_WAIT_MS });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS instance_lock (purpose TEXT)');
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new StoreLockedError(dataDir, readHolder(infoPath));
    throw new StoreError(
      `cannot use the lock file ${lockPath}: ${(error as Error).message}; ` +
        'if no dnfarm is running on this data dir, delete that file',
      { cause: error },
    );
  }

  const previousHolder = readHolder(infoPath);
  const holder: LockHolder = {
    pid: options.pid ?? process.pid,
    host: hostname(),
    startedAtMs: options.nowMs,
    command: options.command,
  };
  try {
    writeHolder(infoPath, holder);
  } catch (error) {
    db.close();
    throw new StoreError(`cannot write ${infoPath}: ${(error as Error).message}`, { cause: error });
  }

  let released = false;
  return {
    holder,
    previousHolder,
    release() {
      if (released) return;
      released = true;
      // Remove our details before dropping the lock: once it is dropped, the file may belong to the next holder.
      const current = readHolder(infoPath);
      if (current && current.pid === holder.pid && current.startedAtMs === holder.startedAtMs) {
        rmSync(infoPath, { force: true });
      }
      db.close();
    },
  };
}

/** Whether some process holds the writer lock of `dataDir`, without taking it. */
export function inspectLock(dataDir: string): LockState {
  const lockPath = join(dataDir, LOCK_FILE);
  const info = readHolder(join(dataDir, LOCK_INFO_FILE));
  if (!existsSync(lockPath)) return { held: false, holder: null, stale: info };
  let held = false;
  const db = new Database(lockPath, { readonly: true, fileMustExist: true, timeout: 0 });
  try {
    db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
  } catch (error) {
    if (!isBusy(error)) throw new StoreError(`cannot read the lock ${lockPath}: ${(error as Error).message}`);
    held = true;
  } finally {
    db.close();
  }
  return held ? { held, holder: info, stale: null } : { held, holder: null, stale: info };
}

function writeHolder(path: string, holder: LockHolder): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(holder)}\n`, { mode: 0o644 });
  renameSync(tmp, path);
}

/** The published holder, or null when absent or unreadable (it is informational only). */
function readHolder(path: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (
      typeof v['pid'] === 'number' &&
      typeof v['host'] === 'string' &&
      typeof v['startedAtMs'] === 'number' &&
      typeof v['command'] === 'string'
    ) {
      return { pid: v['pid'], host: v['host'], startedAtMs: v['startedAtMs'], command: v['command'] };
    }
  } catch {
    // A torn or foreign file says nothing about who holds the lock.
  }
  return null;
}
