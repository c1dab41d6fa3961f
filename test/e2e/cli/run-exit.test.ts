/**
 * `dnfarm exit`, the emergency exit, as a process against the simulator:
 * - with a bot running on the data dir, it asks the bot (through the store) and the bot closes and stops;
 * - without one, it reconciles and closes through the executor itself, after confirmation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../../src/sim/index.ts';
import { openStore } from '../../../src/store/index.ts';
import {
  checkConsistency,
  simArgs,
  spawnDnfarm,
  startCrashSimulator,
  writeConfig,
} from '../engine/crash/support/bot-process.ts';

let sim: SimulatorHandle;
let dir: string;

beforeEach(async () => {
  sim = await startCrashSimulator();
  dir = mkdtempSync(join(tmpdir(), 'dnfarm-exit-cli-'));
});

afterEach(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function closedPosition(dataDir: string): { status: string; closeReason: string | null } | null {
  const store = openStore(dataDir, { readOnly: true });
  try {
    const p = store.positions.get(1);
    return p === null ? null : { status: p.status, closeReason: p.closeReason };
  } finally {
    store.close();
  }
}

describe('dnfarm exit (process)', () => {
  it('asks a running bot to close: the bot closes, acknowledges, and stops', async () => {
    const dataDir = join(dir, 'data');
    const config = writeConfig(dir, { churn: false });
    const bot = spawnDnfarm(['run', '--config', config, ...simArgs(sim, dataDir)], { cwd: dir });
    await bot.waitForOutput(/Position opened: AAAUSDT/);
    await bot.waitForOutput(/next check at/);

    const exit = await spawnDnfarm(['exit', '--yes', '--json', '--config', config, ...simArgs(sim, dataDir)], {
      cwd: dir,
    }).exited;
    expect(exit.code).toBe(0);
    const doc = JSON.parse(exit.stdout) as {
      ok: boolean;
      via: string;
      position: { symbol: string; perpQty: string };
      request: { status: string; result: string };
    };
    expect(doc.ok).toBe(true);
    expect(doc.via).toBe('running-bot');
    expect(doc.position.symbol).toBe('AAAUSDT');
    expect(doc.request.status).toBe('completed');
    expect(doc.request.result).toMatch(/^closed AAAUSDT/);

    const stopped = await bot.exited;
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/Exit request #1 from dnfarm exit \(pid \d+\): acknowledged/);
    expect(stopped.stdout).toMatch(/Stopped \(exit_request\); no position open/);
    expect(closedPosition(dataDir)).toEqual({ status: 'closed', closeReason: 'manual' });
    expect(checkConsistency(sim, dataDir).perpPositions).toEqual([]);
  }, 90_000);

  it('with the account inside the running bot (embedded simulator): shows the recorded position, not an empty account', async () => {
    const dataDir = join(dir, 'data');
    const config = writeConfig(dir, { churn: false });
    const bot = spawnDnfarm(['run', '--config', config, '--data-dir', dataDir], { cwd: dir });
    await bot.waitForOutput(/Position opened: \w+/);
    await bot.waitForOutput(/next check at/);

    const exit = await spawnDnfarm(['exit', '--yes', '--json', '--config', config, '--data-dir', dataDir], {
      cwd: dir,
    }).exited;
    expect(exit.code).toBe(0);
    const doc = JSON.parse(exit.stdout) as { via: string; position: { perpQty: string; spotQty: string } };
    expect(doc.via).toBe('running-bot');
    const store = openStore(dataDir, { readOnly: true });
    try {
      const recorded = store.positions.get(1);
      expect(recorded?.perpQty.isZero()).toBe(false);
      expect(doc.position.perpQty).toBe(recorded?.perpQty.toFixed());
      expect(doc.position.spotQty).toBe(recorded?.spotQtyNet.toFixed());
    } finally {
      store.close();
    }
    expect((await bot.exited).code).toBe(0);
  }, 90_000);

  it('without a bot: refuses without confirmation, then closes the live quantities with --yes', async () => {
    const dataDir = join(dir, 'data');
    const config = writeConfig(dir, { churn: false });
    const opened = await spawnDnfarm(['run', '--once', '--config', config, ...simArgs(sim, dataDir)], { cwd: dir })
      .exited;
    expect(opened.code).toBe(0);
    expect(checkConsistency(sim, dataDir).perpPositions).toHaveLength(1);

    const declined = await spawnDnfarm(['exit', '--config', config, ...simArgs(sim, dataDir)], {
      cwd: dir,
      stdin: 'no\n',
    }).exited;
    expect(declined.code).toBe(1);
    expect(declined.stdout).toMatch(/Position #1: AAAUSDT at 1x/);
    expect(declined.stdout).toMatch(/Orders: SELL [\d.]+ AAAUSDT \(spot, market\), BUY [\d.]+ AAAUSDT/);
    expect(declined.stderr).toContain('exit not confirmed: nothing was sent');
    expect(checkConsistency(sim, dataDir).perpPositions).toHaveLength(1);

    const closed = await spawnDnfarm(['exit', '--yes', '--json', '--config', config, ...simArgs(sim, dataDir)], {
      cwd: dir,
    }).exited;
    expect(closed.code).toBe(0);
    const doc = JSON.parse(closed.stdout) as { ok: boolean; via: string; outcome: { status: string } };
    expect(doc).toMatchObject({ ok: true, via: 'direct', outcome: { status: 'closed' } });
    const check = checkConsistency(sim, dataDir);
    expect(check.problems).toEqual([]);
    expect(check.perpPositions).toEqual([]);
    expect(closedPosition(dataDir)).toEqual({ status: 'closed', closeReason: 'manual' });

    const nothing = await spawnDnfarm(['exit', '--yes', '--config', config, ...simArgs(sim, dataDir)], { cwd: dir })
      .exited;
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('No open position: nothing to close.');
  }, 120_000);
});
