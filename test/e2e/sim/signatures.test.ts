/**
 * Authentication over real loopback HTTP, as Aster does it: EIP-712 V3 (signature over the exact parameter string,
 * nonce window and replay list), V1 HMAC (key, timestamp, recvWindow) and the opt-in legacy ABI scheme.
 */
import { encodeAbiParameters, type Hex, keccak256 } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_V1_FUTURES, DEMO_V1_SPOT } from '../../../src/sim/auth/demo.ts';
import { send } from './support/client.ts';
import { DEMO, type Harness, startHarness } from './support/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.sim.close();
});

describe('V3 EIP-712 signatures', () => {
  it('accepts a request signed with the docs demo key and funds the new account with 10 000 USDT', async () => {
    const reply = await h.client.v3(DEMO, 'GET', '/api/v3/account');
    expect(reply.status).toBe(200);
    expect(reply.body.balances).toEqual([{ asset: 'USDT', free: '10000.00000000', locked: '0.00000000' }]);
  });

  it('accepts v sent as the raw recovery id 0/1', async () => {
    const reply = await h.client.v3(DEMO, 'GET', '/fapi/v3/balance', {}, { rawRecoveryId: true });
    expect(reply.status).toBe(200);
  });

  it('accepts the signed parameters in the form body of a POST', async () => {
    const reply = await h.client.v3(DEMO, 'POST', '/fapi/v3/listenKey', {}, { placement: 'body' });
    expect(reply.status).toBe(200);
    expect(reply.body.listenKey).toMatch(/^[A-Za-z0-9]{64}$/);
  });

  it('accepts parameters split between query string and body (signed as query&body)', async () => {
    const wire = await h.client.signV3(DEMO, { symbol: 'BTCUSDT', leverage: '3' });
    const cut = wire.indexOf('&nonce=');
    const reply = await send(h.sim.url, 'POST', '/fapi/v3/leverage', wire.slice(0, cut), wire.slice(cut + 1));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ leverage: 3, maxNotionalValue: expect.any(String), symbol: 'BTCUSDT' });
  });

  it('accepts any validly signed identity and gives it its own account', async () => {
    const key = generatePrivateKey();
    const signer = privateKeyToAccount(key).address;
    const user = privateKeyToAccount(generatePrivateKey()).address;
    const reply = await h.client.v3({ user, signer, privateKey: key }, 'GET', '/api/v3/account');
    expect(reply.status).toBe(200);
    expect(h.sim.engine.accountIds()).toContain(user.toLowerCase());
  });

  it('uses the signer as the account when no user is sent', async () => {
    const key = generatePrivateKey();
    const signer = privateKeyToAccount(key).address;
    const reply = await h.client.v3(
      { user: signer, signer, privateKey: key },
      'GET',
      '/fapi/v3/balance',
      {},
      {
        omitUser: true,
      },
    );
    expect(reply.status).toBe(200);
    expect(h.sim.engine.accountIds()).toContain(signer.toLowerCase());
  });

  it('rejects a parameter changed after signing with -1022', async () => {
    const reply = await h.client.v3(
      DEMO,
      'POST',
      '/fapi/v3/leverage',
      { symbol: 'BTCUSDT', leverage: '2' },
      { alterSent: (s) => s.replace('leverage=2', 'leverage=20') },
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
  });

  it('rejects a signature by a key that is not the named signer with -1022', async () => {
    const impostor = { ...DEMO, privateKey: generatePrivateKey() };
    const reply = await h.client.v3(impostor, 'GET', '/fapi/v3/balance');
    expect(reply.body).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
  });

  it('keeps rejecting a wrong v, a changed parameter and a foreign key once the signer is known', async () => {
    // Several accepted requests first, so the simulator checks this signer against its remembered key.
    for (let i = 0; i < 3; i++) expect((await h.client.v3(DEMO, 'GET', '/fapi/v3/balance')).status).toBe(200);
    const wrongV = await h.client.v3(DEMO, 'GET', '/fapi/v3/balance', {}, { flipRecoveryId: true });
    expect(wrongV.body).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
    const changed = await h.client.v3(
      DEMO,
      'GET',
      '/fapi/v3/positionRisk',
      { symbol: 'BTCUSDT' },
      {
        alterSent: (s) => s.replace('BTCUSDT', 'ETHUSDT'),
      },
    );
    expect(changed.body.code).toBe(-1022);
    const foreign = await h.client.v3({ ...DEMO, privateKey: generatePrivateKey() }, 'GET', '/fapi/v3/balance');
    expect(foreign.body.code).toBe(-1022);
    expect((await h.client.v3(DEMO, 'GET', '/fapi/v3/balance')).status).toBe(200);
  });

  it('accepts the high-s form of a valid signature, as recovery does', async () => {
    const reply = await h.client.v3(DEMO, 'GET', '/fapi/v3/balance', {}, { highS: true });
    expect(reply.status).toBe(200);
  });

  it('rejects a signature for the testnet chain id', async () => {
    const reply = await h.client.v3(DEMO, 'GET', '/fapi/v3/balance', {}, { chainId: 714 });
    expect(reply.body.code).toBe(-1022);
  });

  it('rejects a replayed request (same nonce) with -4225', async () => {
    const wire = await h.client.signV3(DEMO, {});
    const first = await send(h.sim.url, 'GET', '/fapi/v3/balance', wire);
    const replay = await send(h.sim.url, 'GET', '/fapi/v3/balance', wire);
    expect(first.status).toBe(200);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ code: -4225, msg: 'Nonce Expired' });
  });

  it('rejects a nonce 11 s old with -4225 and accepts one 9 s old', async () => {
    const nowUs = BigInt(h.sim.clock.nowMs()) * 1000n;
    const stale = await h.client.v3(DEMO, 'GET', '/fapi/v3/balance', {}, { nonce: String(nowUs - 11_000_000n) });
    expect(stale.body).toEqual({ code: -4225, msg: 'Nonce Expired' });
    const recent = await h.client.v3(DEMO, 'GET', '/fapi/v3/balance', {}, { nonce: String(nowUs - 9_000_000n) });
    expect(recent.status).toBe(200);
  });

  it('rejects a nonce 11 s in the future with -4225', async () => {
    const nowUs = BigInt(h.sim.clock.nowMs()) * 1000n;
    const ahead = await h.client.v3(DEMO, 'GET', '/fapi/v3/balance', {}, { nonce: String(nowUs + 11_000_000n) });
    expect(ahead.body.code).toBe(-4225);
  });

  it('rejects a V3 call without signer, nonce or signature with -1102', async () => {
    const reply = await send(h.sim.url, 'GET', '/fapi/v3/balance', 'timestamp=1');
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(-1102);
    expect(reply.body.msg).toContain("'signer'");
  });

  it('does not take V1 HMAC credentials on a V3 path', async () => {
    const reply = await h.client.hmac(DEMO_V1_FUTURES, 'GET', '/fapi/v3/balance');
    expect(reply.body.code).toBe(-1102);
  });
});

