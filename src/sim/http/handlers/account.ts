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

export function userTrades(ctx: HandlerContext): unknown {
  const symbol = ctx.market === 'perp' ? required(ctx.params, 'symbol') : optional(ctx.params, 'symbol');
  const orderId = optionalInt(ctx.params, 'orderId');
  if (orderId !== undefined && symbol === undefined) throw apiErrors.mandatory('symbol');
  const fromId = optionalInt(ctx.params, 'fromId');
  const { notBeforeMs, ...range } = historyRange(ctx.params, 500, ctx.serverTimeMs);
  const rows = unwrap(
    ctx.engine.userTrades(ctx.account, ctx.market, {
      ...range,
      ...(symbol === undefined ? {} : { symbol }),
      ...(orderId === undefined ? {} : { orderId }),
      ...(fromId === undefined ? {} : { fromId }),
    }),
  );
  const recent = rows.filter((t) => fromId !== undefined || notBeforeMs === undefined || t.timeMs >= notBeforeMs);
  if (ctx.market === 'spot') return recent.map((t) => spotTradeRow(t, placesOf(ctx, t.symbol, 'spot')));
  return recent.map((t) =>
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
