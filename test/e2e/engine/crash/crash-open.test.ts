/**
 * kill -9 at every step of an open (and of the transfer before it), then a restart: the account ends
 * with at most one position, hedged or flat, no order executed twice, and a store that opens cleanly
 * and agrees with the exchange.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../../../src/sim/index.ts';
import { checkConsistency, duplicatedOrders, runBot, startCrashSimulator, writeConfig } from './support/bot-process.ts';

let sim: SimulatorHandle;
let dir: string;

beforeEach(async () => {
  sim = await startCrashSimulator();
  dir = mkdtempSync(join(tmpdir(), 'dnfarm-crash-open-'));
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
    configPath: writeConfig(dir, { churn: false }),
    crashAt: step,
    cwd: dir,
  });
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
  // The restart's iteration opens (or keeps) exactly one hedged position.
  expect(check.perpPositions).toHaveLength(1);
  expect(check.activeSymbol).toBe('AAAUSDT');
}

describe('crash during an open, then restart', () => {
  it('transfer:after-send — the wallet transfer executed but was never recorded', async () => {
    await crashThenRecover('transfer:after-send');
  }, 90_000);

  it('open:before-orders — the open intent is persisted, no order has left', async () => {
    await crashThenRecover('open:before-orders');
  }, 90_000);

  it('open:between-legs — one leg executed, the other never sent', async () => {
    await crashThenRecover('open:between-legs');
  }, 90_000);

  it('open:after-fills — both legs executed, nothing about their fills recorded', async () => {
    await crashThenRecover('open:after-fills');
  }, 90_000);

  it('open:before-backstop — the position is recorded, its exchange-side stop not placed', async () => {
    await crashThenRecover('open:before-backstop');
  }, 90_000);
});
