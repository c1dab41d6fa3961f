/**
 * Complete histories despite Aster's limits: income pages by time with inclusive bounds (overlap de-duplicated,
 * a short page ends it, a millisecond holding a full page cannot loop forever), and userTrades walks 7-day windows
 * and continues by id without ever combining `fromId` with times. Run against a loopback server that applies
 * those rules.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../../../src/domain/clock.ts';
import { type AsterVenue, type AsterVenueTuning, createAsterVenue } from '../../../../../src/venue/aster/index.ts';
import { type HistoryServer, type IncomeRow, startHistoryServer } from './support/history-server.ts';

const NOW_MS = 1_800_000_000_000;
const DAY_MS = 86_400_000;
const clock: Clock = {
  nowMs: () => NOW_MS,
  sleep: () => new Promise((resolve) => setImmediate(resolve)),
};

const warnings: string[] = [];
const logger = {
  debug() {},
  info() {},
  warn: (_fields: Record<string, unknown>, msg: string) => {
    warnings.push(msg);
  },
  error() {},
};

let server: HistoryServer;
const venues: AsterVenue[] = [];

function venue(tuning: Partial<AsterVenueTuning>): AsterVenue {
  const v = createAsterVenue({
    futuresBaseUrl: server.url,
    spotBaseUrl: server.url,
    futuresWsUrl: 'ws://127.0.0.1:9',
    spotWsUrl: 'ws://127.0.0.1:9',
    signing: { scheme: 'hmac', apiKey: 'historytestkey0001', apiSecret: 'historytestsecret0001' },
    clock,
    logger,
    tuning,
  });
  venues.push(v);
  return v;
}

function incomeRow(timeMs: number, tranId: string, incomeType = 'FUNDING_FEE'): IncomeRow {
  return { symbol: 'BTCUSDT', incomeType, income: '0.1', asset: 'USDT', time: timeMs, tranId, tradeId: '' };
}

function requestsTo(suffix: string) {
  return server.requests.filter((r) => r.path.endsWith(suffix)).map((r) => r.params);
}

beforeAll(async () => {
  server = await startHistoryServer();
});

afterEach(async () => {
  await Promise.all(venues.splice(0).map((v) => v.close()));
  server.requests.length = 0;
  server.income.length = 0;
  server.trades.length = 0;
  warnings.length = 0;
});

afterAll(async () => {
  await server.close();
});

describe('income paging', () => {
  it('continues from the last row time, drops the overlap, and stops on a short page', async () => {
    const base = NOW_MS - DAY_MS;
    // Two rows share the page boundary; the same tranId under two types is two records.
    server.income.push(
      incomeRow(base + 1, '1'),
      incomeRow(base + 2, '2'),
      incomeRow(base + 3, '3'),
      incomeRow(base + 3, '3', 'COMMISSION'),
      incomeRow(base + 4, '4'),
      incomeRow(base + 5, '5'),
      incomeRow(base + 6, '6'),
    );
    const rows = await venue({ incomePageSize: 3 }).income({});
    expect(rows.map((r) => `${r.incomeType}:${r.tranId}`)).toEqual([
      'FUNDING_FEE:1',
      'FUNDING_FEE:2',
      'FUNDING_FEE:3',
      'COMMISSION:3',
      'FUNDING_FEE:4',
      'FUNDING_FEE:5',
      'FUNDING_FEE:6',
    ]);
    const asked = requestsTo('/income');
    // No start given: the last 7 days, sent explicitly so the first page is the oldest one.
    expect(asked.map((p) => Number(p['startTime']))).toEqual([NOW_MS - 7 * DAY_MS + 1, base + 3, base + 4, base + 6]);
    expect(asked.every((p) => p['limit'] === '3' && p['endTime'] === undefined)).toBe(true);
  });

  it('passes the filters and bounds on every page', async () => {
    const base = NOW_MS - 3 * DAY_MS;
    for (let i = 0; i < 5; i++) server.income.push(incomeRow(base + i * 1000, String(i)));
    const rows = await venue({ incomePageSize: 2 }).income({
      symbol: 'BTCUSDT',
      incomeType: 'FUNDING_FEE',
      startTimeMs: base,
      endTimeMs: base + 3000,
    });
    expect(rows.map((r) => r.tranId)).toEqual(['0', '1', '2', '3']);
    for (const params of requestsTo('/income')) {
      expect(params).toMatchObject({ symbol: 'BTCUSDT', incomeType: 'FUNDING_FEE', endTime: String(base + 3000) });
    }
  });

  it('gets past a millisecond holding a full page instead of asking for it forever, and says so', async () => {
    const base = NOW_MS - DAY_MS;
    server.income.push(
      incomeRow(base, 'a'),
      ...['b', 'c', 'd', 'e'].map((id) => incomeRow(base + 5, id)),
      incomeRow(base + 9, 'f'),
    );
    const rows = await venue({ incomePageSize: 3 }).income({ startTimeMs: base });
    expect(rows.map((r) => r.tranId)).toEqual(['a', 'b', 'c', 'd', 'f']);
    expect(requestsTo('/income')).toHaveLength(3);
    expect(warnings.some((w) => /full page shares one millisecond/.test(w))).toBe(true);
  });
});

describe('user trade paging', () => {
  it('walks a long range in windows of at most 7 days and continues full pages by id', async () => {
    const startMs = NOW_MS - 20 * DAY_MS;
    // Three trades a day for 20 days.
    for (let i = 0; i < 60; i++) server.trades.push({ id: 100 + i, time: startMs + i * 8 * 3_600_000 });
    const trades = await venue({ tradePageSize: 4 }).userTrades('perp', 'BTCUSDT', {
      startTimeMs: startMs,
      endTimeMs: NOW_MS,
    });
    expect(trades.map((t) => Number(t.id))).toEqual(server.trades.map((t) => t.id));
    expect(trades.every((t) => t.market === 'perp' && t.commission.eq('0.035'))).toBe(true);

    const asked = requestsTo('/userTrades');
    const windows = asked.filter((p) => p['startTime'] !== undefined);
    expect(windows).toHaveLength(3);
    for (const p of windows) expect(Number(p['endTime']) - Number(p['startTime'])).toBeLessThan(7 * DAY_MS);
    for (const p of asked.filter((q) => q['fromId'] !== undefined)) {
      expect(p['startTime'] === undefined && p['endTime'] === undefined).toBe(true);
    }
  });

  it('follows ids from a given trade and stops at the end of the range', async () => {
    for (let i = 0; i < 10; i++) server.trades.push({ id: i + 1, time: NOW_MS - DAY_MS + i * 1000 });
    const trades = await venue({ tradePageSize: 3 }).userTrades('spot', 'BTCUSDT', {
      fromId: '4',
      endTimeMs: NOW_MS - DAY_MS + 7000,
    });
    expect(trades.map((t) => t.id)).toEqual(['4', '5', '6', '7', '8']);
    expect(requestsTo('/userTrades').map((p) => p['fromId'])).toEqual(['4', '7']);
  });

  it('asks for the last 7 days when no range is given', async () => {
    server.trades.push({ id: 1, time: NOW_MS - 8 * DAY_MS }, { id: 2, time: NOW_MS - DAY_MS });
    const trades = await venue({}).userTrades('perp', 'BTCUSDT');
    expect(trades.map((t) => t.id)).toEqual(['2']);
    const asked = requestsTo('/userTrades');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({
      symbol: 'BTCUSDT',
      startTime: String(NOW_MS - 7 * DAY_MS + 1),
      endTime: String(NOW_MS),
      limit: '1000',
    });
    expect(asked[0]?.['fromId']).toBeUndefined();
  });
});
