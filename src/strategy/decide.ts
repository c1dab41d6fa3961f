/**
 * `decide`: one pure decision per cycle from the market snapshot, the strategy state and the params.
 *
 * Holding a position, the checks run in this order and the first that acts wins:
 *   1. stop-loss: always first, whatever else is wrong (a failed health check once skipped it);
 *   2. a pending close (failed or unknown outcome) is retried: nothing else happens until it completes;
 *   3. health: a vanished position, a long perp, a naked leg, a critical imbalance or any other critical
 *      issue leads to a repair or a close, never to "skip this cycle";
 *   4. perp positions the bot has no record of: a naked one is closed (repair), a hedged one is reported;
 *   5. fee coverage → close and reopen the best pair (the same symbol is allowed);
 *   6. rotation into a different, better symbol (see rotation.ts);
 *   7. max age → close and reopen;
 *   8. otherwise hold.
 * Flat, it waits while anything is unresolved or funds are short, then opens the best pair.
 *
 * Missing data (no account read, no mark price, an unknown market) never leads to a close or an open:
 * the decision is `wait` with the reason, and the next cycle tries again.
 */
import type { PerpPosition } from '../domain/account.ts';
import { type Decimal, minDec, ZERO } from '../domain/decimal.ts';
import { quantizeDown } from '../domain/filters.ts';
import type { MarketInfo, ScanSnapshot } from '../domain/market.ts';
import { maxAgeExceeded, positionAgeHours } from './age.ts';
import type {
  CloseDecision,
  CloseReason,
  Decision,
  RepairDecision,
  RepairReason,
  WaitDecision,
  WaitReason,
} from './decision.ts';
import { estimateExitFeesUsdt, feeCoverage } from './fees.ts';
import {
  assessPosition,
  type HealthIssue,
  perpPositionOf,
  spotFree,
  type UntrackedPosition,
  untrackedPositions,
} from './health.ts';
import type { StrategyParams } from './params.ts';
import { askPrice, bidPrice, midPrice } from './prices.ts';
import { planImbalanceRepair } from './repair.ts';
import { evaluateRotation } from './rotation.ts';
import { bestOtherThan, type ScanResult, scanPairs } from './scan.ts';
import { planWalletSplit, sizeOpen } from './sizing.ts';
import type { AccountView, HeldPosition, StrategyState } from './state.ts';
import { shortPnlPct, stopLossPct, stopLossTriggered } from './stoploss.ts';
import { pctText, usdText } from './text.ts';

/** The quote asset whose balances gate opening when flat (every Aster pair the bot trades quotes USDT). */
const FLAT_QUOTE_ASSET = 'USDT';

function positive(d: Decimal | undefined | null): d is Decimal {
  return d?.isPositive() === true && !d.isZero();
}

function wait(
  reason: WaitReason,
  message: string,
  issues: HealthIssue[],
  scan: ScanResult | null = null,
): WaitDecision {
  return { kind: 'wait', reason, message, issues, scan };
}

/** The freshest usable mark price: the snapshot's premium index, else the account's position row. */
function markPriceOf(snapshot: ScanSnapshot, symbol: string, perpRow: PerpPosition | undefined): Decimal | null {
  const fromIndex = snapshot.premiumIndex.get(symbol)?.markPrice;
  if (positive(fromIndex)) return fromIndex;
  if (perpRow !== undefined && positive(perpRow.markPrice)) return perpRow.markPrice;
  return null;
}

function findMarket(markets: readonly MarketInfo[], symbol: string): MarketInfo | undefined {
  return markets.find((m) => m.symbol === symbol);
}

function closeDecision(
  reason: CloseReason,
  reopen: boolean,
  position: HeldPosition,
  account: AccountView | null,
  spotMarket: MarketInfo | undefined,
  message: string,
  issues: HealthIssue[],
  extra: { rotateTo?: string; retry?: boolean; scan?: ScanResult } = {},
): CloseDecision {
  // Quantities come from the exchange when it could be read; otherwise (a stop-loss during an account
  // read failure) from the record: the perp leg is reduce-only, so it can never overshoot.
  let perpQty = position.perpQty;
  let ownFree = position.spotQty;
  if (account !== null) {
    const perpRow = perpPositionOf(account, position.symbol);
    perpQty = perpRow?.positionAmt.isNegative() ? perpRow.positionAmt.abs() : ZERO;
    // Only the position's own spot, and only what is free: the user's holdings are never sold.
    ownFree = minDec(spotFree(account, position.baseAsset), position.spotQty);
  }
  const spotQty = spotMarket === undefined ? ownFree : quantizeDown(ownFree, spotMarket.filters.marketStepSize);
  return {
    kind: 'close',
    reason,
    reopen,
    symbol: position.symbol,
    spotSymbol: position.spotSymbol,
    perpQty,
    spotQty: spotQty.isNegative() ? ZERO : spotQty,
    rotateTo: extra.rotateTo ?? null,
    retry: extra.retry ?? false,
    message,
    issues,
    scan: extra.scan ?? null,
  };
}

