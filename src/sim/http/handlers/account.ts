/** Signed account endpoints: balances, positions, settings, income, trades, transfers. */
import { apiErrors } from '../api-error.ts';
import { type HandlerContext, placesOf, unwrap } from '../context.ts';
import {
  commissionRateBody,
  futuresAccountBody,
  futuresBalanceRows,
  futuresTradeRow,
  incomeRow,
  leverageBody,
  positionRiskRow,
  spotAccountBody,
  spotTradeRow,
} from '../format/account.ts';
import { SUCCESS_BODY } from '../format/orders.ts';
import { optional, optionalInt, type RequestParams, required } from '../params.ts';

/** Aster returns the last 7 days when a history query names no time. */
const DEFAULT_HISTORY_WINDOW_MS = 7 * 24 * 3_600_000;
/** userTrades serves at most this span between startTime and endTime. */
const TRADE_WINDOW_MS = 7 * 24 * 3_600_000;
const MAX_LIMIT = 1000;

export function futuresBalance(ctx: HandlerContext): unknown {
  return futuresBalanceRows(ctx.engine.futuresAccount(ctx.account));
}

export function futuresAccount(ctx: HandlerContext): unknown {
  const account = ctx.engine.futuresAccount(ctx.account);
  // Aster lists every symbol's position row in the account, not only the open ones.
  const positions = unwrap(ctx.engine.positionRisk(ctx.account));
  return futuresAccountBody(account, positions, (symbol) => placesOf(ctx, symbol, 'perp'));
}

export function positionRisk(ctx: HandlerContext): unknown {
  const rows = unwrap(ctx.engine.positionRisk(ctx.account, optional(ctx.params, 'symbol')));
  return rows.map((p) => positionRiskRow(p, placesOf(ctx, p.symbol, 'perp')));
}

export function spotAccount(ctx: HandlerContext): unknown {
  return spotAccountBody(ctx.engine.spotAccount(ctx.account));
}

export function commissionRate(ctx: HandlerContext): unknown {
  return commissionRateBody(unwrap(ctx.engine.commissionRate(ctx.market, required(ctx.params, 'symbol'))));
}

export function setLeverage(ctx: HandlerContext): unknown {
  const symbol = required(ctx.params, 'symbol');
  const leverage = required(ctx.params, 'leverage');
  return leverageBody(unwrap(ctx.engine.setLeverage(ctx.account, symbol, leverage)));
}

export function setMarginType(ctx: HandlerContext): unknown {
  const symbol = required(ctx.params, 'symbol');
  const marginType = required(ctx.params, 'marginType');
  unwrap(ctx.engine.setMarginType(ctx.account, symbol, marginType));
  return SUCCESS_BODY;
}

export function getPositionMode(ctx: HandlerContext): unknown {
  return { dualSidePosition: ctx.engine.positionMode(ctx.account).dualSidePosition };
}

export function setPositionMode(ctx: HandlerContext): unknown {
  unwrap(ctx.engine.setPositionMode(ctx.account, required(ctx.params, 'dualSidePosition')));
  return SUCCESS_BODY;
}

/** Time range and limit of a history query, with Aster's defaults (last 7 days, given default limit). */
function historyRange(params: RequestParams, defaultLimit: number, nowMs: number) {
  const limit = optionalInt(params, 'limit') ?? defaultLimit;
  if (limit < 1 || limit > MAX_LIMIT) throw apiErrors.invalidParam('limit');
  const startTimeMs = optionalInt(params, 'startTime');
  const endTimeMs = optionalInt(params, 'endTime');
  if (startTimeMs !== undefined && endTimeMs !== undefined && startTimeMs > endTimeMs) {
    throw apiErrors.startAfterEnd();
  }
  const noTimes = startTimeMs === undefined && endTimeMs === undefined;
  return {
    limit,
    ...(startTimeMs === undefined ? {} : { startTimeMs }),
    ...(endTimeMs === undefined ? {} : { endTimeMs }),
    /** Rows older than this are dropped when no time was given. */
    notBeforeMs: noTimes ? nowMs - DEFAULT_HISTORY_WINDOW_MS : undefined,
  };
}

