/**
 * `GET /fapi/v3/income` (= `/fapi/v1/income`): the futures ledger (funding fees, commissions, realised PnL,
 * transfers). `income` is signed (+ received, − paid). `tranId` is a string in the docs and live captures but a
 * number in other examples; it is unique per income type only, so records de-duplicate on (incomeType, tranId).
 * `symbol` and `tradeId` are "" when they do not apply.
 */
import { z } from 'zod';
import type { IncomeRecord } from '../../../domain/account.ts';
import { parseWith } from './parse.ts';
import { decimalField, epochMsField, idField, nonEmptyStringField, optionalIdField, textField } from './primitives.ts';

const incomeSchema = z
  .object({
    symbol: textField.optional(),
    incomeType: nonEmptyStringField,
    income: decimalField,
    asset: nonEmptyStringField,
    time: epochMsField,
    tranId: idField,
    tradeId: optionalIdField.optional(),
  })
  .transform(
    (r): IncomeRecord => ({
      symbol: r.symbol ?? '',
      incomeType: r.incomeType,
      income: r.income,
      asset: r.asset,
      timeMs: r.time,
      tranId: r.tranId,
      tradeId: r.tradeId ?? '',
    }),
  );

export function parseIncomeList(body: unknown, source = 'perp income'): IncomeRecord[] {
  return parseWith(z.array(incomeSchema), body, source);
}
