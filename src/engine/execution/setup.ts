/**
 * Account setup before trading a symbol: one-way position mode (so `positionSide` is BOTH and `reduceOnly` is
 * allowed: Aster rejects reduce-only orders in hedge mode), the configured margin type, and the leverage.
 *
 * What is already in place is not sent again. The exchange says what is in place: every perp position row
 * (positionRisk, read by the pre-trade reconcile or by the loop for its decision) carries the symbol's leverage
 * and margin type, and its `positionSide` gives the position mode (BOTH in one-way mode, LONG and SHORT in hedge
 * mode), so the mode read (weight 30) is not needed either. Those rows win over anything remembered; when there
 * are none (a venue that lists only open positions), the store's meta keeps what was applied last (`invalidate`
 * drops it, and so does any failed setting).
 *
 * The calls that remain are independent of each other (the mode is account-wide, margin type and leverage are
 * per symbol, and none is possible with a position open on the symbol, which is never the case before an open),
 * so they go out together. Each is idempotent on the exchange (Aster answers -4059 / -4046 "no need to change",
 * which the venue treats as success).
 */
import type { PerpPosition } from '../../domain/account.ts';
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

/** Position rows spell margin types `cross` / `isolated`; the settings endpoint takes `CROSSED` / `ISOLATED`. */
function rowMarginType(row: PerpPosition): 'CROSSED' | 'ISOLATED' {
  return row.marginType === 'isolated' ? 'ISOLATED' : 'CROSSED';
}

/** What the exchange (or, without rows, the cache) says is in place for the symbol. */
interface InPlace {
  /** null: unknown, the mode must be read. */
  dualSide: boolean | null;
  marginType: string | undefined;
  leverage: number | undefined;
}

function inPlace(cache: SetupCache, symbol: string, rows: readonly PerpPosition[] | undefined): InPlace {
  const entry = cache.symbols[symbol] ?? {};
  const known: InPlace = {
    dualSide: cache.oneWay ? false : null,
    marginType: entry.marginType,
    leverage: entry.leverage,
  };
  if (rows === undefined || rows.length === 0) return known;
  known.dualSide = rows.some((r) => r.positionSide !== 'BOTH');
  const row = rows.find((r) => r.symbol === symbol);
  if (row !== undefined) {
    known.marginType = rowMarginType(row);
    known.leverage = row.leverage;
  }
  return known;
}

export class AccountSetup {
  readonly #ctx: ExecContext;

  constructor(ctx: ExecContext) {
    this.#ctx = ctx;
  }

  /**
   * Ensures one-way mode, the configured margin type and `leverage` for `symbol`; throws AccountSetupError.
   * `rows`: the account's perp position rows, when just read (they say what is in place).
   */
  async ensure(symbol: string, leverage: number, rows?: readonly PerpPosition[]): Promise<void> {
    const { venue, store, execution, logger } = this.#ctx;
    const cache = readCache(store.meta.getJson(ACCOUNT_SETUP_META_KEY));
    const now = inPlace(cache, symbol, rows);
    const calls: Promise<void>[] = [];
    const write = <T>(call: () => Promise<T>) => {
      this.#ctx.writes += 1;
      return call();
    };
    if (now.dualSide !== false) {
      calls.push(write(() => venue.ensureOneWayMode(now.dualSide === null ? undefined : { dualSidePosition: true })));
    }
    if (now.marginType !== execution.marginType) {
      calls.push(write(() => venue.setMarginType(symbol, execution.marginType)));
    }
    if (now.leverage !== leverage) {
      calls.push(
        write(async () => {
          const applied = await venue.setLeverage(symbol, leverage);
          if (applied !== leverage) {
            throw new AccountSetupError(symbol, `leverage ${leverage} requested, the exchange applied ${applied}`);
          }
        }),
      );
    }
    // Every call settles before anything is concluded: a failure must not leave another in flight unseen.
    const results = await Promise.allSettled(calls);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure !== undefined) {
      // Some setting may or may not have been applied: forget everything, the next open looks again.
      this.invalidate();
      const error: unknown = failure.reason;
      if (error instanceof AccountSetupError) throw error;
      const kind = error instanceof DnfarmError && error.kind === 'fatal' ? 'fatal' : 'retryable';
      logger.warn({ symbol, leverage, error: describeError(error) }, 'account setup failed');
      throw new AccountSetupError(symbol, describeError(error), { kind, cause: error });
    }
    const stored = cache.symbols[symbol];
    if (cache.oneWay && stored?.marginType === execution.marginType && stored.leverage === leverage) return;
    cache.oneWay = true;
    cache.symbols[symbol] = { marginType: execution.marginType, leverage };
    // Written with the open's next commit: losing it only means the settings are looked up again.
    this.#ctx.deferWrite(() => store.meta.setJson(ACCOUNT_SETUP_META_KEY, cache));
  }

  /** Forgets what was applied: without position rows, the next `ensure` sets everything again. */
  invalidate(): void {
    this.#ctx.store.meta.delete(ACCOUNT_SETUP_META_KEY);
  }
}
