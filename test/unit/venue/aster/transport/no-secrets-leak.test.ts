/**
 * Signs with known keys, drives every error path of the transport, and searches every log line and every error
 * (all own properties, the whole `cause` chain, the stack, `util.inspect` output) for the private key, the HMAC
 * secret, any signature the server received and any signed query string. The server deliberately echoes the
 * request (and even the secrets) back in its error messages, as a misbehaving proxy might.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { AsterRequest, AsterTransport } from '../../../../../src/venue/aster/http/transport.ts';
import type { SigningConfig } from '../../../../../src/venue/aster/sign/index.ts';
import { captureLogger, DEMO, DEMO_V1, makeTransport } from './support/fixtures.ts';
import { closedPortUrl, type LoopbackServer, param, sendJson, startLoopbackServer } from './support/loopback-server.ts';

let server: LoopbackServer | undefined;
const transports: AsterTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await server?.close();
  server = undefined;
});

/** Every string reachable from `value`: own properties (enumerable or not), causes, stacks, inspect output. */
function dump(value: unknown, seen = new Set<unknown>()): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' && typeof value !== 'function') return [String(value)];
  if (seen.has(value)) return [];
  seen.add(value);
  const out: string[] = [];
  if (value instanceof Error)
    out.push(String(value), value.stack ?? '', inspect(value, { depth: Number.POSITIVE_INFINITY }));
  for (const key of Object.getOwnPropertyNames(value)) {
    out.push(key, ...dump((value as Record<string, unknown>)[key], seen));
  }
  return out;
}

const KEY_FORMS = [DEMO.privateKey, DEMO.privateKey.slice(2)];
const SCHEMES: Array<{ name: string; signing: SigningConfig; v: 'v1' | 'v3'; staleCode: number; keys: string[] }> = [
  { name: 'eip712', signing: { scheme: 'eip712', chainId: 1666, ...DEMO }, v: 'v3', staleCode: -4225, keys: KEY_FORMS },
  { name: 'hmac', signing: { scheme: 'hmac', ...DEMO_V1 }, v: 'v1', staleCode: -1021, keys: [DEMO_V1.apiSecret] },
  { name: 'legacy-abi', signing: { scheme: 'legacy-abi', ...DEMO }, v: 'v3', staleCode: -4225, keys: KEY_FORMS },
];

