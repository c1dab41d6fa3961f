/**
 * `dnfarm run` as a process: refusals that must happen before anything is sent (a second bot on the
 * same data dir, live mode without credentials, a bad config), and a clean stop on SIGINT that leaves
 * the position open, says so, and releases the lock.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../../src/sim/index.ts';
import { simArgs, spawnDnfarm, startCrashSimulator, writeConfig } from '../engine/crash/support/bot-process.ts';

let sim: SimulatorHandle;
let dir: string;

beforeEach(async () => {
  sim = await startCrashSimulator();
  dir = mkdtempSync(join(tmpdir(), 'dnfarm-run-cli-'));
});

afterEach(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Requests the simulator has seen, control calls excluded. */
function exchangeRequests(): number {
  return sim.requests().filter((r) => r.endpoint !== 'control').length;
}

describe('dnfarm run (process)', () => {
  it('a second bot on the same data dir refuses to start; SIGINT stops the first, which says the position stays open', async () => {
    const dataDir = join(dir, 'data');
    const config = writeConfig(dir, { churn: false });
    const first = spawnDnfarm(['run', '--config', config, ...simArgs(sim, dataDir)], { cwd: dir });
    await first.waitForOutput(/Position opened: AAAUSDT/);
    await first.waitForOutput(/next check at/);

    const second = await spawnDnfarm(['run', '--config', config, ...simArgs(sim, dataDir)], { cwd: dir }).exited;
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`is in use by pid ${first.pid}`);
    expect(second.stderr).toContain('only one dnfarm may trade from a data dir');
    expect(second.stdout).not.toContain('CHECK #');

    first.kill('SIGINT');
    const stopped = await first.exited;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('SIGINT received: stopping after the current step');
    expect(stopped.stdout).toMatch(/Position AAAUSDT stays open on the exchange/);
    expect(stopped.stdout).toContain('dnfarm exit');

    // The lock went with the process: the next run starts, finds the position and holds it.
    const again = await spawnDnfarm(['run', '--once', '--json', '--config', config, ...simArgs(sim, dataDir)], {
      cwd: dir,
    }).exited;
    expect(again.code).toBe(0);
    const decisions = again.events.filter((e) => e.event === 'decision');
    expect(decisions.map((e) => (e['decision'] as { kind: string }).kind)).toEqual(['hold']);
    expect(again.events.at(-1)?.event).toBe('shutdown');
  }, 90_000);

  it('live mode without credentials exits 2 naming the variables, before any request or store', async () => {
    const dataDir = join(dir, 'live-data');
    const result = await spawnDnfarm(['run', '--mode', 'live', ...simArgs(sim, dataDir)], { cwd: dir }).exited;
    expect(result.code).toBe(2);
    for (const name of ['API_USER', 'API_SIGNER', 'API_PRIVATE_KEY']) expect(result.stderr).toContain(name);
    expect(exchangeRequests()).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);

  it('a bad config exits 2 naming the key and its value, before any request or store', async () => {
    const dataDir = join(dir, 'bad-data');
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ position_management: { loop_interval_seconds: -5 } }));
    const result = await spawnDnfarm(['run', '--config', path, ...simArgs(sim, dataDir)], { cwd: dir }).exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('position_management.loop_interval_seconds');
    expect(result.stderr).toContain('-5');
    expect(exchangeRequests()).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);

  it('a bad crash-hook value is a usage error naming the variable', async () => {
    const dataDir = join(dir, 'hook-data');
    const result = await spawnDnfarm(['run', '--once', ...simArgs(sim, dataDir)], {
      cwd: dir,
      env: { DNFARM_CRASH_AT: 'open:sometime' },
    }).exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DNFARM_CRASH_AT');
    expect(exchangeRequests()).toBe(0);
  }, 60_000);
});
