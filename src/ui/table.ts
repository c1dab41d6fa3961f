/** cli-table3 with the project's look: a light frame, bold headers, and no colour codes when colour is off. */
import Table from 'cli-table3';
import type { Palette } from './color.ts';

export type Align = 'left' | 'right' | 'center';

export interface Column {
  readonly header: string;
  readonly align?: Align;
}

/** Renders rows of already formatted (possibly coloured) cells under the given columns. */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  palette: Palette,
): string {
  const table = new Table({
    head: columns.map((c) => palette.bold(c.header)),
    colAligns: columns.map((c) => c.align ?? 'left'),
    // cli-table3 colours headers and borders itself unless told not to; the palette decides instead.
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1, compact: true },
  });
  for (const row of rows) table.push([...row]);
  return table.toString();
}

/** A full-width rule in the information colour, as the original bot framed each check. */
export function rule(palette: Palette, char = '=', width = 80): string {
  return palette.cyan(char.repeat(width));
}

/** "Label:  value" lines with the labels padded to one width. */
export function keyValueLines(pairs: readonly (readonly [string, string])[], indent = '  '): string[] {
  const width = Math.max(0, ...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${indent}${`${label}:`.padEnd(width + 1)}  ${value}`);
}
