import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../../src/config/index.ts';
import { configErrorOf } from './helpers.ts';

describe('.env parsing', () => {
  it('reads KEY=value lines, comments, blank lines and the export prefix', () => {
    const vars = parseDotenv(
      [
        '# a comment',
        '',
        'API_USER=0xabc',
        '  export API_SIGNER = 0xdef  ',
        'EMPTY=',
        'WITH_COMMENT=value # trailing comment',
        'HASH_INSIDE=a#b',
        'EQUALS=a=b=c',
      ].join('\n'),
    );
    expect(Object.fromEntries(vars)).toEqual({
      API_USER: '0xabc',
      API_SIGNER: '0xdef',
      EMPTY: '',
      WITH_COMMENT: 'value',
      HASH_INSIDE: 'a#b',
      EQUALS: 'a=b=c',
    });
  });

  it('reads single quotes literally and double quotes with escapes', () => {
    const vars = parseDotenv(
      [
        `SINGLE='a "b" \\n # not a comment'`,
        'DOUBLE="line1\\nline2 \\"q\\" \\\\ # kept"  # comment',
        `SPACES="  padded  "`,
      ].join('\n'),
    );
    expect(vars.get('SINGLE')).toBe('a "b" \\n # not a comment');
    expect(vars.get('DOUBLE')).toBe('line1\nline2 "q" \\ # kept');
    expect(vars.get('SPACES')).toBe('  padded  ');
  });

  it('lets a quoted value span lines and keeps counting lines after it', () => {
    const text = 'MULTI="first\nsecond"\nNEXT=1';
    expect(Object.fromEntries(parseDotenv(text))).toEqual({ MULTI: 'first\nsecond', NEXT: '1' });
    const broken = `${text}\nBROKEN`;
    expect(configErrorOf(() => parseDotenv(broken, '/app/.env')).message).toBe('/app/.env:4: expected KEY=value');
  });

  it('handles CRLF line endings and a byte-order mark', () => {
    expect(Object.fromEntries(parseDotenv('\uFEFFA=1\r\nB="2"\r\n'))).toEqual({ A: '1', B: '2' });
  });

  it('the last definition of a variable wins', () => {
    expect(parseDotenv('A=1\nA=2').get('A')).toBe('2');
  });

  it('reports malformed lines by file and line number without echoing the line', () => {
    const secret = 'deadbeef'.repeat(8);
    for (const [text, line, what] of [
      [`${secret}`, 1, /expected KEY=value/],
      [`\n1BAD=${secret}`, 2, /variable name/],
      [`\n\nAPI_PRIVATE_KEY="${secret}`, 3, /never closed/],
      [`API_PRIVATE_KEY="${secret}" trailing`, 1, /after the closing quote/],
    ] as const) {
      const error = configErrorOf(() => parseDotenv(text, '.env'));
      expect(error.message).toContain(`.env:${line}:`);
      expect(error.message).toMatch(what);
      expect(error.message).not.toContain(secret.slice(0, 8));
    }
  });

  it('names the variable of a malformed quoted value', () => {
    expect(configErrorOf(() => parseDotenv(`API_PRIVATE_KEY='abc`)).field).toBe('API_PRIVATE_KEY');
  });
});
