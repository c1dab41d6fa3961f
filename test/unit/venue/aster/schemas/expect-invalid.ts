import { expect } from 'vitest';
import { InvalidDataError } from '../../../../../src/errors.ts';

/**
 * Runs `fn`, expects an `InvalidDataError` for `field`, and checks that the message names the source and shows
 * the received value (`received` is matched as text inside the message).
 */
export function expectInvalid(fn: () => unknown, field: string, received?: string, source?: string): InvalidDataError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an InvalidDataError').toBeInstanceOf(InvalidDataError);
  const error = caught as InvalidDataError;
  expect(error.field).toBe(field);
  expect(error.kind).toBe('fatal');
  if (source !== undefined) {
    expect(error.source).toBe(source);
    expect(error.message.startsWith(`${source}: ${field}: `)).toBe(true);
  }
  if (received !== undefined) expect(error.message).toContain(`received ${received}`);
  return error;
}

/** A deep copy to mutate in a malformed-variant test. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
