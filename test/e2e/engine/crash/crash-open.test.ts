/**
 * kill -9 at every step of an open (and of the transfer before it), then a restart: the account ends
 * with at most one position, hedged or flat, no order executed twice, and a store that opens cleanly
 * and agrees with the exchange.
 */
import { describe, expect, it } from 'vitest';
import { crashThenRestart, useCrashFixture } from './support/crash-trial.ts';

const fixture = useCrashFixture('dnfarm-crash-open-');

async function crashThenRecover(step: string): Promise<void> {
  const { check } = await crashThenRestart(fixture, step, false);
  // The restart's iteration opens (or keeps) exactly one hedged position.
  expect(check.perpPositions).toHaveLength(1);
  expect(check.activeSymbol).toBe('AAAUSDT');
}

describe('crash during an open, then restart', () => {
  it('transfer:after-send — the wallet transfer executed but was never recorded', async () => {
    await crashThenRecover('transfer:after-send');
  }, 90_000);

  it('open:before-orders — the open intent is persisted, no order has left', async () => {
    await crashThenRecover('open:before-orders');
  }, 90_000);

  it('open:between-legs — one leg executed, the other never sent', async () => {
    await crashThenRecover('open:between-legs');
  }, 90_000);

  it('open:after-fills — both legs executed, nothing about their fills recorded', async () => {
    await crashThenRecover('open:after-fills');
  }, 90_000);

  it('open:before-backstop — the position is recorded, its exchange-side stop not placed', async () => {
    await crashThenRecover('open:before-backstop');
  }, 90_000);
});
