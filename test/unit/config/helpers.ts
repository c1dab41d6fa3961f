import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';

/** Runs `fn`, asserts it throws a ConfigError, and returns the error for further checks. */
export function configErrorOf(fn: () => unknown): ConfigError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a ConfigError to be thrown').toBeInstanceOf(ConfigError);
  return thrown as ConfigError;
}

/** A fresh directory under the OS temp dir; `cleanup` removes it. */
export function tempDir(): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'dnfarm-config-'));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
