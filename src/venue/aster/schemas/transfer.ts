/**
 * `POST /fapi/v3/asset/wallet/transfer` and `POST /api/v3/asset/wallet/transfer` (same body on both hosts and on
 * the V1 paths): `{"tranId": 21841, "status": "SUCCESS"}`. `tranId` is a number in the docs; it is kept as a string
 * like every other id.
 */
import { z } from 'zod';
import type { TransferResult } from '../../../domain/account.ts';
import { parseWith } from './parse.ts';
import { idField, nonEmptyStringField } from './primitives.ts';

const transferSchema = z
  .object({ tranId: idField, status: nonEmptyStringField })
  .transform((r): TransferResult => ({ tranId: r.tranId, status: r.status }));

export function parseTransferResult(body: unknown, source = 'asset/wallet/transfer'): TransferResult {
  return parseWith(transferSchema, body, source);
}
