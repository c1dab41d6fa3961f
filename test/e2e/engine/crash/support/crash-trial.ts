/**
 * One crash trial as the crash tests run it: the bot SIGKILLs itself at a named step, a second run (`--once`,
 * without the hook) recovers on the same data dir, and the account and the store are checked together. Each test
 * gets its own simulator and directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { SimulatorHandle } from '../../../../../src/sim/index.ts';
import {
  type BotRun,
  type Consistency,
  checkConsistency,
  duplicatedOrders,
  runBot,
  startCrashSimulator,
  writeConfig,
} from './bot-process.ts';

export interface CrashFixture {
  readonly sim: SimulatorHandle;
  readonly dir: string;
}

/** A fresh simulator and temporary directory for every test of the calling file. */
export function useCrashFixture(prefix: string): CrashFixture {
  const fixture = { sim: null as unknown as SimulatorHandle, dir: '' };
  beforeEach(async () => {
    fixture.sim = await startCrashSimulator();
    fixture.dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await fixture.sim.close();
    rmSync(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}

export interface CrashTrial {
  dataDir: string;
  crashed: BotRun;
  restarted: BotRun;
  check: Consistency;
}

/**
 * Runs the bot until it kills itself at `step` (`churn`: close on every iteration, so a close follows the open),
 * then once more without the hook; asserts the crash happened where aimed and that the recovery left a consistent
 * account and store with no order executed twice.
 */
export async function crashThenRestart(fixture: CrashFixture, step: string, churn: boolean): Promise<CrashTrial> {
  const { sim, dir } = fixture;
  const dataDir = join(dir, 'data');
  const crashed = await runBot({ sim, dataDir, configPath: writeConfig(dir, { churn }), crashAt: step, cwd: dir });
  expect(crashed.signal).toBe('SIGKILL');
  expect(crashed.stderr).toContain(`crash point ${step} reached`);

  const restarted = await runBot({
    sim,
    dataDir,
    configPath: writeConfig(dir, { churn: false }),
    once: true,
    cwd: dir,
  });
  expect(restarted.stderr).not.toContain('crash point');
  expect(restarted.code).toBe(0);
  const check = checkConsistency(sim, dataDir);
  expect(check.problems).toEqual([]);
  expect(duplicatedOrders(sim)).toEqual([]);
  return { dataDir, crashed, restarted, check };
}
