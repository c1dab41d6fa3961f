/**
 * Executing the strategy's decisions on the account engine, in process: the same steps, in the same order, as the
 * live executor, minus what only a remote exchange needs (client ids, persisted intents, retries after an unknown
 * outcome: here every answer is final).
 *
 * - open: funding guard → rebalancing transfer (spot holds L/(L+1)) → leverage → sizing on the balances after the
 *   transfer → spot buy and perp short at the book → hedge check: the smaller leg, on the common step, is the
 *   position; a larger leg is trimmed, and if no valid hedge is left both legs are unwound;
 * - close: funding guard for ordinary closes (never for a stop-loss or a broken position) → perp bought back
 *   reduce-only, the position's own spot sold (never more than it holds, floored to the step: below one step stays as
 *   dust) → a leg the exchange refused leaves the close pending;
 * - repair: the one order the strategy asks for.
 * Commissions and fills come from the engine (orders and ledger), so every figure is what the engine booked.
 */
import type { TransferDirection } from '../domain/account.ts';
import { type Decimal, minDec, ZERO } from '../domain/decimal.ts';
import { checkMarketOrder, commonStep, quantizeDown } from '../domain/filters.ts';
import type { MarketKind } from '../domain/market.ts';
import { fundingGuard } from '../engine/execution/funding-guard.ts';
import type { SimEngine, SimFuturesAccount } from '../sim/engine/index.ts';
import type { OpenDecision, RepairDecision } from '../strategy/decision.ts';
import type { StrategyParams } from '../strategy/params.ts';
import { planWalletSplit, sizeOpen } from '../strategy/sizing.ts';
import { ACCOUNT_ID } from './account.ts';
import { Cycle, type CycleEndReason } from './cycle.ts';
import type { FundingEntry, LedgerReader } from './ledger.ts';
import type { ReplayMarket, Track } from './market.ts';

/** Closes that never wait for the funding guard (as in the live executor). */
const URGENT: ReadonlySet<CycleEndReason> = new Set([
  'stop_loss',
  'naked_short',
  'naked_spot',
  'health_critical',
  'imbalance',
  'position_gone',
  'data_ended',
]);

export interface ExecutionSettings {
  readonly fundingGuardSeconds: number;
  /** Margin type set on a perp symbol before its first open. */
  readonly marginType: 'CROSSED' | 'ISOLATED';
}

export type OpenOutcome =
  | { status: 'opened'; cycle: Cycle }
  /** Nothing traded (a transfer may have moved USDT between the wallets). */
  | { status: 'skipped'; reason: string; message: string }
  /** Legs traded and were unwound: the cycle carries what that cost. */
  | { status: 'failed'; cycle: Cycle; message: string };

export type CloseOutcome =
  | { status: 'closed' }
  | { status: 'skipped'; reason: string; message: string }
  | { status: 'incomplete'; message: string };

interface OrderResult {
  ok: boolean;
  executedQty: Decimal;
  message: string;
}

/** Counts of what the executor did, for the report. */
export interface ExecutionCounts {
  orders: number;
  rejectedOrders: number;
  transfers: number;
  spotVolumeUsdt: Decimal;
  perpVolumeUsdt: Decimal;
  /** Commissions of orders that belong to no cycle (repairs of positions the bot has no record of). */
  unattributedFeesUsdt: Decimal;
}

export class Executor {
  readonly #engine: SimEngine;
  readonly #market: ReplayMarket;
  readonly #ledger: LedgerReader;
  readonly #params: StrategyParams;
  readonly #settings: ExecutionSettings;
  /** Funding the engine booked during one of this executor's calls (it settles what is due first). */
  readonly #onFunding: (entries: readonly FundingEntry[]) => void;
  readonly #leverage = new Map<string, number>();
  #transferSeq = 0;
  readonly counts: ExecutionCounts = {
    orders: 0,
    rejectedOrders: 0,
    transfers: 0,
    spotVolumeUsdt: ZERO,
    perpVolumeUsdt: ZERO,
    unattributedFeesUsdt: ZERO,
  };

  constructor(
    engine: SimEngine,
    market: ReplayMarket,
    ledger: LedgerReader,
    params: StrategyParams,
    settings: ExecutionSettings,
    onFunding: (entries: readonly FundingEntry[]) => void,
  ) {
    this.#engine = engine;
    this.#market = market;
    this.#ledger = ledger;
    this.#params = params;
    this.#settings = settings;
    this.#onFunding = onFunding;
  }

