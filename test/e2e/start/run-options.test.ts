/**
 * What `dnfarm run` (and so `npm start`) decides before trading: where the data goes (`./data` by default,
 * `DNFARM_DATA_DIR` when set, `--data-dir` above both), what the banner tells a first-time user, and which
 * clock options are accepted. Runs the command in-process with `--once` against the embedded simulator.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunOptions, runRun, type StopSignals, withDataDirFromEnv } from '../../../src/cli/commands/run.ts';
import type { CommandIo } from '../../../src/cli/venue-context.ts';
import { ConfigError } from '../../../src/errors.ts';

const noSignals: StopSignals = { listen: () => () => {} };

let dir: string | null = null;
afterEach(() => {
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function tempDir(): string {
  dir = mkdtempSync(join(tmpdir(), 'dnfarm-run-options-'));
  return dir;
}

function captureIo(cwd: string, env: NodeJS.ProcessEnv): { io: CommandIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      cwd: () => cwd,
      env: { NO_COLOR: '1', ...env },
    },
    out: () => out,
    err: () => err,
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('the data dir of `dnfarm run`', () => {
  it('is --data-dir, else DNFARM_DATA_DIR (when not blank), else the config file', () => {
    const flag: RunOptions = { dataDir: '/flag' };
    expect(withDataDirFromEnv(flag, { DNFARM_DATA_DIR: '/env' })).toEqual(flag);
    expect(withDataDirFromEnv({}, { DNFARM_DATA_DIR: '/env' })).toEqual({ dataDir: '/env' });
    expect(withDataDirFromEnv({}, { DNFARM_DATA_DIR: '  ' })).toEqual({});
    expect(withDataDirFromEnv({}, {})).toEqual({});
  });

  it('defaults to ./data of the working directory, and the banner says it is a simulation', async () => {
    const cwd = tempDir();
    const { io, out } = captureIo(cwd, {});
    await runRun({ once: true }, io, noSignals);
    expect(existsSync(join(cwd, 'data', 'dnfarm.db'))).toBe(true);
    const text = out();
    expect(text.indexOf('SIMULATION: no real orders, no real money')).toBe(0);
    expect(text).toMatch(
      /clock: simulated, from 2025-06-01 07:01:00 UTC; trading runs at real time and the idle wait between checks is skipped/,
    );
    expect(text).toContain(`data ${join(cwd, 'data')}`);
    expect(text).toMatch(/CHECK #1 - 2025-06-01 07:01:\d\d UTC/);
  }, 60_000);

  it('follows DNFARM_DATA_DIR; --no-fast-forward shows a real-time clock', async () => {
    const cwd = tempDir();
    const elsewhere = join(cwd, 'elsewhere');
    const { io, out } = captureIo(cwd, { DNFARM_DATA_DIR: elsewhere });
    await runRun({ once: true, speed: '1', fastForward: false }, io, noSignals);
    expect(existsSync(join(elsewhere, 'dnfarm.db'))).toBe(true);
    expect(existsSync(join(cwd, 'data'))).toBe(false);
    expect(out()).toMatch(/clock: simulated, from 2025-06-01 07:01:00 UTC, at real time; every wait runs in full/);
  }, 60_000);
});

describe('the clock options of `dnfarm run`', () => {
  it('refuses a speed that is not a positive number, naming the option and the value', async () => {
    const cwd = tempDir();
    const { io } = captureIo(cwd, {});
    const error = await failure(runRun({ once: true, speed: '0' }, io, noSignals));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('--speed');
    expect((error as Error).message).toMatch(/must be a number > 0.*got "0"/);
    expect(existsSync(join(cwd, 'data', 'dnfarm.db'))).toBe(false);
  });

  it('refuses them when no embedded simulator runs (another simulator, or live mode)', async () => {
    const cwd = tempDir();
    const { io } = captureIo(cwd, {});
    const external = { futuresUrl: 'http://127.0.0.1:9', spotUrl: 'http://127.0.0.1:9' };
    const error = await failure(runRun({ once: true, fastForward: true, ...external }, io, noSignals));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('--fast-forward');
    expect((error as Error).message).toMatch(/steer the embedded simulator/);
  });
});
