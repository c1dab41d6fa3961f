import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { maskToken, redact, type StreamLogger } from '../../../../../src/venue/aster/ws/logger.ts';

describe('stream logging', () => {
  it('accepts a pino logger as is', () => {
    const lines: string[] = [];
    const logger: StreamLogger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    logger.warn({ stream: 'btcusdt@markPrice' }, 'ws connection lost');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ stream: 'btcusdt@markPrice', msg: 'ws connection lost' });
  });

  it('masks a listenKey down to a short prefix and its length', () => {
    const key = 'pqrs1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX';
    expect(maskToken(key)).toBe('pqrs…(64)');
    expect(maskToken('short')).toBe('***(5)');
    expect(redact(`Unexpected response for /ws/${key}`, key)).toBe('Unexpected response for /ws/pqrs…(64)');
    expect(redact('nothing to hide', null)).toBe('nothing to hide');
  });
});
