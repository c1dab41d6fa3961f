/**
 * Account setup before trading a symbol: one-way position mode (so `positionSide` is BOTH and `reduceOnly` is
 * allowed: Aster rejects reduce-only orders in hedge mode), the configured margin type, and the leverage.
 *
 * Each call is idempotent on the exchange (Aster answers -4059 / -4046 "no need to change", which the venue treats
 * as success), and what was applied is cached in the store's meta so a restart does not repeat the calls (the
 * position-mode read alone weighs 30). The cache is dropped when an order is rejected in a way that suggests the
 * account was changed by hand (`invalidate`).
 */
import { DnfarmError, describeError } from '../../errors.ts';
import type { ExecContext } from './context.ts';

export const ACCOUNT_SETUP_META_KEY = 'account_setup';

interface SetupCache {
  oneWay: boolean;
  symbols: Record<string, { marginType?: string; leverage?: number }>;
}

export class AccountSetupError extends DnfarmError {
  override name = 'AccountSetupError';
  readonly symbol: string;

  constructor(symbol: string, message: string, options: { kind?: 'retryable' | 'fatal'; cause?: unknown } = {}) {
    super(`account setup for ${symbol}: ${message}`, options);
    this.symbol = symbol;
  }
}

function readCache(value: unknown): SetupCache {
  if (value === null || typeof value !== 'object') return { oneWay: false, symbols: {} };
  const v = value as Partial<SetupCache>;
  return {
    oneWay: v.oneWay === true,
    symbols: typeof v.symbols === 'object' && v.symbols !== null ? { ...v.symbols } : {},
  };
}

export class AccountSetup {
  readonly #ctx: ExecContext;

  constructor(ctx: ExecContext) {
    this.#ctx = ctx;
  }

  /** Ensures one-way mode, the configured margin type and `leverage` for `symbol`; throws AccountSetupError. */
  async ensure(symbol: string, leverage: number): Promise<void> {
    const { venue, store, execution, logger } = this.#ctx;
    const cache = readCache(store.meta.getJson(ACCOUNT_SETUP_META_KEY));
    const entry = { ...(cache.symbols[symbol] ?? {}) };
    const save = () => {
      cache.symbols[symbol] = entry;
      store.meta.setJson(ACCOUNT_SETUP_META_KEY, cache);
    };
    try {
      if (!cache.oneWay) {
        await venue.ensureOneWayMode();
        cache.oneWay = true;
        save();
      }
      if (entry.marginType !== execution.marginType) {
        await venue.setMarginType(symbol, execution.marginType);
        entry.marginType = execution.marginType;
        save();
      }
      if (entry.leverage !== leverage) {
        const applied = await venue.setLeverage(symbol, leverage);
        if (applied !== leverage) {
          throw new AccountSetupError(symbol, `leverage ${leverage} requested, the exchange applied ${applied}`);
        }
        entry.leverage = leverage;
        save();
      }
    } catch (error) {
      if (error instanceof AccountSetupError) throw error;
      const kind = error instanceof DnfarmError && error.kind === 'fatal' ? 'fatal' : 'retryable';
      logger.warn({ symbol, leverage, error: describeError(error) }, 'account setup failed');
      throw new AccountSetupError(symbol, describeError(error), { kind, cause: error });
    }
  }

  /** Forgets what was applied: the next `ensure` sets everything again. */
  invalidate(): void {
    this.#ctx.store.meta.delete(ACCOUNT_SETUP_META_KEY);
  }
}
