/**
 * Number, money, price and time formatting for the terminal. Pure: a Decimal (or epoch ms) in, text out.
 *
 * Every figure stays a Decimal up to here; rounding happens only in the text, with the code base's half-even rule.
 * UTC everywhere: an operator comparing the bot's output with the exchange's funding times must not have to convert.
 */
import { type Decimal, dec } from '../domain/decimal.ts';

const THOUSAND = dec(1000);
const MILLION = dec(1_000_000);
const BILLION = dec(1_000_000_000);

/** "1234567.891" → "1,234,567.891" (the integer part only; a sign is kept in front). */
export function groupThousands(plain: string): string {
  const negative = plain.startsWith('-');
  const unsigned = negative ? plain.slice(1) : plain;
  const [integer = '', fraction] = unsigned.split('.');
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Fixed decimals with thousands separators: fixedGrouped(1234.5, 2) → "1,234.50". Never "-0.00". */
export function fixedGrouped(value: Decimal, decimals: number): string {
  const text = value.toFixed(decimals);
  return groupThousands(isNegativeZero(text) ? text.slice(1) : text);
}

function isNegativeZero(text: string): boolean {
  return /^-0(\.0*)?$/.test(text);
}

/** Adds "+" in front of a positive figure; a figure that rounds to zero gets no sign at all. */
function withSign(text: string, signed: boolean): string {
  if (!signed || text.startsWith('-') || isZeroText(text)) return text;
  return `+${text}`;
}

function isZeroText(text: string): boolean {
  return /^\$?0(\.0*)?%?$/.test(text.replace(/,/g, ''));
}

/** Decimals of a price of this magnitude: 2 from 1,000, 4 from 1, 8 below (small caps trade at fractions of a cent). */
export function priceDecimals(reference: Decimal): number {
  const magnitude = reference.abs();
  if (magnitude.greaterThanOrEqualTo(THOUSAND)) return 2;
  if (magnitude.greaterThanOrEqualTo(1)) return 4;
  return 8;
}

/** A price the way the original spread tool showed it: "100,008.50", "9.0956", "0.14959750". */
export function formatPrice(value: Decimal): string {
  return fixedGrouped(value, priceDecimals(value));
}

/**
 * A signed price difference with the decimals of the price it is a difference of, so the columns line up:
 * formatPriceDelta(-0.051465, 9.0956) → "-0.0515", formatPriceDelta(7, 100008.5) → "+7.00".
 */
export function formatPriceDelta(value: Decimal, reference: Decimal): string {
  return withSign(fixedGrouped(value, priceDecimals(reference)), true);
}

export interface MoneyOptions {
  readonly decimals?: number;
  /** Show "+" on positive amounts (PnL); negative amounts always show "-". */
  readonly signed?: boolean;
}

/** "$1,234.56", "-$3.20", with `signed` "+$3.20". */
export function formatUsd(value: Decimal, options: MoneyOptions = {}): string {
  const text = `$${fixedGrouped(value.abs(), options.decimals ?? 2)}`;
  if (isZeroText(text)) return text;
  if (value.isNegative()) return `-${text}`;
  return withSign(text, options.signed === true);
}

/** Volumes at a glance: "$2.32B", "$396.46M", "$12.84K", "$512.00". */
export function formatCompactUsd(value: Decimal): string {
  const magnitude = value.abs();
  const sign = value.isNegative() && !value.isZero() ? '-' : '';
  if (magnitude.greaterThanOrEqualTo(BILLION)) return `${sign}$${magnitude.div(BILLION).toFixed(2)}B`;
  if (magnitude.greaterThanOrEqualTo(MILLION)) return `${sign}$${magnitude.div(MILLION).toFixed(2)}M`;
  if (magnitude.greaterThanOrEqualTo(THOUSAND)) return `${sign}$${magnitude.div(THOUSAND).toFixed(2)}K`;
  return `${sign}$${magnitude.toFixed(2)}`;
}

/** A percentage already in percent units: formatPct(12.345) → "12.35%" (half-even), `signed` → "+12.35%". */
export function formatPct(value: Decimal, options: MoneyOptions = {}): string {
  return withSign(`${fixedGrouped(value, options.decimals ?? 2)}%`, options.signed === true);
}

/** A per-interval funding rate (decimal fraction) as a percentage with 4 decimals: 0.0001 → "0.0100%". */
export function formatRatePct(rate: Decimal): string {
  return formatPct(rate.times(100), { decimals: 4 });
}

/** A quantity with up to `decimals` decimals and no trailing zeros: "0.00124", "1,250". */
export function formatQty(value: Decimal, decimals = 8): string {
  const text = value.toDecimalPlaces(decimals).toFixed();
  return groupThousands(text);
}

/** Epoch ms → "2025-10-14 08:00:00 UTC". */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Epoch ms → "2025-10-14 08:00 UTC" (the original bot's "Since:" format). */
export function formatUtcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Epoch ms → ISO 8601 with milliseconds ("2025-10-14T08:00:00.000Z"), the JSON outputs' time format. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/** A duration in hours: "45 min", "7.5 h", "3 d 4.2 h" (days from 48 h on). */
export function formatHours(hours: number): string {
  if (!Number.isFinite(hours) || hours < 0) return 'unknown';
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  const days = Math.floor(hours / 24);
  return `${days} d ${(hours - days * 24).toFixed(1)} h`;
}

/** A funding interval: "8h (3x/day)", "4h (6x/day)"; fractional frequencies keep 2 decimals. */
export function formatInterval(hours: number): string {
  const perDay = 24 / hours;
  const frequency = Number.isInteger(perDay) ? String(perDay) : perDay.toFixed(2);
  return `${hours}h (${frequency}x/day)`;
}
