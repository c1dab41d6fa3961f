/** The table on stdout and `bench/results.json`. */
import { writeFileSync } from 'node:fs';
import Table from 'cli-table3';
import pc from 'picocolors';
import type { FigureResult } from './figure.ts';

export function renderTable(results: readonly FigureResult[]): string {
  const table = new Table({ head: ['figure', 'value', 'target', 'result'], style: { head: [] } });
  for (const r of results) {
    const value = r.value === null ? '—' : `${r.value} ${r.unit}`;
    const verdict =
      r.value === null
        ? pc.yellow('not measured')
        : r.target === 'report'
          ? 'reported'
          : r.pass
            ? pc.green('pass')
            : pc.red('FAIL');
    table.push([r.name, value, `${r.target} ${r.target === 'report' ? '' : r.unit}`.trim(), verdict]);
  }
  const notes = results
    .filter((r) => r.note !== undefined)
    .map((r) => `  ${r.name}: ${r.note}`)
    .join('\n');
  return notes === '' ? table.toString() : `${table.toString()}\nnotes:\n${notes}`;
}

/** `[{ name, value, unit, target, pass }]` (plus `note` where there is one). */
export function writeResults(path: string, results: readonly FigureResult[]): void {
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
