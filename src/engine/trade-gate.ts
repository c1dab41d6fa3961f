/**
 * The trade gate: one trading step at a time, with the stop-loss first in line.
 *
 * The loop and the real-time protector both trade (the loop opens, closes and repairs; the protector
 * closes on a stop-loss). Two trading steps must never interleave: a close racing an open on the same
 * account would leave legs nobody tracks. Reads (the scan, account snapshots) take no part in this, so
 * a slow scan never delays a stop-loss: the loop holds the gate only while it trades.
 *
 * Waiters with `urgent` priority are served before every normal waiter, whatever their arrival order.
 * A step that already holds the gate is never interrupted (between the two legs of an open is the one
 * place the bot must not stop); the urgent waiter goes next.
 */
export type GatePriority = 'urgent' | 'normal';

export interface GateTicket {
  /** Which step holds the gate, for diagnostics ("open ETHUSDT", "stop-loss close 12"). */
  readonly label: string;
  release(): void;
}

interface Waiter {
  label: string;
  priority: GatePriority;
  grant: (ticket: GateTicket) => void;
  reject: (reason: unknown) => void;
}

export class TradeGate {
  #holder: string | null = null;
  readonly #urgent: Waiter[] = [];
  readonly #normal: Waiter[] = [];

  /** The label of the step holding the gate, or null when free. */
  get holder(): string | null {
    return this.#holder;
  }

  /** Whether an urgent step is waiting: a normal holder may use it to skip optional work. */
  get urgentWaiting(): boolean {
    return this.#urgent.length > 0;
  }

  /**
   * Resolves with a ticket once the gate is ours. An aborted signal rejects a waiter that has not been
   * served yet (never a holder: a holder releases its ticket itself).
   */
  acquire(label: string, priority: GatePriority = 'normal', signal?: AbortSignal): Promise<GateTicket> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error(`${label}: aborted`));
    if (this.#holder === null) return Promise.resolve(this.#grant(label));
    return new Promise<GateTicket>((resolve, reject) => {
      const waiter: Waiter = {
        label,
        priority,
        grant: (ticket) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(ticket);
        },
        reject,
      };
      const queue = priority === 'urgent' ? this.#urgent : this.#normal;
      queue.push(waiter);
      const onAbort = () => {
        const i = queue.indexOf(waiter);
        if (i >= 0) {
          queue.splice(i, 1);
          reject(signal?.reason ?? new Error(`${label}: aborted`));
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs `fn` holding the gate; the gate is released however `fn` ends. */
  async run<T>(label: string, priority: GatePriority, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const ticket = await this.acquire(label, priority, signal);
    try {
      return await fn();
    } finally {
      ticket.release();
    }
  }

  #grant(label: string): GateTicket {
    this.#holder = label;
    let released = false;
    return {
      label,
      release: () => {
        if (released) return;
        released = true;
        this.#holder = null;
        const next = this.#urgent.shift() ?? this.#normal.shift();
        if (next) next.grant(this.#grant(next.label));
      },
    };
  }
}
