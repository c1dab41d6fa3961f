/**
 * kill -9 at every step of a close, then a restart: the interrupted close is finished (or the position
 * kept whole), never half-done; no order runs twice; the store opens cleanly and agrees with the
 * exchange. The crash runs close on every iteration (fee coverage at 0×, a 1 s loop) so the close
 * comes one second after the open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../../../src/sim/index.ts';
import { openStore } from '../../../../src/store/index.ts';
import { checkConsistency, duplicatedOrders, runBot, startCrashSimulator, writeConfig } from './support/bot-process.ts';

let sim: SimulatorHandle;
let dir: string;

beforeEach(async () => {
  sim = await startCrashSimulator();
  dir = mkdtempSync(join(tmpdir(), 'dnfarm-crash-close-'));
});

afterEach(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

async function crashThenRecover(step: string): Promise<void> {
  const dataDir = join(dir, 'data');
  const crashed = await runBot({
    sim,
    dataDir,
    configPath: writeConfig(dir, { churn: true }),
    crashAt: step,
    cwd: dir,
  });
  expect(crashed.signal).toBe('SIGKILL');
  expect(crashed.stderr).toContain(`crash point ${step} reached`);
  expect(crashed.events.some((e) => e.event === 'open_completed')).toBe(true);
  expect(crashed.events.some((e) => e.event === 'close_started')).toBe(true);

  const restarted = await runBot({
    sim,
    dataDir,
    configPath: writeConfig(dir, { churn: false }),
    once: true,
    cwd: dir,
  });
  expect(restarted.code).toBe(0);
  const check = checkConsistency(sim, dataDir);
  expect(check.problems).toEqual([]);
  expect(duplicatedOrders(sim)).toEqual([]);

  // The interrupted position is finished in the books: closed with a realised PnL, not left closing.
  const store = openStore(dataDir, { readOnly: true });
  try {
    const first = store.positions.get(1);
    expect(first?.status).toBe('closed');
    expect(first?.pnl).not.toBeNull();
  } finally {
    store.close();
  }
  expect(check.perpPositions.length).toBeLessThanOrEqual(1);
}

describe('crash during a close, then restart', () => {
  it('close:after-cancel — the backstop is cancelled, no close order sent yet', async () => {
    await crashThenRecover('close:after-cancel');
  }, 90_000);

  it('close:before-orders — the close intent is persisted, no close order has left', async () => {
    await crashThenRecover('close:before-orders');
  }, 90_000);

  it('close:between-legs — one close leg executed, the other never sent', async () => {
    await crashThenRecover('close:between-legs');
  }, 90_000);

  it('close:after-fills — both close legs executed, nothing recorded', async () => {
    await crashThenRecover('close:after-fills');
  }, 90_000);
});
