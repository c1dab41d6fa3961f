/**
 * The wave counter the round-trip tests rely on: requests sent before an earlier one was answered share its wave;
 * a request sent after an answer is one wave later than the answered request, however long it waited locally.
 */
import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../../../src/sim/index.ts';
import { requestWaves, waveCount } from './support/waves.ts';

let seq = 0;
function req(endpoint: string, arrivalMs: number, durationMs?: number): RequestLogEntry {
  seq += 1;
  return {
    seq,
    method: 'GET',
    path: `/${endpoint}`,
    endpoint,
    arrivalWallUs: arrivalMs * 1000,
    arrivalWallMs: arrivalMs,
    arrivalSimMs: arrivalMs,
    ...(durationMs === undefined ? {} : { durationMs }),
  };
}

describe('request waves', () => {
  it('puts requests sent together in one wave and each answered-then-sent request in the next', () => {
    const log = [
      req('a', 0, 50),
      req('b', 1, 70),
      req('c', 51, 50), // after a's answer
      req('d', 60, 50), // after a's answer, before b's
      req('e', 72, 50), // after b's answer
      req('f', 300, 50), // long local pause: still only one wave after the latest answer it saw (e)
    ];
    expect(requestWaves(log).map((w) => `${w.request.endpoint}${w.wave}`)).toEqual([
      'a1',
      'b1',
      'c2',
      'd2',
      'e2',
      'f3',
    ]);
    expect(waveCount(log)).toBe(3);
  });

  it('never counts a request that was not answered as something a later one waited for', () => {
    const log = [req('hang', 0), req('x', 10, 50), req('y', 100, 50)];
    expect(requestWaves(log).map((w) => w.wave)).toEqual([1, 1, 2]);
  });

  it('orders by arrival whatever order the log lists them in', () => {
    expect(waveCount([req('late', 80, 10), req('early', 0, 50)])).toBe(2);
    expect(waveCount([])).toBe(0);
  });
});
