/**
 * The first run: `npm start` with no arguments, from the project root, exactly as a new user types it. With the
 * defaults (sim mode, the embedded simulator, fast-forward over the loop's idle waits) the whole cycle must show
 * within a couple of minutes: an open, a funding payment, a close on fee coverage and a reopen. Ctrl-C then stops
 * the bot cleanly and says the position stays open.
 *
 * The process runs the `start` script's own command line, after its `prestart` step (the build of dist/dnfarm.mjs)
 * as npm runs it; only the data dir is pointed elsewhere, through the `DNFARM_DATA_DIR` variable, so the project's
 * `./data` is left alone.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Hang guard for the whole cycle: generous, for a loaded two-core machine. */
const CYCLE_BOUND_MS = 180_000;

/**
 * The `start` script split into the program and its arguments, resolved as npm resolves them: `node` is this Node
 * binary, anything else comes from node_modules/.bin.
 */
function startCommand(): { program: string; args: string[] } {
  const script = startScripts()['start'];
  if (script === undefined) throw new Error('package.json has no start script');
  const [bin, ...args] = script.trim().split(/\s+/);
  if (bin === undefined) throw new Error('the start script is empty');
  const program = bin === 'node' ? process.execPath : join(root, 'node_modules', '.bin', bin);
  return { program, args };
}

function startScripts(): Record<string, string> {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
}

/** Runs the `prestart` script as `npm start` would before the bot (it builds the bundle the start script runs). */
function runPrestart(): void {
  if (startScripts()['prestart'] === undefined) return;
  const build = spawnSync('npm', ['run', 'prestart', '--silent'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (build.status !== 0) throw new Error(`npm run prestart failed (${build.status}): ${build.stderr}`);
}

/** The milestones of one full cycle, each searched for after the previous one. */
const MILESTONES: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'the simulation banner', pattern: /SIMULATION: no real orders, no real money/ },
  { name: 'an open', pattern: /✓ Position opened: (\w+)/ },
  { name: 'a funding payment', pattern: /Funding \w+: \+\$\d/ },
  { name: 'a close on fee coverage', pattern: /Closing \w+ \(fee_coverage, by the loop\)/ },
  { name: 'the closed position', pattern: /✓ Position closed: \w+ \(Trading Cycle #1 Completed\)/ },
  { name: 'the reopen', pattern: /✓ Position opened: (\w+)/ },
];

let child: ChildProcess | null = null;
let dir: string | null = null;

afterEach(() => {
  if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = null;
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('npm start', () => {
  it(
    'shows an open, funding, a fee-coverage close and a reopen, then stops cleanly on Ctrl-C',
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'dnfarm-start-'));
      const dataDir = join(dir, 'data');
      runPrestart();
      const { program, args } = startCommand();
      const env: NodeJS.ProcessEnv = {
        PATH: process.env['PATH'] ?? '',
        NO_COLOR: '1',
        DNFARM_DATA_DIR: dataDir,
        ...(process.env['HOME'] === undefined ? {} : { HOME: process.env['HOME'] }),
        ...(process.env['TMPDIR'] === undefined ? {} : { TMPDIR: process.env['TMPDIR'] }),
      };
      const proc = spawn(program, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let stdout = '';
      let stderr = '';
      proc.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      proc.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit, reject) => {
        proc.on('error', reject);
        proc.on('close', (code, signal) => resolveExit({ code, signal }));
      });
      let ended = false;
      void exited.then(() => {
        ended = true;
      });

      // Incremental search: each milestone is looked for only after the previous one, and the wait ends as soon
      // as the last is seen.
      const started = Date.now();
      let from = 0;
      const seen: Record<string, string> = {};
      for (const milestone of MILESTONES) {
        for (;;) {
          const match = milestone.pattern.exec(stdout.slice(from));
          if (match !== null) {
            seen[milestone.name] = match[1] ?? match[0];
            from += match.index + match[0].length;
            break;
          }
          if (ended) throw new Error(`npm start ended before ${milestone.name}:\n${stdout}\n${stderr}`);
          if (Date.now() - started > CYCLE_BOUND_MS) {
            throw new Error(
              `no ${milestone.name} within ${CYCLE_BOUND_MS / 1000} s:\n${stdout.slice(-4000)}\n${stderr}`,
            );
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }

      // The banner said what this is before anything was traded, and the data went where it was sent.
      const banner = stdout.slice(0, stdout.indexOf('CHECK #1'));
      expect(banner).toMatch(/built-in Aster simulator \(seed 42, 30 synthetic pairs/);
      expect(banner).toMatch(/at http:\/\/127\.0\.0\.1:\d+/);
      expect(banner).toMatch(/clock: simulated, from .*UTC; .*skipped \(fast-forward\)/);
      expect(banner).toMatch(/"mode": "live".*API_USER.*\.env.*testnet/);
      expect(banner).toContain(`data ${dataDir}`);
      expect(existsSync(join(dataDir, 'dnfarm.db'))).toBe(true);
      // The funding came in on the position that was then closed.
      const fundingLine = /Funding (\w+): \+\$/.exec(stdout)?.[1];
      expect(fundingLine).toBe(seen['an open']);

      proc.kill('SIGINT');
      const exit = await exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(stderr).toContain('SIGINT received: stopping after the current step');
      expect(stdout).toMatch(/Stopped \(SIGINT\)\. Position \w+ stays open on the exchange/);
      expect(stdout).toContain('`dnfarm exit` closes it now');
    },
    CYCLE_BOUND_MS + 30_000,
  );
});
