import { WebSocket } from 'ws';
import { describeError } from '../../../errors.ts';
import { quoteLongNumbers } from '../schemas/json-text.ts';
import { StreamError } from './errors.ts';
import { asControlReply, type ControlRequest, type Frame, rawDataToText } from './frame.ts';
import type { StreamLogger } from './logger.ts';
import { redact } from './logger.ts';
import { MessageRateLimiter } from './rate-limiter.ts';
import { type StreamTimers, TimerSlot } from './timers.ts';

export interface SocketTuning {
  /** A handshake that has not completed by then is abandoned. */
  connectTimeoutMs: number;
  /** How often we ping the server; the server's own pings come every 3–5 min, far too rarely to notice a dead link. */
  pingIntervalMs: number;
  /** No pong this long after our ping means the connection is dead (half-open TCP, stalled proxy). */
  pongTimeoutMs: number;
  /** A request the server has not answered by then means the connection is no longer being served. */
  replyTimeoutMs: number;
  /** Graceful close: how long to wait for the server's close frame before cutting the TCP connection. */
  closeTimeoutMs: number;
  maxMessagesPerSecond: number;
  rateWindowMs: number;
}

export interface StreamSocketOptions extends SocketTuning {
  url: string;
  /** How the socket is named in logs and errors; must not contain a secret. */
  label: string;
  /** A bearer token embedded in the URL (a listenKey), scrubbed from any error text before it is logged. */
  secret: string | null;
  timers: StreamTimers;
  logger: StreamLogger;
  onOpen: () => void;
  onFrame: (frame: Frame) => void;
  /** Called exactly once, whatever ended the socket (including our own `close()`). */
  onClose: (reason: string) => void;
}

export type RequestOutcome = { sent: false } | { sent: true; request: ControlRequest; result: unknown };

interface PendingReply {
  request: ControlRequest;
  timer: TimerSlot;
  resolve: (outcome: RequestOutcome) => void;
  reject: (error: unknown) => void;
}

type SocketState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

let socketCounter = 0;

/**
 * One physical WebSocket: handshake with a deadline, our own ping/pong liveness check, answers to the server's pings,
 * request/reply matching by `id`, and every outgoing frame paced by the connection's message budget.
 *
 * It never reconnects; the owner decides what replaces it.
 */
export class StreamSocket {
  readonly id = ++socketCounter;
  private state: SocketState = 'idle';
  private ws: WebSocket | null = null;
  private readonly limiter: MessageRateLimiter;
  private readonly connectTimer: TimerSlot;
  private readonly pingTimer: TimerSlot;
  private readonly pongTimer: TimerSlot;
  private readonly closeTimer: TimerSlot;
  private readonly pendingReplies = new Map<number, PendingReply>();
  /** Requests still waiting for a send slot: rejected if the socket ends before their turn. */
  private readonly queuedRequests = new Set<(error: unknown) => void>();
  private nextRequestId = 1;
  private closeReason: string | null = null;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;
  openedAtMs: number | null = null;

