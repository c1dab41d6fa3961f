/**
 * A seeded random scenario against the engine: orders of every kind on both markets (valid, undersized, oversized,
 * off-step, reduce-only, stops), transfers with recycled client ids, price moves with occasional jumps, funding rate
 * changes and time steps across funding boundaries. Used by the ledger property test and the determinism test.
 */
import { type Decimal, dec } from '../../../../src/domain/decimal.ts';
import { SimClock } from '../../../../src/sim/clock.ts';
import { SimEngine, type SimEngineOptions, type SimResult } from '../../../../src/sim/engine/index.ts';
import { ManualMarketSource } from '../../../../src/sim/market/manual.ts';
import { Rng } from '../../../../src/sim/random.ts';
import { T0 } from './harness.ts';

export const ACCOUNTS = ['a', 'b', 'c', 'd'] as const;
export const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'DOGEUSDT'] as const;

export interface Scenario {
  engine: SimEngine;
  source: ManualMarketSource;
  clock: SimClock;
  /** Deposits made by the scenario per asset (initial funding included). */
  deposits: Map<string, Decimal>;
  /** Every rejection code seen, with counts. */
  rejections: Map<number, number>;
  step(): void;
}

const INITIAL_USDT = dec(10_000);

/** `engineOptions` adds engine options (a retention bound, a market step) to the scenario's own. */
export function createScenario(
  seed: number,
  engineOptions: Omit<SimEngineOptions, 'source' | 'clock' | 'initialUsdt'> = {},
): Scenario {
  const rng = new Rng(seed);
  const clock = new SimClock({ startMs: T0, manual: true });
  const source = new ManualMarketSource({
    startMs: T0,
    seed,
    symbols: [
      { baseAsset: 'BTC', price: '100000', fundingIntervalHours: 8 },
      { baseAsset: 'ETH', price: '3500', fundingIntervalHours: 4, fundingRate: '0.0002' },
      { baseAsset: 'DOGE', price: '0.1', fundingIntervalHours: 1, fundingRate: '0.00005' },
    ],
  });
  const engine = new SimEngine({ ...engineOptions, source, clock, initialUsdt: INITIAL_USDT });
  const deposits = new Map<string, Decimal>([['USDT', INITIAL_USDT.times(ACCOUNTS.length)]]);
  const rejections = new Map<number, number>();
  const prices = new Map<string, Decimal>([
    ['BTCUSDT', dec(100_000)],
    ['ETHUSDT', dec(3_500)],
    ['DOGEUSDT', dec('0.1')],
  ]);
  const tranIds: string[] = [];
  for (const id of ACCOUNTS) engine.ensureAccount(id);

  const note = <T>(result: SimResult<T>): void => {
    if (!result.ok) rejections.set(result.error.code, (rejections.get(result.error.code) ?? 0) + 1);
  };
  const def = (symbol: string) => engine.definition('perp', symbol);

  /** A quantity on the perp step grid (valid on spot too), or deliberately broken. */
  const quantity = (symbol: string): string => {
    const filters = def(symbol)?.filters;
    const price = prices.get(symbol) ?? dec(1);
    if (!filters) return '1';
    const step = filters.marketStepSize;
    const roll = rng.next();
    if (roll < 0.05) return step.div(10).toFixed(); // below minQty
    // Off the step grid of both markets (spot steps are a tenth of perp steps).
    if (roll < 0.1) return step.times(rng.int(1, 20)).plus(step.div(20)).toFixed();
    if (roll < 0.13) return filters.marketMaxQty.plus(step).toFixed(); // above the market maximum
    if (roll < 0.2) return step.toFixed(); // one step: often under the minimum notional
    const notional = roll < 0.85 ? rng.logRange(20, 4_000) : rng.logRange(5_000, 60_000);
    const steps = Math.max(1, Math.floor(notional / price.times(step).toNumber()));
    return step.times(steps).toFixed();
  };

  const actions: [number, () => void][] = [
    [
      22,
      () => {
        const symbol = rng.pick(SYMBOLS);
        const side = rng.chance(0.55) ? 'BUY' : 'SELL';
        const byQuote = side === 'BUY' && rng.chance(0.15);
        note(
          engine.placeOrder(rng.pick(ACCOUNTS), 'spot', {
            symbol,
            side,
            type: 'MARKET',
            ...(byQuote ? { quoteOrderQty: rng.range(1, 3_000).toFixed(2) } : { quantity: quantity(symbol) }),
          }),
        );
      },
    ],
    [
      26,
      () => {
        const symbol = rng.pick(SYMBOLS);
        const reduceOnly = rng.chance(0.25);
        note(
          engine.placeOrder(rng.pick(ACCOUNTS), 'perp', {
            symbol,
            side: rng.chance(0.5) ? 'BUY' : 'SELL',
            type: 'MARKET',
            quantity: quantity(symbol),
            ...(reduceOnly ? { reduceOnly: 'true' } : {}),
            ...(rng.chance(0.1) ? { newClientOrderId: `c${rng.int(0, 30)}` } : {}),
          }),
        );
      },
    ],
    [
      5,
      () => {
        const symbol = rng.pick(SYMBOLS);
        const side = rng.chance(0.5) ? 'BUY' : 'SELL';
        const price = prices.get(symbol) ?? dec(1);
        const tick = def(symbol)?.filters.tickSize ?? dec('0.01');
        const distance = rng.range(0.005, 0.08) * (side === 'BUY' ? 1 : -1);
        const stopPrice = price
          .times(1 + distance)
          .div(tick)
          .floor()
          .times(tick);
        const closePosition = rng.chance(0.4);
        note(
          engine.placeOrder(rng.pick(ACCOUNTS), 'perp', {
            symbol,
            side,
            type: 'STOP_MARKET',
            stopPrice: stopPrice.toFixed(),
            workingType: rng.chance(0.5) ? 'MARK_PRICE' : 'CONTRACT_PRICE',
            ...(closePosition ? { closePosition: 'true' } : { quantity: quantity(symbol), reduceOnly: 'true' }),
            newClientOrderId: `s${rng.int(0, 40)}`,
          }),
        );
      },
    ],
    [
      12,
      () => {
        if (tranIds.length === 0 || rng.chance(0.7)) tranIds.push(`t${tranIds.length}`);
        note(
          engine.transfer(rng.pick(ACCOUNTS), {
            asset: 'USDT',
            amount: rng.logRange(1, 6_000).toFixed(2),
            kindType: rng.chance(0.6) ? 'SPOT_FUTURE' : 'FUTURE_SPOT',
            clientTranId: rng.pick(tranIds),
          }),
        );
      },
    ],
    [
      14,
      () => {
        const symbol = rng.pick(SYMBOLS);
        const tick = def(symbol)?.filters.tickSize ?? dec('0.01');
        const jump = rng.chance(0.08);
        const move = jump ? rng.range(-0.09, 0.09) : rng.range(-0.01, 0.01);
        const current = prices.get(symbol) ?? dec(1);
        const next = current
          .times(1 + move)
          .div(tick)
          .round()
          .times(tick);
        if (next.lessThanOrEqualTo(tick.times(100))) return;
        prices.set(symbol, next);
        source.setPrice(symbol, next);
      },
    ],
    [
      4,
      () => {
        source.setFundingRate(rng.pick(SYMBOLS), dec(rng.range(-0.001, 0.002).toFixed(8)));
      },
    ],
    [
      10,
      () => {
        clock.advance(rng.chance(0.7) ? rng.int(1_000, 600_000) : rng.int(600_000, 3 * 3_600_000));
        engine.advanceTo(clock.nowMs());
      },
    ],
    [
      4,
      () => {
        const id = rng.pick(ACCOUNTS);
        const symbol = rng.pick(SYMBOLS);
        if (rng.chance(0.6)) note(engine.setLeverage(id, symbol, rng.pick([1, 2, 3, 5, 10, 20, 50])));
        else note(engine.setMarginType(id, symbol, rng.chance(0.5) ? 'ISOLATED' : 'CROSSED'));
      },
    ],
    [
      3,
      () => {
        note(engine.cancelAllOrders(rng.pick(ACCOUNTS), 'perp', rng.pick(SYMBOLS)));
      },
    ],
  ];
  const totalWeight = actions.reduce((sum, [w]) => sum + w, 0);

  return {
    engine,
    source,
    clock,
    deposits,
    rejections,
    step() {
      let roll = rng.next() * totalWeight;
      for (const [weight, action] of actions) {
        roll -= weight;
        if (roll < 0) {
          action();
          return;
        }
      }
    },
  };
}
