/**
 * Scan cost: HTTP requests per scan (instantaneous and MA mode) for N = 10, 50, 200 pairs, and scan wall time at
 * 50 ms simulated latency with N = 100. The scan is the engine's own (`readScanSnapshot`: one snapshot, then in MA
 * mode one funding-history request per pair that passed the cheap filters), through the real client, against a
 * simulator process; requests are counted from the simulator's request log.
 */
import { readScanSnapshot } from '../../src/engine/reads.ts';
import { DEFAULT_STRATEGY_PARAMS, type StrategyParams } from '../../src/strategy/params.ts';
import { historyRequest } from '../../src/strategy/scan.ts';
import { atMost, type FigureResult, round } from '../lib/figure.ts';
import { progress } from '../lib/progress.ts';
import { ReplayServer } from '../lib/replay-server.ts';
import { type SimBanner, SimProcess } from '../lib/sim-process.ts';
import { median } from '../lib/stats.ts';
import { venueFor } from '../lib/venue.ts';

const INSTANT: StrategyParams = DEFAULT_STRATEGY_PARAMS;
const MA: StrategyParams = { ...DEFAULT_STRATEGY_PARAMS, useFundingMa: true };

/** Requests one scan sends with a fresh client (market lists not cached yet: the worst case). */
async function countScan(sim: SimProcess, params: StrategyParams): Promise<{ requests: number; passers: number }> {
  const venue = venueFor(sim.banner);
  try {
    const before = await sim.lastSeq();
    const snapshot = await readScanSnapshot(venue, params, null);
    const requests = (await sim.requests(before)).length;
    const passers = historyRequest(snapshot, { ...params, useFundingMa: true }).symbols.length;
    return { requests, passers };
  } finally {
    await venue.close();
  }
}

export async function measureScanRequests(): Promise<FigureResult[]> {
  const results: FigureResult[] = [];
  for (const pairs of [10, 50, 200]) {
    progress(`scan requests: simulator with ${pairs} pairs`);
    const sim = await SimProcess.start({ pairs });
    try {
      const instant = await countScan(sim, INSTANT);
      const ma = await countScan(sim, MA);
      results.push(
        atMost(
          `scan requests, instantaneous, N=${pairs}`,
          instant.requests,
          8,
          'requests',
          `cold client (market lists included); ${sim.banner.pairs.perp} perp / ${sim.banner.pairs.spot} spot symbols`,
        ),
      );
      const extra = ma.requests - instant.requests;
      results.push(
        atMost(
          `scan requests, MA mode extra, N=${pairs}`,
          extra,
          ma.passers,
          'requests',
          `${ma.requests} in all; ${ma.passers} pairs passed the cheap filters (the target is one per passer)`,
        ),
      );
    } finally {
      await sim.stop();
    }
  }
  return results;
}

const LATENCY_MS = 50;
const SCAN_TARGET_MS = 3 * LATENCY_MS + 20;
const SAMPLES = 7;
const SCAN_PATHS = [
  '/fapi/v3/exchangeInfo',
  '/api/v3/exchangeInfo',
  '/fapi/v3/premiumIndex',
  '/fapi/v3/fundingInfo',
  '/fapi/v3/ticker/24hr',
  '/api/v3/ticker/24hr',
  '/fapi/v3/ticker/bookTicker',
  '/api/v3/ticker/bookTicker',
];

interface ScanTimes {
  /** A fresh client: market lists fetched too (8 requests). */
  cold: number[];
  /** The same client again: market lists from its hourly cache (6 requests). */
  cached: number[];
}

async function timeScans(banner: SimBanner): Promise<ScanTimes> {
  // Warm-up: JIT, connection pool, the server's own caches.
  const warm = venueFor(banner);
  for (let i = 0; i < 3; i++) await readScanSnapshot(warm, INSTANT, null);
  await warm.close();
  const times: ScanTimes = { cold: [], cached: [] };
  for (let i = 0; i < SAMPLES; i++) {
    const venue = venueFor(banner);
    try {
      let started = performance.now();
      await readScanSnapshot(venue, INSTANT, null);
      times.cold.push(performance.now() - started);
      started = performance.now();
      await readScanSnapshot(venue, INSTANT, null);
      times.cached.push(performance.now() - started);
    } finally {
      await venue.close();
    }
  }
  return times;
}

const show = (xs: number[]) => xs.map((x) => round(x, 0)).join(', ');

function scanTimeFigures(label: string, times: ScanTimes, note: string): FigureResult[] {
  return [
    atMost(
      `scan wall time, N=100, 50 ms latency, ${label}, market lists cached`,
      round(median(times.cached), 1),
      SCAN_TARGET_MS,
      'ms',
      `median of ${SAMPLES} (${show(times.cached)} ms); ${note}`,
    ),
    atMost(
      `scan wall time, N=100, 50 ms latency, ${label}, market lists fetched`,
      round(median(times.cold), 1),
      SCAN_TARGET_MS,
      'ms',
      `median of ${SAMPLES} (${show(times.cold)} ms), fresh client each time; ${note}`,
    ),
  ];
}

/**
 * Two setups, both N = 100 and 50 ms added before every answer: the exchange answering in one round trip (the
 * simulator's own answers, recorded and replayed), which is what the target is about; and the live simulator
 * process, which adds its single-threaded processing of every all-symbols request.
 */
export async function measureScanWallTime(): Promise<FigureResult[]> {
  progress('scan wall time: simulator with 100 pairs');
  const sim = await SimProcess.start({ pairs: 100 });
  try {
    const replay = new ReplayServer(LATENCY_MS);
    for (const path of SCAN_PATHS) await replay.record(sim.url, path);
    await replay.start();
    let replayed: ScanTimes;
    try {
      progress(`scan wall time: ${SAMPLES} scans against recorded answers with ${LATENCY_MS} ms latency`);
      replayed = await timeScans({ ...sim.banner, url: replay.url });
    } finally {
      await replay.close();
    }
    progress(`scan wall time: ${SAMPLES} scans against the live simulator with ${LATENCY_MS} ms latency`);
    await sim.setFaults(`latency=${LATENCY_MS}`);
    const live = await timeScans(sim.banner);
    return [
      ...scanTimeFigures('exchange answering in one round trip', replayed, "the simulator's answers replayed"),
      ...scanTimeFigures('live simulator', live, "includes the simulator's own processing"),
    ];
  } finally {
    await sim.stop();
  }
}
