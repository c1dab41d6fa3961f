/** Starts a simulator on a free loopback port over the static test market, with a manual clock by default. */
import type { Hex } from 'viem';
import { DEMO_V3 } from '../../../../src/sim/auth/demo.ts';
import { type SimulatorHandle, type SimulatorOptions, startSimulator } from '../../../../src/sim/server.ts';
import { TestClient, type V3Identity } from './client.ts';
import { FixedMarketSource } from './fixed-market.ts';

/** 2025-06-01 07:59:00 UTC: one minute before a funding boundary of both the 8 h and the 4 h symbols. */
export const START_MS = Date.UTC(2025, 5, 1, 7, 59, 0);

export const DEMO: V3Identity = { user: DEMO_V3.user, signer: DEMO_V3.signer, privateKey: DEMO_V3.privateKey as Hex };

export interface Harness {
  sim: SimulatorHandle;
  client: TestClient;
}

export async function startHarness(options: SimulatorOptions = {}): Promise<Harness> {
  const startMs = options.startMs ?? START_MS;
  const sim = await startSimulator({
    manualClock: true,
    startMs,
    source: new FixedMarketSource(startMs),
    warn: () => {},
    ...options,
  });
  return { sim, client: new TestClient(sim.url, () => sim.clock.nowMs()) };
}
