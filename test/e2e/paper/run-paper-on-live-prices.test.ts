/**
 * `dnfarm run --mode paper` as a process: a simulator in this test process plays live Aster (a hand-set market on
 * the real clock, reached with --futures-url/--spot-url); the bot reads its public market data, trades in its own
 * embedded simulated account, and sends the "live" exchange nothing but public reads.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINDING_META_KEY } from '../../../src/engine/binding.ts';
import { type SimulatorHandle, startSimulator } from '../../../src/sim/index.ts';
import { ManualMarketSource } from '../../../src/sim/market/manual.ts';
import { openStore } from '../../../src/store/index.ts';
import { spawnDnfarm } from '../engine/crash/support/bot-process.ts';

let live: SimulatorHandle;
let dir: string;
let config: string;

beforeAll(async () => {
  // The bot runs on the system clock here, so "live Aster" does too.
  const startMs = Math.floor(Date.now() / 1000) * 1000;
  const source = new ManualMarketSource({
    startMs,
    symbols: [
      { baseAsset: 'AAA', price: 100, fundingRate: '0.0005' },
      { baseAsset: 'BBB', price: 50, fundingRate: '0.0001' },
      // The best rate of all, but listed on perp only: nothing to hedge it with.
      { baseAsset: 'PPP', price: 20, fundingRate: '0.002', spot: false },
    ],
  });
  live = await startSimulator({ startMs, source, rateLimits: false, warn: () => {} });
  dir = mkdtempSync(join(tmpdir(), 'dnfarm-paper-'));
  config = join(dir, 'paper.json');
  writeFileSync(
    config,
    JSON.stringify({
      mode: 'paper',
      // The "live" clock is the wall clock: a test started near 00/08/16 UTC must still open.
      execution: { funding_settlement_guard_seconds: 0 },
      logging: { level: 'debug' },
    }),
  );
});

afterAll(async () => {
  await live?.close();
  rmSync(dir, { recursive: true, force: true });
});

function liveArgs(dataDir: string): string[] {
  return ['--config', config, '--futures-url', live.url, '--spot-url', live.url, '--data-dir', dataDir];
}

/** Every request the "live" exchange has received so far (the control API aside). */
function liveRequests() {
  return live.requests().filter((r) => r.endpoint !== 'control');
}

