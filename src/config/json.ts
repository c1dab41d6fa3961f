/**
 * A strict JSON reader for config files. `JSON.parse` is not enough here: its error messages differ between Node
 * versions and often carry no position, and it silently keeps the last of two equal keys, which in a config file is
 * almost always a mistake (two `leverage` lines, the first one being the one the operator looked at).
 *
 * Strings and numbers are converted by `JSON.parse` / `Number` on the exact token text, so values are identical to
 * what `JSON.parse` would produce.
 */
import { ConfigError } from '../errors.ts';

const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

export function lineAndColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

function showChar(char: string | undefined): string {
  return char === undefined ? 'end of file' : JSON.stringify(char);
}

class Reader {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  document(): unknown {
    const value = this.value([], 0);
    this.skipSpace();
    if (this.i < this.text.length)
      this.fail(`unexpected ${showChar(this.text[this.i])} after the end of the JSON value`);
    return value;
  }

  private fail(message: string, at: number = this.i): never {
    const { line, column } = lineAndColumn(this.text, at);
    throw new ConfigError('', `${this.file}:${line}:${column}: invalid JSON: ${message}`);
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else return;
    }
  }

  private value(path: readonly string[], depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`);
    this.skipSpace();
    const c = this.text[this.i];
    if (c === '{') return this.object(path, depth);
    if (c === '[') return this.array(path, depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, literal] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return literal;
      }
    }
    if (c === "'") this.fail('strings must use double quotes');
    if (c === '}' || c === ']' || c === ',') this.fail(`expected a value, found ${showChar(c)}`);
    return this.fail(`unexpected ${showChar(c)}`);
  }

  private object(path: readonly string[], depth: number): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    const firstSeenAt = new Map<string, number>();
    this.skipSpace();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      const keyAt = this.i;
      if (this.text[this.i] !== '"') {
        if (this.text[this.i] === '}') this.fail('trailing comma before "}"');
        this.fail(`expected a double-quoted property name, found ${showChar(this.text[this.i])}`);
      }
      const key = this.string();
      this.skipSpace();
      if (this.text[this.i] !== ':') this.fail(`expected ':' after property name ${JSON.stringify(key)}`);
      this.i++;
      const value = this.value([...path, key], depth + 1);
      const earlier = firstSeenAt.get(key);
      if (earlier !== undefined && !key.startsWith('_')) {
        const dotted = [...path, key].join('.');
        const first = lineAndColumn(this.text, earlier).line;
        const second = lineAndColumn(this.text, keyAt).line;
        throw new ConfigError(dotted, `appears twice in ${this.file} (lines ${first} and ${second}); keep one`);
      }
      firstSeenAt.set(key, keyAt);
      // defineProperty, not assignment: a "__proto__" key must stay a plain (and then unknown) key.
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const c = this.text[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return out;
      }
      this.fail(`expected ',' or '}' after the value of ${JSON.stringify(key)}, found ${showChar(c)}`);
    }
  }

  private array(path: readonly string[], depth: number): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.skipSpace();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.i] === ']') this.fail('trailing comma before "]"');
      out.push(this.value([...path, String(out.length)], depth + 1));
      this.skipSpace();
      const c = this.text[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return out;
      }
      this.fail(`expected ',' or ']' after an array element, found ${showChar(c)}`);
    }
  }

  private string(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined || c === '\n') this.fail('unterminated string', start);
      if (c === '"') break;
      if (c.charCodeAt(0) < 0x20) this.fail('control character inside a string (escape it)');
      if (c === '\\') {
        const e = this.text[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) this.fail('invalid \\u escape');
          this.i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail(`invalid escape \\${e ?? ''}`);
        this.i += 2;
        continue;
      }
      this.i++;
    }
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  private number(): number {
    NUMBER.lastIndex = this.i;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail('invalid number');
    const value = Number(match[0]);
    if (!Number.isFinite(value)) this.fail(`number ${match[0]} is out of range`);
    this.i += match[0].length;
    return value;
  }
}

/** Parses a JSON document; a syntax error names `file`, the line and the column. Empty input is the caller's check. */
export function parseJsonDocument(text: string, file: string): unknown {
  return new Reader(text, file).document();
}