export function income(ctx: HandlerContext): unknown {
  const { notBeforeMs, ...range } = historyRange(ctx.params, 100, ctx.serverTimeMs);
  const symbol = optional(ctx.params, 'symbol');
  const incomeType = optional(ctx.params, 'incomeType');
  const rows = unwrap(
    ctx.engine.income(ctx.account, {
      ...range,
      ...(symbol === undefined ? {} : { symbol }),
      ...(incomeType === undefined ? {} : { incomeType }),
    }),
  );
  return rows.filter((r) => notBeforeMs === undefined || r.timeMs >= notBeforeMs).map(incomeRow);
}

/**
 * The time window of a userTrades query, by Aster's rules (aster-api §4.3 futures, §4.6 spot): at most 7 days
 * between `startTime` and `endTime` (-1127, worded as Aster's MORE_THAN_XX_HOURS entry, with 168 hours); `fromId`
 * may not be combined with either time (-1128); no time at all means the last 7 days. With one bound only, the
 * window is the 7 days on the other side of it: Aster does not say, and this keeps every answer inside the limit.
 * A window given by its start answers its first `limit` trades; one given by its end (or by nothing) its most
 * recent `limit`. A `fromId` query pages by id alone, so it reaches trades older than 7 days.
 */
function tradeWindow(params: RequestParams, nowMs: number): TradeWindow {
  const startTimeMs = optionalInt(params, 'startTime');
  const endTimeMs = optionalInt(params, 'endTime');
  if (optionalInt(params, 'fromId') !== undefined) {
    if (startTimeMs !== undefined || endTimeMs !== undefined) throw apiErrors.badCombination();
    return { range: {} };
  }
  if (startTimeMs !== undefined && endTimeMs !== undefined) {
    if (startTimeMs > endTimeMs) throw apiErrors.startAfterEnd();
    if (endTimeMs - startTimeMs > TRADE_WINDOW_MS) throw apiErrors.windowTooLong(TRADE_WINDOW_MS / 3_600_000);
    return { range: { startTimeMs, endTimeMs } };
  }
  if (startTimeMs !== undefined) return { range: { startTimeMs, endTimeMs: startTimeMs + TRADE_WINDOW_MS } };
  const untilMs = endTimeMs ?? nowMs;
  return { range: { endTimeMs: untilMs }, notBeforeMs: untilMs - TRADE_WINDOW_MS };
}

interface TradeWindow {
  range: { startTimeMs?: number; endTimeMs?: number };
  /** Trades older than this are left out after the most recent `limit` were taken. */
  notBeforeMs?: number;
}

export function userTrades(ctx: HandlerContext): unknown {
  const symbol = ctx.market === 'perp' ? required(ctx.params, 'symbol') : optional(ctx.params, 'symbol');
  const orderId = optionalInt(ctx.params, 'orderId');
  if (orderId !== undefined && symbol === undefined) throw apiErrors.mandatory('symbol');
  const fromId = optionalInt(ctx.params, 'fromId');
  const limit = optionalInt(ctx.params, 'limit') ?? 500;
  if (limit < 1 || limit > MAX_LIMIT) throw apiErrors.invalidParam('limit');
  const { range, notBeforeMs } = tradeWindow(ctx.params, ctx.serverTimeMs);
  const rows = unwrap(
    ctx.engine.userTrades(ctx.account, ctx.market, {
      limit,
      ...range,
      ...(symbol === undefined ? {} : { symbol }),
      ...(orderId === undefined ? {} : { orderId }),
      ...(fromId === undefined ? {} : { fromId }),
    }),
  );
  const inWindow = rows.filter((t) => notBeforeMs === undefined || t.timeMs >= notBeforeMs);
  if (ctx.market === 'spot') return inWindow.map((t) => spotTradeRow(t, placesOf(ctx, t.symbol, 'spot')));
  return inWindow.map((t) =>
    futuresTradeRow(t, placesOf(ctx, t.symbol, 'perp'), ctx.engine.definition('perp', t.symbol)?.quoteAsset ?? 'USDT'),
  );
}

export function transfer(ctx: HandlerContext): unknown {
  const result = unwrap(
    ctx.engine.transfer(ctx.account, {
      asset: required(ctx.params, 'asset'),
      amount: required(ctx.params, 'amount'),
      kindType: required(ctx.params, 'kindType'),
      clientTranId: required(ctx.params, 'clientTranId'),
    }),
  );
  return { tranId: result.tranId, status: result.status };
}
