/**
 * Every endpoint the simulator serves that has a documented example under
 * test/fixtures/realdata/aster-docs-examples (futures and spot, V1 and V3) answers with the same keys and the same
 * JSON types as the example, except for the deliberate differences listed (each with its reason). The test also
 * checks that every listed difference still occurs, so the list cannot go stale.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_V1_FUTURES } from '../../../src/sim/auth/demo.ts';
import type { Reply, V3Identity } from './support/client.ts';
import { DEMO, type Harness, startHarness } from './support/harness.ts';
import { loadExample, shapeDiff } from './support/shape.ts';

const EXAMPLES = join(import.meta.dirname, '../../fixtures/realdata/aster-docs-examples');

/** Why the simulator deliberately differs from a documentation example. */
const REASONS = {
  liveString:
    'live responses carry this integer as a JSON string (aster-api.md §4 "Parse leniently"); the simulator sends the live form so clients are exercised on it',
  liveExtra:
    'present in live responses though missing from the doc example (aster-api.md §4.1/§4.3, CCXT live samples)',
  trailingOnly:
    'the doc example is a TRAILING_STOP_MARKET order; these fields exist only for trailing orders, which the simulator does not offer',
  noRestingSpot: 'the simulator has no resting spot orders (MARKET only), so open-order lists are empty',
} as const;

interface Case {
  file: string;
  call: () => Promise<Reply>;
  /** Expected differences: JSON path → reason. */
  except?: Record<string, string>;
}

let h: Harness;
/** An identity with no position, for the calls that refuse to run with one (margin type, position mode). */
let flat: V3Identity;
const cases: Case[] = [];
const lastCases: Case[] = [];

type Family = 'v1' | 'v3';

function fileFor(family: Family, market: 'perp' | 'spot', method: string, path: string, variant = ''): string {
  const folder = `${market === 'perp' ? 'futures' : 'spot'}-${family}`;
  const base = `${method}__${path.slice(1).replaceAll('/', '_')}${variant}`;
  const json = join(EXAMPLES, folder, `${base}.json`);
  return existsSync(json) ? json : join(EXAMPLES, folder, `${base}.jsonc`);
}

function signed(
  family: Family,
  identity: V3Identity,
  method: string,
  path: string,
  params: Record<string, string> = {},
) {
  return family === 'v3'
    ? h.client.v3(identity, method, path, params)
    : h.client.hmac(DEMO_V1_FUTURES, method, path, params);
}

