/**
 * The protector's view of the account stream, on the real simulator and the real stream client. A simulated
 * clock that skips idle time lets listen keys lapse every simulated hour; the stream replaces the key and
 * reconnects at once. That is routine, and reporting it would fill a first run's screen with "account stream
 * down / up" pairs; only a loss that outlasts the grace period is news.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, strategyParamsFromConfig } from '../../../src/config/index.ts';
import type { EngineEvent } from '../../../src/engine/events.ts';
import { createExecutor, type Logger } from '../../../src/engine/execution/index.ts';
import { Protector } from '../../../src/engine/protector.ts';
import { engineSettingsFromConfig } from '../../../src/engine/runtime.ts';
import { TradeGate } from '../../../src/engine/trade-gate.ts';
import { DEMO_V3, parseFaultSpec, type SimulatorHandle, startSimulator } from '../../../src/sim/index.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { type AsterVenue, createAsterVenue } from '../../../src/venue/aster/adapter.ts';

const START_MS = Date.parse('2025-06-01T07:01:00Z');
const GRACE_MS = 1500;
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let sim: SimulatorHandle | null = null;
let venue: AsterVenue | null = null;
let store: Store | null = null;
let protector: Protector | null = null;
let dir: string | null = null;

afterEach(async () => {
  await protector?.stop();
  await venue?.close();
  store?.close();
  await sim?.close();
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  protector = null;
  venue = null;
  store = null;
  sim = null;
  dir = null;
});

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function accountStatus(events: readonly EngineEvent[]): boolean[] {
  return events.flatMap((e) => (e.type === 'protector_status' && e.stream === 'user_data' ? [e.up] : []));
}

describe('the protector and the account stream', () => {
  it('does not report a listen-key replacement as an outage, but does report a loss that lasts', async () => {
    const harness = await startSimulator({ startMs: START_MS, seed: 42, pairs: 30, rateLimits: false, warn: () => {} });
    sim = harness;
    venue = createAsterVenue({
      futuresBaseUrl: harness.url,
      spotBaseUrl: harness.url,
      futuresWsUrl: harness.wsUrl,
      spotWsUrl: harness.spotWsUrl,
      signing: { scheme: 'eip712', chainId: 1666, ...DEMO_V3 },
      clock: harness.clock,
    });
    dir = mkdtempSync(join(tmpdir(), 'dnfarm-account-stream-'));
    store = openStore(dir, { clock: harness.clock, command: 'account stream test' });
    const config = defaultConfig();
    const params = strategyParamsFromConfig(config);
    const events: EngineEvent[] = [];
    const deps = {
      venue,
      store,
      params,
      clock: harness.clock,
      events: (e: EngineEvent) => events.push(e),
      logger: silent,
    };
    const executor = createExecutor({ ...deps, execution: engineSettingsFromConfig(config).execution });
    protector = new Protector({ ...deps, executor, gate: new TradeGate(), userStreamGraceMs: GRACE_MS });
    await protector.start();
    expect(accountStatus(events)).toEqual([true]);

    // An hour and a minute later both listen keys have lapsed; the stream obtains new ones and reconnects.
    const before = harness.requests().at(-1)?.seq ?? 0;
    await harness.advance(61 * 60_000);
    await until(() => {
      const created = harness.requests(before).filter((r) => /listenKey\.create$/.test(r.endpoint ?? ''));
      return created.length >= 2 && created.every((r) => r.status === 200);
    }, 'new listen keys');
    await new Promise((r) => setTimeout(r, GRACE_MS * 2));
    expect(accountStatus(events)).toEqual([true]);

    // Now the futures key cannot be had: the stream stays down, and after the grace period that is reported.
    harness.faults.set(parseFaultSpec('error5xx=1:POST /fapi/v3/listenKey'));
    await harness.advance(61 * 60_000);
    await until(() => accountStatus(events).length === 2, 'the outage to be reported');
    expect(accountStatus(events)).toEqual([true, false]);

    // And the way back is reported too.
    harness.faults.clear();
    await until(() => accountStatus(events).length === 3, 'the stream to come back');
    expect(accountStatus(events)).toEqual([true, false, true]);
  }, 90_000);
});
