/** The mutable state of one simulated account. Only the engine core touches it. */
import type { IncomeRecord, MarginType, PositionSide } from '../../domain/account.ts';
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import type { MarketKind } from '../../domain/market.ts';
import type { SimOrder, SimTrade } from './index.ts';

/** Aster's default for a symbol whose leverage was never set. */
export const DEFAULT_LEVERAGE = 20;

export interface PositionState {
  symbol: string;
  side: PositionSide;
  /** Signed: negative is short. */
  amt: Decimal;
  entry: Decimal;
  /** Isolated margin set aside for this position (part of the futures wallet); zero when cross. */
  isolatedWallet: Decimal;
  accumulatedRealized: Decimal;
  updateTimeMs: number;
}

/** What a stop order still needs to execute when it triggers. */
export interface StopSpec {
  /** Null when it closes the whole position (`closePosition=true`). */
  quantity: Decimal | null;
}

export class AccountState {
  readonly id: string;
  readonly createdMs: number;
  readonly spot = new Map<string, Decimal>();
  readonly futures = new Map<string, Decimal>();
  dualSidePosition = false;
  readonly leverage = new Map<string, number>();
  readonly marginType = new Map<string, MarginType>();
  /** Keyed by `symbol|side`. */
  readonly positions = new Map<string, PositionState>();
  readonly orders: Record<MarketKind, Map<number, SimOrder>> = { spot: new Map(), perp: new Map() };
  /** The latest order per client id. */
  readonly byClientId: Record<MarketKind, Map<string, number>> = { spot: new Map(), perp: new Map() };
  readonly stops = new Map<number, StopSpec>();
  readonly trades: Record<MarketKind, SimTrade[]> = { spot: [], perp: [] };
  readonly income: IncomeRecord[] = [];
  /** clientTranId → time it was used. */
  readonly clientTranIds = new Map<string, number>();
  updateTimeMs: number;

  constructor(id: string, createdMs: number) {
    this.id = id;
    this.createdMs = createdMs;
    this.updateTimeMs = createdMs;
  }

  leverageOf(symbol: string): number {
    return this.leverage.get(symbol) ?? DEFAULT_LEVERAGE;
  }

  marginTypeOf(symbol: string): MarginType {
    return this.marginType.get(symbol) ?? 'cross';
  }

  position(symbol: string, side: PositionSide): PositionState {
    const key = `${symbol}|${side}`;
    let position = this.positions.get(key);
    if (!position) {
      position = {
        symbol,
        side,
        amt: ZERO,
        entry: ZERO,
        isolatedWallet: ZERO,
        accumulatedRealized: ZERO,
        updateTimeMs: this.createdMs,
      };
      this.positions.set(key, position);
    }
    return position;
  }

  /** Positions with a non-zero amount, in a stable order (symbol, then side). */
  openPositions(): PositionState[] {
    return [...this.positions.values()]
      .filter((p) => !p.amt.isZero())
      .sort((a, b) => (a.symbol === b.symbol ? a.side.localeCompare(b.side) : a.symbol < b.symbol ? -1 : 1));
  }

  openOrders(market: MarketKind, symbol?: string): SimOrder[] {
    const out: SimOrder[] = [];
    for (const order of this.orders[market].values()) {
      if ((order.status === 'NEW' || order.status === 'PARTIALLY_FILLED') && (!symbol || order.symbol === symbol)) {
        out.push(order);
      }
    }
    return out;
  }

  balance(wallet: 'spot' | 'futures', asset: string): Decimal {
    return this[wallet].get(asset) ?? ZERO;
  }
}
