/**
 * Turns validation findings into one `ConfigError` that names the key, what it accepts and what it received.
 * All findings of a file are reported together, so fixing a config takes one round instead of one per mistake.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { describeAccepted, findConfigKey, isSectionName } from './keys.ts';

export interface ConfigIssue {
  /** Dotted key path; '' for the document itself. */
  readonly field: string;
  readonly message: string;
  readonly value?: unknown;
}

export interface ConfigWarning {
  readonly field: string;
  readonly message: string;
}

/** A config that failed validation. `field` and `value` are those of the first issue; `issues` has them all. */
export class ConfigValidationError extends ConfigError {
  override name = 'ConfigValidationError';
  readonly issues: readonly ConfigIssue[];
  readonly file: string | undefined;

  constructor(issues: readonly ConfigIssue[], file?: string) {
    const first = issues[0] ?? { field: '', message: 'invalid configuration' };
    const where = file === undefined ? '' : ` (in ${file})`;
    const rest = issues
      .slice(1)
      .map((issue) => `\n  also ${issue.field === '' ? '' : `${issue.field}: `}${issue.message}`)
      .join('');
    super(first.field, `${first.message}${where}${rest}`, 'value' in first ? { value: first.value } : {});
    this.issues = issues;
    this.file = file;
  }
}

/** A value as an error message shows it: strings quoted and labelled, so `"300"` and `300` are told apart. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    return `${JSON.stringify(shown)} (a string)`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

export function dottedPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

const EXPECTED_WORDS: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  string: 'a string',
  object: 'an object',
  array: 'an array',
};

/** One zod issue as a ConfigIssue. `input` is the object that was validated. */
export function issueFromZod(issue: z.core.$ZodIssue, input: unknown): ConfigIssue {
  const field = dottedPath(issue.path);
  const value = valueAt(input, issue.path);
  const received = `received ${showValue(value)}`;
  const key = findConfigKey(field);
  switch (issue.code) {
    case 'invalid_type':
    case 'too_small':
    case 'too_big':
    case 'invalid_value': {
      if (key !== undefined) return { field, message: `expected ${describeAccepted(key.schema)}, ${received}`, value };
      if (issue.code === 'invalid_type' && issue.path.length === 1 && isSectionName(field)) {
        return { field, message: `expected an object (a section of keys), ${received}`, value };
      }
      if (issue.code === 'invalid_type') {
        const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
        return { field, message: `expected ${expected}, ${received}`, value };
      }
      return { field, message: `${issue.message}, ${received}`, value };
    }
    case 'unrecognized_keys':
      return { field, message: `unknown keys ${issue.keys.join(', ')}` };
    default:
      return { field, message: `${issue.message}, ${received}`, value };
  }
}