function futuresCases(family: Family): void {
  const p = (suffix: string) => `/fapi/${family}/${suffix}`;
  const add = (
    method: string,
    path: string,
    call: () => Promise<Reply>,
    variant = '',
    except: Record<string, string> = {},
  ) => cases.push({ file: fileFor(family, 'perp', method, path, variant), call, except });
  const orderExcept = { '$.activatePrice': REASONS.trailingOnly, '$.priceRate': REASONS.trailingOnly };

  add('GET', p('ping'), () => h.client.get(p('ping')));
  add('GET', p('time'), () => h.client.get(p('time')));
  add('GET', p('exchangeInfo'), () => h.client.get(p('exchangeInfo')), '', {
    '$.serverTime': REASONS.liveString,
    '$.futuresType': REASONS.liveExtra,
  });
  add('GET', p('depth'), () => h.client.get(p('depth'), 'symbol=BTCUSDT&limit=5'));
  add('GET', p('premiumIndex'), () => h.client.get(p('premiumIndex'), 'symbol=BTCUSDT'));
  add('GET', p('premiumIndex'), () => h.client.get(p('premiumIndex')), '__1');
  add('GET', p('fundingInfo'), () => h.client.get(p('fundingInfo')));
  add('GET', p('fundingRate'), () => h.client.get(p('fundingRate'), 'symbol=BTCUSDT'));
  add('GET', p('ticker/24hr'), () => h.client.get(p('ticker/24hr'), 'symbol=BTCUSDT'));
  add('GET', p('ticker/24hr'), () => h.client.get(p('ticker/24hr')), '__1');
  add('GET', p('ticker/bookTicker'), () => h.client.get(p('ticker/bookTicker'), 'symbol=BTCUSDT'), '', {
    '$.lastUpdateId': REASONS.liveExtra,
  });
  add('GET', p('ticker/bookTicker'), () => h.client.get(p('ticker/bookTicker')), '__1', {
    '$[].lastUpdateId': REASONS.liveExtra,
  });
  add('GET', p('ticker/price'), () => h.client.get(p('ticker/price'), 'symbol=BTCUSDT'));
  add('GET', p('ticker/price'), () => h.client.get(p('ticker/price')), '__1');

  const balancePath = family === 'v3' ? p('balance') : '/fapi/v2/balance';
  add('GET', balancePath, () => signed(family, DEMO, 'GET', balancePath));
  const accountPath = family === 'v3' ? p('accountWithJoinMargin') : '/fapi/v4/account';
  add('GET', accountPath, () => signed(family, DEMO, 'GET', accountPath), '', {
    '$.positions[].notional': REASONS.liveExtra,
    '$.positions[].isolatedWallet': REASONS.liveExtra,
  });
  const riskPath = family === 'v3' ? p('positionRisk') : '/fapi/v2/positionRisk';
  const riskExcept = { '$[].notional': REASONS.liveExtra, '$[].isolatedWallet': REASONS.liveExtra };
  add('GET', riskPath, () => signed(family, DEMO, 'GET', riskPath, { symbol: 'BTCUSDT' }), '', riskExcept);
  add('GET', riskPath, () => signed(family, DEMO, 'GET', riskPath), '__1', riskExcept);
  add('GET', p('commissionRate'), () => signed(family, DEMO, 'GET', p('commissionRate'), { symbol: 'BTCUSDT' }));
  add(
    'POST',
    p('order'),
    () =>
      signed(family, DEMO, 'POST', p('order'), {
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'MARKET',
        quantity: '0.002',
        newOrderRespType: 'RESULT',
      }),
    '',
    orderExcept,
  );
  add(
    'GET',
    p('order'),
    () => signed(family, DEMO, 'GET', p('order'), { symbol: 'BTCUSDT', origClientOrderId: 'stop-a' }),
    '',
    orderExcept,
  );
  add(
    'GET',
    p('openOrder'),
    () => signed(family, DEMO, 'GET', p('openOrder'), { symbol: 'BTCUSDT', origClientOrderId: 'stop-a' }),
    '',
    orderExcept,
  );
  add('GET', p('openOrders'), () => signed(family, DEMO, 'GET', p('openOrders'), { symbol: 'BTCUSDT' }), '', {
    '$[].activatePrice': REASONS.trailingOnly,
    '$[].priceRate': REASONS.trailingOnly,
  });
  add(
    'DELETE',
    p('order'),
    () => signed(family, DEMO, 'DELETE', p('order'), { symbol: 'BTCUSDT', origClientOrderId: `stop-b-${family}` }),
    '',
    orderExcept,
  );
  add('POST', p('leverage'), () => signed(family, DEMO, 'POST', p('leverage'), { symbol: 'BTCUSDT', leverage: '2' }));
  add('POST', p('marginType'), () =>
    family === 'v3'
      ? h.client.v3(flat, 'POST', p('marginType'), { symbol: 'ETHUSDT', marginType: 'ISOLATED' })
      : signed(family, DEMO, 'POST', p('marginType'), { symbol: 'PERPONLYUSDT', marginType: 'ISOLATED' }),
  );
  add('GET', p('positionSide/dual'), () => signed(family, DEMO, 'GET', p('positionSide/dual')));
  add('POST', p('positionSide/dual'), () =>
    family === 'v3'
      ? h.client.v3(flat, 'POST', p('positionSide/dual'), { dualSidePosition: 'true' })
      : h.client.v3(flat, 'POST', '/fapi/v3/positionSide/dual', { dualSidePosition: 'false' }),
  );
  add('GET', p('income'), () => signed(family, DEMO, 'GET', p('income')));
  add('GET', p('userTrades'), () => signed(family, DEMO, 'GET', p('userTrades'), { symbol: 'BTCUSDT' }), '', {
    '$[].marginAsset': REASONS.liveExtra,
  });
  add('POST', p('asset/wallet/transfer'), () =>
    signed(family, DEMO, 'POST', p('asset/wallet/transfer'), {
      asset: 'USDT',
      amount: '1',
      kindType: 'FUTURE_SPOT',
      clientTranId: `shape-${family}`,
    }),
  );
  const listenKey = (method: string) =>
    family === 'v3'
      ? h.client.v3(DEMO, method, p('listenKey'))
      : fetch(`${h.sim.url}${p('listenKey')}`, { method, headers: { 'X-MBX-APIKEY': DEMO_V1_FUTURES.apiKey } }).then(
          async (r) => ({ status: r.status, headers: r.headers, body: await r.json() }),
        );
  add('POST', p('listenKey'), () => listenKey('POST'));
  add('PUT', p('listenKey'), () => listenKey('PUT'));
  add('DELETE', p('listenKey'), () => listenKey('DELETE'));
  // Runs after every other case: it cancels the stop orders the order cases read.
  lastCases.push({
    file: fileFor(family, 'perp', 'DELETE', p('allOpenOrders')),
    call: () => signed(family, DEMO, 'DELETE', p('allOpenOrders'), { symbol: 'BTCUSDT' }),
  });
}

