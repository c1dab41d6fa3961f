/**
 * Simulator throughput: signed requests per second served by one simulator process (one core: the simulator is
 * single-threaded), measured from a separate client process over keep-alive loopback connections.
 *
 *   npx tsx bench/sim-throughput.ts [--requests 2000] [--concurrency 16] [--json]
 *
 * The simulator runs as `dnfarm sim --manual-clock --no-rate-limits` (the bundled CLI, as users run it; see
 * lib/sim-process.ts) so that pre-signed V3 requests keep valid nonces. Reported per workload: public (unsigned)
 * reads, V1 HMAC signed reads, V3 EIP-712 signed reads. V3 requests are signed before the clock starts, since
 * signing is the client's cost, not the simulator's. The first failed answers of a run are printed on stderr.
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { type SimBanner, SimProcess } from './lib/sim-process.ts';

interface Workload {
  name: string;
  requests: { path: string; headers: Record<string, string> }[];
}

/** Failed answers printed per run, so a failure says what it was without flooding the output. */
const FAILURES_SHOWN = 3;

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

async function v3Workload(banner: SimBanner, count: number): Promise<Workload> {
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

function hmacWorkload(banner: SimBanner, count: number): Workload {
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

function get(
  agent: Agent,
  base: URL,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Every workload runs over the same keep-alive connections, opened by the warm-up. A connection opened inside a
 * measured run could be slow to connect while the other connections carry on: a pre-signed V3 request waiting on it
 * would then arrive after 100 later nonces of the same user were accepted, and be refused as Aster refuses it
 * (-4225), a failure of the benchmark, not of the simulator.
 */
async function run(workload: Workload, base: URL, concurrency: number, agent: Agent) {
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const item = workload.requests[next++];
        if (!item) return;
        const answer = await get(agent, base, item.path, item.headers);
        if (answer.status !== 200) {
          failures++;
          if (failures <= FAILURES_SHOWN) {
            process.stderr.write(`${workload.name}: HTTP ${answer.status} ${answer.body.slice(0, 200)}\n`);
          }
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
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
  const sim = await SimProcess.start({ manualClock: true, rateLimits: false });
  const banner = sim.banner;
  try {
    const base = new URL(banner.url);
    const workloads = [publicWorkload(count), hmacWorkload(banner, count), await v3Workload(banner, count)];
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const results = [];
    try {
      await run(publicWorkload(200), base, concurrency, agent);
      for (const workload of workloads) results.push(await run(workload, base, concurrency, agent));
    } finally {
      agent.destroy();
    }
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
    await sim.stop();
  }
}

await main();
