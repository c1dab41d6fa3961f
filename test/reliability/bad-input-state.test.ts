/**
 * Bad input, state file: seeded mutations of the original bot's `volume_farming_state.json` imported through the
 * store's seed import, as `dnfarm import-seed-state` does.
 *
 * Each one must give an `InvalidDataError` naming the field, and leave the store exactly as it was; or import a
 * state whose every decimal is finite and equal to the file's value. The store must keep opening and passing its
 * integrity check throughout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidDataError } from '../../src/errors.ts';
import { importSeedStateFile, openStore, parseSeedState, type Store } from '../../src/store/index.ts';
import { SEED_STATE } from './support/fixtures.ts';
import { parseProblems } from './support/invariants.ts';
import { mutateDocument } from './support/mutate.ts';
import { SeededRandom } from './support/random.ts';
import { figuresLine, suiteSeed, trials, ViolationLog } from './support/settings.ts';
import { removeTempDirs, tempDir } from './support/temp-dirs.ts';

const SEED = suiteSeed(1302);
const TRIALS = trials(400, 4000);
/** Trials per store file: each batch ends by reopening the store, which runs the full integrity check. */
const BATCH = 50;

const fixtureText = readFileSync(SEED_STATE, 'utf8');
const fixture = JSON.parse(fixtureText) as Record<string, unknown>;
const flat = { ...fixture, current_position: null, position_opened_at: null };
const bases = [
  { name: 'seed state', doc: fixture },
  { name: 'flat seed state', doc: flat },
];

const figures = { trials: 0, faults: 0, violations: 0, imported: 0, reopened: 0 };

afterAll(() => {
  removeTempDirs();
  console.log(figuresLine('bad-input/state', { ...figures, seed: SEED }));
});

/** What a failed import must leave untouched. */
function fingerprint(store: Store): string {
  const status = store.status();
  return JSON.stringify({
    position: status.position?.position ?? null,
    counters: status.counters,
    baseline: status.baseline,
  });
}

describe('bad input: state files through the seed import', () => {
  it('every mutated state gives an InvalidDataError naming the field and changes nothing, or imports soundly', () => {
    const rng = new SeededRandom(SEED);
    const violations = new ViolationLog();
    const baselineState = parseSeedState(fixtureText);
    let dir = tempDir();
    let store = openStore(dir, { command: 'reliability bad-input/state' });
    try {
      for (let trial = 0; trial < TRIALS; trial++) {
        if (trial > 0 && trial % BATCH === 0) {
          store.close();
          store = openStore(dir, { command: 'reliability bad-input/state' });
          figures.reopened++;
          store.close();
          dir = tempDir();
          store = openStore(dir, { command: 'reliability bad-input/state' });
        }
        const base = bases[trial % bases.length] as (typeof bases)[number];
        const mutation = mutateDocument(base.doc, rng);
        const where = `trial ${trial} (${base.name}; ${mutation.description})`;
        const file = join(dir, 'volume_farming_state.json');
        writeFileSync(file, mutation.text);
        const before = fingerprint(store);
        const heldBefore = store.positions.active()?.id ?? null;
        figures.trials++;
        try {
          const summary = importSeedStateFile(store, file, { force: true });
          figures.imported++;
          for (const problem of parseProblems(summary)) violations.add(`${where}: imported with ${problem}`);
          const state = parseSeedState(mutation.text);
          for (const problem of parseProblems(state, baselineState)) violations.add(`${where}: state has ${problem}`);
          const held = store.positions.active();
          if (state.currentPosition === null) {
            // A flat state carries no position to adopt; whatever the store held stays for reconciliation.
            if ((held?.id ?? null) !== heldBefore) violations.add(`${where}: a flat state changed the active position`);
          } else if (held === null || held.symbol !== state.currentPosition.symbol) {
            violations.add(
              `${where}: state holds ${state.currentPosition.symbol} but the store ${held?.symbol ?? 'nothing'}`,
            );
          } else if (
            !held.perpQty.equals(state.currentPosition.perpQty) ||
            !held.spotQtyNet.equals(state.currentPosition.spotQty)
          ) {
            violations.add(`${where}: stored quantities differ from the file's`);
          }
        } catch (error) {
          if (!(error instanceof InvalidDataError)) {
            violations.add(`${where}: crashed with ${inspect(error).split('\n')[0]}`);
            continue;
          }
          figures.faults++;
          if (error.field === '' || !error.message.includes(error.field)) {
            violations.add(`${where}: error does not name the field: ${error.message}`);
          }
          if (fingerprint(store) !== before) violations.add(`${where}: a rejected import changed the store`);
        }
      }
    } finally {
      store.close();
    }
    // The last store must still pass the full integrity check at open.
    openStore(dir, { command: 'reliability bad-input/state' }).close();
    figures.reopened++;
    figures.violations += violations.count;
    expect(violations.count, violations.summary()).toBe(0);
    expect(figures.faults).toBeGreaterThan(TRIALS / 2);
  });
});
