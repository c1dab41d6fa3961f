/**
 * The requester's side of exit coordination (`dnfarm exit` while a bot holds the lock). It opens the
 * database read-write WITHOUT the instance lock, which is safe only because it touches nothing but the
 * exit_requests table; hence a narrow object rather than a full Store.
 */
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { DB_FILE, openExisting, prepareConnection, requireCurrentSchema } from './connection.ts';
import { createContext } from './context.ts';
import { inspectLock, type LockState } from './lock.ts';
import { ExitRequestRepo, type NewExitRequest } from './repos/exit-requests.ts';
import type { ExitRequest } from './types.ts';

export interface WaitOptions {
  /** `acknowledged`: until a bot has taken it; `finished`: until it is completed or failed. */
  until: 'acknowledged' | 'finished';
  timeoutMs: number;
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

export interface ExitChannel {
  /** Whether a bot holds the data dir's lock right now, and who. */
  botStatus(): LockState;
  request(input: NewExitRequest): ExitRequest;
  get(id: number): ExitRequest | null;
  /** Withdraws a request no bot has acknowledged yet; false if one already has. */
  cancel(id: number): boolean;
  /**
   * Polls until the request reaches the wanted stage, or ends (cancelled, expired). On timeout a request
   * still pending is cancelled, so it can never be acted on later; the returned row says what happened.
   */
  waitFor(id: number, options: WaitOptions): Promise<ExitRequest>;
  close(): void;
}

const DONE_BY_STAGE: Readonly<Record<WaitOptions['until'], readonly ExitRequest['status'][]>> = {
  acknowledged: ['acknowledged', 'completed', 'failed', 'cancelled', 'expired'],
  finished: ['completed', 'failed', 'cancelled', 'expired'],
};

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep) => {
    if (signal?.aborted) return resolveSleep();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolveSleep();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function openExitChannel(dataDir: string, options: { wallClock?: () => number } = {}): ExitChannel {
  const dir = resolve(dataDir);
  const path = join(dir, DB_FILE);
  const wallNowMs = options.wallClock ?? (() => Date.now());
  const db: Database.Database = openExisting(path, false);
  let repo: ExitRequestRepo;
  try {
    prepareConnection(db, path, false, 'quick');
    requireCurrentSchema(db, path);
    repo = new ExitRequestRepo(createContext(db, path, false, wallNowMs, wallNowMs));
  } catch (error) {
    db.close();
    throw error;
  }

  return {
    botStatus: () => inspectLock(dir),
    request: (input) => repo.request(input),
    get: (id) => repo.get(id),
    cancel: (id) => repo.cancel(id),
    async waitFor(id, wait) {
      const poll = wait.pollIntervalMs ?? 250;
      const deadline = wallNowMs() + wait.timeoutMs;
      for (;;) {
        const current = repo.require(id);
        if (DONE_BY_STAGE[wait.until].includes(current.status)) return current;
        if (wallNowMs() >= deadline || wait.signal?.aborted) {
          if (current.status === 'pending') repo.cancel(id);
          return repo.require(id);
        }
        await sleep(Math.min(poll, Math.max(1, deadline - wallNowMs())), wait.signal);
      }
    },
    close: () => db.close(),
  };
}
