/**
 * Execution figures from real opens and closes by the engine (executor, trade gate, protector, loop, as `dnfarm
 * run` assembles them) on a simulator process with 50 ms injected latency:
 * - two-leg skew: the time between the two legs' arrival at the simulator (request log, µs wall clock), for every
 *   open and close;
 * - open latency in round trips: the wall time of `executor.openPosition` (reconcile, transfer, account setup,
 *   both legs, fill confirmation, backstop) divided by the injected latency; the note also counts the sequential
 *   waves of requests in the simulator's log during the open;
 * - stop-loss reaction: the held perp's mark is moved across the stop through `POST /_sim/price`; the time from
 *   that request's arrival to the first close order's arrival, both in the simulator's request log. The
 *   exchange-side backstop is switched off for these trials: it sits at the same price and would otherwise close
 *   the perp on the exchange before the bot's own reaction could be seen.
 */
import { parseClientId } from '../../src/store/index.ts';
import { type BenchEngine, startBenchEngine } from '../lib/engine.ts';
import { atMost, type FigureResult, notMeasured, round } from '../lib/figure.ts';
import { progress } from '../lib/progress.ts';
import { SimProcess, type SimRequest } from '../lib/sim-process.ts';
import { max, median } from '../lib/stats.ts';

const LATENCY_MS = 50;
const CYCLES = 3;
const SKEW_TARGET_MS = 5;
const OPEN_TARGET_RTS = 5;
const STOP_TARGET_MS = 1_000;

const isNewOrder = (r: SimRequest) => r.endpoint === 'spot.order.new' || r.endpoint === 'perp.order.new';

/** Skew of every intent whose first attempts of both legs reached the simulator. */
function legSkewsMs(requests: readonly SimRequest[]): number[] {
  const legs = new Map<number, Map<string, number>>();
  for (const r of requests) {
    if (!isNewOrder(r) || r.clientOrderId === undefined) continue;
    const id = parseClientId(r.clientOrderId);
    if (id === null || id.attempt !== 0 || (id.leg !== 'spot' && id.leg !== 'perp')) continue;
    const byLeg = legs.get(id.intentId) ?? new Map<string, number>();
    if (!byLeg.has(id.leg)) byLeg.set(id.leg, r.arrivalWallUs);
    legs.set(id.intentId, byLeg);
  }
  const skews: number[] = [];
  for (const byLeg of legs.values()) {
    const spot = byLeg.get('spot');
    const perp = byLeg.get('perp');
    if (spot !== undefined && perp !== undefined) skews.push(Math.abs(spot - perp) / 1000);
  }
  return skews;
}

/**
 * Requests that went out one after another: a new wave starts when a request arrives more than half a latency
 * after the previous one (requests sent together arrive within a millisecond or two of each other).
 */
function sequentialWaves(requests: readonly SimRequest[]): number {
  let waves = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of [...requests].sort((a, b) => a.arrivalWallUs - b.arrivalWallUs)) {
    if (r.arrivalWallUs - last > (LATENCY_MS / 2) * 1000) waves++;
    last = r.arrivalWallUs;
  }
  return waves;
}

/** A close order: a spot SELL or a reduce-only perp BUY. */
function isCloseOrder(r: SimRequest): boolean {
  if (!isNewOrder(r)) return false;
  return r.endpoint === 'spot.order.new' ? r.side === 'SELL' : r.side === 'BUY' && r.reduceOnly === 'true';
}

/** Opens by the loop and closes by the executor, as shipped (backstop on). */
async function openCloseCycles(sim: SimProcess): Promise<{ skews: number[]; rts: number[]; waves: number[] }> {
  const bench = startBenchEngine(sim.banner);
  try {
    let from = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      if (cycle > 0) bench.engine.loop.wake('bench: next cycle');
      const opened = await bench.waitFor('open_completed', from, 90_000);
      const closing = bench.engine.executor.closePosition(opened.event.positionId, 'manual');
      const closed = await bench.waitFor('close_completed', opened.index, 60_000);
      await closing;
      progress(`engine: cycle ${cycle + 1}/${CYCLES}: ${opened.event.symbol} opened and closed`);
      from = closed.index;
    }
    const log = await sim.requests(0);
    const opens = bench.opens;
    return {
      skews: legSkewsMs(log),
      rts: opens.map((o) => (o.endUs - o.startUs) / 1000 / LATENCY_MS),
      waves: opens.map((o) =>
        sequentialWaves(log.filter((r) => r.arrivalWallUs >= o.startUs && r.arrivalWallUs <= o.endUs)),
      ),
    };
  } finally {
    await bench.close();
  }
}

