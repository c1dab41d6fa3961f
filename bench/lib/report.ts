/** The table on stdout and `bench/results.json`. */
import { writeFileSync } from 'node:fs';
import Table from 'cli-table3';
import type { Palette } from '../../src/ui/color.ts';
import type { FigureResult } from './figure.ts';

/** Colours follow the shared rules (`paletteFor`): none when stdout is not a terminal or NO_COLOR is set. */
export function renderTable(results: readonly FigureResult[], pc: Palette): string {
  // cli-table3 greys the borders by default, whatever the terminal: keep its own colours off.
  const table = new Table({ head: ['figure', 'value', 'target', 'result'], style: { head: [], border: [] } });
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
