/** Paths of the repository's test fixtures (never anything outside the repository). */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = join(REPO_ROOT, 'test/fixtures');
export const REALDATA = join(FIXTURES, 'realdata');
export const SEED_CONFIG = join(FIXTURES, 'seed/config_volume_farming_strategy.json');
export const SEED_STATE = join(FIXTURES, 'seed/volume_farming_state.json');

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}
