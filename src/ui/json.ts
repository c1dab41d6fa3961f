/** How Decimals and times appear in the `--json` documents: exact decimal strings, ISO 8601 UTC times. */
import type { Decimal } from '../domain/decimal.ts';

/** The exact value as a plain decimal string (never exponent notation), or null. */
export function decJson(value: Decimal | null | undefined): string | null {
  return value === null || value === undefined ? null : value.toFixed();
}

/** A derived figure (an APR, a percentage) rounded to `places` decimals, as a plain string, or null. */
export function roundedJson(value: Decimal | null | undefined, places = 8): string | null {
  return value === null || value === undefined ? null : value.toDecimalPlaces(places).toFixed();
}

/** Epoch ms → ISO 8601, or null. */
export function timeJson(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
