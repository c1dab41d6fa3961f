/**
 * The loop's heartbeat: written to the store at every check iteration, so `dnfarm status --health`
 * (the container health check) can tell a live bot from a hung or dead one without any exchange call.
 *
 * It carries both clocks: `wallMs` (the OS clock, what a health check compares with "now") and
 * `engineMs` (the engine clock, the simulator's in sim mode, which may run faster than real time).
 */
import type { Store } from '../store/index.ts';

export const HEARTBEAT_META_KEY = 'engine_heartbeat';

export interface Heartbeat {
  wallMs: number;
  engineMs: number;
  iteration: number;
  pid: number;
  /** Seconds between iterations: a heartbeat older than a few intervals means the loop is stuck. */
  loopIntervalSeconds: number;
  /** `running`, or `stopped` once the bot shut down cleanly. */
  state: 'running' | 'stopped';
}

export function writeHeartbeat(store: Store, heartbeat: Heartbeat): void {
  store.meta.setJson(HEARTBEAT_META_KEY, heartbeat);
}

/** The last heartbeat, or null when none was ever written (or it is unreadable). */
export function readHeartbeat(store: Store): Heartbeat | null {
  let value: unknown;
  try {
    value = store.meta.getJson(HEARTBEAT_META_KEY);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const num = (key: string) => (typeof v[key] === 'number' && Number.isFinite(v[key]) ? (v[key] as number) : null);
  const wallMs = num('wallMs');
  const engineMs = num('engineMs');
  const iteration = num('iteration');
  const pid = num('pid');
  const loopIntervalSeconds = num('loopIntervalSeconds');
  const state = v['state'] === 'stopped' ? 'stopped' : 'running';
  if (wallMs === null || engineMs === null || iteration === null || pid === null || loopIntervalSeconds === null) {
    return null;
  }
  return { wallMs, engineMs, iteration, pid, loopIntervalSeconds, state };
}
