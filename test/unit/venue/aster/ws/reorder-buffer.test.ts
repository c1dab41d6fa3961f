import { describe, expect, it } from 'vitest';
import { EventReorderBuffer, type ReleaseInfo } from '../../../../../src/venue/aster/ws/reorder-buffer.ts';
import { ManualTimers } from './support/timers.ts';

function setup(windowMs: number) {
  const timers = new ManualTimers();
  const released: Array<{ item: string } & ReleaseInfo> = [];
  const buffer = new EventReorderBuffer<string>(windowMs, timers, (item, info) => released.push({ item, ...info }));
  return { timers, released, buffer };
}

describe('event-time reorder buffer', () => {
  it('releases events that arrived out of order within the window in E order', () => {
    const { timers, released, buffer } = setup(50);
    buffer.push('c', 300);
    timers.advance(10);
    buffer.push('a', 100);
    buffer.push('b', 200);
    expect(released).toEqual([]);
    timers.advance(40);
    expect(released.map((r) => r.item)).toEqual(['a', 'b', 'c']);
    expect(released.every((r) => !r.late)).toBe(true);
    expect(timers.active).toBe(0);
  });

  it('holds a newer event until its own window ends, but lets older ones go with the first deadline', () => {
    const { timers, released, buffer } = setup(50);
    buffer.push('x', 100);
    timers.advance(30);
    buffer.push('z', 500);
    buffer.push('y', 90);
    timers.advance(20);
    expect(released.map((r) => r.item)).toEqual(['y', 'x']);
    timers.advance(30);
    expect(released.map((r) => r.item)).toEqual(['y', 'x', 'z']);
  });

  it('delivers an event older than one already released, flagged late, never dropped', () => {
    const { timers, released, buffer } = setup(50);
    buffer.push('new', 200);
    timers.advance(60);
    buffer.push('old', 150);
    timers.advance(60);
    expect(released).toEqual([
      { item: 'new', eventTimeMs: 200, late: false },
      { item: 'old', eventTimeMs: 150, late: true },
    ]);
  });

  it('keeps arrival order among equal event times', () => {
    const { timers, released, buffer } = setup(20);
    for (const item of ['p', 'q', 'r']) buffer.push(item, 100);
    timers.advance(20);
    expect(released.map((r) => r.item)).toEqual(['p', 'q', 'r']);
  });

  it('orders an event without E after everything seen so far and never calls it late', () => {
    const { timers, released, buffer } = setup(20);
    buffer.push('b', 200);
    buffer.push('none', null);
    buffer.push('a', 100);
    timers.advance(20);
    expect(released.map((r) => [r.item, r.eventTimeMs, r.late])).toEqual([
      ['a', 100, false],
      ['b', 200, false],
      ['none', null, false],
    ]);
  });

  it('a zero window delivers at once; flush() empties the buffer in order', () => {
    const immediate = setup(0);
    immediate.buffer.push('a', 1);
    expect(immediate.released.map((r) => r.item)).toEqual(['a']);
    const held = setup(1_000);
    held.buffer.push('b', 20);
    held.buffer.push('a', 10);
    held.buffer.flush();
    expect(held.released.map((r) => r.item)).toEqual(['a', 'b']);
    expect(held.timers.active).toBe(0);
  });
});
