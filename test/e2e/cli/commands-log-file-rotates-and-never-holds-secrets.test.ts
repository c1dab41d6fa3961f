import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, LOG_FILE, parseLogLevel, RotatingFileDestination } from '../../../src/cli/log.ts';
import { ConfigError } from '../../../src/errors.ts';
import { AsterApiError } from '../../../src/venue/aster/errors.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dnfarm-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const HMAC_SECRET = 'Zq7vL2mN9pR4sT6uW8yA1bC3dE5fG7hJ';

describe('the JSON log file', () => {
  it('writes one JSON object per line to <data dir>/dnfarm.log, with ISO UTC time and the base fields', () => {
    const logger = createLogger({
      dataDir: join(dir, 'data'),
      level: 'info',
      maxFileBytes: 1_000_000,
      maxFiles: 3,
      base: { command: 'rates' },
    });
    logger.info({ pairs: 30 }, 'rates scanned');
    logger.debug('not at info level');
    logger.close();
    const [record, ...rest] = lines(join(dir, 'data', LOG_FILE));
    expect(rest).toHaveLength(0);
    expect(record).toMatchObject({ level: 30, command: 'rates', pairs: 30, msg: 'rates scanned', pid: process.pid });
    expect(String(record?.['time'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(logger.logFile).toBe(join(dir, 'data', LOG_FILE));
  });

  it('rotates by size and keeps only max_files rotated files, newest lines in the live file', () => {
    const logger = createLogger({ dataDir: dir, level: 'info', maxFileBytes: 2048, maxFiles: 2 });
    for (let i = 0; i < 200; i++) logger.info({ i, pad: 'x'.repeat(60) }, 'line');
    logger.close();
    const live = join(dir, LOG_FILE);
    expect(existsSync(`${live}.1`)).toBe(true);
    expect(existsSync(`${live}.2`)).toBe(true);
    expect(existsSync(`${live}.3`)).toBe(false);
    for (const path of [live, `${live}.1`, `${live}.2`]) expect(statSync(path).size).toBeLessThanOrEqual(2048);
    const kept = [...lines(`${live}.2`), ...lines(`${live}.1`), ...lines(live)].map((r) => r['i'] as number);
    // The kept lines are the newest ones, in order, without a gap.
    expect(kept.at(-1)).toBe(199);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => 200 - kept.length + k));
  });

  it('counts what an earlier process already wrote before rotating', () => {
    const path = join(dir, LOG_FILE);
    writeFileSync(path, `${'{"old":true}\n'.repeat(100)}`);
    const before = statSync(path).size;
    const destination = new RotatingFileDestination({ path, maxFileBytes: before + 10, maxFiles: 1 });
    expect(destination.size).toBe(before);
    destination.write('{"new":1}\n');
    destination.write('{"new":2}\n');
    destination.close();
    expect(readFileSync(path, 'utf8')).toBe('{"new":2}\n');
    expect(readFileSync(`${path}.1`, 'utf8').endsWith('{"new":1}\n')).toBe(true);
  });

  it('never writes a secret: secret field names are redacted and secret values scrubbed anywhere', () => {
    const logger = createLogger({
      dataDir: dir,
      level: 'debug',
      maxFileBytes: 1_000_000,
      maxFiles: 1,
      secrets: [KEY, HMAC_SECRET],
    });
    logger.info({ privateKey: KEY, signing: { apiSecret: HMAC_SECRET, signature: '0xdead' } }, 'fields');
    logger.warn({ body: `echoed ${KEY.slice(2).toUpperCase()} and ${HMAC_SECRET}` }, 'exchange said');
    logger.error(
      { url: 'https://fapi.asterdex.com/fapi/v3/order?symbol=BTCUSDT&signature=abcdef0123' },
      'request failed',
    );
    logger.close();
    const text = readFileSync(join(dir, LOG_FILE), 'utf8');
    expect(text).not.toContain(KEY.slice(2));
    expect(text.toLowerCase()).not.toContain(KEY.slice(2).toLowerCase());
    expect(text).not.toContain(HMAC_SECRET);
    expect(text).not.toContain('abcdef0123');
    expect(text).not.toContain('0xdead');
    const [fields] = lines(join(dir, LOG_FILE));
    expect(fields).toMatchObject({
      privateKey: '[redacted]',
      signing: { apiSecret: '[redacted]', signature: '[redacted]' },
    });
  });

  it('logs an exchange error with its endpoint, code and message, and the cause chain', () => {
    const logger = createLogger({ dataDir: dir, level: 'info', maxFileBytes: 1_000_000, maxFiles: 1 });
    const error = new AsterApiError({
      kind: 'fatal',
      reason: 'api',
      endpoint: 'POST /fapi/v3/order',
      httpStatus: 400,
      code: -2019,
      msg: 'Margin is insufficient.',
      sent: true,
    });
    logger.error({ err: error }, 'open failed');
    logger.close();
    const err = (lines(join(dir, LOG_FILE))[0]?.['err'] ?? {}) as Record<string, unknown>;
    expect(err).toMatchObject({
      type: 'AsterApiError',
      code: -2019,
      msg: 'Margin is insufficient.',
      endpoint: 'POST /fapi/v3/order',
    });
    expect(String(err['message'])).toContain('code -2019');
  });

  it('writes no file at all with level "silent"', () => {
    const logger = createLogger({ dataDir: join(dir, 'quiet'), level: 'silent', maxFileBytes: 1024, maxFiles: 1 });
    logger.error('dropped');
    logger.close();
    expect(existsSync(join(dir, 'quiet', LOG_FILE))).toBe(false);
    expect(logger.logFile).toBeNull();
  });

  it('--log-level accepts pino level names only, naming the flag otherwise', () => {
    expect(parseLogLevel('debug')).toBe('debug');
    expect(parseLogLevel(undefined)).toBeUndefined();
    expect(() => parseLogLevel('verbose')).toThrow(ConfigError);
    expect(() => parseLogLevel('verbose')).toThrow(
      /--log-level: must be one of fatal, error, warn, info, debug, trace, silent/,
    );
  });
});