function spotCases(family: Family): void {
  const p = (suffix: string) => `/api/${family}/${suffix}`;
  const add = (
    method: string,
    path: string,
    call: () => Promise<Reply>,
    variant = '',
    except: Record<string, string> = {},
  ) => cases.push({ file: fileFor(family, 'spot', method, path, variant), call, except });
  const orderExcept = {
    '$.orderId': REASONS.liveString,
    '$.updateTime': REASONS.liveString,
    '$.orderListId': REASONS.liveExtra,
  };

  add('GET', p('ping'), () => h.client.get(p('ping')));
  add('GET', p('time'), () => h.client.get(p('time')));
  add('GET', p('exchangeInfo'), () => h.client.get(p('exchangeInfo')));
  add('GET', p('depth'), () => h.client.get(p('depth'), 'symbol=BTCUSDT&limit=5'));
  add('GET', p('ticker/24hr'), () => h.client.get(p('ticker/24hr'), 'symbol=BTCUSDT'), '', {
    '$.openTime': REASONS.liveString,
    '$.count': REASONS.liveString,
  });
  add('GET', p('ticker/bookTicker'), () => h.client.get(p('ticker/bookTicker'), 'symbol=BTCUSDT'));
  add('GET', p('ticker/bookTicker'), () => h.client.get(p('ticker/bookTicker')), '__1');
  add('GET', p('ticker/price'), () => h.client.get(p('ticker/price'), 'symbol=BTCUSDT'));
  add('GET', p('ticker/price'), () => h.client.get(p('ticker/price')), '__1');
  add('GET', p('account'), () => signed(family, DEMO, 'GET', p('account')), '', {
    '$.feeTier': REASONS.liveString,
    '$.updateTime': REASONS.liveString,
  });
  add('GET', p('commissionRate'), () => signed(family, DEMO, 'GET', p('commissionRate'), { symbol: 'BTCUSDT' }));
  add(
    'POST',
    p('order'),
    () =>
      signed(family, DEMO, 'POST', p('order'), { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002' }),
    '',
    orderExcept,
  );
  add(
    'GET',
    p('order'),
    () => signed(family, DEMO, 'GET', p('order'), { symbol: 'BTCUSDT', origClientOrderId: 'spot-a' }),
    '',
    orderExcept,
  );
  add('GET', p('openOrders'), () => signed(family, DEMO, 'GET', p('openOrders'), { symbol: 'BTCUSDT' }), '', {
    $: REASONS.noRestingSpot,
  });
  add('GET', p('userTrades'), () => signed(family, DEMO, 'GET', p('userTrades'), { symbol: 'BTCUSDT' }));
  add('POST', p('asset/wallet/transfer'), () =>
    signed(family, DEMO, 'POST', p('asset/wallet/transfer'), {
      asset: 'USDT',
      amount: '1',
      kindType: 'SPOT_FUTURE',
      clientTranId: `shape-spot-${family}`,
    }),
  );
  let key = '';
  const listenKey = async (method: string) => {
    const params: Record<string, string> = method === 'POST' ? {} : { listenKey: key };
    const reply =
      family === 'v3'
        ? await h.client.v3(DEMO, method, p('listenKey'), params)
        : await fetch(`${h.sim.url}${p('listenKey')}${method === 'POST' ? '' : `?listenKey=${key}`}`, {
            method,
            headers: { 'X-MBX-APIKEY': DEMO_V1_FUTURES.apiKey },
          }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.json() }));
    if (method === 'POST') key = reply.body.listenKey;
    return reply;
  };
  add('POST', p('listenKey'), () => listenKey('POST'));
  add('PUT', p('listenKey'), () => listenKey('PUT'));
  add('DELETE', p('listenKey'), () => listenKey('DELETE'));
}

