/**
 * Crash-test hook: makes the bot kill itself with SIGKILL at a named step, so a reliability test can
 * prove that a restart recovers from a crash at exactly that instruction (invariant 5).
 *
 * Enabled only by the environment variable `DNFARM_CRASH_AT=<step>[#<n>]` (the n-th time the step is
 * reached, default the first). Without it, `withCrashPoints` returns the venue untouched and nothing
 * here runs. The steps are defined at the venue boundary, where "what the exchange has done" is exact:
 *
 *   open:before-orders     the first order that adds to a position is about to leave (the open intent
 *                          and its planned orders are already persisted; nothing was sent)
 *   open:between-legs      the first such order executed on the exchange and its response arrived; the
 *                          other leg never leaves (held back, then the process dies): one naked leg
 *   open:after-fills       both legs executed and their responses arrived; the process dies before the
 *                          engine sees them, so nothing about the fills is recorded
 *   open:before-backstop   the position is recorded; the exchange-side STOP_MARKET is about to be sent
 *   close:before-orders    the first order that reduces a position is about to leave (close intent stored)
 *   close:between-legs     one close leg executed, the other never leaves
 *   close:after-fills      both close legs executed, nothing recorded
 *   close:after-cancel     the backstop cancel was answered, no close order sent yet
 *   transfer:after-send    a spot↔perp transfer executed and was answered, nothing recorded
 *
 * "Adds to a position" means a spot BUY or a perp SELL without reduce-only; "reduces" means a spot SELL
 * or a reduce-only perp BUY. Repairs and unwinds are orders too, so they count towards `#n`.
 *
 * Before dying, the hook writes `dnfarm: crash point <step> reached` to stderr (synchronous for pipes
 * and files on Linux), so a test can check the step was really reached.
 */
import type { MarketOrderRequest, OrderRecord, StopMarketRequest, TransferRequest } from '../domain/account.ts';
import type { MarketKind } from '../domain/market.ts';
import { ConfigError } from '../errors.ts';
import type { Venue } from '../venue/port.ts';

export const CRASH_ENV = 'DNFARM_CRASH_AT';

export const CRASH_STEPS = [
  'open:before-orders',
  'open:between-legs',
  'open:after-fills',
  'open:before-backstop',
  'close:before-orders',
  'close:between-legs',
  'close:after-fills',
  'close:after-cancel',
  'transfer:after-send',
] as const;
export type CrashStep = (typeof CRASH_STEPS)[number];

export interface CrashSpec {
  step: CrashStep;
  /** Die the n-th time the step is reached (1 = the first). */
  occurrence: number;
}

