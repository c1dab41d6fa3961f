/**
 * The Aster venue wired to an in-process simulator exactly as the CLI wires it: config (with `--futures-url` /
 * `--spot-url` overrides) → `createVenueFromConfig` → real HTTP and WebSocket over loopback.
 */
import { parseConfigObject, Secret, type Secrets } from '../../../../src/config/index.ts';
import { type SimulatorHandle, type SimulatorOptions, startSimulator } from '../../../../src/sim/index.ts';
import type { AsterVenue, AsterVenueTuning } from '../../../../src/venue/aster/index.ts';
import { createVenueFromConfig } from '../../../../src/venue/aster/index.ts';

export type Scheme = 'eip712' | 'hmac' | 'legacy-abi';

export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

/** Every line the venue logs, kept so tests can look for leaked secrets. */
export class LogRecorder {
  readonly lines: LogLine[] = [];
  readonly debug = this.record('debug');
  readonly info = this.record('info');
  readonly warn = this.record('warn');
  readonly error = this.record('error');

  private record(level: string) {
    return (fields: Record<string, unknown>, msg: string) => {
      this.lines.push({ level, msg, fields });
    };
  }

  text(): string {
    return this.lines.map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.fields)}`).join('\n');
  }
}

export function secretsFor(sim: SimulatorHandle, scheme: Scheme): Secrets {
  if (scheme === 'hmac') {
    return {
      apiV1PublicKey: sim.credentials.v1.apiKey,
      apiV1PrivateKey: new Secret(sim.credentials.v1.apiSecret),
    };
  }
  return {
    apiUser: sim.credentials.v3.user as `0x${string}`,
    apiSigner: sim.credentials.v3.signer as `0x${string}`,
    apiPrivateKey: new Secret(sim.credentials.v3.privateKey),
  };
}

/** Everything a secret of `scheme` could leak as, for log scans. */
export function secretValuesFor(sim: SimulatorHandle, scheme: Scheme): string[] {
  const raw = scheme === 'hmac' ? [sim.credentials.v1.apiSecret] : [sim.credentials.v3.privateKey];
  return raw.flatMap((s) => [s, s.replace(/^0x/, '')]).map((s) => s.toLowerCase());
}

export function venueFor(
  sim: SimulatorHandle,
  scheme: Scheme,
  options: { logger?: LogRecorder; tuning?: Partial<AsterVenueTuning>; publicOnly?: boolean } = {},
): AsterVenue {
  const { config } = parseConfigObject(
    { mode: 'sim', exchange: { signing: scheme } },
    { overrides: { futuresUrl: sim.url, spotUrl: sim.url } },
  );
  return createVenueFromConfig(config, secretsFor(sim, scheme), {
    clock: sim.clock,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.tuning === undefined ? {} : { tuning: options.tuning }),
    ...(options.publicOnly === undefined ? {} : { publicOnly: options.publicOnly }),
  });
}

export function quietSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return startSimulator({ warn: () => {}, ...options });
}

/** Polls `probe` until it returns a value (not undefined); the bound only catches hangs. */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Requests the simulator logged after `afterSeq`, excluding its control API. */
export function exchangeRequests(sim: SimulatorHandle, afterSeq: number) {
  return sim.requests(afterSeq).filter((r) => r.endpoint !== 'control');
}

export function lastSeq(sim: SimulatorHandle): number {
  return sim.requests().at(-1)?.seq ?? 0;
}
