/** Listen keys per (account, market): reuse while valid, 60-minute life, keep-alive, close, expiry. */
import { describe, expect, it } from 'vitest';
import { LISTEN_KEY_TTL_MS, ListenKeyRegistry } from '../../../../src/sim/ws/listen-keys.ts';

describe('ListenKeyRegistry', () => {
  it('gives each account and market its own key and returns it again while valid', () => {
    const keys = new ListenKeyRegistry(1);
    const perp = keys.create('a', 'perp', 0);
    expect(perp.key).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(keys.create('a', 'perp', 1000).key).toBe(perp.key);
    expect(keys.create('a', 'spot', 0).key).not.toBe(perp.key);
    expect(keys.create('b', 'perp', 0).key).not.toBe(perp.key);
  });

  it('expires a key 60 minutes after its last keep-alive', () => {
    const keys = new ListenKeyRegistry(1);
    const entry = keys.create('a', 'perp', 0);
    expect(keys.keepAlive('a', 'perp', undefined, 30 * 60_000)?.key).toBe(entry.key);
    expect(keys.expire(LISTEN_KEY_TTL_MS)).toEqual([]);
    expect(keys.lookup(entry.key, LISTEN_KEY_TTL_MS + 29 * 60_000)).toBeDefined();
    expect(keys.expire(LISTEN_KEY_TTL_MS + 30 * 60_000).map((e) => e.key)).toEqual([entry.key]);
    expect(keys.keepAlive('a', 'perp', undefined, LISTEN_KEY_TTL_MS + 30 * 60_000)).toBeUndefined();
  });

  it('refuses to extend or close a key the account does not own', () => {
    const keys = new ListenKeyRegistry(1);
    keys.create('a', 'spot', 0);
    expect(keys.keepAlive('a', 'spot', 'not-the-key', 1)).toBeUndefined();
    const closedKeys: string[] = [];
    keys.onClosed((e) => closedKeys.push(e.key));
    const owned = keys.keysOf('a', 'spot', 1)[0]?.key;
    expect(keys.close('a', 'spot', owned, 2)?.key).toBe(owned);
    expect(closedKeys).toEqual([owned]);
    expect(keys.keysOf('a', 'spot', 3)).toEqual([]);
  });

  it('draws the same keys from the same seed', () => {
    expect(new ListenKeyRegistry(9).create('a', 'perp', 0).key).toBe(
      new ListenKeyRegistry(9).create('a', 'perp', 0).key,
    );
    expect(new ListenKeyRegistry(9).create('a', 'perp', 0).key).not.toBe(
      new ListenKeyRegistry(10).create('a', 'perp', 0).key,
    );
  });
});
