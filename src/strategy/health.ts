/**
 * Account health: how the spot and perp legs of a symbol relate, and which warnings and critical
 * issues that raises.
 *
 * Every position is classified, not only the delta-neutral ones: the original bot inspected only
 * positions within 2 % imbalance, so its 5 % / 10 % imbalance alarms could never fire and a naked short
 * raised no issue at all. Here a naked short, a naked spot leg, a long perp and a vanished position
 * are critical, and the imbalance thresholds apply to every position.
 *
 * A leg smaller than its market's minimum MARKET quantity cannot be traded and counts as absent (dust).
 */
import type { PerpPosition } from '../domain/account.ts';
import { type Decimal, maxDec, minDec, ZERO } from '../domain/decimal.ts';
import type { MarketInfo, SymbolFilters } from '../domain/market.ts';
import type { StrategyParams } from './params.ts';
import type { AccountView, HeldPosition } from './state.ts';
import { shortPnlPct } from './stoploss.ts';
import { pctText, usdText } from './text.ts';

export type PositionClass = 'delta_neutral' | 'imbalanced' | 'naked_short' | 'naked_spot' | 'perp_long' | 'no_position';

export interface Classification {
  kind: PositionClass;
  /** The spot quantity counted for the position. */
  spotQty: Decimal;
  /** Size of the short (0 when the perp is flat or long). */
  perpQty: Decimal;
  /** Size of a long perp (0 unless `kind` is `perp_long`). */
  perpLongQty: Decimal;
  /** |spot − perp| / max(spot, perp) × 100; 0 when both legs are zero. */
  imbalancePct: Decimal;
}

function present(qty: Decimal, minQty: Decimal): boolean {
  return qty.isPositive() && !qty.isZero() && qty.greaterThanOrEqualTo(minQty);
}

/**
 * Classifies one symbol's legs. `perpAmt` is signed (negative = short). Legs below their market's
 * minimum quantity are dust and count as absent; the imbalance is computed on the raw quantities.
 */
export function classifyLegs(
  spotQty: Decimal,
  perpAmt: Decimal,
  minQty: { spot: Decimal; perp: Decimal },
  deltaNeutralImbalancePct: Decimal,
): Classification {
  const perpQty = perpAmt.isNegative() ? perpAmt.abs() : ZERO;
  const perpLongQty = perpAmt.isPositive() ? perpAmt : ZERO;
  const larger = maxDec(spotQty, perpQty);
  const imbalancePct = larger.isZero() ? ZERO : spotQty.minus(perpQty).abs().div(larger).times(100);
  const base = { spotQty, perpQty, perpLongQty: ZERO, imbalancePct };
  if (present(perpLongQty, minQty.perp)) return { ...base, kind: 'perp_long', perpLongQty };
  const hasSpot = present(spotQty, minQty.spot);
  const hasPerp = present(perpQty, minQty.perp);
  if (!hasSpot && !hasPerp) return { ...base, kind: 'no_position' };
  if (!hasSpot) return { ...base, kind: 'naked_short' };
  if (!hasPerp) return { ...base, kind: 'naked_spot' };
  return { ...base, kind: imbalancePct.lessThanOrEqualTo(deltaNeutralImbalancePct) ? 'delta_neutral' : 'imbalanced' };
}

export type HealthCode =
  | 'position_gone'
  | 'naked_short'
  | 'naked_spot'
  | 'perp_long'
  | 'imbalance'
  | 'short_pnl'
  | 'spot_value'
  | 'position_value'
  | 'leverage_mismatch'
  | 'missing_spot_price'
  | 'untracked_position'
  | 'low_free_usdt';

export interface HealthIssue {
  level: 'warning' | 'critical';
  code: HealthCode;
  /** Perp symbol concerned; null for account-wide issues. */
  symbol: string | null;
  message: string;
}

/** Total (free + locked) spot balance of an asset; zero when the account holds none. */
export function spotTotal(account: AccountView, asset: string): Decimal {
  const row = account.spotBalances.find((b) => b.asset === asset);
  return row === undefined ? ZERO : row.free.plus(row.locked);
}