function filesUnder(path: string): string[] {
  return readdirSync(path).flatMap((name) => {
    const full = join(path, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('dnfarm run --mode paper (process)', () => {
  it('opens a position in its simulated account at the live prices, sending the live exchange no order', async () => {
    const dataDir = join(dir, 'data-open');
    const before = live.requests().at(-1)?.seq ?? 0;
    const run = await spawnDnfarm(['run', '--once', '--json', ...liveArgs(dataDir)], { cwd: dir, timeoutMs: 90_000 })
      .exited;
    expect(run.code, run.stderr).toBe(0);

    const started = run.events.find((e) => e.event === 'started');
    expect(started).toMatchObject({ mode: 'paper', venue: expect.stringMatching(/^PAPER/) });
    // Orders go to the embedded simulator, not to the live URL.
    expect(started?.['futuresUrl']).not.toBe(live.url);
    expect(run.stderr).toMatch(/PAPER: live prices, simulated account, no real orders/);
    expect(run.stderr).toContain(`market data: live from ${live.url}`);
    expect(run.events.find((e) => e.event === 'open_completed')).toMatchObject({ symbol: 'AAAUSDT' });

    // The live exchange: public market data only. No order, no transfer, no setting, no signed request at all.
    const requests = live.requests(before).filter((r) => r.endpoint !== 'control');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(requests.filter((r) => r.account !== undefined)).toEqual([]);
    expect(requests.filter((r) => /order|transfer|leverage|margin|listenKey/i.test(r.path))).toEqual([]);
    expect(new Set(requests.map((r) => r.path))).toEqual(
      new Set([
        '/fapi/v3/exchangeInfo',
        '/api/v3/exchangeInfo',
        '/fapi/v3/premiumIndex',
        '/fapi/v3/fundingInfo',
        '/fapi/v3/ticker/24hr',
        '/api/v3/ticker/24hr',
        '/fapi/v3/ticker/bookTicker',
        '/api/v3/ticker/bookTicker',
      ]),
    );
    // Its own account engine saw no account either.
    expect(live.engine.accountIds()).toEqual([]);

    // The entry prices are the live ones: spot bought at the live ask, perp sold at the live bid.
    const spot = live.engine.bookTickers('spot', 'AAAUSDT');
    const perp = live.engine.bookTickers('perp', 'AAAUSDT');
    if (!spot.ok || !perp.ok) throw new Error('no live book for AAAUSDT');
    const store = openStore(dataDir, { readOnly: true });
    try {
      const position = store.positions.get(1);
      expect(position).toMatchObject({ symbol: 'AAAUSDT', status: 'open' });
      expect(position?.spotAvgPrice?.toFixed()).toBe(spot.value[0]?.askPrice.toFixed());
      expect(position?.perpAvgPrice?.toFixed()).toBe(perp.value[0]?.bidPrice.toFixed());
      expect(store.meta.getJson(BINDING_META_KEY)).toEqual({
        mode: 'paper',
        venue: 'embedded-simulator',
        account: null,
      });
    } finally {
      store.close();
    }

    // `exit` on a paper data dir works as on an embedded simulator's: the account lived in the bot, so its
    // position is found gone and recorded as such; `status` says why it cannot show the account.
    const exit = await spawnDnfarm(['exit', '--yes', '--json', ...liveArgs(dataDir)], { cwd: dir, timeoutMs: 60_000 })
      .exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(JSON.parse(exit.stdout)).toMatchObject({ ok: true, via: 'direct', position: null });
    const status = await spawnDnfarm(['status', '--json', ...liveArgs(dataDir)], { cwd: dir }).exited;
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('paper mode keeps its simulated account inside the running bot');
    expect(liveRequests().filter((r) => r.method !== 'GET' || r.account !== undefined)).toEqual([]);
  }, 180_000);

  it('needs no credentials and never uses the ones it finds: no signature reaches anyone, no key reaches a log', async () => {
    const dataDir = join(dir, 'data-keys');
    const privateKey = generatePrivateKey();
    const signer = privateKeyToAccount(privateKey).address;
    const user = privateKeyToAccount(generatePrivateKey()).address;
    const v1Secret = 'Zq8xW3rT5yU7iO9pA1sD2fG4hJ6kL8zX0cV2bN4mQ6wE8rT0';
    writeFileSync(join(dir, '.env'), `APIV1_PUBLIC_KEY=PaperModeV1PublicKey0001\nAPIV1_PRIVATE_KEY=${v1Secret}\n`);
    const before = live.requests().at(-1)?.seq ?? 0;
    try {
      const run = await spawnDnfarm(['run', '--once', '--json', ...liveArgs(dataDir)], {
        cwd: dir,
        env: { API_USER: user, API_SIGNER: signer, API_PRIVATE_KEY: privateKey },
        timeoutMs: 90_000,
      }).exited;
      expect(run.code, run.stderr).toBe(0);
      expect(run.events.find((e) => e.event === 'open_completed')).toMatchObject({ symbol: 'AAAUSDT' });

      const requests = live.requests(before).filter((r) => r.endpoint !== 'control');
      expect(requests.filter((r) => r.account !== undefined || r.method !== 'GET')).toEqual([]);
      const store = openStore(dataDir, { readOnly: true });
      try {
        // Not the user's account: the simulated one, whoever's keys sit in the environment.
        expect(store.meta.getJson(BINDING_META_KEY)).toMatchObject({ mode: 'paper', account: null });
      } finally {
        store.close();
      }
      const logs = filesUnder(dataDir)
        .filter((f) => !/\.db(-wal|-shm)?$/.test(f))
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');
      for (const text of [run.stdout, run.stderr, logs]) {
        expect(text).not.toContain(privateKey.slice(2));
        expect(text).not.toContain(v1Secret);
        expect(text.toLowerCase()).not.toContain(user.toLowerCase());
      }
    } finally {
      rmSync(join(dir, '.env'), { force: true });
    }
  }, 120_000);
});