  /** The funding guard on `track` at `nowMs`; null when clear. */
  #guard(track: Track, nowMs: number): string | null {
    const premium = this.#market.premium(track);
    const verdict = fundingGuard({
      nowMs,
      nextFundingTimeMs: premium.nextFundingTimeMs,
      fundingIntervalHours: track.series.rowIntervalHours[track.rateRow] as number,
      guardSeconds: this.#settings.fundingGuardSeconds,
    });
    return verdict.blocked ? verdict.message : null;
  }

  /** One MARKET order; its fills and the commissions the ledger booked for it go to `cycle`. */
  #order(
    cycle: Cycle | null,
    market: MarketKind,
    track: Track,
    side: 'BUY' | 'SELL',
    quantity: Decimal,
    reduceOnly = false,
  ): OrderResult {
    this.#market.engage(track.symbol);
    const result = this.#engine.placeOrder(ACCOUNT_ID, market, {
      symbol: track.symbol,
      side,
      type: 'MARKET',
      quantity,
      ...(reduceOnly ? { reduceOnly: true } : {}),
    });
    const batch = this.#ledger.read();
    this.#onFunding(batch.funding);
    this.counts.orders++;
    if (!result.ok) {
      this.counts.rejectedOrders++;
      return { ok: false, executedQty: ZERO, message: `${result.error.code} ${result.error.msg}` };
    }
    const order = result.value;
    if (market === 'spot') this.counts.spotVolumeUsdt = this.counts.spotVolumeUsdt.plus(order.cumQuote);
    else this.counts.perpVolumeUsdt = this.counts.perpVolumeUsdt.plus(order.cumQuote);
    const baseCommission = batch.baseCommission.get(track.series.baseAsset) ?? ZERO;
    if (cycle === null) {
      this.counts.unattributedFeesUsdt = this.counts.unattributedFeesUsdt.plus(batch.feesUsdt);
    } else {
      cycle.fill(market, side, order.executedQty, order.cumQuote);
      cycle.fee(batch.feesUsdt, baseCommission);
    }
    return { ok: true, executedQty: order.executedQty, message: order.status };
  }

  /** Moves quote currency so spot holds L/(L+1); the balances after it, or a reason it could not. */
  #rebalance(
    quoteAsset: string,
    leverage: number,
    futures: SimFuturesAccount,
  ): { spot: Decimal; perp: Decimal } | string {
    const spot = this.#ledger.spotBalance(quoteAsset);
    const perp = futures.availableBalance;
    const plan = planWalletSplit(spot, perp, leverage, this.#params.transferDeadBandUsdt);
    if (plan.transfer === null) return { spot, perp };
    const toPerp = plan.transfer.direction === 'SPOT_TO_PERP';
    const amount = minDec(plan.transfer.amountUsdt, toPerp ? spot : futures.maxWithdrawAmount);
    if (!amount.isPositive() || amount.isZero()) return { spot, perp };
    const direction: TransferDirection = plan.transfer.direction;
    const result = this.#engine.transfer(ACCOUNT_ID, {
      asset: quoteAsset,
      amount,
      kindType: direction === 'SPOT_TO_PERP' ? 'SPOT_FUTURE' : 'FUTURE_SPOT',
      clientTranId: `backtest-${++this.#transferSeq}`,
    });
    const batch = this.#ledger.read();
    this.#onFunding(batch.funding);
    if (!result.ok) return `transfer of ${amount.toFixed()} ${quoteAsset} refused: ${result.error.msg}`;
    this.counts.transfers++;
    const intoSpot = toPerp ? amount.negated() : amount;
    return { spot: spot.plus(intoSpot), perp: perp.minus(intoSpot) };
  }

  /** Leverage (and margin type) of the symbol, set once and again only when it changes. */
  #setup(track: Track, leverage: number): string | null {
    if (this.#leverage.get(track.symbol) === leverage) return null;
    this.#market.engage(track.symbol);
    if (this.#settings.marginType === 'ISOLATED' && !this.#leverage.has(track.symbol)) {
      const margin = this.#engine.setMarginType(ACCOUNT_ID, track.symbol, 'ISOLATED');
      if (!margin.ok && margin.error.code !== -4046) return `margin type refused: ${margin.error.msg}`;
    }
    const result = this.#engine.setLeverage(ACCOUNT_ID, track.symbol, leverage);
    if (!result.ok) return `leverage ${leverage} refused: ${result.error.msg}`;
    this.#leverage.set(track.symbol, leverage);
    return null;
  }

  /**
   * Opens the decided pair. `futures`: the futures account the decision was made on (nothing has traded since, so
   * it stands for a fresh read, as the live executor uses the decision's reads when they are fresh).
   */
  open(decision: OpenDecision, nowMs: number, cycleId: number, futures: SimFuturesAccount): OpenOutcome {
    const track = this.#market.track(decision.pair.symbol);
    if (track === undefined) return { status: 'skipped', reason: 'unknown_symbol', message: decision.pair.symbol };
    const guarded = this.#guard(track, nowMs);
    if (guarded !== null) return { status: 'skipped', reason: 'funding_guard', message: guarded };
    const { pair, leverage } = decision;
    const balances = this.#rebalance(pair.quoteAsset, leverage, futures);
    if (typeof balances === 'string') return { status: 'skipped', reason: 'transfer_failed', message: balances };
    const setup = this.#setup(track, leverage);
    if (setup !== null) return { status: 'skipped', reason: 'setup_failed', message: setup };
    const sizing = sizeOpen({
      spotUsdt: balances.spot,
      perpUsdt: balances.perp,
      leverage,
      capitalFraction: this.#params.capitalFraction,
      spotPrice: decision.spotPrice,
      perpMarkPrice: decision.perpMarkPrice,
      spotFilters: pair.spot.filters,
      perpFilters: pair.perp.filters,
      spotTakerRate: this.#market.fees.spotTaker,
      spotCommissionInBase: true,
    });
    if (!sizing.ok) return { status: 'skipped', reason: 'sizing_failed', message: sizing.message };

    const cycle = new Cycle({
      id: cycleId,
      symbol: pair.symbol,
      spotSymbol: pair.spotSymbol,
      baseAsset: pair.baseAsset,
      quoteAsset: pair.quoteAsset,
      leverage,
      openedAtMs: nowMs,
      entryAprPct: decision.candidate.rankingAprPct,
    });
    const spot = this.#order(cycle, 'spot', track, 'BUY', sizing.spotBuyQty);
    if (!spot.ok) return { status: 'skipped', reason: 'spot_rejected', message: spot.message };
    const perp = this.#order(cycle, 'perp', track, 'SELL', sizing.perpQty);
    const problem = perp.ok ? null : `perp leg refused (${perp.message})`;
    return this.#settleOpen(cycle, track, problem);
  }

  /** The hedge the two legs make; trims the larger one, or unwinds both when no valid hedge is left. */
  #settleOpen(cycle: Cycle, track: Track, problem: string | null): OpenOutcome {
    const spotFilters = track.spotDef.filters;
    const perpFilters = track.perpDef.filters;
    const step = commonStep(spotFilters.marketStepSize, perpFilters.marketStepSize);
    const spotNet = cycle.netSpot;
    const perpNet = cycle.netPerp;
    const hedge = quantizeDown(minDec(spotNet.isNegative() ? ZERO : spotNet, perpNet), step);
    const price = this.#market.price(track);
    const viable =
      problem === null &&
      hedge.isPositive() &&
      !hedge.isZero() &&
      checkMarketOrder(perpFilters, { quantity: hedge, referencePrice: price }).ok &&
      checkMarketOrder(spotFilters, { quantity: hedge, referencePrice: price }).ok;
    if (viable) {
      const perpExcess = quantizeDown(perpNet.minus(hedge), perpFilters.marketStepSize);
      if (perpExcess.isPositive() && !perpExcess.isZero()) this.#order(cycle, 'perp', track, 'BUY', perpExcess, true);
      const spotExcess = spotNet.minus(hedge);
      if (spotExcess.greaterThan(step)) {
        const qty = quantizeDown(spotExcess, spotFilters.marketStepSize);
        if (checkMarketOrder(spotFilters, { quantity: qty, referencePrice: price }).ok) {
          this.#order(cycle, 'spot', track, 'SELL', qty);
        }
      }
      cycle.opened = true;
      return { status: 'opened', cycle };
    }
    this.#unwind(cycle, track);
    const message =
      problem ?? `the legs do not make a valid hedge (spot ${spotNet.toFixed()}, perp ${perpNet.toFixed()})`;
    cycle.failure = message;
    return { status: 'failed', cycle, message };
  }

  /** Sells what the cycle bought and buys back what it shorted. */
  #unwind(cycle: Cycle, track: Track): void {
    const spotQty = quantizeDown(cycle.netSpot, track.spotDef.filters.marketStepSize);
    if (spotQty.isPositive() && !spotQty.isZero()) this.#order(cycle, 'spot', track, 'SELL', spotQty);
    const perpQty = cycle.netPerp;
    if (perpQty.isPositive() && !perpQty.isZero()) this.#order(cycle, 'perp', track, 'BUY', perpQty, true);
  }

  /**
   * Closes the cycle's position: perp bought back (what the record holds, capped by the short on the exchange), the
   * position's own free spot sold, floored to the step. `reason` may be one the strategy never gives (data ended).
   */
  close(cycle: Cycle, reason: CycleEndReason, nowMs: number, futures: SimFuturesAccount): CloseOutcome {
    const track = this.#market.track(cycle.identity.symbol);
    if (track === undefined) return { status: 'incomplete', message: `${cycle.identity.symbol} is not in the data` };
    if (!URGENT.has(reason)) {
      const guarded = this.#guard(track, nowMs);
      if (guarded !== null) return { status: 'skipped', reason: 'funding_guard', message: guarded };
    }
    const price = this.#market.price(track);
    const perpFilters = track.perpDef.filters;
    const spotFilters = track.spotDef.filters;
    const row = futures.positions.find((p) => p.symbol === track.symbol && p.positionAmt.isNegative());
    const short = row === undefined ? ZERO : row.positionAmt.abs();
    const recorded = cycle.netPerp;
    let perpQty = quantizeDown(minDec(recorded.isPositive() ? recorded : ZERO, short), perpFilters.marketStepSize);
    if (
      !perpQty.isZero() &&
      !checkMarketOrder(perpFilters, { quantity: perpQty, referencePrice: price, reduceOnly: true }).ok
    ) {
      perpQty = ZERO;
    }
    const own = cycle.netSpot;
    const free = this.#ledger.spotBalance(cycle.identity.baseAsset);
    let spotQty = quantizeDown(own.isPositive() ? minDec(own, free) : ZERO, spotFilters.marketStepSize);
    if (!spotQty.isZero() && !checkMarketOrder(spotFilters, { quantity: spotQty, referencePrice: price }).ok) {
      spotQty = ZERO;
    }
    const problems: string[] = [];
    if (!spotQty.isZero()) {
      const spot = this.#order(cycle, 'spot', track, 'SELL', spotQty);
      if (!spot.ok) problems.push(`spot sell ${spotQty.toFixed()} refused (${spot.message})`);
    }
    if (!perpQty.isZero()) {
      const perp = this.#order(cycle, 'perp', track, 'BUY', perpQty, true);
      if (!perp.ok) problems.push(`perp buy ${perpQty.toFixed()} refused (${perp.message})`);
    }
    if (problems.length > 0) return { status: 'incomplete', message: problems.join('; ') };
    cycle.closedAtMs = nowMs;
    cycle.endReason = reason;
    return { status: 'closed' };
  }

  /** Sends the strategy's repair order; a position that is gone only ends its cycle. */
  repair(decision: RepairDecision, cycle: Cycle | null, nowMs: number): string {
    const order = decision.order;
    if (order === null) {
      if (cycle !== null) {
        cycle.closedAtMs = nowMs;
        cycle.endReason = 'position_gone';
      }
      return 'record closed: the position is no longer on the exchange';
    }
    const track = this.#market.track(order.symbol);
    if (track === undefined) return `${order.symbol} is not in the data`;
    const owner = cycle !== null && cycle.identity.symbol === decision.symbol ? cycle : null;
    const result = this.#order(owner, order.market, track, order.side, order.quantity, order.reduceOnly);
    return result.ok ? `${order.side} ${order.quantity.toFixed()} ${order.market}` : `refused: ${result.message}`;
  }

  /** Perp fills of liquidations of `symbol` since `sinceMs` (the engine closed the short itself). */
  liquidationFills(symbol: string, sinceMs: number): { qty: Decimal; quoteUsdt: Decimal } {
    const orders = this.#engine.allOrders(ACCOUNT_ID, 'perp', symbol, { startTimeMs: sinceMs });
    let qty = ZERO;
    let quoteUsdt = ZERO;
    if (orders.ok) {
      for (const o of orders.value) {
        if (!o.isLiquidation) continue;
        qty = qty.plus(o.executedQty);
        quoteUsdt = quoteUsdt.plus(o.cumQuote);
      }
    }
    return { qty, quoteUsdt };
  }
}
