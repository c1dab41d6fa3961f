/**
 * `status --health`: is the bot alive? Answered from the data dir alone (no exchange call), for the container's
 * HEALTHCHECK: a process must hold the data dir's lock, and its loop must have started an iteration within the
 * last three loop intervals (one late iteration is normal under load or rate limiting; three is a hung loop).
 */

/** What the loop writes at every iteration (the engine's heartbeat record). */
export interface HeartbeatView {
  readonly wallMs: number;
  readonly iteration: number;
  readonly pid: number;
  readonly loopIntervalSeconds: number;
  readonly state: 'running' | 'stopped';
}

export interface HealthInput {
  readonly storePresent: boolean;
  readonly lockHeld: boolean;
  readonly heartbeat: HeartbeatView | null;
  /** OS time: the heartbeat's `wallMs` is OS time too, whatever clock the engine trades on. */
  readonly nowWallMs: number;
}

export interface HealthVerdict {
  readonly healthy: boolean;
  readonly reason: string;
  /** Since the last iteration started; null without a heartbeat. */
  readonly ageMs: number | null;
  readonly limitMs: number | null;
}

export const STALE_AFTER_INTERVALS = 3;

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

export function evaluateHealth(input: HealthInput): HealthVerdict {
  if (!input.storePresent) {
    return {
      healthy: false,
      reason: 'no store in the data dir: the bot has not run here yet',
      ageMs: null,
      limitMs: null,
    };
  }
  const beat = input.heartbeat;
  if (beat === null) {
    const reason = input.lockHeld
      ? 'the bot is starting: no check iteration recorded yet'
      : 'no check iteration recorded and no bot holds the data dir';
    return { healthy: false, reason, ageMs: null, limitMs: null };
  }
  const ageMs = Math.max(0, input.nowWallMs - beat.wallMs);
  const limitMs = STALE_AFTER_INTERVALS * beat.loopIntervalSeconds * 1000;
  const last = `last iteration #${beat.iteration} ${seconds(ageMs)} ago`;
  if (beat.state === 'stopped') {
    return { healthy: false, reason: `the bot stopped (${last})`, ageMs, limitMs };
  }
  if (!input.lockHeld) {
    return {
      healthy: false,
      reason: `no process holds the data dir: the bot is not running (${last})`,
      ageMs,
      limitMs,
    };
  }
  if (ageMs >= limitMs) {
    return {
      healthy: false,
      reason: `the loop looks stuck: ${last}, limit ${seconds(limitMs)} (${STALE_AFTER_INTERVALS} x ${beat.loopIntervalSeconds} s)`,
      ageMs,
      limitMs,
    };
  }
  return { healthy: true, reason: `running (pid ${beat.pid}), ${last}`, ageMs, limitMs };
}
