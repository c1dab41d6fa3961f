/** Shared credentials, clocks and transport construction for the transport tests. */
import type { Clock } from '../../../../../../src/domain/clock.ts';
import { AsterTransport, type AsterTransportOptions } from '../../../../../../src/venue/aster/http/transport.ts';
import type { AsterLogger } from '../../../../../../src/venue/aster/log.ts';

/** The official demo identity (aster-api.md §3): a published key, for tests only. */
export const DEMO = {
  user: '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e',
  signer: '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0',
  privateKey: '0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1',
} as const;

/** The official TV-1 V1 key pair. */
export const DEMO_V1 = {
  apiKey: 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83',
  apiSecret: '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9',
} as const;

/**
 * Time that only moves when someone sleeps: waits complete at once and are recorded, so tests can assert how long
 * the transport chose to wait without waiting for it.
 */
export class ManualClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public timeMs = 1_750_000_000_000) {}
  nowMs(): number {
    return this.timeMs;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.timeMs += ms;
  }
}

export interface CapturedLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

export function captureLogger(): AsterLogger & { lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => {
    lines.push({ level, obj, msg });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 4, maxTotalMs: 10_000 } as const;

export function makeTransport(baseUrl: string, overrides: Partial<AsterTransportOptions> = {}): AsterTransport {
  return new AsterTransport({
    futuresBaseUrl: baseUrl,
    spotBaseUrl: baseUrl,
    signing: { scheme: 'eip712', chainId: 1666, ...DEMO },
    requestTimeoutMs: 2_000,
    retry: FAST_RETRY,
    ...overrides,
  });
}

/** Resolves with the rejection of `promise`, failing the test if it fulfils. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
