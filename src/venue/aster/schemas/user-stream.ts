/**
 * User-data stream payloads (`/ws/<listenKey>`) of both markets, normalised to events.
 *
 * Futures: ORDER_TRADE_UPDATE, ACCOUNT_UPDATE, ACCOUNT_CONFIG_UPDATE, MARGIN_CALL, listenKeyExpired.
 * Spot: executionReport, outboundAccountPosition, listenKeyExpired.
 * Each payload becomes zero or more events: ACCOUNT_UPDATE carries several balances and positions at once.
 * Events whose `e` this bot does not know are ignored (an empty list), so a new event type Aster adds cannot
 * break the stream; a known event that fails validation is an error.
 *
 * Futures events may arrive out of order: consumers order them by `eventTimeMs` (`E`).
 */
import { z } from 'zod';
import type { MarginType, OrderRecord, PositionSide } from '../../../domain/account.ts';
import { type Decimal, ZERO } from '../../../domain/decimal.ts';
import type { MarketKind } from '../../../domain/market.ts';
import type { UserEvent } from '../../port.ts';
import { averageFillPrice } from './orders.ts';
import { invalidData, parseWith } from './parse.ts';
import {
  booleanField,
  decimalField,
  epochMsField,
  idField,
  integerField,
  marginTypeField,
  nonEmptyStringField,
  nonNegativeDecimalField,
  optionalIdField,
  orderSideField,
  positionSideField,
  textField,
} from './primitives.ts';

/** A fill or status change of one order, with the detail the port's `order` event leaves out. */
export type OrderUpdateEvent = Extract<UserEvent, { type: 'order' }> & {
  /** NEW, TRADE, CANCELED, EXPIRED, CALCULATED (liquidation), REJECTED (spot). */
  executionType: string;
  /** Id of the fill in `lastFill*`; "" when the event is not a fill. */
  tradeId: string;
  /** Futures only; zero on spot. */
  realizedPnl: Decimal;
  maker: boolean;
};

/** ACCOUNT_UPDATE with reason FUNDING_FEE: the wallet balance after a funding settlement. */
export type FundingFeeEvent = Extract<UserEvent, { type: 'funding' }> & {
  crossWalletBalance: Decimal;
  /** `bc`: balance change of this update (the funding amount), when Aster sends it. */
  balanceChange: Decimal | null;
};

/** Spot balances after a change (outboundAccountPosition). */
export type SpotBalanceEvent = Extract<UserEvent, { type: 'balance' }>;

/** A futures position after a change (ACCOUNT_UPDATE `P` rows). */
export type PositionUpdateEvent = Extract<UserEvent, { type: 'position' }> & {
  positionSide: PositionSide;
  marginType: MarginType;
  unrealizedPnl: Decimal;
  /** The ACCOUNT_UPDATE reason (`m`): ORDER, FUNDING_FEE, ... */
  reason: string;
};

export type ListenKeyExpiredEvent = Extract<UserEvent, { type: 'listenKeyExpired' }>;

/**
 * A futures wallet balance after a change other than funding (ACCOUNT_UPDATE `B` rows). Not in the port:
 * futures balances are wallet / cross-wallet amounts, not the spot free / locked pair of its `balance` event.
 */
export interface PerpBalanceEvent {
  type: 'perpBalance';
  eventTimeMs: number;
  /** The ACCOUNT_UPDATE reason (`m`): ORDER, DEPOSIT, ASSET_TRANSFER, ... */
  reason: string;
  asset: string;
  walletBalance: Decimal;
  crossWalletBalance: Decimal;
  balanceChange: Decimal | null;
}

/** ACCOUNT_CONFIG_UPDATE: a leverage change (`ac`) or an account setting change (`ai`). Not in the port. */
export interface AccountConfigEvent {
  type: 'accountConfig';
  eventTimeMs: number;
  /** Set with `leverage` when a symbol's leverage changed. */
  symbol: string | null;
  leverage: number | null;
  /** `ai.j`: multi-assets margin mode. */
  multiAssetsMode: boolean | null;
  /** `ai.f`: "specified token fee deduction" (fees paid in ASTER). */
  feeDeduction: boolean | null;
  /** `ai.d`: hedge (dual-side) position mode. */
  dualSidePosition: boolean | null;
}

