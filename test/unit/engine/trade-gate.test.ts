import { describe, expect, it } from 'vitest';
import { TradeGate } from '../../../src/engine/trade-gate.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('TradeGate', () => {
  it('runs one step at a time and serves an urgent waiter before earlier normal ones', async () => {
    const gate = new TradeGate();
    const order: string[] = [];
    const holding = deferred();
    const first = gate.run('open', 'normal', async () => {
      order.push('open:start');
      await holding.promise;
      order.push('open:end');
    });
    expect(gate.holder).toBe('open');
    const scanTrade = gate.run('repair', 'normal', async () => {
      order.push('repair');
    });
    const stop = gate.run('stop-loss', 'urgent', async () => {
      order.push('stop-loss');
    });
    expect(gate.urgentWaiting).toBe(true);
    // The holder is never interrupted: nothing else ran yet.
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(['open:start']);
    holding.resolve();
    await Promise.all([first, scanTrade, stop]);
    expect(order).toEqual(['open:start', 'open:end', 'stop-loss', 'repair']);
    expect(gate.holder).toBeNull();
  });

  it('releases the gate when the step throws', async () => {
    const gate = new TradeGate();
    await expect(
      gate.run('close', 'normal', async () => {
        throw new Error('leg rejected');
      }),
    ).rejects.toThrow('leg rejected');
    expect(gate.holder).toBeNull();
    await expect(gate.run('next', 'normal', async () => 42)).resolves.toBe(42);
  });

  it('an aborted waiter leaves the queue without ever running', async () => {
    const gate = new TradeGate();
    const holding = deferred();
    const first = gate.run('open', 'normal', () => holding.promise);
    const controller = new AbortController();
    let ran = false;
    const waiting = gate.run(
      'reconcile',
      'normal',
      async () => {
        ran = true;
      },
      controller.signal,
    );
    controller.abort(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
    holding.resolve();
    await first;
    expect(ran).toBe(false);
    expect(gate.holder).toBeNull();
  });

  it('refuses to start a step once the signal is already aborted', async () => {
    const gate = new TradeGate();
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    await expect(gate.run('open', 'normal', async () => 1, controller.signal)).rejects.toThrow('stopped');
    expect(gate.holder).toBeNull();
  });
});