function repairDecision(
  reason: RepairReason,
  symbol: string,
  order: RepairDecision['order'],
  message: string,
  issues: HealthIssue[],
): RepairDecision {
  return { kind: 'repair', reason, symbol, order, message, issues, scan: null };
}

/** A naked or wrong-side perp position without a record: close it. Hedged ones only block opening. */
function untrackedAction(untracked: readonly UntrackedPosition[], issues: HealthIssue[]): RepairDecision | null {
  for (const u of untracked) {
    const size = u.position.positionAmt.abs();
    if (u.classification?.kind === 'naked_short') {
      return repairDecision(
        'untracked_naked_short',
        u.symbol,
        { market: 'perp', symbol: u.symbol, side: 'BUY', quantity: size, reduceOnly: true },
        `${u.symbol}: unrecorded short of ${size.toFixed()} has no spot leg; closing it`,
        issues,
      );
    }
    if (u.classification?.kind === 'perp_long') {
      return repairDecision(
        'untracked_perp_long',
        u.symbol,
        { market: 'perp', symbol: u.symbol, side: 'SELL', quantity: size, reduceOnly: true },
        `${u.symbol}: unrecorded long perp of ${size.toFixed()}; closing it`,
        issues,
      );
    }
  }
  return null;
}

function untrackedIssues(untracked: readonly UntrackedPosition[]): HealthIssue[] {
  return untracked
    .filter((u) => u.classification === null || u.classification.kind !== 'no_position')
    .map((u) => ({
      level:
        u.classification?.kind === 'naked_short' || u.classification?.kind === 'perp_long' ? 'critical' : 'warning',
      code: 'untracked_position' as const,
      symbol: u.symbol,
      message: `${u.symbol}: perp position ${u.position.positionAmt.toFixed()} without a record (${u.classification?.kind ?? 'unknown market'})`,
    }));
}

/**
 * The stop-loss check of the held position. It needs only a mark price and an entry price, so it runs
 * even when the account could not be read (the record's entry price stands in for the exchange's).
 */
function stopLossClose(
  snapshot: ScanSnapshot,
  position: HeldPosition,
  account: AccountView | null,
  params: StrategyParams,
): CloseDecision | null {
  const perpRow = account === null ? undefined : perpPositionOf(account, position.symbol);
  if (account !== null && (perpRow === undefined || !perpRow.positionAmt.isNegative())) return null;
  const mark = markPriceOf(snapshot, position.symbol, perpRow);
  if (mark === null) return null;
  const entryPrice = perpRow !== undefined && positive(perpRow.entryPrice) ? perpRow.entryPrice : position.entryPrice;
  if (!stopLossTriggered({ entryPrice, leverage: position.leverage }, mark, params)) return null;
  const pnl = shortPnlPct(entryPrice, mark);
  const slPct = stopLossPct(position.leverage, params);
  return closeDecision(
    'stop_loss',
    false,
    position,
    account,
    findMarket(snapshot.spotMarkets, position.spotSymbol),
    `${position.symbol}: stop-loss, perp PnL ${pctText(pnl)} ≤ ${pctText(slPct)} at ${position.leverage}x (mark ${mark.toFixed()})`,
    [],
  );
}

