/**
 * One trading operation at a time. The loop and the real-time protector share one executor; if a stop-loss close
 * could run while an open is sending its legs, each would size its orders on a state the other is changing.
 * Waiters run in arrival order; a failed operation releases the lock like a successful one.
 */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn, fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
