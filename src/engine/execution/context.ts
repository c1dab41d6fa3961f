/** Everything the execution flows share: the dependencies plus the gateway, recorders and helpers built on them. */
import type { CommissionRates } from '../../domain/account.ts';
import { describeError } from '../../errors.ts';
import type { EngineEvent } from '../events.ts';
import { FillRecorder } from './fills.ts';
import { OrderGateway } from './gateway.ts';
import { WalletRebalancer } from './rebalancer.ts';
import { AccountSetup } from './setup.ts';
import type { ExecutionDeps } from './types.ts';

/** Commission rates change with the account's fee tier (daily at most); an hour-old read is fresh enough. */
const RATE_CACHE_MS = 3_600_000;

export interface ExecContext extends ExecutionDeps {
  /** Emits an event; a failing sink never disturbs execution. */
  emit(event: EngineEvent): void;
  gateway: OrderGateway;
  fills: FillRecorder;
  setup: AccountSetup;
  rebalancer: WalletRebalancer;
  /** Taker/maker rates of a symbol on a market, cached; null when they cannot be read. */
  commissionRates(market: 'spot' | 'perp', symbol: string): Promise<CommissionRates | null>;
  /** The cached rates of a symbol when fresh, without reading; null otherwise. */
  cachedCommissionRates(market: 'spot' | 'perp', symbol: string): CommissionRates | null;
  /**
   * Requests that may change the account (orders, cancels, transfers, settings) started so far. Reads taken
   * while it did not move still describe the account.
   */
  writes: number;
  /**
   * Engine-clock time at which the last reconcile ended without anything blocking, or null when none did or a
   * trading operation has run since (every operation but a reconcile or an accounting refresh clears it).
   */
  reconciledAtMs: number | null;
  /** Trading and reconciling operations the executor has started (a follow-up checks nothing ran before it). */
  operations: number;
  /**
   * Queues work that belongs to the operation running now but need not delay its answer (the entry fills'
   * commissions): the executor runs it next, under its lock, before any operation requested after this one.
   */
  later(task: () => Promise<void>): void;
  /** The queued follow-ups, removed from the queue. */
  takeLater(): (() => Promise<void>)[];
  /**
   * Queues a store write that records what already happened and may share the next commit instead of waiting for
   * a disk flush of its own (a commit costs milliseconds). Only for records whose loss in a crash is harmless:
   * the state they describe is re-established from the exchange (a confirmed transfer is confirmed again by its
   * clientTranId; settings are read from the position rows).
   */
  deferWrite(write: () => void): void;
  /** Runs the deferred writes: inside the caller's transaction, or as one commit of their own. */
  flushWrites(): void;
}

export function createContext(deps: ExecutionDeps): ExecContext {
  const rateCache = new Map<string, { rates: CommissionRates; atMs: number }>();
  // One read per key at a time: the open asks for the spot rates from two places at once.
  const rateReads = new Map<string, Promise<CommissionRates | null>>();
  const cached = (key: string): CommissionRates | null => {
    const hit = rateCache.get(key);
    return hit !== undefined && deps.clock.nowMs() - hit.atMs < RATE_CACHE_MS ? hit.rates : null;
  };
  let followUps: (() => Promise<void>)[] = [];
  let deferred: (() => void)[] = [];
  const ctx = {
    ...deps,
    writes: 0,
    reconciledAtMs: null,
    operations: 0,
    later(task: () => Promise<void>) {
      followUps.push(task);
    },
    takeLater() {
      const taken = followUps;
      followUps = [];
      return taken;
    },
    deferWrite(write: () => void) {
      deferred.push(write);
    },
    flushWrites() {
      if (deferred.length === 0) return;
      const writes = deferred;
      deferred = [];
      deps.store.transaction(() => {
        for (const write of writes) write();
      });
    },
    emit(event: EngineEvent) {
      try {
        deps.events(event);
      } catch (error) {
        deps.logger.warn({ event: event.type, error: describeError(error) }, 'event sink failed');
      }
    },
    cachedCommissionRates(market: 'spot' | 'perp', symbol: string) {
      return cached(`${market}:${symbol}`);
    },
    commissionRates(market: 'spot' | 'perp', symbol: string) {
      const key = `${market}:${symbol}`;
      const hit = cached(key);
      if (hit !== null) return Promise.resolve(hit);
      const inFlight = rateReads.get(key);
      if (inFlight !== undefined) return inFlight;
      const read = (async () => {
        try {
          const rates = await deps.venue.commissionRates(market, symbol);
          rateCache.set(key, { rates, atMs: deps.clock.nowMs() });
          return rates;
        } catch (error) {
          deps.logger.warn({ market, symbol, error: describeError(error) }, 'commission rates unavailable');
          return null;
        } finally {
          rateReads.delete(key);
        }
      })();
      rateReads.set(key, read);
      return read;
    },
  } as ExecContext;
  ctx.gateway = new OrderGateway(ctx);
  ctx.fills = new FillRecorder(ctx);
  ctx.setup = new AccountSetup(ctx);
  ctx.rebalancer = new WalletRebalancer(ctx);
  return ctx;
}
