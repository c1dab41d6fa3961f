import { describeError } from '../../../errors.ts';
import { backoffDelayMs } from './backoff.ts';
import type { Frame } from './frame.ts';
import { Handover } from './handover.ts';
import type { StreamLogger } from './logger.ts';
import { StreamSocket } from './stream-socket.ts';
import { type StreamTimers, TimerSlot } from './timers.ts';
import type { ConnectionTuning } from './tuning.ts';

/** Where the next socket connects. `context` travels back to the owner when that socket opens. */
export interface ConnectionTarget<C> {
  url: string;
  /** The URL as it may appear in logs (a listenKey masked). */
  label: string;
  secret: string | null;
  context: C;
}

export type SocketRole = 'primary' | 'successor';

export interface ManagedConnectionOptions<C> {
  name: string;
  tuning: ConnectionTuning;
  timers: StreamTimers;
  logger: StreamLogger;
  random: () => number;
  /** Called for every new socket (first connect, reconnect, rotation); a rejection counts as a failed attempt. */
  resolveTarget(): Promise<ConnectionTarget<C>>;
  /** The handover key of a data frame (its stream); null for frames only the current primary may deliver. */
  keyOf(frame: Frame): string | null;
  /** Keys that must be seen on both sockets before a rotation may complete ahead of its timeout. */
  expectedKeys(): Iterable<string>;
  onFrame(frame: Frame, key: string | null): void;
  onSocketOpen(socket: StreamSocket, role: SocketRole, context: C): void;
  onSocketClosed(socket: StreamSocket): void;
  /** The socket serving the stream changed; null while there is none (the stream is down). */
  onPrimaryChange(socket: StreamSocket | null, reason: string): void;
}

interface Transition {
  handover: Handover<Frame>;
  oldSocket: StreamSocket;
  newSocket: StreamSocket | null;
  promoted: boolean;
}

/**
 * One logical connection that outlives its sockets: it reconnects with exponential backoff and jitter, and replaces
 * its socket before the server's 24 h cut by opening the next one alongside and handing over without a gap (see
 * handover.ts). The owner learns about sockets opening (to subscribe on them) and about the serving socket changing
 * (to report status).
 */
export class ManagedConnection<C> {
  private primary: StreamSocket | null = null;
  private successor: StreamSocket | null = null;
  private transition: Transition | null = null;
  private readonly live = new Set<StreamSocket>();
  private started = false;
  private everOpened = false;
  private closed = false;
  private attempt = 0;
  private rotationAttempt = 0;
  private connectSeq = 0;
  private rotationSeq = 0;
  private reconnectImmediately = false;
  private readonly reconnectTimer: TimerSlot;
  private readonly rotateTimer: TimerSlot;
  private readonly handoverTimer: TimerSlot;
  private readonly stableTimer: TimerSlot;

  constructor(private readonly options: ManagedConnectionOptions<C>) {
    this.reconnectTimer = new TimerSlot(options.timers);
    this.rotateTimer = new TimerSlot(options.timers);
    this.handoverTimer = new TimerSlot(options.timers);
    this.stableTimer = new TimerSlot(options.timers);
  }

  /** The socket currently serving, if it is open. */
  get current(): StreamSocket | null {
    return this.primary?.isOpen ? this.primary : null;
  }

  /** Sockets that are open right now (two during a rotation's overlap). */
  get openSockets(): StreamSocket[] {
    return [...this.live].filter((socket) => socket.isOpen);
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.connect();
  }

  /**
   * Drops every socket and connects again at once, without waiting for a backoff delay: the server told us the
   * sockets are useless (an expired listenKey), which is not a reason to slow down.
   */
  reconnectNow(reason: string): void {
    if (this.closed || !this.started) return;
    this.options.logger.info({ connection: this.options.name, reason }, 'ws reconnecting now');
    this.abandonRotation(reason);
    this.reconnectTimer.cancel();
    if (this.primary !== null) {
      this.reconnectImmediately = true;
      this.primary.fail(reason);
      return;
    }
    void this.connect();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connectSeq++;
    this.rotationSeq++;
    for (const timer of [this.reconnectTimer, this.rotateTimer, this.handoverTimer, this.stableTimer]) timer.cancel();
    const sockets = [...this.live];
    await Promise.all(sockets.map((socket) => socket.close('client shutdown')));
    this.primary = null;
    this.successor = null;
    this.transition = null;
  }

