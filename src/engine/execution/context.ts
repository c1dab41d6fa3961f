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
}

export function createContext(deps: ExecutionDeps): ExecContext {
  const rateCache = new Map<string, { rates: CommissionRates; atMs: number }>();
  const ctx = {
    ...deps,
    emit(event: EngineEvent) {
      try {
        deps.events(event);
      } catch (error) {
        deps.logger.warn({ event: event.type, error: describeError(error) }, 'event sink failed');
      }
    },
    async commissionRates(market: 'spot' | 'perp', symbol: string) {
      const key = `${market}:${symbol}`;
      const cached = rateCache.get(key);
      if (cached !== undefined && deps.clock.nowMs() - cached.atMs < RATE_CACHE_MS) return cached.rates;
      try {
        const rates = await deps.venue.commissionRates(market, symbol);
        rateCache.set(key, { rates, atMs: deps.clock.nowMs() });
        return rates;
      } catch (error) {
        deps.logger.warn({ market, symbol, error: describeError(error) }, 'commission rates unavailable');
        return null;
      }
    },
  } as ExecContext;
  ctx.gateway = new OrderGateway(ctx);
  ctx.fills = new FillRecorder(ctx);
  ctx.setup = new AccountSetup(ctx);
  ctx.rebalancer = new WalletRebalancer(ctx);
  return ctx;
}