function decideHeld(
  snapshot: ScanSnapshot,
  state: StrategyState,
  position: HeldPosition,
  account: AccountView,
  params: StrategyParams,
  nowMs: number,
): Decision {
  const symbol = position.symbol;
  const perpRow = perpPositionOf(account, symbol);
  const spotMarket = findMarket(snapshot.spotMarkets, position.spotSymbol);
  const perpMarket = findMarket(snapshot.perpMarkets, symbol);
  const mark = markPriceOf(snapshot, symbol, perpRow);
  const slPct = stopLossPct(position.leverage, params);

  // 1. The stop-loss was checked by `decide` before anything else.
  // 2. A close that has not completed is retried before anything else.
  if (state.pendingClose !== null) {
    const { reason, reopen } = state.pendingClose;
    return closeDecision(reason, reopen, position, account, spotMarket, `${symbol}: retrying the ${reason} close`, [], {
      retry: true,
    });
  }

  if (mark === null) {
    return wait('missing_mark_price', `${symbol}: no mark price; stop-loss and exits cannot be evaluated`, []);
  }

  if (spotMarket === undefined || perpMarket === undefined) {
    const missing = spotMarket === undefined ? `spot ${position.spotSymbol}` : `perp ${symbol}`;
    return wait('missing_market', `${symbol}: no exchange info for ${missing}; not evaluating health`, []);
  }

  // 3. Health of the held position.
  const spotMid = midPrice(snapshot.spotBooks.get(position.spotSymbol));
  const health = assessPosition(
    {
      position,
      account,
      markPrice: mark,
      spotPrice: spotMid,
      spotFilters: spotMarket.filters,
      perpFilters: perpMarket.filters,
    },
    params,
  );
  const cls = health.classification;
  const issues = [...health.issues];
  const codes = new Set(health.issues.filter((i) => i.level === 'critical').map((i) => i.code));
  const criticalText = health.issues
    .filter((i) => i.level === 'critical')
    .map((i) => i.message)
    .join('; ');

  if (codes.has('position_gone')) {
    return repairDecision(
      'position_gone',
      symbol,
      null,
      `${symbol}: position no longer on the exchange; closing the record`,
      issues,
    );
  }
  if (codes.has('perp_long')) {
    return repairDecision(
      'perp_long',
      symbol,
      { market: 'perp', symbol, side: 'SELL', quantity: cls.perpLongQty, reduceOnly: true },
      criticalText,
      issues,
    );
  }
  if (codes.has('naked_short')) {
    return closeDecision('naked_short', false, position, account, spotMarket, criticalText, issues);
  }
  if (codes.has('naked_spot')) {
    return closeDecision('naked_spot', false, position, account, spotMarket, criticalText, issues);
  }
  if (codes.has('imbalance')) {
    const order = planImbalanceRepair({
      symbol,
      spotSymbol: position.spotSymbol,
      spotQty: cls.spotQty,
      perpQty: cls.perpQty,
      spotFilters: spotMarket.filters,
      perpFilters: perpMarket.filters,
      spotPrice: bidPrice(snapshot.spotBooks.get(position.spotSymbol)) ?? spotMid ?? mark,
      markPrice: mark,
    });
    if (order !== null) return repairDecision('imbalance', symbol, order, criticalText, issues);
    return closeDecision(
      'imbalance',
      false,
      position,
      account,
      spotMarket,
      `${criticalText}; no valid repair order`,
      issues,
    );
  }
  if (health.critical) {
    return closeDecision('health_critical', false, position, account, spotMarket, criticalText, issues);
  }

  // 4. Unrecorded perp positions elsewhere on the account.
  const untracked = untrackedPositions(account, symbol, snapshot.perpMarkets, snapshot.spotMarkets, params);
  issues.push(...untrackedIssues(untracked));
  const untrackedRepair = untrackedAction(untracked, issues);
  if (untrackedRepair !== null) return untrackedRepair;

  // 5. Fee coverage.
  const exitFees = estimateExitFeesUsdt({
    spotQty: cls.spotQty,
    spotPrice: spotMid ?? mark,
    perpQty: cls.perpQty,
    perpPrice: mark,
    rates: { spotTaker: state.feeRates.spotTaker, perpTaker: state.feeRates.perpTaker },
    fallbackFeeRate: params.fallbackFeeRate,
  });
  const coverage = feeCoverage(position.fundingReceivedUsdt, position.entryFeesUsdt, exitFees, params);
  if (coverage.covered) {
    return closeDecision(
      'fee_coverage',
      true,
      position,
      account,
      spotMarket,
      `${symbol}: funding ${usdText(coverage.fundingReceivedUsdt)} ≥ ${params.feeCoverageMultiplier.toFixed()} × fees ${usdText(coverage.totalFeesUsdt)}`,
      issues,
    );
  }

  // 6. Rotation into a different symbol, against the held symbol's current APR.
  const ageHours = positionAgeHours(position.openedAtMs, nowMs);
  const scan: ScanResult = scanPairs(snapshot, params);
  const heldRow = scan.rows.find((row) => row.symbol === symbol);
  const candidate = bestOtherThan(scan, symbol);
  const rotation = evaluateRotation(
    {
      heldSymbol: symbol,
      heldAprPct: heldRow?.rankingAprPct ?? null,
      ageHours,
      candidate: candidate === null ? null : { symbol: candidate.symbol, rankingAprPct: candidate.rankingAprPct },
    },
    params,
  );
  if (rotation.rotate) {
    return closeDecision(rotation.rule, true, position, account, spotMarket, rotation.message, issues, {
      rotateTo: rotation.targetSymbol,
      scan,
    });
  }

  // 7. Max age.
  if (maxAgeExceeded(position.openedAtMs, nowMs, params.maxPositionAgeHours)) {
    return closeDecision(
      'max_age',
      true,
      position,
      account,
      spotMarket,
      `${symbol}: held ${ageHours.toFixed(1)}h > ${params.maxPositionAgeHours}h`,
      issues,
      { scan },
    );
  }

  return {
    kind: 'hold',
    reason: 'no_exit_rule',
    symbol,
    ageHours,
    shortPnlPct: health.shortPnlPct,
    stopLossPct: slPct,
    feeCoverage: coverage,
    rotation,
    message: `${symbol}: holding; fees ${coverage.progress.times(100).toFixed(0)}% covered, ${rotation.message}`,
    issues,
    scan,
  };
}