export interface MarginCallPosition {
  symbol: string;
  positionSide: PositionSide;
  positionAmt: Decimal;
  marginType: MarginType;
  markPrice: Decimal;
  unrealizedPnl: Decimal;
  maintMargin: Decimal;
}

/** MARGIN_CALL: positions close to liquidation. Not in the port. */
export interface MarginCallEvent {
  type: 'marginCall';
  eventTimeMs: number;
  crossWalletBalance: Decimal | null;
  positions: MarginCallPosition[];
}

export type AsterUserEvent =
  | OrderUpdateEvent
  | FundingFeeEvent
  | SpotBalanceEvent
  | PositionUpdateEvent
  | ListenKeyExpiredEvent
  | PerpBalanceEvent
  | AccountConfigEvent
  | MarginCallEvent;

const PORT_EVENT_TYPES: ReadonlySet<string> = new Set(['order', 'funding', 'balance', 'position', 'listenKeyExpired']);

/** True for the events the Venue port knows (`UserEvent`); the others are Aster-specific extras. */
export function isPortUserEvent(
  event: AsterUserEvent,
): event is Exclude<AsterUserEvent, PerpBalanceEvent | AccountConfigEvent | MarginCallEvent> {
  return PORT_EVENT_TYPES.has(event.type);
}

/** A trade id of 0 means "no trade" in order events. */
// `t` is 0 or "" on futures events without a fill, and -1 on spot executionReports that are not fills (NEW, CANCELED).
const NO_TRADE_MARKERS = new Set<unknown>([-1, '-1']);
const tradeIdField = z
  .preprocess((value) => (NO_TRADE_MARKERS.has(value) ? 0 : value), optionalIdField)
  .transform((id) => (id === '0' ? '' : id));

/*
 * ORDER_TRADE_UPDATE `o`. There is no cumulative quote in the futures event, so `cumQuote` is `ap × z` (average
 * price × filled quantity); `n`/`N` (commission) are absent until the first fill.
 */
const futuresOrderSchema = z.object({
  s: nonEmptyStringField,
  c: nonEmptyStringField,
  S: orderSideField,
  o: nonEmptyStringField,
  q: nonNegativeDecimalField,
  ap: nonNegativeDecimalField,
  sp: nonNegativeDecimalField.optional(),
  x: nonEmptyStringField,
  X: nonEmptyStringField,
  i: idField,
  l: nonNegativeDecimalField,
  z: nonNegativeDecimalField,
  L: nonNegativeDecimalField,
  N: textField.optional(),
  n: decimalField.optional(),
  T: epochMsField.optional(),
  t: tradeIdField.optional(),
  m: booleanField.optional(),
  R: booleanField.optional(),
  rp: decimalField.optional(),
});

const orderTradeUpdateSchema = z
  .object({ e: z.literal('ORDER_TRADE_UPDATE'), E: epochMsField, o: futuresOrderSchema })
  .transform((r): OrderUpdateEvent => {
    const o = r.o;
    const order: OrderRecord = {
      market: 'perp',
      symbol: o.s,
      orderId: o.i,
      clientOrderId: o.c,
      side: o.S,
      type: o.o,
      status: o.X,
      origQty: o.q,
      executedQty: o.z,
      avgPrice: o.ap,
      cumQuote: o.ap.times(o.z),
      reduceOnly: o.R ?? false,
      stopPrice: o.sp ?? ZERO,
      updateTimeMs: o.T ?? r.E,
    };
    return {
      type: 'order',
      eventTimeMs: r.E,
      order,
      lastFillQty: o.l,
      lastFillPrice: o.L,
      commission: (o.n ?? ZERO).abs(),
      commissionAsset: o.N ?? '',
      executionType: o.x,
      tradeId: o.t ?? '',
      realizedPnl: o.rp ?? ZERO,
      maker: o.m ?? false,
    };
  });

