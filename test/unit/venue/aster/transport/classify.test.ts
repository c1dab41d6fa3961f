/** The outcome table: for each kind of call and each answer, what the caller may assume and what is retried. */
import { describe, expect, it } from 'vitest';
import type { CallKind } from '../../../../../src/venue/aster/endpoints.ts';
import {
  type ClassifyContext,
  classifyFailure,
  classifyResponse,
} from '../../../../../src/venue/aster/http/classify.ts';
import { parseBanUntilMs, parseRetryAfterMs } from '../../../../../src/venue/aster/http/retry-after.ts';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  resolveRetryPolicy,
} from '../../../../../src/venue/aster/http/retry-policy.ts';
import { SendFailure } from '../../../../../src/venue/aster/http/send.ts';

const ctx = (kind: CallKind, extra: Partial<ClassifyContext> = {}): ClassifyContext => ({
  endpoint: 'POST /fapi/v3/order',
  kind,
  clientOrderId: 'dn-1',
  staleTimeCodes: [-4225],
  nowMs: 1_000_000,
  serverOffsetMs: 0,
  defaultBanMs: 120_000,
  scrub: (t) => t,
  ...extra,
});
const response = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  bodyText: typeof body === 'string' ? body : JSON.stringify(body),
});

function verdictOf(kind: CallKind, status: number, body: unknown, headers?: Record<string, string>) {
  const v = classifyResponse(response(status, body, headers), ctx(kind));
  if (v.ok) return { ok: true as const };
  return { ok: false as const, errorKind: v.error.kind, retry: v.retry, staleTime: v.staleTime, block: v.blockHostMs };
}

describe('classifyResponse', () => {
  const table: Array<[string, number, unknown, CallKind, ReturnType<typeof verdictOf>]> = [
    ['numeric 200 code', 200, { code: 200, msg: 'success' }, 'control', { ok: true }],
    ['string "200" code', 200, { code: '200', msg: 'done' }, 'control', { ok: true }],
    [
      '5xx read',
      502,
      'bad gateway',
      'read',
      { ok: false, errorKind: 'retryable', retry: true, staleTime: false, block: undefined },
    ],
    [
      '503 order',
      503,
      { code: -1007, msg: 'x' },
      'order',
      { ok: false, errorKind: 'ambiguous', retry: false, staleTime: false, block: undefined },
    ],
    [
      '504 transfer',
      504,
      '',
      'transfer',
      { ok: false, errorKind: 'ambiguous', retry: false, staleTime: false, block: undefined },
    ],
    [
      '-1007 in 400 on read',
      400,
      { code: -1007, msg: 'x' },
      'read',
      { ok: false, errorKind: 'retryable', retry: true, staleTime: false, block: undefined },
    ],
    [
      '-1121 order',
      400,
      { code: -1121, msg: 'Invalid symbol.' },
      'order',
      { ok: false, errorKind: 'fatal', retry: false, staleTime: false, block: undefined },
    ],
    [
      '-4164 order',
      400,
      { code: -4164, msg: 'notional' },
      'order',
      { ok: false, errorKind: 'fatal', retry: false, staleTime: false, block: undefined },
    ],
    [
      '-4225 order',
      400,
      { code: -4225, msg: 'Nonce Expired' },
      'order',
      { ok: false, errorKind: 'retryable', retry: false, staleTime: true, block: undefined },
    ],
    [
      '429 read with Retry-After',
      429,
      { code: -1003, msg: 'x' },
      'read',
      { ok: false, errorKind: 'retryable', retry: true, staleTime: false, block: 3000 },
    ],
    [
      '429 order without Retry-After',
      429,
      { code: -1015, msg: 'x' },
      'order',
      { ok: false, errorKind: 'retryable', retry: false, staleTime: false, block: undefined },
    ],
    [
      '418 read, default ban',
      418,
      '',
      'read',
      { ok: false, errorKind: 'retryable', retry: true, staleTime: false, block: 120_000 },
    ],
    [
      '403 WAF on order',
      403,
      '<html>',
      'order',
      { ok: false, errorKind: 'retryable', retry: false, staleTime: false, block: undefined },
    ],
    [
      '404 read',
      404,
      'nope',
      'read',
      { ok: false, errorKind: 'fatal', retry: false, staleTime: false, block: undefined },
    ],
  ];
  for (const [name, status, body, kind, expected] of table) {
    it(name, () => {
      const headers: Record<string, string> =
        name.includes('Retry-After') && !name.includes('without') ? { 'retry-after': '3' } : {};
      expect(verdictOf(kind, status, body, headers)).toEqual(expected);
    });
  }

  it('-4225 on an unsigned call is not a clock problem', () => {
    const v = classifyResponse(response(400, { code: -4225, msg: 'x' }), ctx('read', { staleTimeCodes: [] }));
    expect(v).toMatchObject({ ok: false, staleTime: false, error: { kind: 'fatal' } });
  });

  it('a ban end stated in server time is converted with the clock offset', () => {
    const v = classifyResponse(
      response(418, { code: -1003, msg: 'Way too many requests; IP banned until 1700000001500.' }),
      ctx('read', { serverOffsetMs: 500, nowMs: 1_700_000_000_000 }),
    );
    expect(v).toMatchObject({ ok: false, blockHostMs: 1000, error: { reason: 'banned', retryAfterMs: 1000 } });
  });
});

describe('classifyFailure', () => {
  it('nothing sent: retryable for every kind', () => {
    for (const kind of ['read', 'order', 'transfer'] as const) {
      const v = classifyFailure(new SendFailure('refused', false, false, new Error('ECONNREFUSED')), ctx(kind));
      expect(v).toMatchObject({ ok: false, retry: true, error: { kind: 'retryable', sent: false, reason: 'network' } });
    }
  });

  it('sent, then timed out or reset: ambiguous for orders and transfers, retried for reads', () => {
    const timeout = new SendFailure('timeout', true, true, new Error('timeout'));
    expect(classifyFailure(timeout, ctx('order'))).toMatchObject({
      retry: false,
      error: { kind: 'ambiguous', reason: 'timeout' },
    });
    expect(classifyFailure(timeout, ctx('transfer'))).toMatchObject({ retry: false, error: { kind: 'ambiguous' } });
    expect(classifyFailure(timeout, ctx('read'))).toMatchObject({ retry: true, error: { kind: 'retryable' } });
    expect(classifyFailure(timeout, ctx('control'))).toMatchObject({ retry: true, error: { kind: 'retryable' } });
  });
});

describe('Retry-After and backoff', () => {
  it('parses delta-seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('2', 0)).toBe(2000);
    expect(parseRetryAfterMs(['0.5'], 0)).toBe(500);
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(
      10_000,
    );
    expect(parseRetryAfterMs('soon', 0)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, 0)).toBeUndefined();
    expect(parseBanUntilMs('IP banned until 1700000000000.')).toBe(1_700_000_000_000);
    expect(parseBanUntilMs('Too many requests')).toBeUndefined();
  });

  it('backoff doubles per attempt, is capped, and keeps at least half of each step', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelayMs(a, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelayMs(a, policy, () => 0.999999))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('rejects nonsensical policies, naming the field', () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(/retry.maxAttempts/);
    expect(() => resolveRetryPolicy({ baseDelayMs: -1 })).toThrow(/retry.baseDelayMs/);
  });
});
