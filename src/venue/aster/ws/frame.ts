import type { RawData } from 'ws';

/** One text frame from the server: the exact text (used to recognise the same event on two sockets) and its JSON. */
export interface Frame {
  text: string;
  json: unknown;
}

export interface ControlRequest {
  method: string;
  params?: unknown[];
}

/** A reply to one of our requests: `{"result": null, "id": 1}` or `{"error": {"code": 2, "msg": "…"}, "id": 1}`. */
export interface ControlReply {
  id: number | string;
  result?: unknown;
  error?: { code: number | null; msg: string };
}

export function rawDataToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Stream payloads never carry an `id` next to `result`/`error`, so that pair marks a reply to a request. */
export function asControlReply(json: unknown): ControlReply | null {
  if (!isRecord(json)) return null;
  const id = json['id'];
  if (typeof id !== 'number' && typeof id !== 'string') return null;
  if (!('result' in json) && !('error' in json)) return null;
  if ('error' in json && json['error'] !== null && json['error'] !== undefined) {
    const error = json['error'];
    const code = isRecord(error) && typeof error['code'] === 'number' ? error['code'] : null;
    const msg = isRecord(error) && typeof error['msg'] === 'string' ? error['msg'] : JSON.stringify(error);
    return { id, error: { code, msg } };
  }
  return { id, result: json['result'] };
}

/** The stream name of a combined-stream frame `{"stream": "...", "data": {...}}`, or null. */
export function combinedStreamOf(json: unknown): { stream: string; data: unknown } | null {
  if (!isRecord(json)) return null;
  const stream = json['stream'];
  if (typeof stream !== 'string' || !('data' in json)) return null;
  return { stream, data: json['data'] };
}

/**
 * The event time `E` (ms) of a user-data payload. Aster sends it as a JSON number; a digit string is accepted too,
 * since several integer fields arrive as strings elsewhere in the API.
 */
export function eventTimeOf(json: unknown): number | null {
  if (!isRecord(json)) return null;
  const value = json['E'];
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value);
  return null;
}

export function eventTypeOf(json: unknown): string | null {
  if (!isRecord(json)) return null;
  const value = json['e'];
  return typeof value === 'string' ? value : null;
}
