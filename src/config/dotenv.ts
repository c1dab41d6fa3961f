/**
 * A `.env` reader: `KEY=value` lines, `#` comments, an optional `export ` prefix, single quotes (literal), double
 * quotes (with \n, \t, \", \\ escapes; may span lines) and unquoted values (trimmed; ` #` starts a comment).
 *
 * The file holds private keys, so a malformed line is reported by line number and variable name only, never by
 * its content.
 */
import { ConfigError } from '../errors.ts';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

function fail(file: string, line: number, what: string, key?: string): never {
  throw new ConfigError(key ?? '', `${file}:${line}: ${what}`);
}

/** Reads a quoted value starting at `text[start]` (the quote); returns the value and the index after the quote. */
function readQuoted(
  text: string,
  start: number,
  file: string,
  line: number,
  key: string,
): { value: string; end: number } {
  const quote = text[start] as '"' | "'";
  let value = '';
  let i = start + 1;
  for (;;) {
    const c = text[i];
    if (c === undefined) fail(file, line, `the ${quote === '"' ? 'double' : 'single'} quote is never closed`, key);
    if (c === quote) return { value, end: i + 1 };
    if (quote === '"' && c === '\\') {
      const next = text[i + 1];
      const escaped = next === undefined ? undefined : DOUBLE_QUOTED_ESCAPES[next];
      if (escaped !== undefined) {
        value += escaped;
        i += 2;
        continue;
      }
    }
    value += c;
    i++;
  }
}

/** Parses `.env` text into variables; later lines win over earlier ones. `file` names the file in errors. */
export function parseDotenv(text: string, file = '.env'): Map<string, string> {
  const vars = new Map<string, string>();
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let i = 0;
  let line = 1;
  while (i < source.length) {
    const lineEnd = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
    const raw = source.slice(i, lineEnd);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i = lineEnd + 1;
      line++;
      continue;
    }
    const body = trimmed.startsWith('export ') ? trimmed.slice('export '.length).trimStart() : trimmed;
    const equals = body.indexOf('=');
    if (equals === -1) fail(file, line, 'expected KEY=value');
    const key = body.slice(0, equals).trim();
    if (!KEY.test(key)) fail(file, line, 'the variable name must be letters, digits and _ (not starting with a digit)');
    const valueStart = i + raw.indexOf(body) + equals + 1;
    let j = valueStart;
    while (source[j] === ' ' || source[j] === '\t') j++;
    const first = source[j];
    let value: string;
    let next: number;
    if (first === '"' || first === "'") {
      const quoted = readQuoted(source, j, file, line, key);
      value = quoted.value;
      const restEnd = source.indexOf('\n', quoted.end) === -1 ? source.length : source.indexOf('\n', quoted.end);
      const rest = source.slice(quoted.end, restEnd).trim();
      if (rest !== '' && !rest.startsWith('#')) fail(file, line, 'unexpected text after the closing quote', key);
      line += source.slice(i, restEnd).split('\n').length - 1;
      next = restEnd + 1;
    } else {
      const unquoted = source.slice(j, lineEnd);
      const comment = unquoted.search(/\s#/);
      value = (comment === -1 ? unquoted : unquoted.slice(0, comment)).trim();
      next = lineEnd + 1;
    }
    vars.set(key, value);
    i = next;
    line++;
  }
  return vars;
}
