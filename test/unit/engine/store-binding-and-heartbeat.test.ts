import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BINDING_META_KEY, bindStore } from '../../../src/engine/binding.ts';
import { HEARTBEAT_META_KEY, readHeartbeat, writeHeartbeat } from '../../../src/engine/heartbeat.ts';
import { ConfigError } from '../../../src/errors.ts';
import { openStore, type Store } from '../../../src/store/index.ts';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dnfarm-binding-'));
  store = openStore(dir, { command: 'binding test' });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('store binding', () => {
  it('records the first account and accepts it again', () => {
    const live = { mode: 'live' as const, venue: 'https://fapi.asterdex.com', account: '0xabc' };
    bindStore(store, live);
    expect(store.meta.getJson(BINDING_META_KEY)).toEqual(live);
    expect(() => bindStore(store, live)).not.toThrow();
  });

  it('refuses a store of another mode, naming data_dir and both accounts', () => {
    bindStore(store, { mode: 'sim', venue: 'embedded-simulator', account: null });
    const attempt = () => bindStore(store, { mode: 'live', venue: 'https://fapi.asterdex.com', account: '0xabc' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/data_dir: .* holds the records of sim mode on embedded-simulator, not of live mode/);
  });

  it('refuses another live account on the same data dir', () => {
    bindStore(store, { mode: 'live', venue: 'https://fapi.asterdex.com', account: '0xabc' });
    expect(() => bindStore(store, { mode: 'live', venue: 'https://fapi.asterdex.com', account: '0xdef' })).toThrow(
      /account 0xabc/,
    );
  });

  it('lets simulator runs move between the embedded simulator and an external one', () => {
    bindStore(store, { mode: 'sim', venue: 'embedded-simulator', account: null });
    expect(() => bindStore(store, { mode: 'sim', venue: 'http://127.0.0.1:4000', account: null })).not.toThrow();
  });
});

describe('heartbeat', () => {
  it('round-trips through the store and is readable by a read-only viewer', () => {
    expect(readHeartbeat(store)).toBeNull();
    const beat = {
      wallMs: 1_700_000_000_000,
      engineMs: 1_700_000_100_000,
      iteration: 7,
      pid: 4242,
      loopIntervalSeconds: 300,
      state: 'running' as const,
    };
    writeHeartbeat(store, beat);
    const viewer = openStore(dir, { readOnly: true });
    try {
      expect(readHeartbeat(viewer)).toEqual(beat);
    } finally {
      viewer.close();
    }
  });

  it('treats an unreadable heartbeat as none', () => {
    store.meta.set(HEARTBEAT_META_KEY, '{"wallMs":"soon"}');
    expect(readHeartbeat(store)).toBeNull();
    store.meta.set(HEARTBEAT_META_KEY, 'not json');
    expect(readHeartbeat(store)).toBeNull();
  });
});