/** Free spot balance of an asset: what a market sell can use. */
export function spotFree(account: AccountView, asset: string): Decimal {
  return account.spotBalances.find((b) => b.asset === asset)?.free ?? ZERO;
}

/** The account's perp position on a symbol (one-way mode: one row per symbol), ignoring zero rows. */
export function perpPositionOf(account: AccountView, symbol: string): PerpPosition | undefined {
  return account.perpPositions.find((p) => p.symbol === symbol && !p.positionAmt.isZero());
}

/**
 * The spot quantity that belongs to the held position: the recorded quantity, or less if the wallet
 * now holds less. Anything above the record is the user's own and is never counted, sold or hedged.
 */
export function positionSpotQty(position: HeldPosition, account: AccountView): Decimal {
  return minDec(spotTotal(account, position.baseAsset), position.spotQty);
}

export type HealthParams = Pick<
  StrategyParams,
  | 'deltaNeutralImbalancePct'
  | 'imbalanceWarningPct'
  | 'imbalanceCriticalPct'
  | 'shortPnlWarningPct'
  | 'shortPnlCriticalPct'
  | 'spotValueWarningUsdt'
  | 'spotValueCriticalUsdt'
  | 'positionValueWarningUsdt'
>;

export interface PositionHealthInput {
  position: HeldPosition;
  account: AccountView;
  markPrice: Decimal;
  /** Spot mid; null when the book is missing (the spot-value checks are then skipped, with a warning). */
  spotPrice: Decimal | null;
  spotFilters: SymbolFilters;
  perpFilters: SymbolFilters;
}

export interface PositionHealth {
  classification: Classification;
  issues: HealthIssue[];
  critical: boolean;
  /** Perp PnL of the short in percent of entry (the short-PnL alarm's measure). */
  shortPnlPct: Decimal;
  spotValueUsdt: Decimal | null;
  positionValueUsdt: Decimal;
}

const CLASS_ISSUES: Partial<Record<PositionClass, { code: HealthCode; text: string }>> = {
  no_position: { code: 'position_gone', text: 'neither leg exists on the exchange any more' },
  naked_short: { code: 'naked_short', text: 'the perp short has no spot leg' },
  naked_spot: { code: 'naked_spot', text: 'the spot leg has no perp short' },
  perp_long: { code: 'perp_long', text: 'the perp position is long, not short' },
};

