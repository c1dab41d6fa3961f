/**
 * JSON text to value, without losing digits.
 *
 * `JSON.parse` turns every number into a float, so a 19-digit integer (the spot account's nanosecond `updateTime`,
 * a 19-digit `tranId`) or a decimal with more than 15 significant digits comes out rounded. Before parsing, such
 * number tokens are wrapped in quotes; every parser in this folder accepts numeric strings, so they then arrive
 * exact. Strings are skipped token by token, so digits inside them are never touched.
 */
import { InvalidDataError } from '../../../errors.ts';
import { describeValue } from './parse.ts';

/** Up to 15 significant digits survive a round trip through a float; 16 may not. */
const MAX_SAFE_DIGITS = 15;
/** Cheap pre-check: a run of 16 digits (or 17 digits and dots) is the least a long number token can be. */
const MAYBE_LONG_NUMBER = /[\d.]{17}|\d{16}/;

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isNumberChar(code: number): boolean {
  // digits, '.', '-', '+', 'e', 'E'
  return isDigit(code) || code === 46 || code === 45 || code === 43 || code === 101 || code === 69;
}

function countDigits(token: string): number {
  let digits = 0;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code === 101 || code === 69) break; // the exponent does not carry precision
    if (isDigit(code)) digits++;
  }
  return digits;
}

/** Wraps number tokens with more than 15 significant digits in quotes; returns `text` itself when there is none. */
export function quoteLongNumbers(text: string): string {
  if (!MAYBE_LONG_NUMBER.test(text)) return text;
  const parts: string[] = [];
  let copiedUpTo = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i++;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) {
          i += 2;
          continue;
        }
        i++;
        if (c === QUOTE) break;
      }
      continue;
    }
    if (code === MINUS || isDigit(code)) {
      const start = i;
      i++;
      while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      const token = text.slice(start, i);
      if (countDigits(token) > MAX_SAFE_DIGITS) {
        parts.push(text.slice(copiedUpTo, start), '"', token, '"');
        copiedUpTo = i;
      }
      continue;
    }
    i++;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(copiedUpTo));
  return parts.join('');
}

/**
 * Parses a response body. Empty or malformed text (a truncated body, an HTML error page from a proxy) is an
 * `InvalidDataError` naming `source`, with the start of the text for diagnosis.
 */
export function parseJsonText(text: string, source: string): unknown {
  if (text.trim() === '') {
    throw new InvalidDataError(source, '(body)', 'empty response body, expected JSON', { value: text });
  }
  try {
    return JSON.parse(quoteLongNumbers(text));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidDataError(source, '(body)', `not valid JSON (${reason}), received ${describeValue(text)}`, {
      value: text.length > 200 ? `${text.slice(0, 200)}…` : text,
      cause: error,
    });
  }
}
