/**
 * kill -9 at every step of a close, then a restart: the interrupted close is finished (or the position
 * kept whole), never half-done; no order runs twice; the store opens cleanly and agrees with the
 * exchange. The crash runs close on every iteration (fee coverage at 0×, a 1 s loop) so the close
 * comes one second after the open.
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/store/index.ts';
import { crashThenRestart, useCrashFixture } from './support/crash-trial.ts';

const fixture = useCrashFixture('dnfarm-crash-close-');

async function crashThenRecover(step: string): Promise<void> {
  const { crashed, dataDir, check } = await crashThenRestart(fixture, step, true);
  expect(crashed.events.some((e) => e.event === 'open_completed')).toBe(true);
  expect(crashed.events.some((e) => e.event === 'close_started')).toBe(true);

  // The interrupted position is finished in the books: closed with a realised PnL, not left closing.
  const store = openStore(dataDir, { readOnly: true });
  try {
    const first = store.positions.get(1);
    expect(first?.status).toBe('closed');
    expect(first?.pnl).not.toBeNull();
  } finally {
    store.close();
  }
  expect(check.perpPositions.length).toBeLessThanOrEqual(1);
}

describe('crash during a close, then restart', () => {
  it('close:after-cancel — the backstop is cancelled, no close order sent yet', async () => {
    await crashThenRecover('close:after-cancel');
  }, 90_000);

  it('close:before-orders — the close intent is persisted, no close order has left', async () => {
    await crashThenRecover('close:before-orders');
  }, 90_000);

  it('close:between-legs — one close leg executed, the other never sent', async () => {
    await crashThenRecover('close:between-legs');
  }, 90_000);

  it('close:after-fills — both close legs executed, nothing recorded', async () => {
    await crashThenRecover('close:after-fills');
  }, 90_000);
});