/** Health of the held position against the live account. */
export function assessPosition(input: PositionHealthInput, params: HealthParams): PositionHealth {
  const { position, account, markPrice, spotPrice } = input;
  const symbol = position.symbol;
  const perp = perpPositionOf(account, symbol);
  const classification = classifyLegs(
    positionSpotQty(position, account),
    perp?.positionAmt ?? ZERO,
    { spot: input.spotFilters.marketMinQty, perp: input.perpFilters.marketMinQty },
    params.deltaNeutralImbalancePct,
  );
  const issues: HealthIssue[] = [];
  const add = (level: HealthIssue['level'], code: HealthCode, message: string) =>
    issues.push({ level, code, symbol, message: `${symbol}: ${message}` });

  const classIssue = CLASS_ISSUES[classification.kind];
  if (classIssue) add('critical', classIssue.code, classIssue.text);

  const { imbalancePct } = classification;
  const hedged = classification.kind === 'delta_neutral' || classification.kind === 'imbalanced';
  if (hedged && imbalancePct.greaterThan(params.imbalanceCriticalPct)) {
    add(
      'critical',
      'imbalance',
      `legs imbalanced by ${pctText(imbalancePct)} > ${pctText(params.imbalanceCriticalPct)}`,
    );
  } else if (hedged && imbalancePct.greaterThan(params.imbalanceWarningPct)) {
    add('warning', 'imbalance', `legs imbalanced by ${pctText(imbalancePct)} > ${pctText(params.imbalanceWarningPct)}`);
  }

  const entry = perp?.entryPrice.isPositive() && !perp.entryPrice.isZero() ? perp.entryPrice : position.entryPrice;
  const pnlPct = shortPnlPct(entry, markPrice);
  if (classification.perpQty.isPositive() && !classification.perpQty.isZero()) {
    if (pnlPct.lessThanOrEqualTo(params.shortPnlCriticalPct)) {
      add('critical', 'short_pnl', `short PnL ${pctText(pnlPct)} ≤ ${pctText(params.shortPnlCriticalPct)}`);
    } else if (pnlPct.lessThanOrEqualTo(params.shortPnlWarningPct)) {
      add('warning', 'short_pnl', `short PnL ${pctText(pnlPct)} ≤ ${pctText(params.shortPnlWarningPct)}`);
    }
  }

  const positionValueUsdt = classification.perpQty.times(markPrice);
  if (hedged && positionValueUsdt.lessThan(params.positionValueWarningUsdt)) {
    add(
      'warning',
      'position_value',
      `position value ${usdText(positionValueUsdt)} < ${usdText(params.positionValueWarningUsdt)}`,
    );
  }

  let spotValueUsdt: Decimal | null = null;
  if (spotPrice === null) {
    add('warning', 'missing_spot_price', 'no spot price: spot value not checked');
  } else {
    spotValueUsdt = classification.spotQty.times(spotPrice);
    if (hedged && spotValueUsdt.lessThan(params.spotValueCriticalUsdt)) {
      add(
        'critical',
        'spot_value',
        `spot value ${usdText(spotValueUsdt)} < ${usdText(params.spotValueCriticalUsdt)}: below what can be sold`,
      );
    } else if (hedged && spotValueUsdt.lessThan(params.spotValueWarningUsdt)) {
      add('warning', 'spot_value', `spot value ${usdText(spotValueUsdt)} < ${usdText(params.spotValueWarningUsdt)}`);
    }
  }

  if (perp !== undefined && perp.leverage !== position.leverage) {
    add(
      'warning',
      'leverage_mismatch',
      `exchange leverage ${perp.leverage}x differs from the position's ${position.leverage}x`,
    );
  }

  return {
    classification,
    issues,
    critical: issues.some((i) => i.level === 'critical'),
    shortPnlPct: pnlPct,
    spotValueUsdt,
    positionValueUsdt,
  };
}

export interface UntrackedPosition {
  symbol: string;
  position: PerpPosition;
  /** Null when the symbol's markets are unknown, so the legs cannot be classified. */
  classification: Classification | null;
}

/**
 * Perp positions the bot does not hold a record for (left by a crash before the record was written,
 * or opened by hand). Their spot leg is the whole base balance: nothing tells the user's holdings apart.
 */
export function untrackedPositions(
  account: AccountView,
  heldSymbol: string | null,
  perpMarkets: readonly MarketInfo[],
  spotMarkets: readonly MarketInfo[],
  params: Pick<StrategyParams, 'deltaNeutralImbalancePct'>,
): UntrackedPosition[] {
  const out: UntrackedPosition[] = [];
  for (const position of account.perpPositions) {
    if (position.positionAmt.isZero() || position.symbol === heldSymbol) continue;
    const perpMarket = perpMarkets.find((m) => m.symbol === position.symbol);
    if (perpMarket === undefined) {
      out.push({ symbol: position.symbol, position, classification: null });
      continue;
    }
    const spotMarket = spotMarkets.find(
      (m) => m.baseAsset === perpMarket.baseAsset && m.quoteAsset === perpMarket.quoteAsset,
    );
    const classification = classifyLegs(
      spotTotal(account, perpMarket.baseAsset),
      position.positionAmt,
      { spot: spotMarket?.filters.marketMinQty ?? ZERO, perp: perpMarket.filters.marketMinQty },
      params.deltaNeutralImbalancePct,
    );
    out.push({ symbol: position.symbol, position, classification });
  }
  return out;
}