  constructor(private readonly options: StreamSocketOptions) {
    this.limiter = new MessageRateLimiter(options.maxMessagesPerSecond, options.rateWindowMs, options.timers);
    this.connectTimer = new TimerSlot(options.timers);
    this.pingTimer = new TimerSlot(options.timers);
    this.pongTimer = new TimerSlot(options.timers);
    this.closeTimer = new TimerSlot(options.timers);
    this.closedPromise = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  get label(): string {
    return this.options.label;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Resolves once the socket is fully closed and every timer it owned is gone. */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  open(): void {
    if (this.state !== 'idle') return;
    this.state = 'connecting';
    const { logger } = this.options;
    logger.debug({ socket: this.id, url: this.options.label }, 'ws connecting');
    // autoPong off: pongs must go through the message budget like every other frame we send.
    const ws = new WebSocket(this.options.url, { autoPong: false });
    this.ws = ws;
    this.connectTimer.arm(this.options.connectTimeoutMs, () =>
      this.fail(`no handshake within ${this.options.connectTimeoutMs} ms`),
    );
    ws.on('open', () => this.handleOpen());
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        logger.warn({ socket: this.id, url: this.options.label }, 'ws binary frame ignored');
        return;
      }
      this.handleText(rawDataToText(data));
    });
    ws.on('ping', (payload) => {
      this.limiter.enqueue(
        () => {
          if (ws.readyState !== WebSocket.OPEN) return false;
          ws.pong(payload);
          return true;
        },
        { priority: true },
      );
    });
    ws.on('pong', () => this.handlePong());
    ws.on('error', (error) => {
      this.closeReason ??= redact(describeError(error), this.options.secret);
    });
    ws.on('close', (code, reasonBuffer) => {
      const serverReason = reasonBuffer.toString('utf8');
      this.closeReason ??= `closed by server (code ${code}${serverReason ? `, ${serverReason}` : ''})`;
      this.finish(redact(this.closeReason, this.options.secret));
    });
  }

  /**
   * Queues a request; `build` runs when the message budget allows a frame, and may return null when, by then, there
   * is nothing to ask (no frame is sent and no budget is spent). Resolves with the server's `result`; rejects with a
   * fatal `StreamError` when the server answers with an error, or a retryable one when the socket ends first.
   */
  request(build: () => ControlRequest | null): Promise<RequestOutcome> {
    return new Promise<RequestOutcome>((resolve, reject) => {
      if (this.state !== 'open' && this.state !== 'connecting') {
        reject(this.endedError());
        return;
      }
      this.queuedRequests.add(reject);
      this.limiter.enqueue(() => {
        this.queuedRequests.delete(reject);
        if (this.state !== 'open' || this.ws === null) {
          reject(this.endedError());
          return false;
        }
        const request = build();
        if (request === null) {
          resolve({ sent: false });
          return false;
        }
        const id = this.nextRequestId++;
        const timer = new TimerSlot(this.options.timers);
        this.pendingReplies.set(id, { request, timer, resolve, reject });
        timer.arm(this.options.replyTimeoutMs, () =>
          this.fail(`no reply to ${request.method} id ${id} within ${this.options.replyTimeoutMs} ms`),
        );
        this.ws.send(JSON.stringify({ method: request.method, params: request.params ?? [], id }));
        return true;
      });
    });
  }

  /** Graceful close; resolves when the socket is closed (forcibly after `closeTimeoutMs`). */
  close(reason = 'closed by client'): Promise<void> {
    if (this.state === 'idle') {
      this.closeReason = reason;
      this.finish(reason);
      return this.closedPromise;
    }
    if (this.state === 'closed' || this.state === 'closing') return this.closedPromise;
    this.closeReason ??= reason;
    if (this.state === 'connecting') {
      this.ws?.terminate();
      return this.closedPromise;
    }
    this.state = 'closing';
    this.stopHeartbeat();
    this.limiter.clear();
    this.closeTimer.arm(this.options.closeTimeoutMs, () => this.ws?.terminate());
    this.ws?.close(1000);
    return this.closedPromise;
  }

  /** Ends the socket at once, recording why (a dead link, a protocol breach). */
  fail(reason: string): void {
    if (this.state === 'closed') return;
    this.closeReason ??= reason;
    if (this.ws === null) {
      this.finish(reason);
      return;
    }
    this.options.logger.warn({ socket: this.id, url: this.options.label, reason }, 'ws connection failed');
    this.ws.terminate();
  }

  private handleOpen(): void {
    if (this.state !== 'connecting') return;
    this.connectTimer.cancel();
    this.state = 'open';
    this.openedAtMs = this.options.timers.nowMs();
    this.options.logger.debug({ socket: this.id, url: this.options.label }, 'ws open');
    this.schedulePing();
    this.options.onOpen();
  }

  private handleText(text: string): void {
    if (this.state !== 'open') return;
    let json: unknown;
    try {
      // Long number tokens (19-digit ids and times) are quoted first so they arrive exact.
      json = JSON.parse(quoteLongNumbers(text));
    } catch {
      this.options.logger.warn(
        { socket: this.id, url: this.options.label, frame: text.slice(0, 200) },
        'ws frame is not JSON; ignored',
      );
      return;
    }
    const reply = asControlReply(json);
    if (reply !== null) {
      this.handleReply(reply.id, reply.result, reply.error);
      return;
    }
    this.options.onFrame({ text, json });
  }

  private handleReply(id: number | string, result: unknown, error: { code: number | null; msg: string } | undefined) {
    const numericId = typeof id === 'number' ? id : Number(id);
    const pending = this.pendingReplies.get(numericId);
    if (pending === undefined) {
      this.options.logger.warn({ socket: this.id, url: this.options.label, id }, 'ws reply to an unknown request id');
      return;
    }
    this.pendingReplies.delete(numericId);
    pending.timer.cancel();
    if (error !== undefined) {
      const params = (pending.request.params ?? []).join(',');
      pending.reject(
        new StreamError(this.options.label, `${pending.request.method} ${params} refused: ${error.msg}`, {
          kind: 'fatal',
          ...(error.code === null ? {} : { serverCode: error.code }),
        }),
      );
      return;
    }
    pending.resolve({ sent: true, request: pending.request, result });
  }

  private schedulePing(): void {
    this.pingTimer.arm(this.options.pingIntervalMs, () => {
      this.limiter.enqueue(
        () => {
          const ws = this.ws;
          if (this.state !== 'open' || ws === null) return false;
          ws.ping();
          this.pongTimer.arm(this.options.pongTimeoutMs, () =>
            this.fail(`no pong within ${this.options.pongTimeoutMs} ms of our ping`),
          );
          return true;
        },
        { priority: true },
      );
    });
  }

  private handlePong(): void {
    if (this.state !== 'open' || !this.pongTimer.armed) return;
    this.pongTimer.cancel();
    this.schedulePing();
  }

  private stopHeartbeat(): void {
    this.pingTimer.cancel();
    this.pongTimer.cancel();
  }

  private endedError(): StreamError {
    return new StreamError(this.options.label, `connection ended: ${this.closeReason ?? 'not open'}`, {
      kind: 'retryable',
    });
  }

  private finish(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.connectTimer.cancel();
    this.closeTimer.cancel();
    this.stopHeartbeat();
    this.limiter.clear();
    const error = this.endedError();
    for (const pending of this.pendingReplies.values()) {
      pending.timer.cancel();
      pending.reject(error);
    }
    this.pendingReplies.clear();
    for (const reject of this.queuedRequests) reject(error);
    this.queuedRequests.clear();
    this.options.logger.debug({ socket: this.id, url: this.options.label, reason }, 'ws closed');
    try {
      this.options.onClose(reason);
    } finally {
      this.resolveClosed();
    }
  }
}
