/** Time as the engine sees it. Live runs use the system clock; the simulator may run faster or be stepped by hand. */
export interface Clock {
  nowMs(): number;
  /** Resolves after `ms` of this clock's time (or earlier if `signal` aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
