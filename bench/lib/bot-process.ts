/**
 * `dnfarm run --json` as a child process, in sim mode with its embedded simulator, exactly as `npm start` runs
 * the bot: the CLI compiled into one bundled module (`npm run build`) and started by `node` with the start
 * script's options, no TypeScript loader (plus `--json`, so its events can be followed line by line). The
 * embedded simulator's control API is on the URL of the `started` event; moving its clock moves the bot's clock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildCli, REPO_ROOT } from '../../scripts/build.ts';

let bundle: Promise<string> | null = null;

/**
 * The Node options `npm start` puts before the bundle (`node [--option …] dist/dnfarm.mjs run`), so that the bot
 * runs here with the same runtime settings (heap limits, for one) as users get. A start script of another shape
 * is an error rather than a silent difference.
 */
export function startScriptNodeOptions(): string[] {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const start = manifest.scripts?.['start'] ?? '';
  const words = start.trim().split(/\s+/);
  const bundleAt = words.findIndex((word) => word.endsWith('.mjs'));
  const options = words.slice(1, bundleAt);
  if (
    words[0] !== 'node' ||
    bundleAt < 0 ||
    words[bundleAt + 1] !== 'run' ||
    options.some((o) => !o.startsWith('--'))
  ) {
    throw new Error(`package.json "start" is "${start}"; expected "node [--option …] <bundle>.mjs run"`);
  }
  return options;
}

/**
 * The benchmark's own build of the CLI, made once per benchmark process. It sits under node_modules/.cache so
 * Node resolves the bundle's external packages from the project's node_modules, and it is removed on exit.
 */
function benchBundle(): Promise<string> {
  if (bundle === null) {
    const dir = join(REPO_ROOT, 'node_modules', '.cache', 'dnfarm');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `bench-${process.pid}.mjs`);
    process.once('exit', () => {
      rmSync(outfile, { force: true });
      rmSync(`${outfile}.map`, { force: true });
    });
    bundle = buildCli(outfile);
  }
  return bundle;
}

export interface BotEvent {
  event: string;
  [field: string]: unknown;
}

export class BotProcess {
  readonly events: BotEvent[] = [];
  /** The Node options the bot was started with (those of `npm start`). */
  readonly nodeOptions: readonly string[];
  simUrl = '';
  #stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly exited: Promise<void>,
    nodeOptions: readonly string[],
  ) {
    this.nodeOptions = nodeOptions;
  }

  static async start(config: Record<string, unknown>): Promise<BotProcess> {
    const cli = await benchBundle();
    const dir = mkdtempSync(join(tmpdir(), 'dnfarm-bench-bot-'));
    const configPath = join(dir, 'dnfarm.config.json');
    writeFileSync(configPath, JSON.stringify(config));
    const nodeOptions = startScriptNodeOptions();
    const child = spawn(
      process.execPath,
      [...nodeOptions, cli, 'run', '--json', '--config', configPath, '--data-dir', join(dir, 'data')],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const bot = new BotProcess(child, dir, exited, nodeOptions);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const event = JSON.parse(line) as BotEvent;
      if (event.event === 'started') bot.simUrl = String(event['futuresUrl']);
      bot.events.push(event);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      bot.#stderr = (bot.#stderr + chunk).slice(-4000);
    });
    return bot;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get stderr(): string {
    return this.#stderr;
  }

  count(type: string): number {
    return this.events.filter((e) => e.event === type).length;
  }

  /** Resident set size of the bot process, in MiB (Linux /proc). */
  rssMiB(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    if (kib === undefined) throw new Error(`no VmRSS for pid ${this.pid}`);
    return Number(kib) / 1024;
  }

  /** Polls until `probe` holds; rejects after `timeoutMs` or when the bot exits. */
  async until(probe: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const started = Date.now();
    while (!probe()) {
      if (!this.running) throw new Error(`the bot exited while waiting for ${what}: ${this.#stderr}`);
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Waits until every started iteration has completed (the loop is asleep). */
  idle(timeoutMs = 60_000): Promise<void> {
    return this.until(
      () =>
        this.count('iteration_started') > 0 && this.count('iteration_completed') === this.count('iteration_started'),
      'the loop to go to sleep',
      timeoutMs,
    );
  }

  /** Moves the embedded simulator's clock (and so the bot's) forward. */
  async advanceClock(ms: number): Promise<void> {
    const response = await fetch(`${this.simUrl}/_sim/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: ms }),
      headers: { 'Content-Type': 'application/json' },
    });
    if (!response.ok) throw new Error(`/_sim/clock: HTTP ${response.status}`);
  }

  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGINT');
    await this.exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
