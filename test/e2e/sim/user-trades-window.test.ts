/**
 * userTrades answers by Aster's rules on both markets: at most 7 days between startTime and endTime, no fromId
 * together with a time, the last 7 days when no time is given, and fromId paging past the 7 days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type Harness, startHarness } from './support/harness.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

let h: Harness;
/** Fill times of the three spot buys: 8 days ago, 1 day ago and now (at the end of the setup). */
const fillTimes: number[] = [];

async function buy(clientOrderId: string): Promise<void> {
  const reply = await h.client.v3(DEMO, 'POST', '/api/v3/order', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'MARKET',
    quantity: '0.001',
    newClientOrderId: clientOrderId,
  });
  expect(reply.status).toBe(200);
  fillTimes.push(h.sim.clock.nowMs());
}

const trades = (params: Record<string, string>) =>
  h.client.v3(DEMO, 'GET', '/api/v3/userTrades', { symbol: 'BTCUSDT', ...params });

beforeAll(async () => {
  h = await startHarness();
  await buy('old');
  await h.sim.advance(7 * DAY_MS);
  await buy('recent');
  await h.sim.advance(DAY_MS);
  await buy('now');
});

afterAll(async () => {
  await h?.sim.close();
});

describe('userTrades windows', () => {
  it('refuses more than 7 days between startTime and endTime with -1127, and accepts exactly 7 days', async () => {
    const now = h.sim.clock.nowMs();
    for (const path of ['/api/v3/userTrades', '/fapi/v3/userTrades']) {
      const tooLong = await h.client.v3(DEMO, 'GET', path, {
        symbol: 'BTCUSDT',
        startTime: String(now - WEEK_MS - 1),
        endTime: String(now),
      });
      expect(tooLong.status, path).toBe(400);
      expect(tooLong.body, path).toEqual({ code: -1127, msg: 'More than 168 hours between startTime and endTime.' });
    }
    const week = await trades({ startTime: String(now - WEEK_MS), endTime: String(now) });
    expect(week.status).toBe(200);
    expect(week.body.map((t: { time: number }) => t.time)).toEqual([fillTimes[1], fillTimes[2]]);
  });

  it('refuses fromId together with startTime or endTime with -1128', async () => {
    const now = String(h.sim.clock.nowMs());
    for (const time of [{ startTime: now }, { endTime: now }]) {
      const mixed = await trades({ fromId: '1', ...time });
      expect(mixed.status).toBe(400);
      expect(mixed.body).toEqual({ code: -1128, msg: 'Combination of optional parameters invalid.' });
    }
    const perp = await h.client.v3(DEMO, 'GET', '/fapi/v3/userTrades', {
      symbol: 'BTCUSDT',
      fromId: '1',
      startTime: now,
    });
    expect(perp.body.code).toBe(-1128);
  });

  it('answers the last 7 days when no time is given, and pages by fromId past them', async () => {
    const recent = await trades({});
    expect(recent.body.map((t: { time: number }) => t.time)).toEqual([fillTimes[1], fillTimes[2]]);
    const all = await trades({ fromId: '1' });
    expect(all.body.map((t: { time: number }) => t.time)).toEqual(fillTimes);
  });

  it('bounds a query given by one time only to the 7 days on the other side of it', async () => {
    const fromOld = await trades({ startTime: String(fillTimes[0]) });
    expect(fromOld.body.map((t: { time: number }) => t.time)).toEqual([fillTimes[0], fillTimes[1]]);
    const untilRecent = await trades({ endTime: String(fillTimes[1]) });
    expect(untilRecent.body.map((t: { time: number }) => t.time)).toEqual([fillTimes[0], fillTimes[1]]);
    const untilOneMsEarlier = await trades({ endTime: String((fillTimes[1] ?? 0) + 1) });
    expect(untilOneMsEarlier.body.map((t: { time: number }) => t.time)).toEqual([fillTimes[1]]);
  });
});
