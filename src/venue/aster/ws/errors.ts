import { DnfarmError, type ErrorKind } from '../../../errors.ts';

/**
 * A WebSocket stream failed: the connection dropped, the server refused a subscription, or the stream was closed
 * while a caller was still waiting on it. `stream` names the stream (masked for a listenKey).
 */
export class StreamError extends DnfarmError {
  override name = 'StreamError';
  readonly stream: string;
  /** The error code the server put in its reply, when it sent one. */
  readonly serverCode: number | null;

  constructor(
    stream: string,
    message: string,
    options: { kind?: ErrorKind; cause?: unknown; serverCode?: number } = {},
  ) {
    super(`${stream}: ${message}`, { kind: options.kind ?? 'retryable', cause: options.cause });
    this.stream = stream;
    this.serverCode = options.serverCode ?? null;
  }
}
