/**
 * Runs a response schema and turns any failure into one `InvalidDataError` that names the endpoint, the path of
 * the offending field inside the body (`symbols[3].filters[1].stepSize`) and the value received there.
 */
import type { z } from 'zod';
import { InvalidDataError } from '../../../errors.ts';

export type PathSegment = string | number;

export interface ParseOptions {
  /** Path of `value` inside `root`, when a parser works on one element of a larger body. */
  prefix?: readonly PathSegment[];
  /** The whole body, used to look the offending value up when `value` is only a part of it. */
  root?: unknown;
  /** Never echo received values (listen keys grant access to the account stream). */
  redactValues?: boolean;
}

const MAX_VALUE_CHARS = 80;

/** `symbols[3].filters[1].stepSize`; `[0].symbol` for a top-level array; `(body)` for the body itself. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(body)' : out;
}

/** A short, single-line rendering of a received value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (field absent)';
  let text: string;
  if (typeof value === 'number') text = Number.isNaN(value) ? 'NaN' : String(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} chars)` : text;
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment as string];
  }
  return current;
}

export function invalidData(
  source: string,
  path: readonly PropertyKey[],
  problem: string,
  received: unknown,
  options: { redact?: boolean; extra?: string } = {},
): InvalidDataError {
  const shown = options.redact ? '[redacted]' : describeValue(received);
  const message = `${problem}, received ${shown}${options.extra ?? ''}`;
  return new InvalidDataError(source, formatPath(path), message, { value: options.redact ? undefined : received });
}

function problemOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'nonoptional') return 'required field is missing';
      return `expected ${issue.expected === 'array' ? 'an array' : issue.expected === 'object' ? 'an object' : issue.expected}`;
    case 'too_small':
      return issue.origin === 'array' ? `expected at least ${String(issue.minimum)} entries` : issue.message;
    default:
      return issue.message;
  }
}

/** Converts zod issues to the error for the first one (the others are counted, not listed, to keep it short). */
export function issuesToError(
  source: string,
  issues: readonly z.core.$ZodIssue[],
  value: unknown,
  options: ParseOptions = {},
): InvalidDataError {
  const first = issues[0];
  const prefix = options.prefix ?? [];
  if (!first) return invalidData(source, prefix, 'failed validation', value, { redact: options.redactValues ?? false });
  const path = [...prefix, ...first.path];
  const received = options.root === undefined ? valueAt(value, first.path) : valueAt(options.root, path);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return invalidData(source, path, problemOf(first), received, { redact: options.redactValues ?? false, extra: more });
}

/** Parses `value` with `schema` or throws an `InvalidDataError` naming `source` and the offending field. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: string,
  options: ParseOptions = {},
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw issuesToError(source, result.error.issues, value, options);
}
