/** Time-ranged list selection with Aster's paging rule (see `RangeQuery`). */
import type { RangeQuery } from './index.ts';

/** `rows` must be ascending by `timeOf`. */
export function selectRange<T>(rows: readonly T[], query: RangeQuery, timeOf: (row: T) => number): T[] {
  const { startTimeMs, endTimeMs, limit } = query;
  const inRange = rows.filter((row) => {
    const t = timeOf(row);
    return (startTimeMs === undefined || t >= startTimeMs) && (endTimeMs === undefined || t <= endTimeMs);
  });
  if (limit === undefined || inRange.length <= limit) return inRange;
  if (limit <= 0) return [];
  return startTimeMs !== undefined ? inRange.slice(0, limit) : inRange.slice(inRange.length - limit);
}