/*
 * executionReport. Unlike the futures event it carries the cumulative quote (`Z`), so the average price is
 * derived from it when `ap` is zero. On a cancel, Binance-style venues put the original client id in `C` and the
 * cancel request's id in `c`; Aster's docs list only `c`, but `C` is honoured when present.
 */
const executionReportSchema = z
  .object({
    e: z.literal('executionReport'),
    E: epochMsField,
    s: nonEmptyStringField,
    c: nonEmptyStringField,
    C: textField.optional(),
    S: orderSideField,
    o: nonEmptyStringField,
    q: nonNegativeDecimalField,
    ap: nonNegativeDecimalField.optional(),
    P: nonNegativeDecimalField.optional(),
    x: nonEmptyStringField,
    X: nonEmptyStringField,
    i: idField,
    l: nonNegativeDecimalField,
    z: nonNegativeDecimalField,
    L: nonNegativeDecimalField,
    n: decimalField.optional(),
    N: textField.nullable().optional(),
    T: epochMsField.optional(),
    t: tradeIdField.optional(),
    m: booleanField.optional(),
    Z: nonNegativeDecimalField.optional(),
  })
  .transform((r): OrderUpdateEvent => {
    const cumQuote = r.Z ?? (r.ap ?? ZERO).times(r.z);
    const order: OrderRecord = {
      market: 'spot',
      symbol: r.s,
      orderId: r.i,
      clientOrderId: r.C !== undefined && r.C !== '' ? r.C : r.c,
      side: r.S,
      type: r.o,
      status: r.X,
      origQty: r.q,
      executedQty: r.z,
      avgPrice: averageFillPrice(r.ap, r.z, cumQuote),
      cumQuote,
      reduceOnly: false,
      stopPrice: r.P ?? ZERO,
      updateTimeMs: r.T ?? r.E,
    };
    return {
      type: 'order',
      eventTimeMs: r.E,
      order,
      lastFillQty: r.l,
      lastFillPrice: r.L,
      commission: (r.n ?? ZERO).abs(),
      commissionAsset: r.N ?? '',
      executionType: r.x,
      tradeId: r.t ?? '',
      realizedPnl: ZERO,
      maker: r.m ?? false,
    };
  });

const accountUpdateSchema = z
  .object({
    e: z.literal('ACCOUNT_UPDATE'),
    E: epochMsField,
    a: z.object({
      m: nonEmptyStringField,
      B: z
        .array(
          z.object({
            a: nonEmptyStringField,
            wb: decimalField,
            cw: decimalField,
            bc: decimalField.optional(),
          }),
        )
        .optional(),
      P: z
        .array(
          z.object({
            s: nonEmptyStringField,
            pa: decimalField,
            ep: nonNegativeDecimalField,
            up: decimalField,
            mt: marginTypeField,
            ps: positionSideField,
          }),
        )
        .optional(),
    }),
  })
  .transform((r): AsterUserEvent[] => {
    const reason = r.a.m;
    const events: AsterUserEvent[] = [];
    for (const b of r.a.B ?? []) {
      const common = { eventTimeMs: r.E, asset: b.a, walletBalance: b.wb, crossWalletBalance: b.cw };
      const balanceChange = b.bc ?? null;
      // On a funding settlement Aster pushes only the balance of the funding asset (no positions for cross).
      if (reason === 'FUNDING_FEE') events.push({ type: 'funding', ...common, balanceChange });
      else events.push({ type: 'perpBalance', reason, ...common, balanceChange });
    }
    for (const p of r.a.P ?? []) {
      events.push({
        type: 'position',
        eventTimeMs: r.E,
        symbol: p.s,
        positionAmt: p.pa,
        entryPrice: p.ep,
        positionSide: p.ps,
        marginType: p.mt,
        unrealizedPnl: p.up,
        reason,
      });
    }
    return events;
  });

