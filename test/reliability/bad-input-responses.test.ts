/**
 * Bad input, exchange responses: seeded mutations of the recorded Aster examples under test/fixtures/realdata,
 * (1) straight through the schema parsers, including values JSON cannot carry (NaN, Infinity, undefined), and
 * (2) through the real client (`AsterVenue`, signing with a key) against a loopback exchange that answers the
 * mutated body.
 *
 * Each must give an `InvalidDataError` naming the field — or, from the client, an `AsterApiError` that names the
 * endpoint because the body is not JSON or is an Aster error — or a result whose every number and decimal is
 * finite, with no decimal field lost. Nothing else may be thrown, no order may reach the exchange, and no private
 * key or request signature may appear in an error or a log line.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_V3 } from '../../src/sim/auth/demo.ts';
import { type AsterVenue, createAsterVenue } from '../../src/venue/aster/index.ts';
import type { AsterLogger } from '../../src/venue/aster/log.ts';
import { parseJsonText } from '../../src/venue/aster/schemas/index.ts';
import { FixtureExchange } from './support/fixture-exchange.ts';
import { parseProblems } from './support/invariants.ts';
import { mutateDocument, mutateText, mutateValue } from './support/mutate.ts';
import { SeededRandom } from './support/random.ts';
import { RECORDED_RESPONSES, recordedBody, recordedText } from './support/realdata.ts';
import { figuresLine, suiteSeed, trials, ViolationLog } from './support/settings.ts';
import { judgeReadError } from './support/verdicts.ts';

const SEED = suiteSeed(1303);
const PARSER_TRIALS = trials(3000, 30_000);
const CLIENT_TRIALS = trials(300, 3000);

const figures = { trials: 0, faults: 0, violations: 0, ordersSent: 0, parserTrials: 0, clientTrials: 0 };

afterAll(() => {
  console.log(figuresLine('bad-input/responses', { ...figures, seed: SEED }));
});

describe('bad input: recorded responses through the schema parsers', () => {
  it('every mutated body gives an InvalidDataError naming the field, or a sound parse', () => {
    const rng = new SeededRandom(SEED);
    const violations = new ViolationLog();
    const cases = RECORDED_RESPONSES.map((r) => {
      const body = recordedBody(r.file);
      return { ...r, body, baseline: r.parse(body, r.file) };
    });
    for (let trial = 0; trial < PARSER_TRIALS; trial++) {
      const c = cases[trial % cases.length] as (typeof cases)[number];
      const asText = rng.chance(0.15);
      const mutation = asText ? mutateText(recordedText(c.file), rng) : mutateValue(c.body, rng, { nonJson: true });
      const where = `parser trial ${trial} (${c.file}; ${mutation.description})`;
      figures.trials++;
      figures.parserTrials++;
      try {
        // Text goes the client's own way from text to value (lossless numbers, InvalidDataError on broken JSON).
        const body = 'text' in mutation ? parseJsonText(mutation.text, c.file) : mutation.value;
        const parsed = c.parse(body, c.file);
        for (const problem of parseProblems(parsed, c.baseline)) violations.add(`${where}: parsed with ${problem}`);
      } catch (error) {
        const verdict = judgeReadError(error);
        if (verdict.clear) figures.faults++;
        if (verdict.problem !== null) violations.add(`${where}: ${verdict.problem}`);
      }
    }
    figures.violations += violations.count;
    expect(violations.count, violations.summary()).toBe(0);
    expect(figures.faults).toBeGreaterThan(PARSER_TRIALS / 3);
  });
});

interface Scenario {
  name: string;
  /** Routes the call reads; one of them gets the mutated body. */
  routes: readonly string[];
  call: (venue: AsterVenue) => Promise<unknown>;
}

const DOCS = 'aster-docs-examples';
const NET = 'aster-net-fixtures/Endpoints';

