/**
 * The JSON log file: `<data dir>/dnfarm.log`, one pino JSON object per line, rotated by size, separate from the
 * human console (which never gets JSON, and whose colour codes never reach the file).
 *
 * Rotation is done here, in a small synchronous destination, rather than with a transport thread: a line is on disk
 * when the call returns, so the log of a process killed with SIGKILL ends with its last words, and there is nothing
 * to flush on exit. When a write would take the file past `maxFileBytes`, `dnfarm.log` becomes `dnfarm.log.1`, the
 * older ones shift up, and the oldest beyond `maxFiles` is deleted.
 *
 * Secrets never reach the file. Callers must not log them, and two things stand behind that rule: pino `redact`
 * blanks fields with secret names, and every line is scrubbed of the exact secret values the process holds and of
 * anything shaped like a request signature.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import pino, { type DestinationStream, type Logger } from 'pino';
import { LOG_LEVELS, type LogLevel } from '../config/index.ts';
import { ConfigError, DnfarmError } from '../errors.ts';
import { scrubSecrets } from '../venue/aster/log.ts';

export const LOG_FILE = 'dnfarm.log';

/** Field names whose values are secret wherever they appear (top level or one object down). */
export const SECRET_FIELD_NAMES = [
  'privateKey',
  'apiSecret',
  'secret',
  'signature',
  'password',
  'API_PRIVATE_KEY',
  'APIV1_PRIVATE_KEY',
  'apiPrivateKey',
  'apiV1PrivateKey',
] as const;

const REDACT_PATHS = SECRET_FIELD_NAMES.flatMap((name) => [name, `*.${name}`]);

export class LogFileError extends DnfarmError {
  override name = 'LogFileError';
  readonly path: string;

  constructor(path: string, message: string, cause: unknown) {
    super(`log file ${path}: ${message}`, { kind: 'fatal', cause });
    this.path = path;
  }
}

export interface RotatingFileOptions {
  readonly path: string;
  /** Rotate before a write would take the file past this size. */
  readonly maxFileBytes: number;
  /** Rotated files kept besides the live one (`.1` newest … `.N` oldest). */
  readonly maxFiles: number;
  /** Exact secret values to remove from every line. */
  readonly secrets?: readonly string[];
}

/** A synchronous, size-rotated, secret-scrubbing append-only file: pino's destination. */
export class RotatingFileDestination implements DestinationStream {
  readonly path: string;
  readonly #maxFileBytes: number;
  readonly #maxFiles: number;
  readonly #secrets: readonly string[];
  #fd: number | null;
  #size: number;

  constructor(options: RotatingFileOptions) {
    this.path = options.path;
    this.#maxFileBytes = options.maxFileBytes;
    this.#maxFiles = options.maxFiles;
    this.#secrets = options.secrets ?? [];
    this.#fd = this.#open();
    this.#size = fstatSync(this.#fd).size;
  }

  write(line: string): void {
    if (this.#fd === null) return;
    const text = scrubSecrets(line, this.#secrets);
    const bytes = Buffer.byteLength(text);
    // An empty file always takes the line, so one line larger than the limit cannot rotate forever.
    if (this.#size > 0 && this.#size + bytes > this.#maxFileBytes) this.#rotate();
    writeSync(this.#fd, text);
    this.#size += bytes;
  }

  /** Bytes in the live file as this process counts them. */
  get size(): number {
    return this.#size;
  }

  close(): void {
    if (this.#fd === null) return;
    closeSync(this.#fd);
    this.#fd = null;
  }

  #open(): number {
    try {
      return openSync(this.path, 'a', 0o600);
    } catch (error) {
      throw new LogFileError(
        this.path,
        `cannot be opened (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        error,
      );
    }
  }

  #rotate(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    rmSync(`${this.path}.${this.#maxFiles}`, { force: true });
    for (let n = this.#maxFiles - 1; n >= 1; n--) {
      const from = `${this.path}.${n}`;
      if (existsSync(from)) renameSync(from, `${this.path}.${n + 1}`);
    }
    // Another process sharing the file may have rotated it already; then there is nothing left to move.
    if (existsSync(this.path)) renameSync(this.path, `${this.path}.1`);
    this.#fd = this.#open();
    this.#size = fstatSync(this.#fd).size;
  }
}

export interface CreateLoggerOptions {
  /** The data dir; the log file is `<dataDir>/dnfarm.log`. Created when missing. */
  readonly dataDir: string;
  /** `silent` writes no file at all. */
  readonly level: LogLevel;
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  /** Exact secret values (private keys, HMAC secrets) to scrub from every line. */
  readonly secrets?: readonly string[];
  /** Fields on every line, e.g. `{ command: 'rates' }`. */
  readonly base?: Record<string, unknown>;
  /** Replaces the file, for tests that read lines back. */
  readonly destination?: DestinationStream;
}

/** A pino logger that owns its file; `close()` releases it (child loggers share it). */
export type FileLogger = Logger & { readonly logFile: string | null; close(): void };

/**
 * The process's logger. Times are ISO 8601 UTC; errors logged as `{ err }` keep their name, message, kind, code and
 * cause chain (an Aster error keeps the exchange's code and message).
 */
export function createLogger(options: CreateLoggerOptions): FileLogger {
  const dataDir = resolve(options.dataDir);
  let destination: DestinationStream;
  let logFile: string | null = null;
  let close = () => {};
  if (options.destination !== undefined) {
    destination = options.destination;
  } else if (options.level === 'silent') {
    destination = { write() {} };
  } else {
    logFile = join(dataDir, LOG_FILE);
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (error) {
      throw new LogFileError(logFile, `its directory cannot be created (${(error as Error).message})`, error);
    }
    const file = new RotatingFileDestination({
      path: logFile,
      maxFileBytes: options.maxFileBytes,
      maxFiles: options.maxFiles,
      secrets: options.secrets ?? [],
    });
    destination = file;
    close = () => file.close();
  }
  const logger = pino(
    {
      level: options.level,
      base: { pid: process.pid, ...(options.base ?? {}) },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.errWithCause },
    },
    destination,
  );
  return Object.assign(logger, { logFile, close });
}

/** Adds `--log-level <level>` (overrides `logging.level` for this run). */
export function addLogLevelOption(command: Command): Command {
  return command.option('--log-level <level>', `log file level: ${LOG_LEVELS.join(', ')} (default: logging.level)`);
}

/** The `--log-level` value checked against pino's levels; undefined when not given. */
export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined) return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError('--log-level', `must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`, { value });
  }
  return value as LogLevel;
}
