/** The request log: bounded, read by sequence number, and holding only what each entry shows. */
import { describe, expect, it } from 'vitest';
import { detachedString, RequestLog } from '../../../../src/sim/http/request-log.ts';

const params = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('request log', () => {
  it('keeps at least the newest `capacity` entries and never more than a quarter above that', () => {
    const log = new RequestLog(100);
    for (let i = 0; i < 1_000; i++) {
      log.start('GET', '/fapi/v3/time', i);
      expect(log.size).toBeLessThanOrEqual(125);
      expect(log.size).toBeGreaterThanOrEqual(Math.min(i + 1, 100));
    }
    const kept = log.since();
    expect(kept.at(-1)?.seq).toBe(1_000);
    expect(kept.map((e) => e.seq)).toEqual(kept.map((_, i) => 1_000 - kept.length + 1 + i));
    expect(log.lastSeq).toBe(1_000);
  });

  it('returns the entries after a sequence number, oldest first, as copies', () => {
    const log = new RequestLog(50);
    for (let i = 0; i < 120; i++) log.start('GET', `/p/${i % 7}`, i);
    for (const after of [0, 1, 69, 70, 71, 100, 119, 120, 500]) {
      const seqs = log.since(after).map((e) => e.seq);
      const first = Math.max(after + 1, log.since()[0]?.seq ?? 1);
      expect(seqs, `after ${after}`).toEqual(Array.from({ length: Math.max(0, 121 - first) }, (_, i) => first + i));
    }
    const copy = log.since(119)[0];
    if (copy === undefined) throw new Error('expected the last entry');
    copy.status = 599;
    expect(log.since(119)[0]?.status).toBeUndefined();
  });

  it('keeps the parameters worth keeping, and a later status, on the entry the pipeline fills in', () => {
    const log = new RequestLog();
    const entry = log.start('POST', '/fapi/v3/order', 1_000);
    log.describe(
      entry,
      params({
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'MARKET',
        quantity: '0.010',
        reduceOnly: 'true',
        newClientOrderId: 'dnf-1-2-perp-0',
        signature: '0xdeadbeef',
        user: '0xabc',
      }),
    );
    entry.status = 200;
    const [seen] = log.since();
    expect(seen).toMatchObject({
      method: 'POST',
      path: '/fapi/v3/order',
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.010',
      reduceOnly: 'true',
      clientOrderId: 'dnf-1-2-perp-0',
      arrivalSimMs: 1_000,
      status: 200,
    });
    expect(JSON.stringify(seen)).not.toContain('deadbeef');
  });

  it('copies strings exactly, whatever their characters', () => {
    for (const text of [
      '',
      'BTCUSDT',
      '/fapi/v3/order',
      'é-ü-ÿ',
      'Ω≈ç√',
      '😀 pair',
      '\ud800 lone',
      'x'.repeat(5_000),
    ]) {
      expect(detachedString(text)).toBe(text);
    }
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RequestLog(0)).toThrow(/capacity/);
    expect(() => new RequestLog(2.5)).toThrow(/capacity/);
  });
});