beforeAll(async () => {
  h = await startHarness({ rateLimits: false });
  const flatKey = generatePrivateKey();
  flat = {
    user: privateKeyToAccount(flatKey).address,
    signer: privateKeyToAccount(flatKey).address,
    privateKey: flatKey,
  };
  const must = async (reply: Promise<Reply>) => {
    const r = await reply;
    if (r.status !== 200) throw new Error(`setup failed: ${JSON.stringify(r.body)}`);
    return r;
  };
  await must(
    h.client.v3(DEMO, 'POST', '/api/v3/asset/wallet/transfer', {
      asset: 'USDT',
      amount: '5000',
      kindType: 'SPOT_FUTURE',
      clientTranId: 'setup',
    }),
  );
  await must(
    h.client.v3(DEMO, 'POST', '/fapi/v3/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01' }),
  );
  await must(
    h.client.v3(DEMO, 'POST', '/api/v3/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.01',
      newClientOrderId: 'spot-a',
    }),
  );
  const stop = (id: string) => ({
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'STOP_MARKET',
    stopPrice: '120000',
    quantity: '0.001',
    reduceOnly: 'true',
    newClientOrderId: id,
  });
  for (const id of ['stop-a', 'stop-b-v1', 'stop-b-v3'])
    await must(h.client.v3(DEMO, 'POST', '/fapi/v3/order', stop(id)));
  await h.sim.advance(2 * 60_000);
  futuresCases('v3');
  futuresCases('v1');
  spotCases('v3');
  spotCases('v1');
  cases.push(...lastCases);
});

afterAll(async () => {
  await h.sim.close();
});

describe('response shapes match the documented examples', () => {
  it('covers every served endpoint that has an example', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    for (const c of cases) expect(existsSync(c.file), c.file).toBe(true);
  });

  it('agrees with each example, apart from the listed deliberate differences', async () => {
    const problems: string[] = [];
    for (const c of cases) {
      const reply = await c.call();
      const name = c.file.slice(EXAMPLES.length + 1);
      if (reply.status !== 200) {
        problems.push(`${name}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
        continue;
      }
      const diffs = shapeDiff(loadExample(c.file), reply.body);
      const excepted = new Set(Object.keys(c.except ?? {}));
      for (const d of diffs) {
        const path = d.slice(0, d.indexOf(':'));
        if (!excepted.has(path)) problems.push(`${name}: ${d}`);
      }
      for (const path of excepted) {
        if (!diffs.some((d) => d.startsWith(`${path}:`)))
          problems.push(`${name}: listed difference ${path} no longer occurs`);
      }
    }
    expect(problems).toEqual([]);
  });
});
