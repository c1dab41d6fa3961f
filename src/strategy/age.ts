/** Position age and the max-age exit. Time always comes in as arguments; nothing here reads a clock. */

const HOUR_MS = 3_600_000;

/** Hours since the position was opened; never negative (a clock behind the record counts as 0). */
export function positionAgeHours(openedAtMs: number, nowMs: number): number {
  return Math.max(0, nowMs - openedAtMs) / HOUR_MS;
}

/** The max-age rule: strictly older than `maxPositionAgeHours` (exactly the limit still holds). */
export function maxAgeExceeded(openedAtMs: number, nowMs: number, maxPositionAgeHours: number): boolean {
  return nowMs - openedAtMs > maxPositionAgeHours * HOUR_MS;
}