  private async connect(): Promise<void> {
    const seq = ++this.connectSeq;
    let target: ConnectionTarget<C>;
    try {
      target = await this.options.resolveTarget();
    } catch (error) {
      if (this.closed || seq !== this.connectSeq) return;
      this.scheduleReconnect(`cannot prepare connection: ${describeError(error)}`);
      return;
    }
    if (this.closed || seq !== this.connectSeq) return;
    this.primary = this.createSocket(target);
  }

  private scheduleReconnect(reason: string): void {
    const delayMs = backoffDelayMs(this.attempt, this.options.tuning.backoff, this.options.random);
    this.attempt++;
    this.options.logger.info(
      { connection: this.options.name, reason, attempt: this.attempt, delayMs },
      'ws reconnect scheduled',
    );
    this.reconnectTimer.arm(delayMs, () => void this.connect());
  }

  private createSocket(target: ConnectionTarget<C>): StreamSocket {
    const socket: StreamSocket = new StreamSocket({
      ...this.options.tuning,
      url: target.url,
      label: target.label,
      secret: target.secret,
      timers: this.options.timers,
      logger: this.options.logger,
      onOpen: () => this.handleOpen(socket, target.context),
      onFrame: (frame) => this.handleFrame(socket, frame),
      onClose: (reason) => this.handleClose(socket, reason),
    });
    this.live.add(socket);
    socket.open();
    return socket;
  }

  private handleOpen(socket: StreamSocket, context: C): void {
    if (this.closed) return;
    if (socket === this.primary) {
      this.options.logger.info({ connection: this.options.name, url: socket.label }, 'ws connected');
      this.stableTimer.arm(this.options.tuning.backoff.resetAfterMs, () => {
        this.attempt = 0;
      });
      this.rotateTimer.arm(this.options.tuning.rotateAfterMs, () => void this.startRotation());
      this.options.onSocketOpen(socket, 'primary', context);
      const reason = this.everOpened ? 'reconnected' : 'connected';
      this.everOpened = true;
      this.options.onPrimaryChange(socket, reason);
      return;
    }
    if (socket === this.successor) {
      this.options.onSocketOpen(socket, 'successor', context);
      if (this.primary === null || !this.primary.isOpen) {
        this.promote('previous connection already gone');
        return;
      }
      this.handoverTimer.arm(this.options.tuning.handoverTimeoutMs, () => this.promote('handover timed out'));
      this.promoteIfAligned();
    }
  }

  private handleFrame(socket: StreamSocket, frame: Frame): void {
    const key = this.options.keyOf(frame);
    const transition = this.transition;
    if (transition !== null && key !== null) {
      if (socket === transition.newSocket) {
        this.deliver(transition.handover.fromNew(key, frame));
        if (transition.promoted) {
          if (transition.handover.settled) this.transition = null;
        } else {
          this.promoteIfAligned();
        }
        return;
      }
      if (socket === transition.oldSocket) {
        if (!transition.promoted) {
          this.deliver(transition.handover.fromOld(key, frame));
          this.promoteIfAligned();
        }
        return;
      }
    }
    if (socket === this.primary) this.deliver([frame]);
  }