interface StopLossTrial {
  reactionMs: number;
  /** How the protector learnt of the crossing: `stream`, `poll` or `loop`. */
  source: string;
}

/** Opens by the loop, stopped out by the protector (backstop off, see the file comment). */
async function stopLossTrials(sim: SimProcess): Promise<StopLossTrial[]> {
  const bench: BenchEngine = startBenchEngine(sim.banner, { backstop: false });
  const trials: StopLossTrial[] = [];
  try {
    let from = 0;
    for (let trial = 0; trial < CYCLES; trial++) {
      if (trial > 0) bench.engine.loop.wake('bench: next trial');
      const opened = await bench.waitFor('open_completed', from, 90_000);
      await bench.waitFor('protector_watch', opened.index, 30_000, (e) => e.symbol === opened.event.symbol);
      // Let the mark-price subscription settle before moving the price.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const before = await sim.lastSeq();
      const crossing = opened.event.perpAvgPrice.times(2);
      await sim.control('POST', 'price', { symbol: opened.event.symbol, markPrice: crossing.toFixed() });
      const closed = await bench.waitFor('close_completed', opened.index, 90_000, (e) => e.reason === 'stop_loss');
      const triggered = await bench.waitFor('stop_loss_triggered', opened.index, 1_000);
      const log = await sim.allRequests(before);
      const price = log.find((r) => r.path === '/_sim/price');
      const firstClose = log.find(isCloseOrder);
      if (price !== undefined && firstClose !== undefined) {
        trials.push({
          reactionMs: (firstClose.arrivalWallUs - price.arrivalWallUs) / 1000,
          source: triggered.event.source,
        });
      }
      progress(`engine: stop-loss trial ${trial + 1}/${CYCLES}: ${opened.event.symbol}`);
      from = closed.index;
    }
    return trials;
  } finally {
    await bench.close();
  }
}

const show = (xs: readonly number[], digits = 1) => xs.map((x) => round(x, digits)).join(', ');

export async function measureEngineCycle(): Promise<FigureResult[]> {
  progress(`engine: simulator with ${LATENCY_MS} ms latency, engine in-process, ${CYCLES} open/close cycles`);
  const sim = await SimProcess.start({ pairs: 10, seed: 42, latencyMs: LATENCY_MS });
  try {
    const { skews, rts, waves } = await openCloseCycles(sim);
    progress(`engine: ${CYCLES} stop-loss trials`);
    const stops = await stopLossTrials(sim);
    const reactionsMs = stops.map((t) => t.reactionMs);
    return [
      skews.length === 0
        ? notMeasured('two-leg skew (max)', 'ms', `≤ ${SKEW_TARGET_MS}`, 'no two-leg order pair in the request log')
        : atMost(
            'two-leg skew (max)',
            round(max(skews), 2),
            SKEW_TARGET_MS,
            'ms',
            `${skews.length} opens and closes: ${show(skews, 2)} ms; median ${round(median(skews), 2)} ms`,
          ),
      rts.length === 0
        ? notMeasured('open latency (max)', 'round trips', `≤ ${OPEN_TARGET_RTS}`, 'no open was timed')
        : atMost(
            'open latency (max)',
            round(max(rts), 1),
            OPEN_TARGET_RTS,
            'round trips',
            `${rts.length} opens at ${LATENCY_MS} ms latency: ${show(rts)} round trips of wall time; sequential request waves in the log: ${waves.join(', ')}`,
          ),
      reactionsMs.length === 0
        ? notMeasured('stop-loss reaction (max)', 'ms', `≤ ${STOP_TARGET_MS}`, 'no stop-loss close was observed')
        : atMost(
            'stop-loss reaction (max)',
            round(max(reactionsMs), 1),
            STOP_TARGET_MS,
            'ms',
            `${reactionsMs.length} crossings (mark set to 2× entry) at ${LATENCY_MS} ms latency: ${show(reactionsMs)} ms; detected by ${stops.map((t) => t.source).join(', ')}`,
          ),
    ];
  } finally {
    await sim.stop();
  }
}
