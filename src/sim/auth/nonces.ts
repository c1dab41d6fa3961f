/**
 * Aster's V3 replay protection: a nonce is the client's clock in microseconds; it must lie within ±10 s of the
 * server's clock and must not be one of the user's most recent 100 nonces. When the user's list is full, a nonce
 * below its smallest member is rejected too (it could be a replay of an evicted one). Every failure is -4225.
 */
export const NONCE_WINDOW_US = 10_000_000n;
export const NONCES_KEPT = 100;

export type NonceVerdict = 'ok' | 'malformed' | 'outside-window' | 'duplicate' | 'below-minimum';

export class NonceBook {
  private readonly perUser = new Map<string, bigint[]>();

  constructor(
    private readonly windowUs: bigint = NONCE_WINDOW_US,
    private readonly kept: number = NONCES_KEPT,
  ) {}

  /** Checks `nonce` for `user` at server time `nowUs` without recording it. */
  check(user: string, nonce: string, nowUs: bigint): NonceVerdict {
    if (!/^\d{1,20}$/.test(nonce)) return 'malformed';
    const value = BigInt(nonce);
    const delta = value > nowUs ? value - nowUs : nowUs - value;
    if (delta > this.windowUs) return 'outside-window';
    const list = this.perUser.get(user);
    if (list === undefined) return 'ok';
    if (list.includes(value)) return 'duplicate';
    if (list.length >= this.kept && value < (list[0] as bigint)) return 'below-minimum';
    return 'ok';
  }

  /** Records an accepted nonce, evicting the smallest once more than `kept` are held. */
  record(user: string, nonce: string): void {
    const value = BigInt(nonce);
    let list = this.perUser.get(user);
    if (list === undefined) {
      list = [];
      this.perUser.set(user, list);
    }
    // Sorted ascending: nonces mostly arrive increasing, so the insertion point is almost always the end.
    let at = list.length;
    while (at > 0 && (list[at - 1] as bigint) > value) at--;
    list.splice(at, 0, value);
    if (list.length > this.kept) list.shift();
  }

  clear(): void {
    this.perUser.clear();
  }
}
