/**
 * The engine's state and the primitives every operation is built from: ids, balance changes (always through the
 * ledger), income records, the house's fee account, the current books and the event queue.
 */
import type { IncomeType } from '../../domain/account.ts';
import { type Decimal, ZERO } from '../../domain/decimal.ts';
import type { FundingRateRecord, MarketKind } from '../../domain/market.ts';
import type { BookLevel, MarketSource, MarketState, PerpQuote, SimMarketDef, SpotQuote } from '../market/types.ts';
import { AccountState } from './account.ts';
import type { SimEvent, SimRetention } from './index.ts';
import { Ledger, type LedgerReason, type LedgerWallet } from './ledger.ts';

export interface CoreSettings {
  initialUsdt: Decimal;
  maintenanceMarginRate: Decimal;
  liquidationFeeRate: Decimal | undefined;
  clientTranIdWindowMs: number;
  /** 0: the market is re-read at every instant; else clock-driven reads land on multiples of this. */
  marketStepMs: number;
  retention: SimRetention | undefined;
}

interface MutableBook {
  bids: BookLevel[];
  asks: BookLevel[];
}

/** Order ids of the two markets live in separate ranges so a mix-up shows at a glance. */
const FIRST_SPOT_ORDER_ID = 1_000_001;
const FIRST_PERP_ORDER_ID = 5_000_001;

export class EngineCore {
  readonly source: MarketSource;
  readonly settings: CoreSettings;
  readonly ledger = new Ledger();
  readonly house = new Map<string, Decimal>();
  readonly accounts = new Map<string, AccountState>();
  readonly spotDefs = new Map<string, SimMarketDef>();
  readonly perpDefs = new Map<string, SimMarketDef>();
  /** Settled funding per perp symbol, ascending. */
  readonly fundingHistory = new Map<string, FundingRateRecord[]>();
  /** The next funding boundary per perp symbol. */
  readonly nextFundingMs = new Map<string, number>();
  state: MarketState;
  /** The instant `state` was read from the source (at most `nowMs`; behind it between stepped updates). */
  marketTimeMs: number;
  nowMs: number;
  /** When the last housekeeping pass ran (see retention.ts). */
  housekeptMs: number;
  updateId = 1;
  /** Books of the current update that fills have taken depth from; the rest are read from the state. */
  private readonly consumed = new Map<string, MutableBook>();
  private readonly pending: SimEvent[] = [];
  private nextOrderIds: Record<MarketKind, number> = { spot: FIRST_SPOT_ORDER_ID, perp: FIRST_PERP_ORDER_ID };
  private nextTrade = 1;
  private nextTran = 1;

  constructor(source: MarketSource, settings: CoreSettings, startMs: number) {
    this.source = source;
    this.settings = settings;
    const defs = source.definitions();
    for (const def of defs.spot) this.spotDefs.set(def.symbol, def);
    for (const def of defs.perp) {
      this.perpDefs.set(def.symbol, def);
      this.fundingHistory.set(def.symbol, [...source.priorFunding(def.symbol)]);
      const intervalMs = def.fundingIntervalHours * 3_600_000;
      this.nextFundingMs.set(def.symbol, (Math.floor(startMs / intervalMs) + 1) * intervalMs);
    }
    this.nowMs = startMs;
    this.housekeptMs = startMs;
    this.marketTimeMs = startMs;
    this.state = source.advance(startMs);
  }

  def(market: MarketKind, symbol: string): SimMarketDef | undefined {
    return (market === 'spot' ? this.spotDefs : this.perpDefs).get(symbol);
  }

  // ------------------------------------------------------------ ids

  nextOrderId(market: MarketKind): number {
    return this.nextOrderIds[market]++;
  }

  nextTradeId(): number {
    return this.nextTrade++;
  }

  nextTranId(): number {
    return this.nextTran++;
  }

  // ------------------------------------------------------------ accounts and money

  account(accountId: string): AccountState {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = new AccountState(accountId, this.nowMs);
      this.accounts.set(accountId, account);
      if (this.settings.initialUsdt.greaterThan(ZERO)) {
        this.credit(account, 'spot', 'USDT', this.settings.initialUsdt, 'deposit', 'initial');
      }
    }
    return account;
  }

  /** The only way a balance changes: the wallet and the ledger move together. Zero deltas are not recorded. */
  credit(
    account: AccountState,
    wallet: LedgerWallet,
    asset: string,
    delta: Decimal,
    reason: LedgerReason,
    refId: string,
  ): void {
    if (delta.isZero()) return;
    const balances = account[wallet];
    balances.set(asset, (balances.get(asset) ?? ZERO).plus(delta));
    this.ledger.append({ accountId: account.id, wallet, asset, delta, reason, refId, timeMs: this.nowMs });
    account.updateTimeMs = this.nowMs;
  }

  /** Fees the exchange collects (positive) or insurance it pays out (negative). */
  houseAdd(asset: string, amount: Decimal): void {
    if (amount.isZero()) return;
    this.house.set(asset, (this.house.get(asset) ?? ZERO).plus(amount));
  }

  addIncome(
    account: AccountState,
    incomeType: IncomeType,
    symbol: string,
    income: Decimal,
    asset: string,
    timeMs: number,
    tradeId: string,
    tranId: number = this.nextTranId(),
  ): void {
    account.income.push({ symbol, incomeType, income, asset, timeMs, tranId: String(tranId), tradeId });
  }

  // ------------------------------------------------------------ market

  /** Replaces the current state with a fresh market update: liquidity taken from the old books is back. */
  applyState(state: MarketState, readAtMs: number): void {
    this.state = state;
    this.marketTimeMs = readAtMs;
    this.consumed.clear();
    this.updateId++;
  }

  /** The current book, without the depth fills have taken since the last market update. */
  book(
    market: MarketKind,
    symbol: string,
  ): { readonly bids: readonly BookLevel[]; readonly asks: readonly BookLevel[] } {
    const key = `${market}:${symbol}`;
    const taken = this.consumed.get(key);
    if (taken) return taken;
    const quote = market === 'spot' ? this.state.spot.get(symbol) : this.state.perp.get(symbol);
    return quote ? quote.book : { bids: [], asks: [] };
  }

  replaceSide(market: MarketKind, symbol: string, side: 'bids' | 'asks', levels: BookLevel[]): void {
    const book = this.book(market, symbol);
    this.consumed.set(`${market}:${symbol}`, { bids: [...book.bids], asks: [...book.asks], [side]: levels });
    this.updateId++;
  }

  spotQuote(symbol: string): SpotQuote | undefined {
    return this.state.spot.get(symbol);
  }

  perpQuote(symbol: string): PerpQuote | undefined {
    return this.state.perp.get(symbol);
  }

  /** Mark price of a perp symbol; zero if the source has no quote (the symbol then cannot trade). */
  mark(symbol: string): Decimal {
    return this.perpQuote(symbol)?.markPrice ?? ZERO;
  }

  liquidationFeeRate(symbol: string): Decimal {
    return this.settings.liquidationFeeRate ?? this.perpDefs.get(symbol)?.liquidationFeeRate ?? ZERO;
  }

  // ------------------------------------------------------------ events

  emit(event: SimEvent): void {
    this.pending.push(event);
  }

  takeEvents(): SimEvent[] {
    return this.pending.splice(0, this.pending.length);
  }
}