const outboundAccountPositionSchema = z
  .object({
    e: z.literal('outboundAccountPosition'),
    E: epochMsField,
    B: z.array(z.object({ a: nonEmptyStringField, f: nonNegativeDecimalField, l: nonNegativeDecimalField })),
  })
  .transform((r): AsterUserEvent[] =>
    r.B.map((b) => ({ type: 'balance', eventTimeMs: r.E, market: 'spot', asset: b.a, free: b.f, locked: b.l })),
  );

const accountConfigSchema = z
  .object({
    e: z.literal('ACCOUNT_CONFIG_UPDATE'),
    E: epochMsField,
    ac: z.object({ s: nonEmptyStringField, l: integerField({ min: 1 }) }).optional(),
    ai: z.object({ j: booleanField.optional(), f: booleanField.optional(), d: booleanField.optional() }).optional(),
  })
  .transform(
    (r): AccountConfigEvent => ({
      type: 'accountConfig',
      eventTimeMs: r.E,
      symbol: r.ac?.s ?? null,
      leverage: r.ac?.l ?? null,
      multiAssetsMode: r.ai?.j ?? null,
      feeDeduction: r.ai?.f ?? null,
      dualSidePosition: r.ai?.d ?? null,
    }),
  );

const marginCallSchema = z
  .object({
    e: z.literal('MARGIN_CALL'),
    E: epochMsField,
    cw: decimalField.optional(),
    p: z.array(
      z.object({
        s: nonEmptyStringField,
        ps: positionSideField,
        pa: decimalField,
        mt: marginTypeField,
        mp: nonNegativeDecimalField,
        up: decimalField,
        mm: nonNegativeDecimalField,
      }),
    ),
  })
  .transform(
    (r): MarginCallEvent => ({
      type: 'marginCall',
      eventTimeMs: r.E,
      crossWalletBalance: r.cw ?? null,
      positions: r.p.map((p) => ({
        symbol: p.s,
        positionSide: p.ps,
        positionAmt: p.pa,
        marginType: p.mt,
        markPrice: p.mp,
        unrealizedPnl: p.up,
        maintMargin: p.mm,
      })),
    }),
  );

const listenKeyExpiredSchema = z
  .object({ e: z.literal('listenKeyExpired'), E: epochMsField })
  .transform((r): ListenKeyExpiredEvent => ({ type: 'listenKeyExpired', eventTimeMs: r.E }));

type EventParser = (data: unknown, source: string) => AsterUserEvent[];

const PARSERS: Record<MarketKind, Record<string, EventParser>> = {
  perp: {
    ORDER_TRADE_UPDATE: (d, s) => [parseWith(orderTradeUpdateSchema, d, s)],
    ACCOUNT_UPDATE: (d, s) => parseWith(accountUpdateSchema, d, s),
    ACCOUNT_CONFIG_UPDATE: (d, s) => [parseWith(accountConfigSchema, d, s)],
    MARGIN_CALL: (d, s) => [parseWith(marginCallSchema, d, s)],
    listenKeyExpired: (d, s) => [parseWith(listenKeyExpiredSchema, d, s)],
  },
  spot: {
    executionReport: (d, s) => [parseWith(executionReportSchema, d, s)],
    outboundAccountPosition: (d, s) => parseWith(outboundAccountPositionSchema, d, s),
    listenKeyExpired: (d, s) => [parseWith(listenKeyExpiredSchema, d, s)],
  },
};

/** Parses one user-stream payload (already unwrapped from a combined-stream envelope, if any). */
export function parseUserStreamEvent(
  data: unknown,
  market: MarketKind,
  source = `${market} user stream`,
): AsterUserEvent[] {
  const type = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)['e'] : undefined;
  if (typeof type !== 'string' || type === '') {
    throw invalidData(source, ['e'], 'expected an event type string', type);
  }
  const parsers = PARSERS[market];
  const parser = Object.hasOwn(parsers, type) ? parsers[type] : undefined;
  return parser ? parser(data, `${source} ${type}`) : [];
}
