/**
 * The README's configuration reference, generated from the config schema (`describeConfigKeys`) so the
 * documentation cannot drift from what the bot accepts. `npm run docs:config` rewrites the table between the
 * markers; a test fails when the README's table differs from what this renders.
 */
import type { ConfigKeyRow } from '../../config/index.ts';

export const CONFIG_TABLE_START = '<!-- config-table:start -->';
export const CONFIG_TABLE_END = '<!-- config-table:end -->';

/** A cell of a GitHub table: pipes escaped (even inside code), no line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function code(text: string): string {
  return `\`${cell(text)}\``;
}

/** One row per key: key, default, accepted values, description. */
export function renderConfigTable(rows: readonly ConfigKeyRow[]): string {
  const lines = ['| Key | Default | Accepted values | Description |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(`| ${code(row.key)} | ${code(row.default)} | ${cell(row.accepted)} | ${cell(row.description)} |`);
  }
  return lines.join('\n');
}

function markerPositions(readme: string): { start: number; end: number } {
  const start = readme.indexOf(CONFIG_TABLE_START);
  const end = readme.indexOf(CONFIG_TABLE_END);
  if (start < 0 || end < 0 || end < start) {
    throw new Error(`README: the markers ${CONFIG_TABLE_START} and ${CONFIG_TABLE_END} must both be present, in order`);
  }
  return { start: start + CONFIG_TABLE_START.length, end };
}

/** The table currently between the markers (trimmed). */
export function extractConfigTable(readme: string): string {
  const { start, end } = markerPositions(readme);
  return readme.slice(start, end).trim();
}

/** The README with `table` between the markers (one blank line on each side). */
export function replaceConfigTable(readme: string, table: string): string {
  const { start, end } = markerPositions(readme);
  return `${readme.slice(0, start)}\n\n${table}\n\n${readme.slice(end)}`;
}
