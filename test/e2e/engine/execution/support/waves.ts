/**
 * Sequential request waves, from the simulator's request log.
 *
 * A request depends on every request whose answer had been written before it arrived; its wave is one more than
 * the latest wave among those (1 when it depends on none). Requests sent together, before any of them was
 * answered, share a wave. The number of waves is the number of round trips an operation needs, whatever the
 * machine's speed: it counts answers awaited, not milliseconds.
 */
import type { RequestLogEntry } from '../../../../../src/sim/index.ts';

export interface WaveEntry {
  wave: number;
  request: RequestLogEntry;
}

export function requestWaves(requests: readonly RequestLogEntry[]): WaveEntry[] {
  const sorted = [...requests].sort((a, b) => a.arrivalWallUs - b.arrivalWallUs);
  const out: WaveEntry[] = [];
  for (const request of sorted) {
    let wave = 1;
    for (const earlier of out) {
      const answered = earlier.request.durationMs;
      if (answered === undefined) continue;
      const answeredAtUs = earlier.request.arrivalWallUs + answered * 1000;
      if (answeredAtUs <= request.arrivalWallUs) wave = Math.max(wave, earlier.wave + 1);
    }
    out.push({ wave, request });
  }
  return out;
}

export function waveCount(requests: readonly RequestLogEntry[]): number {
  return requestWaves(requests).reduce((most, e) => Math.max(most, e.wave), 0);
}

/** `wave: endpoint endpoint …` lines, for a failure message that shows what went out when. */
export function describeWaves(requests: readonly RequestLogEntry[]): string {
  const byWave = new Map<number, string[]>();
  for (const { wave, request } of requestWaves(requests)) {
    const name = request.type === undefined ? request.endpoint : `${request.endpoint}(${request.type})`;
    byWave.set(wave, [...(byWave.get(wave) ?? []), name]);
  }
  return [...byWave.entries()].map(([wave, names]) => `${wave}: ${names.join(' ')}`).join('\n');
}
