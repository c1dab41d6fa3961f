/**
 * `npm run docs:config`: regenerates the configuration table of README.md from the config schema.
 * Prints whether anything changed; exits 1 when the README has no markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeConfigKeys } from '../../config/index.ts';
import { renderConfigTable, replaceConfigTable } from './config-table.ts';

const readmePath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');

try {
  const before = readFileSync(readmePath, 'utf8');
  const after = replaceConfigTable(before, renderConfigTable(describeConfigKeys()));
  if (after === before) {
    process.stdout.write(`${readmePath}: configuration table already up to date\n`);
  } else {
    writeFileSync(readmePath, after);
    process.stdout.write(`${readmePath}: configuration table regenerated (${describeConfigKeys().length} keys)\n`);
  }
} catch (error) {
  process.stderr.write(`docs:config: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
