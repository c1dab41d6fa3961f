import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { DB_FILE, inspectLock, openStore, StoreCorruptError } from '../../../src/store/index.ts';
import { removeTempDirs, tempDataDir } from './helpers.ts';

afterEach(removeTempDirs);

describe('store integrity check at open', () => {
  it('refuses a file that is not an SQLite database, and releases the lock', () => {
    const dir = tempDataDir();
    writeFileSync(join(dir, DB_FILE), 'this is not a database, just text that happens to be long enough. '.repeat(100));
    expect(() => openStore(dir)).toThrow(StoreCorruptError);
    expect(() => openStore(dir)).toThrow(/failed its integrity check: SQLITE_NOTADB/);
    expect(inspectLock(dir).held).toBe(false);
  });

  it('refuses a database whose pages were damaged', () => {
    const dir = tempDataDir();
    const store = openStore(dir);
    store.transaction(() => {
      for (let i = 0; i < 2000; i++) {
        store.equity.record({
          timeMs: 1_760_000_000_000 + i * 60_000,
          portfolioValueUsdt: dec(`1000.${i}`),
          spotValueUsdt: dec('750'),
          perpWalletUsdt: dec('250'),
          unrealizedPnlUsdt: dec('0'),
          positionId: null,
        });
      }
    });
    store.close();

    const path = join(dir, DB_FILE);
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    // Scribble over the middle of the file: table and index pages of equity_snapshots live there.
    writeSync(fd, Buffer.alloc(4096 * 3, 0xa5), 0, 4096 * 3, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);

    let error: unknown;
    try {
      openStore(dir).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreCorruptError);
    expect((error as StoreCorruptError).problems.length).toBeGreaterThan(0);
    expect((error as Error).message).toContain(path);
  });
});
