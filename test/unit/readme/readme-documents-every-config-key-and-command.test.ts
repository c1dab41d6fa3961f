import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/program.ts';
import { describeConfigKeys } from '../../../src/config/index.ts';
import {
  CONFIG_TABLE_END,
  CONFIG_TABLE_START,
  extractConfigTable,
  renderConfigTable,
  replaceConfigTable,
} from '../../../src/ui/docs/config-table.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README configuration reference', () => {
  it('is exactly the table generated from the config schema (run `npm run docs:config` after changing it)', () => {
    expect(extractConfigTable(readme)).toBe(renderConfigTable(describeConfigKeys()));
  });

  it('lists every key with its default', () => {
    const table = extractConfigTable(readme);
    for (const row of describeConfigKeys()) {
      expect(table).toContain(`| \`${row.key}\` | \`${row.default.replace(/\|/g, '\\|')}\` |`);
    }
  });

  it('escapes pipes so enum types do not split cells', () => {
    const table = renderConfigTable([
      { key: 'mode', type: '"a" | "b"', default: '"a"', accepted: 'one of "a" | "b"', description: 'x |\ny' },
    ]);
    const row = table.split('\n')[2] ?? '';
    expect(row).toBe('| `mode` | `"a"` | one of "a" \\| "b" | x \\| y |');
    expect(row.split(/(?<!\\)\|/).length).toBe(6);
  });

  it('regenerating is idempotent and refuses a README without markers', () => {
    const table = renderConfigTable(describeConfigKeys());
    const once = replaceConfigTable(readme, table);
    expect(replaceConfigTable(once, table)).toBe(once);
    expect(once).toBe(readme);
    expect(() => replaceConfigTable('# no markers', table)).toThrow(CONFIG_TABLE_START);
    expect(() => replaceConfigTable(`${CONFIG_TABLE_END}\n${CONFIG_TABLE_START}`, table)).toThrow(/in order/);
  });
});

describe('README commands', () => {
  it('keeps the two Quick start commands', () => {
    const quickStart = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('## ', readme.indexOf('## Quick start') + 3),
    );
    expect(quickStart).toContain('npm ci && npm start');
    expect(quickStart).toContain('npm ci && npm test');
  });

  it('documents every command the CLI has, with an example', () => {
    const names = buildProgram().commands.flatMap((c) =>
      c.commands.length > 0 ? c.commands.map((sub) => `${c.name()} ${sub.name()}`) : [c.name()],
    );
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const name of names) {
      expect(readme, `README has no section for dnfarm ${name}`).toContain(`### \`dnfarm ${name}`);
      expect(readme).toContain(`| \`${name}`);
    }
  });
});
