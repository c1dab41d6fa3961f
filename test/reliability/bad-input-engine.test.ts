/**
 * Bad input, end to end (invariant 10, "nothing is traded on it"): the whole engine runs one check iteration
 * against the simulator behind a proxy that mutates one of the answers it decides on (market lists, prices,
 * funding, volumes, books, balances, positions). Whenever the mutated answer is one the client's parser rejects,
 * not a single order may reach the exchange. A control run with the answers untouched must trade, or the suite
 * would prove nothing.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, strategyParamsFromConfig } from '../../src/config/index.ts';
import { dec } from '../../src/domain/decimal.ts';
import type { Logger } from '../../src/engine/execution/index.ts';
import { createEngine, engineSettingsFromConfig } from '../../src/engine/runtime.ts';
import { DEMO_V3, type SimulatorHandle, startSimulator } from '../../src/sim/index.ts';
import { openStore } from '../../src/store/index.ts';
import { createAsterVenue } from '../../src/venue/aster/index.ts';
import {
  parseBookTickerList,
  parseExchangeInfo,
  parseFundingInfoList,
  parseJsonText,
  parsePerpBalances,
  parsePositionRisk,
  parsePremiumIndexList,
  parseSpotAccount,
  parseSpotTicker24hList,
  parseTicker24hList,
} from '../../src/venue/aster/schemas/index.ts';
import { mutateDocument } from './support/mutate.ts';
import { MutatingProxy } from './support/mutating-proxy.ts';
import { SeededRandom } from './support/random.ts';
import { figuresLine, suiteSeed, trials, ViolationLog } from './support/settings.ts';
import { removeTempDirs, tempDir } from './support/temp-dirs.ts';

const SEED = suiteSeed(1306);
const TRIALS = trials(12, 120);

const ROUTES: Record<string, (body: unknown) => unknown> = {
  'GET /fapi/v3/exchangeInfo': (b) => parseExchangeInfo(b, 'perp'),
  'GET /api/v3/exchangeInfo': (b) => parseExchangeInfo(b, 'spot'),
  'GET /fapi/v3/premiumIndex': (b) => parsePremiumIndexList(b),
  'GET /fapi/v3/fundingInfo': (b) => parseFundingInfoList(b),
  'GET /fapi/v3/ticker/24hr': (b) => parseTicker24hList(b),
  'GET /api/v3/ticker/24hr': (b) => parseSpotTicker24hList(b),
  'GET /fapi/v3/ticker/bookTicker': (b) => parseBookTickerList(b),
  'GET /api/v3/ticker/bookTicker': (b) => parseBookTickerList(b),
  'GET /api/v3/account': (b) => parseSpotAccount(b),
  'GET /fapi/v3/balance': (b) => parsePerpBalances(b),
  'GET /fapi/v3/positionRisk': (b) => parsePositionRisk(b),
};

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const figures = { trials: 0, faults: 0, violations: 0, ordersOnRejected: 0, controlOrders: 0 };
const violations = new ViolationLog();
let sim: SimulatorHandle;
let proxy: MutatingProxy;

beforeAll(async () => {
  sim = await startSimulator({ seed: SEED, pairs: 6, rateLimits: false, warn: () => {} });
  proxy = new MutatingProxy(sim.url);
  await proxy.start();
});

afterAll(async () => {
  await proxy?.close();
  await sim?.close();
  removeTempDirs();
  console.log(figuresLine('bad-input/engine', { ...figures, violations: violations.count, seed: SEED }));
});

/** One check iteration of a fresh engine on a fresh account; returns the new orders the exchange received. */
async function iterate(): Promise<number> {
  sim.reset();
  // A clear opportunity, so that an iteration on sound data opens a position.
  await sim.setFundingRate('BTCUSDT', dec('0.0008'));
  const venue = createAsterVenue({
    futuresBaseUrl: proxy.url,
    spotBaseUrl: proxy.url,
    futuresWsUrl: sim.wsUrl,
    spotWsUrl: sim.spotWsUrl,
    signing: { scheme: 'eip712', chainId: 1666, ...DEMO_V3 },
    requestTimeoutMs: 2_000,
    clock: sim.clock,
    transport: { retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50 } },
  });
  const store = openStore(mkdtempSync(join(tempDir(), 'data-')), { clock: sim.clock, command: 'bad-input engine' });
  const config = defaultConfig();
  try {
    const engine = createEngine({
      venue,
      store,
      clock: sim.clock,
      params: strategyParamsFromConfig(config),
      settings: engineSettingsFromConfig(config),
      events: () => {},
      logger: silent,
    });
    await engine.run(new AbortController().signal, { once: true });
  } finally {
    await venue.close();
    store.close();
  }
  return sim.requests().filter((r) => r.endpoint === 'spot.order.new' || r.endpoint === 'perp.order.new').length;
}

describe('bad input: the engine on a mutated answer', () => {
  it('the control iteration on untouched answers trades', async () => {
    proxy.clear();
    figures.controlOrders = await iterate();
    expect(figures.controlOrders).toBeGreaterThan(0);
  }, 60_000);

  it('no order reaches the exchange when an answer the decision needs is rejected', async () => {
    const rng = new SeededRandom(SEED);
    const routes = Object.keys(ROUTES);
    for (let trial = 0; trial < TRIALS; trial++) {
      const route = routes[trial % routes.length] as string;
      const parse = ROUTES[route] as (body: unknown) => unknown;
      const mutationSeed = rng.int(2 ** 31);
      let description = '';
      let rejected = false;
      proxy.target(route, (text) => {
        // The same mutation for every answer of this trial (the body itself moves with the market).
        const m = mutateDocument(JSON.parse(text), new SeededRandom(mutationSeed), 0.3);
        description = m.description;
        try {
          parse(parseJsonText(m.text, route));
        } catch {
          rejected = true;
        }
        return m.text;
      });
      const orders = await iterate();
      proxy.clear();
      figures.trials++;
      if (!rejected) continue;
      figures.faults++;
      if (orders > 0) {
        figures.ordersOnRejected += orders;
        violations.add(
          `trial ${trial} (${route}; ${description}): ${orders} order(s) sent although the answer was rejected`,
        );
      }
    }
    expect(violations.count, violations.summary()).toBe(0);
    expect(figures.faults).toBeGreaterThan(TRIALS / 3);
  }, 300_000);
});
