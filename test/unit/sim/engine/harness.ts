/** Builds an engine over a hand-driven market and a manual clock, and small helpers to read its results. */
import { type DecimalInput, dec } from '../../../../src/domain/decimal.ts';
import { SimClock } from '../../../../src/sim/clock.ts';
import { SimEngine, type SimEngineOptions, type SimEvent, type SimResult } from '../../../../src/sim/engine/index.ts';
import { ManualMarketSource, type ManualSymbol } from '../../../../src/sim/market/manual.ts';
import type { BookLevel, DepthBook } from '../../../../src/sim/market/types.ts';

/** 2025-01-01 01:00 UTC: one hour after a funding boundary, so the next 8 h boundary is 08:00. */
export const T0 = Date.UTC(2025, 0, 1, 1);
export const HOUR = 3_600_000;

export interface Harness {
  clock: SimClock;
  source: ManualMarketSource;
  engine: SimEngine;
  events: SimEvent[];
  /** Moves the clock by `ms` (default 1) and lets the engine pick up market changes. */
  tick(ms?: number): void;
}

export function setup(
  options: { symbols?: ManualSymbol[]; engine?: Partial<Omit<SimEngineOptions, 'source' | 'clock'>> } = {},
): Harness {
  const clock = new SimClock({ startMs: T0, manual: true });
  const source = new ManualMarketSource({
    startMs: T0,
    symbols: options.symbols ?? [{ baseAsset: 'BTC', price: '100000' }],
  });
  const engine = new SimEngine({ source, clock, ...options.engine });
  const events: SimEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return {
    clock,
    source,
    engine,
    events,
    tick(ms = 1) {
      clock.advance(ms);
      engine.advanceTo(clock.nowMs());
    },
  };
}

export function value<T>(result: SimResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code} ${result.error.msg}`);
  return result.value;
}

export function errorOf<T>(result: SimResult<T>): { code: number; msg: string } {
  if (result.ok) throw new Error('expected a rejection, got success');
  return { code: result.error.code, msg: result.error.msg };
}

export function levels(rows: [DecimalInput, DecimalInput][]): BookLevel[] {
  return rows.map(([price, qty]) => ({ price: dec(price), qty: dec(qty) }));
}

export function book(bids: [DecimalInput, DecimalInput][], asks: [DecimalInput, DecimalInput][]): DepthBook {
  return { bids: levels(bids), asks: levels(asks) };
}