/** The good body of every route the scenarios read. List endpoints get the recorded list examples. */
const ROUTE_BODIES: Record<string, () => string> = {
  'GET /fapi/v3/time': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_time.json`),
  'GET /fapi/v3/exchangeInfo': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_exchangeInfo.json`),
  'GET /api/v3/exchangeInfo': () => recordedText(`${DOCS}/spot-v3/GET__api_v3_exchangeInfo.json`),
  'GET /fapi/v3/premiumIndex': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_premiumIndex__1.json`),
  'GET /fapi/v3/fundingInfo': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_fundingInfo.json`),
  'GET /fapi/v3/fundingRate': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_fundingRate.json`),
  'GET /fapi/v3/ticker/24hr': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_ticker_24hr__1.json`),
  // The spot docs show the single-symbol form only; the all-symbols answer is a list of the same objects.
  'GET /api/v3/ticker/24hr': () => `[${recordedText(`${DOCS}/spot-v3/GET__api_v3_ticker_24hr.json`)}]`,
  'GET /fapi/v3/ticker/bookTicker': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_ticker_bookTicker__1.json`),
  'GET /api/v3/ticker/bookTicker': () => recordedText(`${DOCS}/spot-v3/GET__api_v3_ticker_bookTicker__1.json`),
  'GET /fapi/v3/balance': () => recordedText(`${NET}/FuturesV3/Account/GetBalances.json`),
  'GET /api/v3/account': () => recordedText(`${NET}/SpotV3/Account/GetAccountInfo.json`),
  'GET /fapi/v3/positionRisk': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_positionRisk.json`),
  'GET /fapi/v3/commissionRate': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_commissionRate.json`),
  'GET /fapi/v3/order': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_order.json`),
  'GET /api/v3/order': () => recordedText(`${DOCS}/spot-v3/GET__api_v3_order.json`),
  'GET /fapi/v3/openOrders': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_openOrders.json`),
  'GET /fapi/v3/income': () => recordedText(`${DOCS}/futures-v3/GET__fapi_v3_income.json`),
  'POST /fapi/v3/leverage': () => recordedText(`${DOCS}/futures-v3/POST__fapi_v3_leverage.json`),
};

const SCAN_ROUTES = [
  'GET /fapi/v3/exchangeInfo',
  'GET /api/v3/exchangeInfo',
  'GET /fapi/v3/premiumIndex',
  'GET /fapi/v3/fundingInfo',
  'GET /fapi/v3/ticker/24hr',
  'GET /api/v3/ticker/24hr',
  'GET /fapi/v3/ticker/bookTicker',
  'GET /api/v3/ticker/bookTicker',
];

const SCENARIOS: readonly Scenario[] = [
  { name: 'scan snapshot', routes: SCAN_ROUTES, call: (v) => v.scanSnapshot() },
  { name: 'perp markets', routes: ['GET /fapi/v3/exchangeInfo'], call: (v) => v.perpMarkets({ refresh: true }) },
  { name: 'spot markets', routes: ['GET /api/v3/exchangeInfo'], call: (v) => v.spotMarkets({ refresh: true }) },
  { name: 'funding history', routes: ['GET /fapi/v3/fundingRate'], call: (v) => v.fundingHistory('BTCUSDT', 9) },
  { name: 'server time', routes: ['GET /fapi/v3/time'], call: (v) => v.serverTimeMs() },
  { name: 'perp balances', routes: ['GET /fapi/v3/balance'], call: (v) => v.perpBalances() },
  { name: 'spot balances', routes: ['GET /api/v3/account'], call: (v) => v.spotBalances() },
  { name: 'perp positions', routes: ['GET /fapi/v3/positionRisk'], call: (v) => v.perpPositions() },
  { name: 'commission', routes: ['GET /fapi/v3/commissionRate'], call: (v) => v.commissionRates('perp', 'BTCUSDT') },
  {
    name: 'perp order query',
    routes: ['GET /fapi/v3/order'],
    call: (v) => v.getOrder('perp', 'BTCUSDT', 'dnf-q-1-perp-0'),
  },
  {
    name: 'spot order query',
    routes: ['GET /api/v3/order'],
    call: (v) => v.getOrder('spot', 'BTCUSDT', 'dnf-q-1-spot-0'),
  },
  { name: 'open orders', routes: ['GET /fapi/v3/openOrders'], call: (v) => v.openOrders('perp', 'BTCUSDT') },
  { name: 'income', routes: ['GET /fapi/v3/income'], call: (v) => v.income({ symbol: 'BTCUSDT', startTimeMs: 0 }) },
  { name: 'leverage', routes: ['POST /fapi/v3/leverage'], call: (v) => v.setLeverage('BTCUSDT', 2) },
];

describe('bad input: mutated responses through the real client', () => {
  const exchange = new FixtureExchange();
  const logLines: string[] = [];
  const logger: AsterLogger = {
    debug: (o, m) => logLines.push(`${m} ${JSON.stringify(o)}`),
    info: (o, m) => logLines.push(`${m} ${JSON.stringify(o)}`),
    warn: (o, m) => logLines.push(`${m} ${JSON.stringify(o)}`),
    error: (o, m) => logLines.push(`${m} ${JSON.stringify(o)}`),
  };
  const newVenue = () =>
    createAsterVenue({
      futuresBaseUrl: exchange.url,
      spotBaseUrl: exchange.url,
      futuresWsUrl: exchange.url.replace('http', 'ws'),
      spotWsUrl: exchange.url.replace('http', 'ws'),
      signing: {
        scheme: 'eip712',
        chainId: 1666,
        user: DEMO_V3.user,
        signer: DEMO_V3.signer,
        privateKey: DEMO_V3.privateKey,
      },
      requestTimeoutMs: 5_000,
      logger,
      // One try: a mutated body is not a transient failure, and retries only slow the suite down.
      transport: { retry: { maxAttempts: 1 } },
    });

  beforeAll(async () => {
    for (const [route, body] of Object.entries(ROUTE_BODIES)) exchange.set(route, body());
    await exchange.start();
  });

  afterAll(async () => {
    await exchange.close();
  });

  it('the unmutated recorded responses go through every scenario', async () => {
    for (const scenario of SCENARIOS) {
      const venue = newVenue();
      try {
        await expect(scenario.call(venue), scenario.name).resolves.toBeDefined();
      } finally {
        await venue.close();
      }
    }
  });

  it('every mutated response gives a clear error or a sound result, sends no order and leaks no secret', async () => {
    const rng = new SeededRandom(SEED + 1);
    const violations = new ViolationLog();
    const baselines = new Map<string, unknown>();
    for (const scenario of SCENARIOS) {
      const venue = newVenue();
      baselines.set(scenario.name, await scenario.call(venue));
      await venue.close();
    }
    const errorTexts: string[] = [];
    for (let trial = 0; trial < CLIENT_TRIALS; trial++) {
      const scenario = SCENARIOS[trial % SCENARIOS.length] as Scenario;
      const route = rng.pick(scenario.routes);
      const good = JSON.parse((ROUTE_BODIES[route] as () => string)()) as unknown;
      const mutation = mutateDocument(good, rng, 0.3);
      const where = `client trial ${trial} (${scenario.name}; ${route}; ${mutation.description})`;
      exchange.override(route, mutation.text);
      const venue = newVenue();
      figures.trials++;
      figures.clientTrials++;
      try {
        const result = await scenario.call(venue);
        for (const problem of parseProblems(result, baselines.get(scenario.name))) {
          violations.add(`${where}: returned ${problem}`);
        }
      } catch (error) {
        errorTexts.push(`${String(error)} ${inspect(error, { depth: 6 })}`);
        const verdict = judgeReadError(error);
        if (verdict.clear) figures.faults++;
        if (verdict.problem !== null) violations.add(`${where}: ${verdict.problem}`);
      } finally {
        exchange.clearOverride();
        await venue.close();
      }
    }
    figures.ordersSent = exchange.ordersReceived();
    if (figures.ordersSent > 0) violations.add(`${figures.ordersSent} order request(s) reached the exchange`);

    const key = DEMO_V3.privateKey.slice(2).toLowerCase();
    const signatures = exchange.signaturesSeen().map((s) => s.replace(/^0x/, '').toLowerCase());
    expect(signatures.length).toBeGreaterThan(0);
    const texts = [...errorTexts, ...logLines].map((t) => t.toLowerCase());
    for (const text of texts) {
      if (text.includes(key)) violations.add(`the private key appears in: ${text.slice(0, 120)}`);
      const leaked = signatures.find((s) => s.length >= 64 && text.includes(s.slice(0, 64)));
      if (leaked !== undefined) violations.add(`a request signature appears in: ${text.slice(0, 120)}`);
    }

    figures.violations += violations.count;
    expect(violations.count, violations.summary()).toBe(0);
    expect(figures.faults).toBeGreaterThan(CLIENT_TRIALS / 4);
  });
});
