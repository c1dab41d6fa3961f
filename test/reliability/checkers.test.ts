/**
 * The reliability suites report zero violations only if their checkers can see one: these cases feed each checker
 * a known-bad outcome and require it to be flagged, and the mutation generator to be reproducible and varied.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, strategyParamsFromConfig } from '../../src/config/index.ts';
import { Decimal, dec } from '../../src/domain/decimal.ts';
import { createEngine, engineSettingsFromConfig } from '../../src/engine/runtime.ts';
import { InvalidDataError } from '../../src/errors.ts';
import { DEMO_V3, startSimulator } from '../../src/sim/index.ts';
import { openStore } from '../../src/store/index.ts';
import { AsterApiError } from '../../src/venue/aster/errors.ts';
import { createAsterVenue } from '../../src/venue/aster/index.ts';
import { auditMoney, auditOrders } from './support/audit.ts';
import { FixtureExchange } from './support/fixture-exchange.ts';
import { lostDecimals, nonFiniteLeaves, parseProblems } from './support/invariants.ts';
import { mutateDocument, mutateValue } from './support/mutate.ts';
import { SeededRandom } from './support/random.ts';
import { ACCOUNT } from './support/soak.ts';
import { judgeReadError } from './support/verdicts.ts';

describe('reliability checkers flag bad outcomes', () => {
  it('non-finite numbers and decimals anywhere in a result', () => {
    expect(nonFiniteLeaves({ a: [{ b: new Decimal(Number.NaN) }] })).toEqual(['$.a[0].b is NaN']);
    expect(nonFiniteLeaves(new Map([['x', { p: Number.POSITIVE_INFINITY }]]))).toEqual(['$.x.p is Infinity']);
    expect(nonFiniteLeaves({ a: dec('1.5'), b: 3, c: null })).toEqual([]);
  });

  it('a decimal field that became undefined, compared with the parse of the unmutated input', () => {
    const baseline = { price: dec('1'), rows: [{ qty: dec('2'), type: 'x' }] };
    expect(lostDecimals(baseline, { price: undefined, rows: [{ qty: dec('2'), type: 'x' }] })).toEqual([
      '$.price is undefined',
    ]);
    expect(lostDecimals(baseline, { price: dec('1'), rows: [{ type: 'x' }] })).toEqual(['$.rows[0].qty is undefined']);
    // null is an explicit "none"; a different kind of list item is not compared.
    expect(parseProblems({ price: null, rows: [{ type: 'y' }] }, baseline)).toEqual([]);
  });

  it('errors: a named InvalidDataError is clear, a TypeError is a crash', () => {
    expect(judgeReadError(new InvalidDataError('perp premiumIndex', '[0].markPrice', 'bad'))).toEqual({
      clear: true,
      problem: null,
    });
    expect(judgeReadError(new TypeError("Cannot read properties of undefined (reading 'x')")).problem).toMatch(
      /crashed with TypeError/,
    );
    const network = new AsterApiError({ kind: 'retryable', reason: 'network', endpoint: 'GET /x', sent: false });
    expect(judgeReadError(network).clear).toBe(false);
  });

  it('mutations are reproducible from the seed and cover many operators', () => {
    const doc = { a: { b: 1, c: 'x', d: [1, 2, 3] }, e: true };
    const run = (seed: number) => {
      const rng = new SeededRandom(seed);
      return Array.from({ length: 200 }, () => mutateDocument(doc, rng).description);
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    const operators = new Set(
      run(5).map((d) =>
        d
          .replace(/→.*$/, '')
          .replace(/^.*?: /, '')
          .replace(/ at \d+.*$/, ''),
      ),
    );
    expect(operators.size).toBeGreaterThan(12);
    const rng = new SeededRandom(1);
    const values = Array.from({ length: 200 }, () => mutateValue(doc, rng, { nonJson: true }).value);
    expect(values.some((v) => nonFiniteLeaves(v).length > 0)).toBe(true);
    expect(doc).toEqual({ a: { b: 1, c: 'x', d: [1, 2, 3] }, e: true });
  });
});

describe('the fixture exchange counts what reaches it', () => {
  const exchange = new FixtureExchange();
  beforeAll(() => exchange.start());
  afterAll(() => exchange.close());

  it('counts order requests on both markets and keeps the signatures sent', async () => {
    exchange.set('GET /fapi/v3/time', '{"serverTime":1}');
    await fetch(`${exchange.url}/fapi/v3/time`);
    await fetch(`${exchange.url}/fapi/v3/order`, { method: 'POST', body: 'symbol=X&signature=0xabc' });
    await fetch(`${exchange.url}/api/v3/order?signature=0xdef`, { method: 'POST' });
    await fetch(`${exchange.url}/fapi/v3/order?signature=0x123`, { method: 'GET' });
    expect(exchange.ordersReceived()).toBe(2);
    expect(exchange.signaturesSeen()).toEqual(['0xabc', '0xdef', '0x123']);
    exchange.override('GET /fapi/v3/time', 'garbage');
    expect(await (await fetch(`${exchange.url}/fapi/v3/time`)).text()).toBe('garbage');
  });
});

describe('the money and order audits see a wrong store', () => {
  it('a clean open and close audits clean; a funding payment the exchange never made is flagged', async () => {
    const sim = await startSimulator({ seed: 3, pairs: 6, rateLimits: false, warn: () => {} });
    const dir = mkdtempSync(join(tmpdir(), 'dnfarm-audit-'));
    const venue = createAsterVenue({
      futuresBaseUrl: sim.url,
      spotBaseUrl: sim.url,
      futuresWsUrl: sim.wsUrl,
      spotWsUrl: sim.spotWsUrl,
      signing: { scheme: 'eip712', chainId: 1666, ...DEMO_V3 },
      clock: sim.clock,
    });
    const store = openStore(dir, { clock: sim.clock, command: 'audit check' });
    try {
      await sim.setFundingRate('BTCUSDT', dec('0.0008'));
      const config = defaultConfig();
      const engine = createEngine({
        venue,
        store,
        clock: sim.clock,
        params: strategyParamsFromConfig(config),
        settings: engineSettingsFromConfig(config),
        events: () => {},
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      });
      await engine.run(new AbortController().signal, { once: true });
      const position = store.positions.active();
      expect(position).not.toBeNull();
      expect((await engine.executor.closePosition(position?.id ?? -1, 'manual')).status).toBe('closed');

      expect(auditOrders(sim, ACCOUNT)).toEqual([]);
      const clean = auditMoney(sim, store, ACCOUNT);
      expect(clean.problems).toEqual([]);
      expect(clean.positionsChecked).toBe(1);
      expect(clean.auditedPnlUsdt.isZero()).toBe(false);

      store.funding.record(
        {
          symbol: position?.symbol ?? 'BTCUSDT',
          incomeType: 'FUNDING_FEE',
          income: dec('0.02'),
          asset: 'USDT',
          timeMs: sim.clock.nowMs(),
          tranId: 'invented-1',
          tradeId: '',
        },
        position?.id ?? null,
      );
      const wrong = auditMoney(sim, store, ACCOUNT);
      expect(wrong.problems.some((p) => p.startsWith(`position ${position?.id}`))).toBe(true);
      expect(wrong.problems.some((p) => p.startsWith('funding:'))).toBe(true);
    } finally {
      await venue.close();
      store.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
