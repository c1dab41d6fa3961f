/**
 * The simulator as a separate process (`dnfarm sim`), as an exchange would be: its work runs on its own core and
 * never inside the client's event loop, so client-side timings are the client's. Talks to it through the
 * `/_sim/` control API only.
 *
 * It runs as users run it (`npm run dnfarm -- sim`): the CLI compiled into one bundled module (`npm run build`),
 * started with plain `node`, no TypeScript loader in the process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildCli, REPO_ROOT } from '../../scripts/build.ts';

export { REPO_ROOT };

let bundle: Promise<string> | null = null;

/**
 * This process's build of the CLI, made once. It sits under node_modules/.cache so Node resolves the bundle's
 * external packages from the project's node_modules, and it is removed on exit.
 */
export function simBundle(): Promise<string> {
  if (bundle === null) {
    const dir = join(REPO_ROOT, 'node_modules', '.cache', 'dnfarm');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `bench-sim-${process.pid}.mjs`);
    process.once('exit', () => {
      rmSync(outfile, { force: true });
      rmSync(`${outfile}.map`, { force: true });
    });
    bundle = buildCli(outfile);
  }
  return bundle;
}

export interface SimBanner {
  url: string;
  wsUrl: string;
  spotWsUrl: string;
  credentials: { v3: { user: string; signer: string; privateKey: string }; v1: { apiKey: string; apiSecret: string } };
  pairs: { requested: number; spot: number; perp: number };
  startMs: number;
  pid: number;
}

export interface SimProcessOptions {
  pairs?: number;
  seed?: number;
  latencyMs?: number;
  speed?: number;
  manualClock?: boolean;
  faults?: string;
  initialUsdt?: string;
  rateLimits?: boolean;
}

/** One request-log entry of the simulator (docs/simulator.md, "Request log"). */
export interface SimRequest {
  seq: number;
  method: string;
  path: string;
  endpoint: string;
  market?: 'spot' | 'perp';
  symbol?: string;
  side?: string;
  type?: string;
  reduceOnly?: string;
  clientOrderId?: string;
  arrivalWallUs: number;
  arrivalSimMs: number;
  status?: number;
}

export class SimProcess {
  private constructor(
    readonly banner: SimBanner,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  static async start(options: SimProcessOptions = {}): Promise<SimProcess> {
    const args = [await simBundle(), 'sim', '--port', '0'];
    if (options.pairs !== undefined) args.push('--pairs', String(options.pairs));
    if (options.seed !== undefined) args.push('--seed', String(options.seed));
    if (options.latencyMs !== undefined) args.push('--latency-ms', String(options.latencyMs));
    if (options.speed !== undefined) args.push('--speed', String(options.speed));
    if (options.manualClock) args.push('--manual-clock');
    if (options.faults !== undefined) args.push('--faults', options.faults);
    if (options.initialUsdt !== undefined) args.push('--initial-usdt', options.initialUsdt);
    if (options.rateLimits === false) args.push('--no-rate-limits');
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const banner = await new Promise<SimBanner>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.once('line', (line) => resolve(JSON.parse(line) as SimBanner));
      child.once('exit', (code) => reject(new Error(`dnfarm sim exited with code ${code} before starting: ${stderr}`)));
    });
    // Keep draining stdout so the child never blocks on a full pipe.
    child.stdout?.resume();
    return new SimProcess(banner, child, exited);
  }

  get url(): string {
    return this.banner.url;
  }

  async control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.banner.url}/_sim/${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    const parsed = (await response.json()) as T;
    if (!response.ok) throw new Error(`/_sim/${path}: HTTP ${response.status} ${JSON.stringify(parsed)}`);
    return parsed;
  }

  /** Exchange requests (control calls left out) after `afterSeq`. */
  async requests(afterSeq = 0): Promise<SimRequest[]> {
    return (await this.allRequests(afterSeq)).filter((r) => r.endpoint !== 'control');
  }

  /** Every request-log entry after `afterSeq`, control calls included. */
  async allRequests(afterSeq = 0): Promise<SimRequest[]> {
    const state = await this.control<{ requests: SimRequest[] }>(
      'GET',
      `state?include=requests&requestsSince=${afterSeq}`,
    );
    return state.requests;
  }

  /** The newest request-log sequence number (control calls included). */
  async lastSeq(): Promise<number> {
    const state = await this.control<{ requests: SimRequest[] }>('GET', 'state?include=requests');
    return state.requests.at(-1)?.seq ?? 0;
  }

  async setFaults(spec: string): Promise<void> {
    await this.control('POST', 'faults', spec === '' ? { clear: true } : { spec });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    await this.exited;
  }
}