/** Parses `open:after-fills` or `open:after-fills#2`; undefined or blank means no crash point. */
export function parseCrashSpec(text: string | undefined): CrashSpec | null {
  if (text === undefined || text.trim() === '') return null;
  const match = /^([a-z]+:[a-z-]+)(?:#(\d+))?$/.exec(text.trim());
  const step = match?.[1];
  if (!match || step === undefined || !(CRASH_STEPS as readonly string[]).includes(step)) {
    throw new ConfigError(CRASH_ENV, `must be one of ${CRASH_STEPS.join(', ')}, optionally followed by #<n>`, {
      value: text,
    });
  }
  const occurrence = match[2] === undefined ? 1 : Number(match[2]);
  if (!Number.isSafeInteger(occurrence) || occurrence < 1) {
    throw new ConfigError(CRASH_ENV, `#<n> must be a whole number ≥ 1`, { value: text });
  }
  return { step: step as CrashStep, occurrence };
}

/** How the process dies; replaceable so the decorator itself can be unit-tested. */
export type Killer = (step: CrashStep) => never;

const killNow: Killer = (step) => {
  process.stderr.write(`dnfarm: crash point ${step} reached, killing the process with SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL cannot be caught; this only satisfies the type checker.
  throw new Error('unreachable');
};

type Direction = 'open' | 'close';

function directionOf(market: MarketKind, side: 'BUY' | 'SELL', reduceOnly: boolean): Direction {
  if (market === 'spot') return side === 'BUY' ? 'open' : 'close';
  return side === 'SELL' && !reduceOnly ? 'open' : 'close';
}

/** A promise that never settles: an order held back so it never reaches the exchange. */
function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

/** How long `after-fills` waits for a second leg before treating the order as single-legged. */
const SECOND_LEG_GRACE_MS = 2000;

/**
 * Wraps a venue so that the process dies at the configured step. Every other call passes through.
 * Without a spec the venue is returned as is.
 */
export function withCrashPoints(venue: Venue, spec: CrashSpec | null, kill: Killer = killNow): Venue {
  if (spec === null) return venue;
  const seen = new Map<CrashStep, number>();
  /** True when this is the occurrence to die at. */
  const reached = (step: CrashStep): boolean => {
    if (step !== spec.step) return false;
    const n = (seen.get(step) ?? 0) + 1;
    seen.set(step, n);
    return n === spec.occurrence;
  };

  // State of an armed `between-legs` / `after-fills` crash: once armed, further orders are held back
  // (between-legs) or counted (after-fills) until the process dies.
  let armed: { step: CrashStep; inFlight: number; answered: number } | null = null;

  const placeMarketOrder = async (request: MarketOrderRequest): Promise<OrderRecord> => {
    const direction = directionOf(request.market, request.side, request.reduceOnly === true);
    if (armed?.step.endsWith('between-legs')) return never();
    if (armed?.step.endsWith('after-fills')) {
      armed.inFlight += 1;
      const current = armed;
      const result = await venue.placeMarketOrder(request);
      current.answered += 1;
      if (current.answered >= 2) kill(current.step);
      return result;
    }

    if (reached(`${direction}:before-orders`)) kill(`${direction}:before-orders`);
    const betweenStep: CrashStep = `${direction}:between-legs`;
    const fillsStep: CrashStep = `${direction}:after-fills`;
    if (reached(betweenStep)) {
      armed = { step: betweenStep, inFlight: 1, answered: 0 };
      await venue.placeMarketOrder(request);
      kill(betweenStep);
    }
    if (reached(fillsStep)) {
      const current = { step: fillsStep, inFlight: 1, answered: 0 };
      armed = current;
      const _result = await venue.placeMarketOrder(request);
      current.answered += 1;
      if (current.answered >= 2) kill(fillsStep);
      // A single-legged order (a repair, or an open with nothing to buy) never sees a second response.
      setTimeout(() => {
        if (current.inFlight < 2) kill(fillsStep);
      }, SECOND_LEG_GRACE_MS).unref();
      // Hold this response back until the process dies, so the engine records nothing.
      return never();
    }
    return venue.placeMarketOrder(request);
  };

  const placeStopMarket = async (request: StopMarketRequest): Promise<OrderRecord> => {
    if (reached('open:before-backstop')) kill('open:before-backstop');
    return venue.placeStopMarket(request);
  };

  const cancelOrder = async (market: MarketKind, symbol: string, clientOrderId: string) => {
    const result = await venue.cancelOrder(market, symbol, clientOrderId);
    if (reached('close:after-cancel')) kill('close:after-cancel');
    return result;
  };

  const transfer = async (request: TransferRequest) => {
    const result = await venue.transfer(request);
    if (reached('transfer:after-send')) kill('transfer:after-send');
    return result;
  };

  // Delegate everything else to the wrapped venue, bound so `this` inside it stays right.
  return new Proxy(venue, {
    get(target, property, receiver) {
      if (property === 'placeMarketOrder') return placeMarketOrder;
      if (property === 'placeStopMarket') return placeStopMarket;
      if (property === 'cancelOrder') return cancelOrder;
      if (property === 'transfer') return transfer;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
