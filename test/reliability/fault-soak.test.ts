/**
 * Fault soak (DESIGN.md §8): simulated days of the whole engine on the simulator with latency, 5xx, 503 after
 * execution, hanging requests (before and after execution), 429 bursts, 418 bans, partial fills and one-leg
 * rejects injected. Checks: no exposure beyond one lot step lasting longer than `leg_timeout_ms` (sampled every
 * 50 ms, and at every quiet point), no order duplicated, and every closed position's PnL in the store equal to the
 * simulator's ledger within $0.01. 3 simulated days in CI, 30 with RELIABILITY_FULL=1.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FULL, figuresLine, suiteSeed, ViolationLog } from './support/settings.ts';
import { runSoak, type SoakReport } from './support/soak.ts';

const SEED = suiteSeed(1305);
const DAYS = FULL ? 30 : 3;
const STEP_MS = 3_600_000;
const FAULTS = [
  'latency=2',
  'jitter=3',
  'error5xx=0.03',
  'after503=0.04:order',
  'after503=0.03:transfer',
  'hang=0.01:order',
  'hang-after=0.01:order',
  'hang=0.01:public',
  'partial=0.15',
].join(',');

let report: SoakReport | null = null;
const violations = new ViolationLog();

afterAll(() => {
  const r = report;
  console.log(
    figuresLine('fault-soak', {
      trials: r?.iterations ?? 0,
      faults: (r?.faultsHit ?? 0) + (r?.scriptedFaults ?? 0),
      violations: violations.count,
      days: DAYS,
      http429: r?.http429 ?? 0,
      http418: r?.http418 ?? 0,
      opens: r?.opens ?? 0,
      closes: r?.closes ?? 0,
      audited: r?.positionsAudited ?? 0,
      auditedPnl: r?.auditedPnlUsdt ?? 'n/a',
      maxPnlDiff: r?.maxPnlDiffUsdt ?? 'n/a',
      longestExposureMs: r?.longestExposureMs ?? 0,
      seed: SEED,
    }),
  );
});

describe('fault soak', () => {
  it(
    `${DAYS} simulated days under injected faults: hedged outside the leg timeout, no duplicate order, PnL equal to the ledger`,
    async () => {
      report = await runSoak({
        days: DAYS,
        stepMs: STEP_MS,
        seed: SEED,
        faults: FAULTS,
        violations,
        onProgress: (day) => {
          if (FULL) console.log(`fault soak: day ${day.toFixed(0)}/${DAYS}`);
        },
      });
      expect(violations.count, violations.summary()).toBe(0);
      // The soak must have traded and been hit, or it proved nothing.
      expect(report.opens).toBeGreaterThan(0);
      expect(report.positionsAudited).toBeGreaterThan(0);
      expect(report.faultsHit).toBeGreaterThan(0);
    },
    FULL ? 3_600_000 : 300_000,
  );
});
