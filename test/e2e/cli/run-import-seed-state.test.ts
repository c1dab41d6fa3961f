/**
 * `dnfarm import-seed-state`: the original bot's state file (its real example) is adopted into a fresh
 * store and reconciled against a simulator account that holds that position; a second import without
 * `--force` is refused and changes nothing; a malformed file is named with its bad key.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import type { SimulatorHandle } from '../../../src/sim/index.ts';
import { openStore } from '../../../src/store/index.ts';
import { ACCOUNT, simArgs, spawnDnfarm, startCrashSimulator } from '../engine/crash/support/bot-process.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const STATE_FILE = join(root, 'test/fixtures/seed/volume_farming_state.json');

let sim: SimulatorHandle;
let dir: string;

beforeEach(async () => {
  sim = await startCrashSimulator([{ baseAsset: 'ASTER', price: '1.94726', fundingRate: '0.0002' }]);
  dir = mkdtempSync(join(tmpdir(), 'dnfarm-import-cli-'));
});

afterEach(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dnfarm import-seed-state (process)', () => {
  it("adopts the original bot's position and confirms it against the exchange; a second import is refused", async () => {
    // The account holds what the state describes: 449.957 ASTER and a 3x short of 450.
    sim.engine.deposit(ACCOUNT, 'futures', 'USDT', dec(3000));
    sim.engine.deposit(ACCOUNT, 'spot', 'ASTER', dec('449.957'));
    expect(sim.engine.setLeverage(ACCOUNT, 'ASTERUSDT', 3).ok).toBe(true);
    const short = sim.engine.placeOrder(ACCOUNT, 'perp', {
      symbol: 'ASTERUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '450',
    });
    expect(short.ok).toBe(true);

    const dataDir = join(dir, 'data');
    const imported = await spawnDnfarm(['import-seed-state', STATE_FILE, '--json', ...simArgs(sim, dataDir)], {
      cwd: dir,
    }).exited;
    expect(imported.code).toBe(0);
    const doc = JSON.parse(imported.stdout) as {
      ok: boolean;
      import: { counters: { completedCycles: number; positionsOpened: number }; baseline: { valueUsdt: string } };
      reconcile: { blocking: boolean; findings: { code: string }[] };
      position: { symbol: string; status: string; leverage: number; perpQty: string; origin: string };
    };
    expect(doc.ok).toBe(true);
    expect(doc.import.counters).toMatchObject({ completedCycles: 3, positionsOpened: 9 });
    expect(doc.import.baseline.valueUsdt).toBe('1184.998');
    expect(doc.reconcile.blocking).toBe(false);
    expect(doc.reconcile.findings.map((f) => f.code)).toContain('adoption_confirmed');
    expect(doc.position).toMatchObject({
      symbol: 'ASTERUSDT',
      status: 'open',
      leverage: 3,
      perpQty: '450',
      origin: 'seed-import',
    });

    const again = await spawnDnfarm(['import-seed-state', STATE_FILE, ...simArgs(sim, dataDir)], { cwd: dir }).exited;
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/refusing to import .*already holds position 1 \(ASTERUSDT, open\)/);
    const store = openStore(dataDir, { readOnly: true });
    try {
      expect(store.positions.list()).toHaveLength(1);
      expect(store.counters.get().completedCycles).toBe(3);
    } finally {
      store.close();
    }
  }, 90_000);

  it('a malformed state file is refused naming the key, before the store or the exchange is touched', async () => {
    const bad = join(dir, 'volume_farming_state.json');
    writeFileSync(bad, JSON.stringify({ current_position: { symbol: 'ASTERUSDT' } }));
    const dataDir = join(dir, 'data');
    const result = await spawnDnfarm(['import-seed-state', bad, ...simArgs(sim, dataDir)], { cwd: dir }).exited;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('position_opened_at: missing');
    expect(sim.requests().filter((r) => r.endpoint !== 'control')).toEqual([]);
    expect(existsSync(join(dataDir, 'dnfarm.db'))).toBe(false);
  }, 60_000);
});