describe('secrets never reach logs or errors', () => {
  for (const { name, signing, v, staleCode, keys } of SCHEMES) {
    it(`${name}: every error path`, async () => {
      server = await startLoopbackServer((req, res) => {
        const received = req.query || req.body;
        const tail = req.path.split('/').pop();
        switch (tail) {
          case 'time':
            return sendJson(res, 200, { serverTime: Date.now() });
          case 'bad-time':
            return sendJson(res, 200, { serverTime: `not-a-time ${received}` });
          case 'echo-error':
            return sendJson(res, 400, { code: -1022, msg: `Signature for this request is not valid: ${received}` });
          case 'leak-secret':
            return sendJson(res, 400, {
              code: -2015,
              msg: `Invalid API-key ${DEMO_V1.apiSecret} / ${DEMO.privateKey} / ${DEMO.privateKey.slice(2).toUpperCase()}`,
            });
          case 'html':
            return sendJson(res, 502, `<html><p>${req.method} ${req.path}?${received}</p></html>`);
          case 'unknown':
            return sendJson(res, 503, { code: -1007, msg: `Timeout; request was ${received}` });
          case 'slow':
            return sendJson(res, 429, { code: -1003, msg: `Too many requests: ${received}` });
          case 'stale':
            return sendJson(res, 400, { code: staleCode, msg: `Nonce Expired for ${received}` });
          case 'garbage':
            return sendJson(res, 200, `not json ${received}`);
          case 'hang':
            return undefined;
          case 'reset':
            return res.socket?.destroy();
          case 'ban':
            return sendJson(res, 418, { code: -1003, msg: `IP banned; request ${received}` }, { 'Retry-After': '60' });
          default:
            return sendJson(res, 404, { code: -1, msg: `no route ${req.path}` });
        }
      });
      const logger = captureLogger();
      const options = {
        signing,
        logger,
        requestTimeoutMs: 200,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxTotalMs: 1_000 },
      };
      const transport = makeTransport(server.url, options);
      const badClock = makeTransport(server.url, { ...options, timePaths: { perp: `/fapi/${v}/bad-time` } });
      const refused = makeTransport(await closedPortUrl(), options);
      transports.push(transport, badClock, refused);

      const signed = (
        path: string,
        kind: AsterRequest['kind'],
        method: AsterRequest['method'] = 'POST',
      ): AsterRequest => ({
        market: 'perp',
        method,
        path: `/fapi/${v}/${path}`,
        auth: 'signed',
        kind,
        weight: 1,
        clientOrderId: 'dn-secret-1',
        params: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', newClientOrderId: 'dn-secret-1' },
      });

      const calls: Array<[AsterTransport, AsterRequest]> = [
        [transport, signed('echo-error', 'order')],
        [transport, signed('echo-error', 'read', 'GET')],
        [transport, signed('leak-secret', 'read', 'GET')],
        [transport, signed('html', 'read', 'GET')],
        [transport, signed('html', 'order')],
        [transport, signed('unknown', 'order')],
        [transport, signed('unknown', 'transfer')],
        [transport, signed('slow', 'order')],
        [transport, signed('stale', 'order')],
        [badClock, signed('stale', 'order')],
        [transport, signed('garbage', 'order')],
        [transport, signed('garbage', 'read', 'GET')],
        [transport, signed('hang', 'order')],
        [transport, signed('hang', 'read', 'GET')],
        [transport, signed('reset', 'order')],
        [transport, signed('reset', 'read', 'DELETE')],
        [refused, signed('echo-error', 'order')],
        [transport, { ...signed('echo-error', 'order'), params: { quantity: 0.5 } }],
        [transport, signed('ban', 'read', 'GET')],
        [transport, signed('ban', 'order')],
      ];
      const errors: unknown[] = [];
      for (const [t, request] of calls) {
        try {
          await t.request(request);
        } catch (error) {
          errors.push(error);
        }
      }

      // Every call failed, and the failures are the varied ones we meant to provoke.
      expect(errors).toHaveLength(calls.length);
      const reasons = new Set(errors.map((e) => (e as { reason?: string }).reason ?? (e as Error).name));
      for (const r of [
        'api',
        'http',
        'rate-limited',
        'stale-nonce',
        'invalid-response',
        'timeout',
        'network',
        'banned',
      ]) {
        expect(reasons).toContain(r);
      }
      expect(reasons).toContain('AsterRequestError');
      expect(logger.lines.length).toBeGreaterThan(10);

      const received = server.requests.flatMap((r) => [param(r, 'signature'), r.query, r.body]);
      const signatures = server.requests.map((r) => param(r, 'signature')).filter((s): s is string => s !== undefined);
      expect(signatures.length).toBeGreaterThan(10);
      // The server echoes both schemes' secrets; a transport must scrub those it holds.
      const secrets = [
        ...keys,
        ...signatures,
        ...signatures.map((s) => s.replace(/^0x/, '')),
        ...received.filter((s): s is string => s?.includes('signature=') === true),
      ];
      const haystack = [...logger.lines.map((l) => JSON.stringify(l)), ...errors.flatMap((e) => dump(e))]
        .join('\n')
        .toLowerCase();
      for (const secret of secrets) expect(haystack).not.toContain(secret.toLowerCase());
      // The useful parts are still there.
      expect(haystack).toContain('signature for this request is not valid');
      expect(haystack).toContain('[redacted]');
      expect(haystack).toContain('dn-secret-1');
    });
  }
});
