import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/index.ts';
import { parseJsonDocument } from '../../../src/config/json.ts';
import { configErrorOf } from './helpers.ts';

describe('config file syntax', () => {
  it('an empty file is an error naming the file, never "all defaults"', () => {
    for (const text of ['', '   \n\t\n', '\uFEFF']) {
      const error = configErrorOf(() => parseConfigText(text, '/etc/dnfarm/dnfarm.config.json'));
      expect(error.message).toContain('/etc/dnfarm/dnfarm.config.json');
      expect(error.message).toMatch(/is empty/);
    }
  });

  const syntaxCases: Array<{ text: string; line: number; column: number; what: RegExp }> = [
    { text: '{\n  "mode": "sim",\n}', line: 3, column: 1, what: /trailing comma/ },
    {
      text: '{\n  "mode": "sim"\n  "data_dir": "x"\n}',
      line: 3,
      column: 3,
      what: /expected ',' or '}' after the value of "mode"/,
    },
    { text: "{\n  'mode': 'sim'\n}", line: 2, column: 3, what: /double-quoted property name/ },
    { text: '{"a": tru}', line: 1, column: 7, what: /unexpected "t"/ },
    { text: '{"leverage_settings": {"leverage": 1}', line: 1, column: 38, what: /end of file/ },
    { text: '{"a": "unterminated\n}', line: 1, column: 7, what: /unterminated string/ },
    { text: '{"a": 1} {"b": 2}', line: 1, column: 10, what: /after the end of the JSON value/ },
    { text: '{"a": [1, 2,]}', line: 1, column: 13, what: /trailing comma before "\]"/ },
    { text: '{"a": 1e999}', line: 1, column: 7, what: /out of range/ },
    { text: '{"a": "bad \\q escape"}', line: 1, column: 12, what: /invalid escape/ },
    { text: '// comment\n{}', line: 1, column: 1, what: /unexpected "\/"/ },
  ];
  for (const c of syntaxCases) {
    it(`invalid JSON (${c.what.source}) names the file, line ${c.line} and column ${c.column}`, () => {
      const error = configErrorOf(() => parseConfigText(c.text, 'cfg.json'));
      expect(error.message).toContain(`cfg.json:${c.line}:${c.column}: invalid JSON`);
      expect(error.message).toMatch(c.what);
    });
  }

  it('a key given twice is an error naming the key and both lines', () => {
    const text = '{\n  "leverage_settings": {\n    "leverage": 1,\n    "leverage": 3\n  }\n}';
    const error = configErrorOf(() => parseConfigText(text, 'cfg.json'));
    expect(error.field).toBe('leverage_settings.leverage');
    expect(error.message).toMatch(/appears twice in cfg\.json \(lines 3 and 4\)/);
  });

  it('repeated comment keys are fine (the original bot’s files repeat them freely)', () => {
    expect(() => parseConfigText('{"_comment": "a", "_comment": "b"}', 'cfg.json')).not.toThrow();
  });

  it('a top-level value that is not an object is rejected', () => {
    for (const text of ['[]', '42', '"sim"', 'null']) {
      const error = configErrorOf(() => parseConfigText(text, 'cfg.json'));
      expect(error.message).toMatch(/must be a JSON object at the top level/);
      expect(error.message).toContain('cfg.json');
    }
  });

  it('reads the same values JSON.parse does, including escapes and exponents', () => {
    const text = '{"s": "a\\u00e9\\n\\"b\\"", "n": [-0.5, 1e3, 12.50, 0], "t": true, "f": false, "z": null, "o": {}}';
    expect(parseJsonDocument(text, 'x.json')).toEqual(JSON.parse(text));
  });

  it('keeps a "__proto__" key as plain data instead of touching the prototype', () => {
    const value = parseJsonDocument('{"__proto__": {"polluted": true}}', 'x.json') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    // Like every key starting with "_", it is a comment to the config.
    const parsed = parseConfigText('{"__proto__": {"mode": "live"}}', 'cfg.json');
    expect(parsed.config.mode).toBe('sim');
    expect(({} as Record<string, unknown>)['mode']).toBeUndefined();
  });

  it('stops at absurd nesting with an error instead of overflowing the stack', () => {
    const text = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    expect(configErrorOf(() => parseConfigText(text, 'cfg.json')).message).toMatch(/nested more than/);
  });
});
