import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { removeTempDirs, sleep, spawnChild, tempDataDir } from './helpers.ts';

afterEach(removeTempDirs);

const TRIALS = 5;

/**
 * What every committed step of crash-writer.ts leaves behind. A transaction torn by the kill would break
 * one of these: a position without its intent or orders, a close without its counters, and so on.
 */
function assertConsistent(store: Store): { positions: number; closed: number } {
  const positions = store.positions.list();
  const closed = positions.filter((p) => p.status === 'closed');
  expect(positions.every((p) => p.status === 'open' || p.status === 'closed')).toBe(true);
  expect(positions.filter((p) => p.status === 'open').length).toBeLessThanOrEqual(1);

  for (const p of positions) {
    const intents = store.intents.byPosition(p.id);
    const open = intents.filter((i) => i.kind === 'open');
    expect(open).toHaveLength(1);
    expect(open[0]?.status).toBe('done');
    const openOrders = store.orders.byIntent(open[0]!.id);
    expect(openOrders.map((o) => `${o.leg}:${o.status}`)).toEqual(['perp:FILLED', 'spot:FILLED']);
    for (const o of openOrders) expect(store.fills.byOrder(o.clientOrderId)).toHaveLength(1);
    expect(p.perpQty.toFixed()).toBe('0.001');

    const payments = store.funding.forPosition(p.id);
    expect(payments.length).toBeLessThanOrEqual(1);
    expect(p.fundingReceivedUsdt.toFixed()).toBe(payments.length === 1 ? '0.0123' : '0');

    const close = intents.filter((i) => i.kind === 'close');
    if (p.status === 'closed') {
      expect(close).toHaveLength(1);
      expect(close[0]?.status).toBe('done');
      expect(store.orders.byIntent(close[0]!.id).map((o) => o.status)).toEqual(['FILLED', 'FILLED']);
      expect(p.pnl?.totalUsdt.toFixed()).toBe('0.0107');
      expect(payments).toHaveLength(1);
    } else {
      expect(close).toHaveLength(0);
      expect(p.pnl).toBeNull();
    }
  }

  const c = store.counters.get();
  expect(c.positionsOpened).toBe(positions.length);
  expect(c.positionsClosed).toBe(closed.length);
  expect(c.completedCycles).toBe(closed.length);
  expect(c.realisedPnlUsdt.toFixed()).toBe(dec('0.0107').times(closed.length).toFixed());
  expect(store.intents.unresolved()).toEqual([]);
  expect(store.orders.unresolved()).toEqual([]);
  return { positions: positions.length, closed: closed.length };
}

describe('crash safety', () => {
  it(`a writer SIGKILLed at random moments (${TRIALS} trials) leaves a sound store with whole transactions only`, async () => {
    const dir = tempDataDir();
    let previous = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const child = spawnChild('crash-writer.ts', [dir]);
      await child.waitForLine((l) => l.startsWith('tick'));
      await sleep(Math.floor(Math.random() * 250));
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      expect(signal).toBe('SIGKILL');

      // Opening runs the full integrity check and takes over the dead writer's lock.
      const store = openStore(dir, { integrityCheck: 'full' });
      try {
        expect(store.lock?.previousHolder?.command).toBe('crash-writer');
        const { positions } = assertConsistent(store);
        expect(positions).toBeGreaterThan(previous);
        previous = positions;
      } finally {
        store.close();
      }
    }
  });
});
