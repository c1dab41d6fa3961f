/**
 * How long the exchange asks us to stay away.
 *
 * `Retry-After` (sent with 418/429, documented for spot; assumed for futures) is either delta-seconds or an HTTP
 * date. A -1003 ban message names the end of the ban as a ms timestamp: "Way too many requests; IP banned until
 * 1700000000000."
 */

/** Milliseconds to wait according to a `Retry-After` header, or undefined when absent or unparsable. */
export function parseRetryAfterMs(header: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = (Array.isArray(header) ? header[0] : header)?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw) * 1000);
  const dateMs = Date.parse(raw);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

/** The ban end (server time, ms) named in a -1003 message, or undefined. */
export function parseBanUntilMs(msg: string | undefined): number | undefined {
  if (msg === undefined) return undefined;
  const match = /banned until (\d{12,14})/i.exec(msg);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
