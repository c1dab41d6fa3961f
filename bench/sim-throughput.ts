/**
 * Simulator throughput: signed requests per second served by one simulator process (one core: the simulator is
 * single-threaded), measured from a separate client process over keep-alive loopback connections.
 *
 *   npx tsx bench/sim-throughput.ts [--requests 2000] [--concurrency 16] [--json]
 *
 * The simulator runs as `dnfarm sim --manual-clock --no-rate-limits` so that pre-signed V3 requests keep valid
 * nonces. Reported per workload: public (unsigned) reads, V1 HMAC signed reads, V3 EIP-712 signed reads.
 * V3 requests are signed before the clock starts, since signing is the client's cost, not the simulator's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

interface Banner {
  url: string;
  startMs: number;
  credentials: {
    v3: { user: string; signer: string; privateKey: string };
    v1: { apiKey: string; apiSecret: string };
  };
}

interface Workload {
  name: string;
  requests: { path: string; headers: Record<string, string> }[];
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

function startSimulatorProcess(): Promise<{ child: ChildProcess; banner: Banner }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'sim', '--port', '0', '--manual-clock', '--no-rate-limits'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => resolve({ child, banner: JSON.parse(line) as Banner }));
    child.once('exit', (code) => reject(new Error(`simulator exited with code ${code}`)));
  });
}

async function v3Workload(banner: Banner, count: number): Promise<Workload> {
  const { user, signer, privateKey } = banner.credentials.v3;
  const account = privateKeyToAccount(privateKey as Hex);
  const requests: Workload['requests'] = [];
  for (let i = 0; i < count; i++) {
    const msg = `nonce=${BigInt(banner.startMs) * 1000n + BigInt(i)}&user=${user}&signer=${signer}`;
    const signature = await account.signTypedData({
      domain: {
        name: 'AsterSignTransaction',
        version: '1',
        chainId: 1666,
        verifyingContract: '0x0000000000000000000000000000000000000000',
      },
      types: { Message: [{ name: 'msg', type: 'string' }] },
      primaryType: 'Message',
      message: { msg },
    });
    requests.push({ path: `/fapi/v3/balance?${msg}&signature=${signature}`, headers: {} });
  }
  return { name: 'v3-eip712-signed', requests };
}

function hmacWorkload(banner: Banner, count: number): Workload {
  const { apiKey, apiSecret } = banner.credentials.v1;
  const requests: Workload['requests'] = [];
  for (let i = 0; i < count; i++) {
    const query = `recvWindow=60000&timestamp=${banner.startMs}`;
    const signature = createHmac('sha256', apiSecret).update(query).digest('hex');
    requests.push({ path: `/fapi/v2/balance?${query}&signature=${signature}`, headers: { 'X-MBX-APIKEY': apiKey } });
  }
  return { name: 'v1-hmac-signed', requests };
}

function publicWorkload(count: number): Workload {
  return { name: 'public', requests: Array.from({ length: count }, () => ({ path: '/fapi/v3/time', headers: {} })) };
}

function get(agent: Agent, base: URL, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function run(workload: Workload, base: URL, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const item = workload.requests[next++];
        if (!item) return;
        if ((await get(agent, base, item.path, item.headers)) !== 200) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    workload: workload.name,
    requests: workload.requests.length,
    failures,
    seconds: Number(seconds.toFixed(3)),
    perSecond: Math.round(workload.requests.length / seconds),
  };
}

async function main(): Promise<void> {
  const count = arg('requests', 2000);
  const concurrency = arg('concurrency', 16);
  const { child, banner } = await startSimulatorProcess();
  try {
    const base = new URL(banner.url);
    const warmup = publicWorkload(200);
    await run(warmup, base, concurrency);
    const workloads = [publicWorkload(count), hmacWorkload(banner, count), await v3Workload(banner, count)];
    const results = [];
    for (const workload of workloads) results.push(await run(workload, base, concurrency));
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ concurrency, results })}\n`);
    else {
      process.stdout.write(`simulator throughput (one simulator process, ${concurrency} keep-alive connections)\n`);
      for (const r of results) {
        process.stdout.write(
          `  ${r.workload.padEnd(18)} ${String(r.perSecond).padStart(6)} req/s  (${r.requests} in ${r.seconds} s, ${r.failures} failed)\n`,
        );
      }
    }
  } finally {
    child.kill('SIGINT');
  }
}

await main();
