/** Closing the transport releases callers that are waiting (backoff, ban, rate window) instead of hanging them. */
import { afterEach, describe, expect, it } from 'vitest';
import type { AsterTransport } from '../../../../../src/venue/aster/http/transport.ts';
import { makeTransport, rejectionOf } from './support/fixtures.ts';
import { type LoopbackServer, sendJson, startLoopbackServer } from './support/loopback-server.ts';

let server: LoopbackServer | undefined;
let transport: AsterTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
});

describe('transport lifecycle', () => {
  it('close() ends a read that is waiting out a Retry-After, as retryable "closed"', async () => {
    server = await startLoopbackServer((_req, res) =>
      sendJson(res, 429, { code: -1003, msg: 'slow down' }, { 'Retry-After': '30' }),
    );
    transport = makeTransport(server.url, {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 120_000 },
    });
    const pending = rejectionOf(
      transport.request({
        market: 'perp',
        method: 'GET',
        path: '/fapi/v3/time',
        auth: 'none',
        kind: 'read',
        weight: 1,
      }),
    );
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    await transport.close();
    expect(await pending).toMatchObject({ name: 'AsterApiError', reason: 'closed', kind: 'retryable', sent: false });
    expect(server.requests).toHaveLength(1);
  });
});
