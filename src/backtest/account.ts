/**
 * The account as the strategy sees it, read from the account engine the way the live loop reads it from the
 * exchange: spot balances, the perp wallet and every open perp position.
 *
 * Spot balances come from the ledger reader (the engine's own bookings, without sorting every asset the account
 * ever held at every step) and only for the assets a decision can look at: the quote asset, the held pair's base
 * asset and the base asset of any open perp position. The strategy only ever looks up those.
 */
import type { PerpAssetBalance, PerpPosition, SpotBalance } from '../domain/account.ts';
import { ZERO } from '../domain/decimal.ts';
import type { SimEngine, SimFuturesAccount, SimPosition } from '../sim/engine/index.ts';
import type { AccountView } from '../strategy/state.ts';
import type { LedgerReader } from './ledger.ts';

/** The one simulated account of a backtest. */
export const ACCOUNT_ID = 'backtest';

function perpPosition(p: SimPosition): PerpPosition {
  return {
    symbol: p.symbol,
    positionAmt: p.positionAmt,
    entryPrice: p.entryPrice,
    markPrice: p.markPrice,
    unrealizedProfit: p.unrealizedProfit,
    liquidationPrice: p.liquidationPrice,
    leverage: p.leverage,
    marginType: p.marginType,
    positionSide: p.positionSide,
    notional: p.notional,
    updateTimeMs: p.updateTimeMs,
  };
}

function perpBalance(futures: SimFuturesAccount, asset: string): PerpAssetBalance {
  const row = futures.assets.find((a) => a.asset === asset);
  return {
    asset,
    walletBalance: row?.walletBalance ?? ZERO,
    crossWalletBalance: row?.crossWalletBalance ?? ZERO,
    crossUnPnl: row?.crossUnPnl ?? ZERO,
    availableBalance: row?.availableBalance ?? ZERO,
    maxWithdrawAmount: row?.maxWithdrawAmount ?? ZERO,
  };
}

export interface AccountRead {
  readonly view: AccountView;
  readonly futures: SimFuturesAccount;
}

/**
 * Reads the account now. `baseOf` maps a perp symbol to its base asset (positions the bot has no record of count
 * too: the strategy closes or reports them).
 */
export function readAccount(
  engine: SimEngine,
  ledger: LedgerReader,
  quoteAsset: string,
  heldBaseAsset: string | null,
  baseOf: (symbol: string) => string | undefined,
): AccountRead {
  const futures = engine.futuresAccount(ACCOUNT_ID);
  const assets = new Set<string>([quoteAsset]);
  if (heldBaseAsset !== null) assets.add(heldBaseAsset);
  for (const p of futures.positions) {
    const base = baseOf(p.symbol);
    if (base !== undefined) assets.add(base);
  }
  const spotBalances: SpotBalance[] = [];
  for (const asset of assets) spotBalances.push({ asset, free: ledger.spotBalance(asset), locked: ZERO });
  return {
    view: {
      spotBalances,
      perpBalances: [perpBalance(futures, quoteAsset)],
      perpPositions: futures.positions.map(perpPosition),
    },
    futures,
  };
}
