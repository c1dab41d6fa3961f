/**
 * The logging surface the stream layer needs: a subset of pino's API, so a pino logger (or a child of one) can be
 * passed as is, and tests can pass a recorder.
 */
export type StreamLogFn = (fields: Record<string, unknown>, message: string) => void;

export interface StreamLogger {
  debug: StreamLogFn;
  info: StreamLogFn;
  warn: StreamLogFn;
  error: StreamLogFn;
}

const ignore: StreamLogFn = () => {};

export const SILENT_LOGGER: StreamLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/**
 * Shortens a bearer token (a listenKey) to something an operator can correlate across log lines without being
 * able to use it: the first four characters and the length.
 */
export function maskToken(token: string): string {
  if (token.length <= 8) return `***(${token.length})`;
  return `${token.slice(0, 4)}…(${token.length})`;
}

/** Replaces every occurrence of `secret` in `text` with its masked form (e.g. in an error message echoing a URL). */
export function redact(text: string, secret: string | null): string {
  if (!secret) return text;
  return text.split(secret).join(maskToken(secret));
}
