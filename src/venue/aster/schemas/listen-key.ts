/**
 * User-data stream keys: `POST listenKey` → `{"listenKey": "..."}`; `PUT` / `DELETE` → `{}`.
 * The key lets anyone read the account's stream, so it is never echoed in an error message.
 */
import { z } from 'zod';
import { parseWith } from './parse.ts';
import { nonEmptyStringField } from './primitives.ts';

const listenKeySchema = z.object({ listenKey: nonEmptyStringField });

export function parseListenKey(body: unknown, source = 'listenKey'): string {
  return parseWith(listenKeySchema, body, source, { redactValues: true }).listenKey;
}

const emptyAckSchema = z.looseObject({});

/** Keep-alive and close answer with an empty object; anything that is not an object is an unexpected answer. */
export function parseEmptyAck(body: unknown, source = 'listenKey'): void {
  parseWith(emptyAckSchema, body, source, { redactValues: true });
}
