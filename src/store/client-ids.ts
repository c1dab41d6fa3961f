/**
 * Deterministic client ids for orders (`newClientOrderId`) and transfers (`clientTranId`).
 *
 * Shape: `dnf-<storeId>-<intentId>-<leg>-<attempt>`, e.g. `dnf-k3x9qa-42-spot-0`.
 * - The id is a pure function of the persisted intent, so after a crash the engine can ask the
 *   exchange "did `dnf-k3x9qa-42-spot-0` execute?" before deciding anything.
 * - `storeId` is random per database. Aster only enforces uniqueness among *open* futures orders
 *   (spot: unless the earlier order filled), and transfer ids only for 7 days, while order lookups by
 *   client id keep answering for much longer. Without it, a fresh database would re-issue
 *   `...-1-spot-0` and a recovery query would find the *previous* database's filled order and
 *   take it for its own.
 * - Only `[A-Za-z0-9-]` is used: Aster accepts `.:/` too, but those get percent-encoded and break
 *   signature checks. Order ids must fit 36 characters; transfer ids must be shorter than 64.
 */

export const CLIENT_ID_PREFIX = 'dnf-';
export const MAX_CLIENT_ORDER_ID_LENGTH = 36;
export const MAX_CLIENT_TRAN_ID_LENGTH = 63;
/** The leg name used for transfer ids. */
export const TRANSFER_LEG = 'transfer';
export const MAX_ATTEMPT = 999;
/** Twelve decimal digits keep the longest id (8-letter leg, 3-digit attempt) within 36 characters. */
export const MAX_INTENT_ID = 999_999_999_999;

const STORE_ID = /^[a-z0-9]{6}$/;
const LEG = /^[a-z]{1,8}$/;
const PARSE = /^dnf-([a-z0-9]{6})-([1-9][0-9]{0,11})-([a-z]{1,8})-(0|[1-9][0-9]{0,2})$/;

export interface ClientIdParts {
  storeId: string;
  intentId: number;
  leg: string;
  attempt: number;
}

export function isValidStoreId(storeId: string): boolean {
  return STORE_ID.test(storeId);
}

/** Builds the id; throws RangeError naming the offending part when it cannot be encoded. */
export function formatClientId(parts: ClientIdParts): string {
  const { storeId, intentId, leg, attempt } = parts;
  if (!STORE_ID.test(storeId)) throw new RangeError(`client id storeId: expected 6 of [a-z0-9], got "${storeId}"`);
  if (!Number.isSafeInteger(intentId) || intentId < 1 || intentId > MAX_INTENT_ID) {
    throw new RangeError(`client id intentId: expected an integer 1..${MAX_INTENT_ID}, got ${intentId}`);
  }
  if (!LEG.test(leg)) throw new RangeError(`client id leg: expected 1-8 of [a-z], got "${leg}"`);
  if (!Number.isSafeInteger(attempt) || attempt < 0 || attempt > MAX_ATTEMPT) {
    throw new RangeError(`client id attempt: expected an integer 0..${MAX_ATTEMPT}, got ${attempt}`);
  }
  return `${CLIENT_ID_PREFIX}${storeId}-${intentId}-${leg}-${attempt}`;
}

export function formatClientOrderId(storeId: string, intentId: number, leg: string, attempt: number): string {
  return formatClientId({ storeId, intentId, leg, attempt });
}

export function formatClientTranId(storeId: string, intentId: number, attempt: number): string {
  return formatClientId({ storeId, intentId, leg: TRANSFER_LEG, attempt });
}

/** The parts of one of our ids, or null for anything else (manual orders, other bots, garbage). */
export function parseClientId(id: string): ClientIdParts | null {
  const m = PARSE.exec(id);
  if (!m) return null;
  return { storeId: m[1] as string, intentId: Number(m[2]), leg: m[3] as string, attempt: Number(m[4]) };
}
