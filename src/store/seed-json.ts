/**
 * A small JSON reader for the original bot's state file, because `JSON.parse` is wrong for it twice:
 * - Python's `json.dump` writes NaN and ±Infinity as bare tokens, which JSON.parse rejects as a syntax
 *   error; we want "current_position.capital: expected a finite number, got NaN" instead;
 * - numbers must reach Decimal from their text, not through a binary float.
 * It also reports where a truncated or malformed file breaks (line and column) and refuses duplicate keys,
 * which Python would silently resolve to the last one.
 */

export type JsonNode =
  | { kind: 'object'; entries: Map<string, JsonNode> }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  /** `text` is the literal as written, e.g. "449.957" or "1e-05". */
  | { kind: 'number'; text: string }
  | { kind: 'nonfinite'; text: 'NaN' | 'Infinity' | '-Infinity' }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  readonly line: number;
  readonly column: number;
  readonly truncated: boolean;

  constructor(message: string, line: number, column: number, truncated: boolean) {
    super(`${message} at line ${line} column ${column}`);
    this.line = line;
    this.column = column;
    this.truncated = truncated;
  }
}

const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export function parseJsonText(text: string): JsonNode {
  let pos = 0;

  function fail(message: string, at = pos): never {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    const truncated = at >= text.length;
    throw new JsonSyntaxError(
      truncated ? `${message} (the file ends early: truncated?)` : message,
      line,
      column,
      truncated,
    );
  }

  function skipSpace(): void {
    while (pos < text.length && ' \t\r\n'.includes(text[pos] as string)) pos++;
  }

  function expect(ch: string): void {
    skipSpace();
    if (text[pos] !== ch) fail(pos >= text.length ? `expected "${ch}"` : `expected "${ch}", found "${text[pos]}"`);
    pos++;
  }

  function literal(word: string): boolean {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return true;
    }
    return false;
  }

  function parseString(): string {
    const start = pos;
    pos++; // opening quote
    let out = '';
    for (;;) {
      if (pos >= text.length) fail('unterminated string', pos);
      const ch = text[pos] as string;
      if (ch === '"') {
        pos++;
        return out;
      }
      if (ch === '\\') {
        const esc = text[pos + 1];
        if (esc === undefined) fail('unterminated string', pos + 1);
        if (esc === 'u') {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape', pos);
          out += String.fromCharCode(Number.parseInt(hex, 16));
          pos += 6;
          continue;
        }
        const mapped = ESCAPES[esc];
        if (mapped === undefined) fail(`bad escape "\\${esc}"`, pos);
        out += mapped;
        pos += 2;
        continue;
      }
      if (ch < ' ') fail('control character in string', pos);
      out += ch;
      pos++;
      if (pos - start > 1_000_000) fail('string too long', start);
    }
  }

  function parseValue(depth: number): JsonNode {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    skipSpace();
    if (pos >= text.length) fail('expected a value');
    const ch = text[pos] as string;
    if (ch === '{') return parseObject(depth);
    if (ch === '[') return parseArray(depth);
    if (ch === '"') return { kind: 'string', value: parseString() };
    if (literal('true')) return { kind: 'boolean', value: true };
    if (literal('false')) return { kind: 'boolean', value: false };
    if (literal('null')) return { kind: 'null' };
    if (literal('NaN')) return { kind: 'nonfinite', text: 'NaN' };
    if (literal('Infinity')) return { kind: 'nonfinite', text: 'Infinity' };
    if (literal('-Infinity')) return { kind: 'nonfinite', text: '-Infinity' };
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) {
      pos += m[0].length;
      return { kind: 'number', text: m[0] };
    }
    return fail(`unexpected "${ch}"`);
  }

  function parseObject(depth: number): JsonNode {
    pos++;
    const entries = new Map<string, JsonNode>();
    skipSpace();
    if (text[pos] === '}') {
      pos++;
      return { kind: 'object', entries };
    }
    for (;;) {
      skipSpace();
      if (text[pos] !== '"') fail(pos >= text.length ? 'expected a key' : `expected a key, found "${text[pos]}"`);
      const keyAt = pos;
      const key = parseString();
      if (entries.has(key)) fail(`duplicate key "${key}"`, keyAt);
      expect(':');
      entries.set(key, parseValue(depth + 1));
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return { kind: 'object', entries };
      }
      fail(pos >= text.length ? 'expected "," or "}"' : `expected "," or "}", found "${text[pos]}"`);
    }
  }

  function parseArray(depth: number): JsonNode {
    pos++;
    const items: JsonNode[] = [];
    skipSpace();
    if (text[pos] === ']') {
      pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(parseValue(depth + 1));
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return { kind: 'array', items };
      }
      fail(pos >= text.length ? 'expected "," or "]"' : `expected "," or "]", found "${text[pos]}"`);
    }
  }

  const value = parseValue(0);
  skipSpace();
  if (pos < text.length) fail(`unexpected "${text[pos]}" after the end of the document`);
  return value;
}

/** A short rendering of a value for error messages: strings quoted, containers abbreviated. */
export function showJson(node: JsonNode): string {
  switch (node.kind) {
    case 'string': {
      const s = JSON.stringify(node.value);
      return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
    }
    case 'number':
    case 'nonfinite':
      return node.text;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
  }
}
