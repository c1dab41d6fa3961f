/** How the bad-input suites judge an exception thrown while reading bad data. */
import { inspect } from 'node:util';
import { InvalidDataError } from '../../../src/errors.ts';
import { AsterApiError } from '../../../src/venue/aster/errors.ts';

export interface Verdict {
  /** The error is one of the clear kinds (the input was recognised as bad). */
  clear: boolean;
  /** What is wrong with the outcome, or null when it is acceptable. */
  problem: string | null;
}

/**
 * Reading a bad response may end in an `InvalidDataError` that names the field (and shows it in the message), or —
 * from the client — an `AsterApiError` naming the endpoint because the body was not JSON or was an Aster error
 * body. Anything else (TypeError, RangeError, a bare Error) is a crash.
 */
export function judgeReadError(error: unknown): Verdict {
  if (error instanceof InvalidDataError) {
    const named = error.field !== '' && error.message.includes(error.field);
    return { clear: true, problem: named ? null : `InvalidDataError without a field: ${error.message}` };
  }
  if (error instanceof AsterApiError && (error.reason === 'invalid-response' || error.reason === 'api')) {
    return { clear: true, problem: error.message.includes(error.endpoint) ? null : `no endpoint: ${error.message}` };
  }
  return { clear: false, problem: `crashed with ${inspect(error, { depth: 2 }).split('\n')[0]}` };
}
