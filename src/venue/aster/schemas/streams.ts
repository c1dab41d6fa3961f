/**
 * WebSocket market-stream payloads and the combined-stream envelope.
 *
 * A raw connection (`/ws/<name>`) delivers payloads as they are; a combined one (`/stream?streams=a/b`) wraps
 * each in `{"stream": "<name>", "data": <payload>}`. Subscription answers (`{"result": null, "id": 1}`) share the
 * socket with data and are told apart here too.
 */
import { z } from 'zod';
import type { BookTop, MarketKind } from '../../../domain/market.ts';
import type { MarkPriceUpdate } from '../../port.ts';
import { parseWith } from './parse.ts';
import {
  decimalField,
  epochMsField,
  field,
  integerField,
  nonEmptyStringField,
  nonNegativeDecimalField,
  positiveDecimalField,
} from './primitives.ts';

export type StreamMessage =
  /** A data payload; `stream` is the stream name on combined connections, null on raw ones. */
  | { kind: 'data'; stream: string | null; data: unknown }
  /** The answer to a SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS request. */
  | { kind: 'response'; id: unknown; result: unknown };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const envelopeSchema = z.object({
  stream: nonEmptyStringField,
  data: field((v) => (v === undefined ? { ok: false, problem: 'expected a payload' } : { ok: true, value: v })),
});

/**
 * Classifies one decoded WebSocket message. An object with `stream` must carry `data` (a half envelope is
 * rejected); an object with `id` and `result` (and no `e`) is a request answer; anything else is a raw payload.
 */
export function unwrapStreamMessage(message: unknown, source = 'stream'): StreamMessage {
  if (isRecord(message)) {
    if ('stream' in message) {
      const envelope = parseWith(envelopeSchema, message, source);
      return { kind: 'data', stream: envelope.stream, data: envelope.data };
    }
    if ('id' in message && 'result' in message && !('e' in message)) {
      return { kind: 'response', id: message['id'], result: message['result'] };
    }
  }
  return { kind: 'data', stream: null, data: message };
}

/*
 * The protector acts on every mark price at once (stop-loss), so a zero or negative mark is rejected here rather
 * than turned into a spurious loss; the REST premiumIndex array is laxer for the reason given in funding.ts.
 */
const markPriceSchema = z
  .object({
    e: z.literal('markPriceUpdate'),
    E: epochMsField,
    s: nonEmptyStringField,
    p: positiveDecimalField,
    i: nonNegativeDecimalField,
    r: decimalField,
    T: epochMsField,
  })
  .transform(
    (r): MarkPriceUpdate => ({
      symbol: r.s,
      markPrice: r.p,
      indexPrice: r.i,
      fundingRate: r.r,
      nextFundingTimeMs: r.T,
      eventTimeMs: r.E,
    }),
  );

/** `<symbol>@markPrice[@1s]` payload. */
export function parseMarkPriceUpdate(data: unknown, source = 'markPrice stream'): MarkPriceUpdate {
  return parseWith(markPriceSchema, data, source);
}

/** `!markPrice@arr[@1s]` payload: an array of the same objects. */
export function parseMarkPriceUpdates(data: unknown, source = '!markPrice@arr stream'): MarkPriceUpdate[] {
  return parseWith(z.array(markPriceSchema), data, source);
}

export interface BookTickerUpdate {
  market: MarketKind;
  book: BookTop;
  /** Order-book update id (`u`): larger is newer. */
  updateId: number;
  /** `E`; null on spot, whose documented payload has no event time (live captures sometimes do). */
  eventTimeMs: number | null;
  /** `T`; null when absent, as for `E`. */
  transactionTimeMs: number | null;
}

const bookTickerSchema = z.object({
  e: z.literal('bookTicker').optional(),
  u: integerField({ min: 0 }),
  E: epochMsField.optional(),
  T: epochMsField.optional(),
  s: nonEmptyStringField,
  b: nonNegativeDecimalField,
  B: nonNegativeDecimalField,
  a: nonNegativeDecimalField,
  A: nonNegativeDecimalField,
});

/** `<symbol>@bookTicker` / `!bookTicker` payload of either market. */
export function parseBookTickerUpdate(
  data: unknown,
  market: MarketKind,
  source = `${market} bookTicker stream`,
): BookTickerUpdate {
  const r = parseWith(bookTickerSchema, data, source);
  return {
    market,
    book: { symbol: r.s, bidPrice: r.b, bidQty: r.B, askPrice: r.a, askQty: r.A },
    updateId: r.u,
    eventTimeMs: r.E ?? null,
    transactionTimeMs: r.T ?? null,
  };
}
