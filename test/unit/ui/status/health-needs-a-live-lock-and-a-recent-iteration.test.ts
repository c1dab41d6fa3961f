import { describe, expect, it } from 'vitest';
import { evaluateHealth, type HeartbeatView } from '../../../../src/ui/status/health.ts';

const NOW = Date.UTC(2025, 9, 15, 12, 0, 0);
const beat = (ageSeconds: number, over: Partial<HeartbeatView> = {}): HeartbeatView => ({
  wallMs: NOW - ageSeconds * 1000,
  iteration: 42,
  pid: 4321,
  loopIntervalSeconds: 300,
  state: 'running',
  ...over,
});

describe('status --health verdict', () => {
  it('is healthy while a process holds the lock and the last iteration is younger than 3 loop intervals', () => {
    const v = evaluateHealth({ storePresent: true, lockHeld: true, heartbeat: beat(899), nowWallMs: NOW });
    expect(v).toMatchObject({ healthy: true, ageMs: 899_000, limitMs: 900_000 });
    expect(v.reason).toContain('last iteration #42 899 s ago');
  });

  it('is unhealthy at 3 intervals without an iteration (a hung loop)', () => {
    const v = evaluateHealth({ storePresent: true, lockHeld: true, heartbeat: beat(900), nowWallMs: NOW });
    expect(v.healthy).toBe(false);
    expect(v.reason).toMatch(/loop looks stuck.*limit 900 s \(3 x 300 s\)/);
  });

  it('uses the running bot’s own loop interval', () => {
    const fast = evaluateHealth({
      storePresent: true,
      lockHeld: true,
      heartbeat: beat(31, { loopIntervalSeconds: 10 }),
      nowWallMs: NOW,
    });
    expect(fast.healthy).toBe(false);
  });

  it('is unhealthy when no process holds the data dir, however recent the heartbeat (a killed bot)', () => {
    const v = evaluateHealth({ storePresent: true, lockHeld: false, heartbeat: beat(5), nowWallMs: NOW });
    expect(v.healthy).toBe(false);
    expect(v.reason).toContain('not running');
  });

  it('is unhealthy after a clean stop, without a store, and before the first iteration', () => {
    expect(
      evaluateHealth({ storePresent: true, lockHeld: true, heartbeat: beat(1, { state: 'stopped' }), nowWallMs: NOW })
        .healthy,
    ).toBe(false);
    expect(evaluateHealth({ storePresent: false, lockHeld: false, heartbeat: null, nowWallMs: NOW }).reason).toContain(
      'no store',
    );
    expect(evaluateHealth({ storePresent: true, lockHeld: true, heartbeat: null, nowWallMs: NOW }).reason).toContain(
      'starting',
    );
  });

  it('treats a heartbeat from the future (clock step) as fresh, not as negative age', () => {
    const v = evaluateHealth({ storePresent: true, lockHeld: true, heartbeat: beat(-30), nowWallMs: NOW });
    expect(v).toMatchObject({ healthy: true, ageMs: 0 });
  });
});