describe('V1 HMAC signatures', () => {
  it('accepts the docs futures and spot demo keys, for the demo user account', async () => {
    const futures = await h.client.hmac(DEMO_V1_FUTURES, 'GET', '/fapi/v2/balance');
    const spot = await h.client.hmac(DEMO_V1_SPOT, 'GET', '/api/v1/account');
    expect(futures.status).toBe(200);
    expect(spot.status).toBe(200);
    expect(futures.body[0].accountAlias).toBeTypeOf('string');
    expect(spot.body.balances[0].asset).toBe('USDT');
  });

  it('accepts parameters split between query and body (totalParams = query + body)', async () => {
    const now = h.sim.clock.nowMs();
    const query = 'symbol=BTCUSDT';
    const body = `leverage=4&timestamp=${now}`;
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', DEMO_V1_FUTURES.apiSecret)
      .update(query + body)
      .digest('hex');
    const reply = await send(h.sim.url, 'POST', '/fapi/v1/leverage', query, `${body}&signature=${signature}`, {
      'X-MBX-APIKEY': DEMO_V1_FUTURES.apiKey,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.leverage).toBe(4);
  });

  it('rejects a bad HMAC with -1022', async () => {
    const reply = await h.client.hmac(DEMO_V1_FUTURES, 'GET', '/fapi/v2/balance', {}, { badSecret: true });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
  });

  it('rejects an unknown API key with -2015 (HTTP 401)', async () => {
    const reply = await h.client.hmac({ apiKey: 'a'.repeat(64), apiSecret: 'b'.repeat(64) }, 'GET', '/fapi/v2/balance');
    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe(-2015);
  });

  it('rejects a missing API key header with -2014 (HTTP 401)', async () => {
    const reply = await send(h.sim.url, 'GET', '/fapi/v2/balance', `timestamp=${h.sim.clock.nowMs()}&signature=00`);
    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe(-2014);
  });

  it('rejects a timestamp outside recvWindow, or 1 s ahead, with -1021', async () => {
    const now = h.sim.clock.nowMs();
    const old = await h.client.hmac(DEMO_V1_FUTURES, 'GET', '/fapi/v2/balance', {}, { timestampMs: now - 6000 });
    expect(old.body).toEqual({ code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' });
    const widened = await h.client.hmac(
      DEMO_V1_FUTURES,
      'GET',
      '/fapi/v2/balance',
      {},
      {
        timestampMs: now - 6000,
        recvWindow: 10_000,
      },
    );
    expect(widened.status).toBe(200);
    const ahead = await h.client.hmac(DEMO_V1_FUTURES, 'GET', '/fapi/v2/balance', {}, { timestampMs: now + 1500 });
    expect(ahead.body.code).toBe(-1021);
  });

  it('needs only the API key for V1 listenKey calls', async () => {
    const reply = await send(h.sim.url, 'POST', '/fapi/v1/listenKey', '', '', {
      'X-MBX-APIKEY': DEMO_V1_FUTURES.apiKey,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.listenKey).toHaveLength(64);
  });
});

/** The superseded scheme, written here from its description: sorted compact JSON, ABI-encoded, EIP-191 signed. */
async function legacyWire(params: Record<string, string>, nonce: bigint): Promise<string> {
  const sorted = Object.fromEntries(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
  const encoded = encodeAbiParameters(
    [{ type: 'string' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }],
    [JSON.stringify(sorted), DEMO.user as Hex, DEMO.signer as Hex, nonce],
  );
  const signature = await privateKeyToAccount(DEMO.privateKey).signMessage({ message: { raw: keccak256(encoded) } });
  const all = new URLSearchParams({ ...params, nonce: String(nonce), user: DEMO.user, signer: DEMO.signer });
  return `${all.toString()}&signature=${signature}`;
}

describe('legacy ABI scheme', () => {
  it('is rejected unless enabled, and accepted when enabled', async () => {
    const params = { recvWindow: '50000', timestamp: String(h.sim.clock.nowMs()) };
    const nonce = () => BigInt(h.sim.clock.nowMs()) * 1000n + BigInt(Math.floor(Math.random() * 1000));
    const rejected = await send(h.sim.url, 'GET', '/fapi/v3/account', await legacyWire(params, nonce()));
    expect(rejected.body.code).toBe(-1022);

    const legacy = await startHarness({ legacyAbi: true });
    try {
      const accepted = await send(legacy.sim.url, 'GET', '/fapi/v3/account', await legacyWire(params, nonce()));
      expect(accepted.status).toBe(200);
      expect(accepted.body.assets[0].asset).toBe('USDT');
    } finally {
      await legacy.sim.close();
    }
  });
});