function quoteBalances(account: AccountView, asset: string): { spot: Decimal; perp: Decimal } {
  const spot = spotFree(account, asset);
  const perp = account.perpBalances.find((b) => b.asset === asset)?.availableBalance ?? ZERO;
  return { spot, perp };
}

function decideFlat(
  snapshot: ScanSnapshot,
  state: StrategyState,
  account: AccountView,
  params: StrategyParams,
): Decision {
  const untracked = untrackedPositions(account, null, snapshot.perpMarkets, snapshot.spotMarkets, params);
  const issues = untrackedIssues(untracked);
  const repair = untrackedAction(untracked, issues);
  if (repair !== null) return repair;
  const blocking = untracked.filter((u) => u.classification === null || u.classification.kind !== 'no_position');
  if (blocking.length > 0) {
    return wait(
      'untracked_position',
      `not opening: perp position(s) without a record on ${blocking.map((u) => u.symbol).join(', ')}`,
      issues,
    );
  }

  const funds = quoteBalances(account, FLAT_QUOTE_ASSET);
  const totalFree = funds.spot.plus(funds.perp);
  if (totalFree.lessThan(params.minFreeUsdtWhenFlat)) {
    const issue: HealthIssue = {
      level: 'critical',
      code: 'low_free_usdt',
      symbol: null,
      message: `spot + perp ${FLAT_QUOTE_ASSET} ${usdText(totalFree)} < ${usdText(params.minFreeUsdtWhenFlat)}`,
    };
    return wait('insufficient_funds', issue.message, [...issues, issue]);
  }

  const scan = scanPairs(snapshot, params);
  const best = scan.best;
  if (best === null) {
    const excluded = scan.rows.length - scan.eligible.length;
    return wait(
      'no_opportunity',
      `no pair passes the filters (${excluded}/${scan.rows.length} excluded, min APR ${pctText(params.minFundingAprPct)})`,
      issues,
      scan,
    );
  }

  const pair = best.pair;
  const spotAsk = askPrice(snapshot.spotBooks.get(pair.spotSymbol));
  const mark = snapshot.premiumIndex.get(pair.symbol)?.markPrice;
  if (spotAsk === null || !positive(mark)) {
    return wait('missing_price', `${pair.symbol}: no spot ask or mark price to size the open`, issues, scan);
  }

  const balances = quoteBalances(account, pair.quoteAsset);
  const walletPlan = planWalletSplit(balances.spot, balances.perp, params.leverage, params.transferDeadBandUsdt);
  const afterSpot = walletPlan.transfer === null ? balances.spot : walletPlan.targetSpotUsdt;
  const afterPerp = walletPlan.transfer === null ? balances.perp : walletPlan.targetPerpUsdt;
  const sizing = sizeOpen({
    spotUsdt: afterSpot,
    perpUsdt: afterPerp,
    leverage: params.leverage,
    capitalFraction: params.capitalFraction,
    spotPrice: spotAsk,
    perpMarkPrice: mark,
    spotFilters: pair.spot.filters,
    perpFilters: pair.perp.filters,
    spotTakerRate: state.feeRates.spotTaker ?? params.fallbackFeeRate,
    spotCommissionInBase: state.feeRates.spotCommissionInBase,
  });
  if (!sizing.ok) {
    return wait('sizing_failed', `${pair.symbol}: cannot size the open: ${sizing.message}`, issues, scan);
  }

  return {
    kind: 'open',
    reason: 'best_opportunity',
    pair,
    candidate: best,
    leverage: params.leverage,
    walletPlan,
    sizing,
    spotPrice: spotAsk,
    perpMarkPrice: mark,
    message: `${pair.symbol}: opening at ${params.leverage}x, APR ${pctText(best.rankingAprPct ?? ZERO)}, notional ${usdText(sizing.notionalUsdt)}`,
    issues,
    scan,
  };
}

/**
 * The decision of one cycle. Pure: the snapshot and the state are everything it knows, `nowMs` is the
 * only notion of time. In MA mode the snapshot must carry the histories `historyRequest` asked for.
 */
export function decide(snapshot: ScanSnapshot, state: StrategyState, params: StrategyParams, nowMs: number): Decision {
  const { account, position } = state;
  if (position !== null) {
    const stop = stopLossClose(snapshot, position, account, params);
    if (stop !== null) return stop;
  }
  if (account === null) {
    return wait('account_unavailable', 'no validated account read this cycle; not trading on missing data', []);
  }
  if (position === null) return decideFlat(snapshot, state, account, params);
  return decideHeld(snapshot, state, position, account, params, nowMs);
}
