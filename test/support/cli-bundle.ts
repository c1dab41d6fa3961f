/**
 * The CLI as production runs it (`npm run build` → one bundled module), built once per test process. Tests that
 * spawn the bot many times use it: a bundled start costs a fraction of loading the TypeScript sources through tsx,
 * and it is the same code users run.
 *
 * The bundle lives under node_modules/.cache so Node resolves its external packages from the project's
 * node_modules; each test process writes its own file and removes it when it exits.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildCliSync, REPO_ROOT } from '../../scripts/build.ts';

let bundle: string | null = null;

/** The bundle's path; built on the first call. */
export function cliBundle(): string {
  if (bundle === null) {
    const dir = join(REPO_ROOT, 'node_modules', '.cache', 'dnfarm');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `test-${process.pid}.mjs`);
    process.once('exit', () => {
      rmSync(outfile, { force: true });
      rmSync(`${outfile}.map`, { force: true });
    });
    bundle = buildCliSync(outfile);
  }
  return bundle;
}
