/**
 * V3 nonces: server time in microseconds, strictly increasing per signer.
 *
 * The server remembers the last 100 nonces per user, rejects a repeat as a duplicate and a nonce below the oldest
 * remembered one as expired (-4225). Two requests signed in the same microsecond (or after the clock stepped back)
 * must therefore still get distinct, increasing nonces: `max(now_us, last + 1)`. JavaScript runs this synchronously,
 * so concurrent callers cannot interleave inside `next()`.
 *
 * Current time in µs is about 1.8e15, well inside Number.MAX_SAFE_INTEGER (9.0e15), so a plain number is exact.
 */
import type { ServerClock } from './server-clock.ts';

export class NonceSource {
  #lastUs = 0;

  constructor(private readonly clock: Pick<ServerClock, 'nowMs'>) {}

  next(): number {
    const nowUs = Math.floor(this.clock.nowMs() * 1000);
    const nonce = Math.max(nowUs, this.#lastUs + 1);
    if (!Number.isSafeInteger(nonce)) throw new RangeError(`nonce out of range: ${nonce}`);
    this.#lastUs = nonce;
    return nonce;
  }

  /** The last nonce handed out (0 before the first). */
  get lastUs(): number {
    return this.#lastUs;
  }
}