  private handleClose(socket: StreamSocket, reason: string): void {
    this.live.delete(socket);
    this.options.onSocketClosed(socket);
    if (this.closed) return;
    if (socket === this.successor) {
      this.successor = null;
      if (this.transition?.newSocket === socket) this.transition = null;
      this.handoverTimer.cancel();
      if (this.primary?.isOpen) {
        const delayMs = backoffDelayMs(this.rotationAttempt++, this.options.tuning.backoff, this.options.random);
        this.options.logger.warn(
          { connection: this.options.name, reason, retryInMs: delayMs },
          'ws rotation failed; the current connection keeps serving',
        );
        this.rotateTimer.arm(delayMs, () => void this.startRotation());
      } else if (this.primary === null) {
        this.scheduleReconnect(reason);
      }
      return;
    }
    if (socket !== this.primary) return;
    this.primary = null;
    // A finished rotation may still be swallowing late copies on this socket; with the socket gone that is moot.
    if (this.transition?.promoted) this.transition = null;
    this.stableTimer.cancel();
    this.rotateTimer.cancel();
    if (this.successor?.isOpen) {
      this.promote(`previous connection ended: ${reason}`);
      return;
    }
    this.options.logger.warn({ connection: this.options.name, url: socket.label, reason }, 'ws connection lost');
    this.options.onPrimaryChange(null, reason);
    if (this.successor !== null) return; // still handshaking: it becomes the primary when it opens
    this.abandonRotation(reason);
    if (this.reconnectImmediately) {
      this.reconnectImmediately = false;
      void this.connect();
      return;
    }
    this.scheduleReconnect(reason);
  }

  private async startRotation(): Promise<void> {
    if (this.closed || this.primary === null || !this.primary.isOpen) return;
    if (this.transition !== null && !this.transition.promoted) return;
    const seq = ++this.rotationSeq;
    // Recording starts before the new socket exists, so anything it will ever receive is compared with what the
    // old one delivered from this instant on.
    const transition: Transition = {
      handover: new Handover<Frame>(),
      oldSocket: this.primary,
      newSocket: null,
      promoted: false,
    };
    this.transition = transition;
    this.options.logger.info({ connection: this.options.name }, 'ws rotating connection');
    let target: ConnectionTarget<C>;
    try {
      target = await this.options.resolveTarget();
    } catch (error) {
      if (this.closed || seq !== this.rotationSeq) return;
      this.transition = null;
      const delayMs = backoffDelayMs(this.rotationAttempt++, this.options.tuning.backoff, this.options.random);
      this.options.logger.warn(
        { connection: this.options.name, reason: describeError(error), retryInMs: delayMs },
        'ws rotation could not start',
      );
      this.rotateTimer.arm(delayMs, () => void this.startRotation());
      return;
    }
    if (this.closed || seq !== this.rotationSeq || this.transition !== transition) return;
    const socket = this.createSocket(target);
    this.successor = socket;
    transition.newSocket = socket;
  }

  private promoteIfAligned(): void {
    const transition = this.transition;
    if (transition === null || transition.promoted || this.successor === null || !this.successor.isOpen) return;
    for (const key of this.options.expectedKeys()) {
      if (!transition.handover.isAligned(key)) return;
    }
    this.promote('handover complete');
  }

  private promote(reason: string): void {
    const transition = this.transition;
    const next = this.successor;
    if (transition === null || transition.promoted || next === null) return;
    this.handoverTimer.cancel();
    transition.promoted = true;
    const previous = this.primary;
    this.primary = next;
    this.successor = null;
    this.rotationAttempt = 0;
    this.deliver(transition.handover.promote());
    if (transition.handover.settled) this.transition = null;
    this.options.logger.info({ connection: this.options.name, reason }, 'ws rotation done');
    this.rotateTimer.arm(this.options.tuning.rotateAfterMs, () => void this.startRotation());
    this.stableTimer.arm(this.options.tuning.backoff.resetAfterMs, () => {
      this.attempt = 0;
    });
    this.options.onPrimaryChange(next, previous === null ? 'reconnected' : 'rotated');
    if (previous !== null) void previous.close('rotated out');
  }

  private abandonRotation(reason: string): void {
    this.rotationSeq++;
    this.handoverTimer.cancel();
    this.transition = null;
    const successor = this.successor;
    this.successor = null;
    successor?.fail(`rotation abandoned: ${reason}`);
  }

  private deliver(frames: Frame[]): void {
    for (const frame of frames) {
      try {
        this.options.onFrame(frame, this.options.keyOf(frame));
      } catch (error) {
        this.options.logger.error(
          { connection: this.options.name, error: describeError(error) },
          'ws frame handler threw; frame dropped',
        );
      }
    }
  }
}
