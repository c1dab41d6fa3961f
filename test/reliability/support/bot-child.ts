/**
 * `dnfarm run --json` as a child process pointed at a simulator the test owns, so the exchange outlives the bot:
 * the bot can be killed with SIGKILL at any instruction (or at a named crash point, `DNFARM_CRASH_AT`) and restarted
 * on the same data dir. It runs the bundled CLI (`cliBundle()`), as production does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './fixtures.ts';

export interface BotEvent {
  event: string;
  [field: string]: unknown;
}

export interface BotChildOptions {
  /** The bundled CLI, from `cliBundle()`. */
  cliPath: string;
  simUrl: string;
  dataDir: string;
  configPath: string;
  once?: boolean;
  crashAt?: string;
}

export class BotChild {
  readonly events: BotEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stderr = '';
  readonly #child: ChildProcess;

  constructor(options: BotChildOptions) {
    const args = [options.cliPath, 'run', '--json'];
    if (options.once) args.push('--once');
    args.push('--config', options.configPath, '--data-dir', options.dataDir);
    args.push('--futures-url', options.simUrl, '--spot-url', options.simUrl);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['DNFARM_CRASH_AT'];
    if (options.crashAt !== undefined) env['DNFARM_CRASH_AT'] = options.crashAt;
    this.#child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.#child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.startsWith('{')) this.events.push(JSON.parse(line) as BotEvent);
    });
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-6000);
    });
    this.exited = new Promise((resolve) => this.#child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get stderr(): string {
    return this.#stderr;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  has(type: string): boolean {
    return this.events.some((e) => e.event === type);
  }

  /** Resolves true once an event of `type` arrived, false if the bot exited first or `timeoutMs` passed. */
  async waitFor(type: string, timeoutMs: number): Promise<boolean> {
    const started = Date.now();
    while (!this.has(type)) {
      if (!this.running || Date.now() - started > timeoutMs) return this.has(type);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }

  kill(): void {
    if (this.running) this.#child.kill('SIGKILL');
  }

  /** Waits for the exit; SIGKILLs the bot when it is still running after `timeoutMs`. */
  async exit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) this.kill();
    return { ...(await this.exited), timedOut };
  }
}
