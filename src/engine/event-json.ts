/**
 * Engine events as JSON lines (`dnfarm run --json`, and the log file): one object per event,
 * `{ "time": <wall ISO>, "event": <type>, ...fields }`. Decimals come out as exact strings (their
 * `toJSON`); a scan's markets are reduced to their symbol, since the filters of every pair would drown
 * the line. The human rendering lives in the terminal UI (src/ui/run/).
 */
import type { EngineEvent } from './events.ts';

export function eventJson(event: EngineEvent, wallMs: number = Date.now()): string {
  return JSON.stringify({ time: new Date(wallMs).toISOString(), event: event.type, ...event }, (key, value) => {
    if (key === 'type') return undefined;
    if ((key === 'pair' || key === 'spot' || key === 'perp') && value !== null && typeof value === 'object') {
      const symbol = (value as { symbol?: unknown }).symbol;
      if (typeof symbol === 'string') return symbol;
    }
    return value;
  });
}
