import { describe, expect, it } from 'vitest';
import { createPalette, paletteFor, shouldUseColor, stripAnsi } from '../../../src/ui/color.ts';

const ESC = String.fromCharCode(27);

describe('shouldUseColor', () => {
  it('colours a terminal and not a pipe', () => {
    expect(shouldUseColor({ isTTY: true, env: {} })).toBe(true);
    expect(shouldUseColor({ isTTY: false, env: {} })).toBe(false);
    expect(shouldUseColor({ isTTY: undefined, env: {} })).toBe(false);
  });

  it('NO_COLOR set to anything non-empty turns colour off, even on a terminal', () => {
    expect(shouldUseColor({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(false);
    expect(shouldUseColor({ isTTY: true, env: { NO_COLOR: 'yes' } })).toBe(false);
    expect(shouldUseColor({ isTTY: true, env: { NO_COLOR: '' } })).toBe(true);
  });

  it('FORCE_COLOR forces colour into a pipe and wins over NO_COLOR; FORCE_COLOR=0 forces it off', () => {
    expect(shouldUseColor({ isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(shouldUseColor({ isTTY: false, env: { FORCE_COLOR: '' } })).toBe(true);
    expect(shouldUseColor({ isTTY: false, env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).toBe(true);
    expect(shouldUseColor({ isTTY: true, env: { FORCE_COLOR: '0' } })).toBe(false);
    expect(shouldUseColor({ isTTY: true, env: { FORCE_COLOR: 'false' } })).toBe(false);
  });

  it('TERM=dumb gets no colour', () => {
    expect(shouldUseColor({ isTTY: true, env: { TERM: 'dumb' } })).toBe(false);
  });
});

describe('palettes', () => {
  it('a disabled palette returns the text unchanged', () => {
    const p = createPalette(false);
    for (const paint of [p.green, p.red, p.yellow, p.cyan, p.magenta, p.bold, p.dim]) expect(paint('x')).toBe('x');
    expect(p.enabled).toBe(false);
  });

  it('an enabled palette wraps text in ANSI codes that stripAnsi removes', () => {
    const p = createPalette(true);
    expect(p.green('ok')).toBe(`${ESC}[32mok${ESC}[39m`);
    expect(p.red('no')).toContain(`${ESC}[31m`);
    expect(p.yellow('!')).toContain(`${ESC}[33m`);
    expect(p.cyan('i')).toContain(`${ESC}[36m`);
    expect(p.magenta('$')).toContain(`${ESC}[35m`);
    expect(stripAnsi(p.bold(p.green('ok')))).toBe('ok');
  });

  it('paletteFor reads the stream and the environment', () => {
    expect(paletteFor({ isTTY: true }, {}).enabled).toBe(true);
    expect(paletteFor({ isTTY: true }, { NO_COLOR: '1' }).enabled).toBe(false);
    expect(paletteFor({ isTTY: false }, {}).enabled).toBe(false);
  });
});
