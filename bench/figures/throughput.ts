/**
 * Simulator throughput: runs `bench/sim-throughput.ts` (the simulator's own benchmark: a `dnfarm sim` process,
 * keep-alive loopback connections from a separate client process, requests pre-signed) and reports its signed
 * workloads against the ≥ 2000 requests/s target.
 */
import { spawn } from 'node:child_process';
import { atLeast, type FigureResult, informational, notMeasured } from '../lib/figure.ts';
import { progress } from '../lib/progress.ts';
import { REPO_ROOT } from '../lib/sim-process.ts';

interface ThroughputRow {
  workload: string;
  requests: number;
  failures: number;
  seconds: number;
  perSecond: number;
}

const TARGET = 2_000;
const REQUESTS = 2_000;

function runThroughputScript(): Promise<{ concurrency: number; results: ThroughputRow[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/sim-throughput.ts', '--json', '--requests', String(REQUESTS)],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    child.once('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined) reject(new Error(`sim-throughput exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(line) as { concurrency: number; results: ThroughputRow[] });
    });
  });
}

export async function measureSimThroughput(): Promise<FigureResult[]> {
  progress(`simulator throughput: ${REQUESTS} requests per workload (bench/sim-throughput.ts)`);
  let report: { concurrency: number; results: ThroughputRow[] };
  try {
    report = await runThroughputScript();
  } catch (error) {
    return [notMeasured('simulator throughput, signed requests', 'req/s', `≥ ${TARGET}`, String(error))];
  }
  const note = (r: ThroughputRow) =>
    `${r.requests} requests in ${r.seconds} s over ${report.concurrency} connections, ${r.failures} failed`;
  return report.results.map((r) => {
    const signed = r.workload !== 'public';
    const name = `simulator throughput, ${r.workload}`;
    if (r.failures > 0) return { ...atLeast(name, r.perSecond, TARGET, 'req/s', note(r)), pass: false };
    return signed
      ? atLeast(name, r.perSecond, TARGET, 'req/s', note(r))
      : informational(name, r.perSecond, 'req/s', note(r));
  });
}
