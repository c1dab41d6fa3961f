import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { createPalette, stripAnsi } from '../../../src/ui/color.ts';
import { PROGRESS_CELLS, progressBar, progressTone } from '../../../src/ui/progress.ts';

const ESC = String.fromCharCode(27);
const plain = createPalette(false);
const colour = createPalette(true);

function cells(bar: string): { filled: number; empty: number } {
  const inner = /\[([█-]+)\]/.exec(stripAnsi(bar))?.[1] ?? '';
  return { filled: [...inner].filter((c) => c === '█').length, empty: [...inner].filter((c) => c === '-').length };
}

describe('fee-coverage progress bar', () => {
  it('has 25 cells, filled by whole cells (floored)', () => {
    expect(PROGRESS_CELLS).toBe(25);
    expect(cells(progressBar(dec(0), plain))).toEqual({ filled: 0, empty: 25 });
    expect(cells(progressBar(dec('0.5'), plain))).toEqual({ filled: 12, empty: 13 });
    expect(cells(progressBar(dec('0.999'), plain))).toEqual({ filled: 24, empty: 1 });
    expect(cells(progressBar(dec(1), plain))).toEqual({ filled: 25, empty: 0 });
  });

  it('clamps below 0 and above 100 %', () => {
    expect(progressBar(dec('-0.2'), plain)).toBe(`[${'-'.repeat(25)}] 0.0%`);
    expect(progressBar(dec('1.7'), plain)).toBe(`[${'█'.repeat(25)}] 100.0%`);
  });

  it('is cyan below 75 %, yellow from 75 %, green at 100 %', () => {
    expect(progressTone(dec('0.7499'))).toBe('cyan');
    expect(progressTone(dec('0.75'))).toBe('yellow');
    expect(progressTone(dec('0.9999'))).toBe('yellow');
    expect(progressTone(dec('1'))).toBe('green');
    expect(progressBar(dec('0.5'), colour)).toContain(`${ESC}[36m[`);
    expect(progressBar(dec('0.8'), colour)).toContain(`${ESC}[33m[`);
    expect(progressBar(dec('1'), colour)).toContain(`${ESC}[32m[`);
  });

  it('shows the percentage of the target with one decimal and no colour codes when colour is off', () => {
    const bar = progressBar(dec('0.4'), plain);
    expect(bar).toBe(`[${'█'.repeat(10)}${'-'.repeat(15)}] 40.0%`);
    expect(bar).not.toContain(ESC);
  });
});
