import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../../src/errors.ts';
import { MessageRateLimiter } from '../../../../../src/venue/aster/ws/rate-limiter.ts';
import { ManualTimers } from './support/timers.ts';

describe('outgoing message budget', () => {
  it('never sends more than the budget within one window, and sends everything eventually', () => {
    const timers = new ManualTimers();
    const limiter = new MessageRateLimiter(10, 1_000, timers);
    const sentAt: number[] = [];
    for (let i = 0; i < 35; i++) {
      limiter.enqueue(() => {
        sentAt.push(timers.nowMs());
        return true;
      });
    }
    expect(sentAt).toHaveLength(10);
    timers.advance(999);
    expect(sentAt).toHaveLength(10);
    timers.advance(1);
    expect(sentAt).toHaveLength(20);
    timers.advance(5_000);
    expect(sentAt).toHaveLength(35);
    for (const at of sentAt) expect(sentAt.filter((t) => t >= at && t < at + 1_000).length).toBeLessThanOrEqual(10);
    expect(timers.active).toBe(0);
  });

  it('lets priority frames (pongs) jump the queue', () => {
    const timers = new ManualTimers();
    const limiter = new MessageRateLimiter(1, 1_000, timers);
    const order: string[] = [];
    const send = (name: string) => () => {
      order.push(name);
      return true;
    };
    limiter.enqueue(send('a'));
    limiter.enqueue(send('b'));
    limiter.enqueue(send('c'));
    limiter.enqueue(send('pong'), { priority: true });
    timers.advance(3_000);
    expect(order).toEqual(['a', 'pong', 'b', 'c']);
  });

  it('an action that finds nothing to send costs no budget', () => {
    const timers = new ManualTimers();
    const limiter = new MessageRateLimiter(2, 1_000, timers);
    let sent = 0;
    limiter.enqueue(() => false);
    limiter.enqueue(() => false);
    limiter.enqueue(() => ++sent > 0);
    limiter.enqueue(() => ++sent > 0);
    expect(sent).toBe(2);
  });

  it('clear() drops queued work and its timer', () => {
    const timers = new ManualTimers();
    const limiter = new MessageRateLimiter(1, 1_000, timers);
    let sent = 0;
    for (let i = 0; i < 3; i++) limiter.enqueue(() => ++sent > 0);
    expect(limiter.pending).toBe(2);
    limiter.clear();
    expect(timers.active).toBe(0);
    timers.advance(5_000);
    expect(sent).toBe(1);
  });

  it('rejects a budget that is not a positive integer, naming it', () => {
    expect(() => new MessageRateLimiter(0, 1_000, new ManualTimers())).toThrow(ConfigError);
    expect(() => new MessageRateLimiter(2.5, 1_000, new ManualTimers())).toThrow(/maxMessagesPerSecond.*2\.5/);
    expect(() => new MessageRateLimiter(2, 0, new ManualTimers())).toThrow(/rateWindowMs.*0/);
  });
});
