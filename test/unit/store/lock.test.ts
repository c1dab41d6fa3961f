import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectLock, LOCK_INFO_FILE, openStore, StoreLockedError } from '../../../src/store/index.ts';
import { removeTempDirs, spawnChild, tempDataDir } from './helpers.ts';

afterEach(removeTempDirs);

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid as number;
}

describe('store lock: one writer per data dir', () => {
  it('refuses a second writer while another process holds the dir, naming its pid and command', async () => {
    const dir = tempDataDir();
    const holder = spawnChild('hold-lock.ts', [dir]);
    try {
      await holder.waitForLine((l) => l.startsWith('ready'));
      let error: unknown;
      try {
        openStore(dir, { command: 'dnfarm run (second)' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreLockedError);
      const locked = error as StoreLockedError;
      expect(locked.holder?.pid).toBe(holder.process.pid);
      expect(locked.message).toContain(`pid ${holder.process.pid}`);
      expect(locked.message).toContain('dnfarm run --test-holder');
      expect(locked.message).toContain(dir);

      const state = inspectLock(dir);
      expect(state.held).toBe(true);
      expect(state.holder?.pid).toBe(holder.process.pid);
      expect(state.holder?.host).toBe(hostname());
    } finally {
      holder.process.kill('SIGKILL');
      await holder.exited;
    }
  });

  it('a read-only open works while a writer holds the lock, and sees what the writer committed', async () => {
    const dir = tempDataDir();
    const seed = openStore(dir);
    seed.meta.set('marker', 'written before the holder started');
    seed.close();
    const holder = spawnChild('hold-lock.ts', [dir]);
    try {
      await holder.waitForLine((l) => l.startsWith('ready'));
      const reader = openStore(dir, { readOnly: true });
      try {
        expect(reader.readOnly).toBe(true);
        expect(reader.lock).toBeNull();
        expect(reader.meta.get('marker')).toBe('written before the holder started');
        expect(() => reader.meta.set('x', 'y')).toThrow(/read-only/);
      } finally {
        reader.close();
      }
      expect(inspectLock(dir).held).toBe(true);
    } finally {
      holder.process.kill('SIGKILL');
      await holder.exited;
    }
  });

  it('takes over the lock of a writer killed with SIGKILL and reports who held it before', async () => {
    const dir = tempDataDir();
    const holder = spawnChild('hold-lock.ts', [dir]);
    await holder.waitForLine((l) => l.startsWith('ready'));
    const killedPid = holder.process.pid;
    holder.process.kill('SIGKILL');
    await holder.exited;

    const before = inspectLock(dir);
    expect(before.held).toBe(false);
    expect(before.stale?.pid).toBe(killedPid);

    const store = openStore(dir, { command: 'dnfarm run (after crash)' });
    try {
      expect(store.lock?.previousHolder?.pid).toBe(killedPid);
      expect(store.lock?.holder.pid).toBe(process.pid);
      const info = JSON.parse(readFileSync(join(dir, LOCK_INFO_FILE), 'utf8')) as { pid: number; command: string };
      expect(info).toMatchObject({ pid: process.pid, command: 'dnfarm run (after crash)' });
    } finally {
      store.close();
    }
  });

  it('takes over a stale lock file left by a dead pid', () => {
    const dir = tempDataDir();
    const first = openStore(dir);
    first.close();
    const dead = deadPid();
    const stale = { pid: dead, host: hostname(), startedAtMs: 1_700_000_000_000, command: 'dnfarm run (long gone)' };
    writeFileSync(join(dir, LOCK_INFO_FILE), JSON.stringify(stale));

    expect(inspectLock(dir)).toEqual({ held: false, holder: null, stale });
    const store = openStore(dir);
    try {
      expect(store.lock?.previousHolder).toEqual(stale);
      expect(inspectLock(dir).held).toBe(true);
    } finally {
      store.close();
    }
  });

  it('a clean close releases the lock and removes the holder file', () => {
    const dir = tempDataDir();
    const store = openStore(dir);
    expect(inspectLock(dir).held).toBe(true);
    store.close();
    expect(inspectLock(dir)).toEqual({ held: false, holder: null, stale: null });
    expect(existsSync(join(dir, LOCK_INFO_FILE))).toBe(false);
    const again = openStore(dir);
    expect(again.lock?.previousHolder).toBeNull();
    again.close();
  });

  it('a second writer in the same process is refused too', () => {
    const dir = tempDataDir();
    const store = openStore(dir, { command: 'first' });
    try {
      let error: unknown;
      try {
        openStore(dir, { command: 'second' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreLockedError);
      expect((error as Error).message).toMatch(/command: first/);
    } finally {
      store.close();
    }
  });
});
