/**
 * Futures account configuration: leverage, margin type, position mode, and the `{code, msg}` bodies Aster uses
 * to acknowledge such calls (also `DELETE allOpenOrders` on both markets).
 */
import { z } from 'zod';
import type { Decimal } from '../../../domain/decimal.ts';
import { parseWith } from './parse.ts';
import {
  booleanField,
  field,
  integerField,
  nonEmptyStringField,
  nonNegativeDecimalField,
  textField,
} from './primitives.ts';

export interface LeverageResult {
  symbol: string;
  leverage: number;
  /** Largest position notional allowed at this leverage; null when the body omits it. */
  maxNotionalValue: Decimal | null;
}

const leverageSchema = z
  .object({
    symbol: nonEmptyStringField,
    leverage: integerField({ min: 1 }),
    maxNotionalValue: nonNegativeDecimalField.optional(),
  })
  .transform((r): LeverageResult => ({ ...r, maxNotionalValue: r.maxNotionalValue ?? null }));

/** `POST leverage` → the leverage the exchange actually set (it may differ from the one asked for). */
export function parseLeverageResult(body: unknown, source = 'perp leverage'): LeverageResult {
  return parseWith(leverageSchema, body, source);
}

/**
 * Success acknowledgements: `{"code": 200, "msg": "success"}`, or with `"code": "200"` as a string (allOpenOrders).
 * Any other code in a 2xx body is not a success and is rejected; error bodies (negative codes) are expected to be
 * turned into API errors by the HTTP layer before they reach this parser.
 */
const successSchema = z.object({
  code: field((v) =>
    v === 200 || v === '200'
      ? ({ ok: true, value: 200 } as const)
      : ({ ok: false, problem: 'expected the success code 200' } as const),
  ),
  msg: textField.optional(),
});

/** Returns the acknowledgement message (empty when absent). */
export function parseSuccessAck(body: unknown, source = 'acknowledgement'): string {
  return parseWith(successSchema, body, source).msg ?? '';
}

const positionModeSchema = z.object({ dualSidePosition: booleanField });

/** `GET positionSide/dual` → true in hedge mode, false in one-way mode. */
export function parsePositionMode(body: unknown, source = 'perp positionSide/dual'): boolean {
  return parseWith(positionModeSchema, body, source).dualSidePosition;
}
