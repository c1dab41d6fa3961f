/**
 * `dnfarm sim`: runs the Aster simulator on loopback until Ctrl-C.
 *
 * The first stdout line is one JSON object (url, WebSocket bases, the demo credentials it accepts, the settings),
 * so a script can start it and point other commands at it; a short human summary follows. SIGINT / SIGTERM close
 * it cleanly (exit code 0).
 */
import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { parseFaultSpec } from '../../sim/faults/index.ts';
import { startSimulator } from '../../sim/server.ts';

interface SimCommandOptions {
  port: string;
  seed: string;
  pairs: string;
  speed: string;
  latencyMs: string;
  faults?: string;
  initialUsdt: string;
  manualClock?: boolean;
  legacyAbi?: boolean;
  rateLimits: boolean;
}

export interface SimCommandIo {
  readonly stdout: { write(text: string): unknown };
  /** Resolves when the process is asked to stop (SIGINT / SIGTERM by default). */
  readonly untilStopped: () => Promise<string>;
}

const defaultIo: SimCommandIo = {
  stdout: process.stdout,
  untilStopped: () =>
    new Promise((resolve) => {
      const stop = (signal: string) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        resolve(signal);
      };
      const onInt = () => stop('SIGINT');
      const onTerm = () => stop('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    }),
};

function integer(field: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(field, `must be a whole number from ${min} to ${max}, got "${text}"`, { value: text });
  }
  return Number(text);
}

function positive(field: string, text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0)) {
    throw new ConfigError(field, `must be a positive number, got "${text}"`, { value: text });
  }
  return value;
}

export async function runSim(options: SimCommandOptions, io: SimCommandIo = defaultIo): Promise<void> {
  const port = integer('--port', options.port, 0, 65535);
  const seed = integer('--seed', options.seed, 0, 0xffffffff);
  const pairs = integer('--pairs', options.pairs, 1, 500);
  const speed = positive('--speed', options.speed);
  const latencyMs = integer('--latency-ms', options.latencyMs, 0, 60_000);
  if (!/^\d+(\.\d+)?$/.test(options.initialUsdt)) {
    throw new ConfigError('--initial-usdt', `must be a non-negative decimal, got "${options.initialUsdt}"`);
  }
  const faults = parseFaultSpec(options.faults ?? '');

  const sim = await startSimulator({
    port,
    seed,
    pairs,
    speed,
    manualClock: options.manualClock ?? false,
    latencyMs,
    faults,
    initialUsdt: options.initialUsdt,
    legacyAbi: options.legacyAbi ?? false,
    ...(options.rateLimits ? {} : { rateLimits: false as const }),
  });
  const defs = sim.engine.definitions();
  const banner = {
    url: sim.url,
    wsUrl: sim.wsUrl,
    spotWsUrl: sim.spotWsUrl,
    credentials: sim.credentials,
    seed,
    pairs: { requested: pairs, spot: defs.spot.length, perp: defs.perp.length },
    speed,
    manualClock: sim.clock.manual,
    startMs: sim.clock.nowMs(),
    initialUsdt: options.initialUsdt,
    faults: sim.faults.describe(),
    controlUrl: `${sim.url}/_sim/state`,
    pid: process.pid,
  };
  io.stdout.write(`${JSON.stringify(banner)}\n`);
  io.stdout.write(
    [
      `Aster simulator listening on ${sim.url} (REST, both markets) and ${sim.wsUrl} (streams; spot under ${sim.spotWsUrl})`,
      `  markets: ${defs.perp.length} perpetuals, ${defs.spot.length} spot symbols (seed ${seed}); clock: ${
        sim.clock.manual ? 'manual (POST /_sim/clock)' : `${speed}x real time`
      }; faults: ${sim.faults.describe()}`,
      `  demo V3 user ${sim.credentials.v3.user} (any validly signed identity is accepted), demo V1 key ${sim.credentials.v1.apiKey.slice(0, 8)}…`,
      `  point dnfarm at it: --futures-url ${sim.url} --spot-url ${sim.url}`,
      `  control API: ${sim.url}/_sim/state (see docs/simulator.md); Ctrl-C to stop`,
      '',
    ].join('\n'),
  );
  const signal = await io.untilStopped();
  await sim.close();
  io.stdout.write(`simulator stopped (${signal})\n`);
}

export function registerSimCommand(program: Command, io: SimCommandIo = defaultIo): Command {
  return program
    .command('sim')
    .description('start the Aster exchange simulator on 127.0.0.1 (prints its URL and demo credentials as JSON first)')
    .option('--port <port>', 'TCP port (0 = a free port)', '0')
    .option('--seed <seed>', 'seed of the synthetic market, listen keys and fault decisions', '42')
    .option('--pairs <n>', 'number of spot/perp pairs', '30')
    .option('--speed <x>', 'simulated ms per real ms', '1')
    .option('--latency-ms <ms>', 'latency added to every response', '0')
    .option('--faults <spec>', 'fault spec, e.g. "latency=50,jitter=10,after503=1:order*1,reject-next=spot"')
    .option('--initial-usdt <amount>', 'USDT in the spot wallet of each new account', '10000')
    .option('--manual-clock', 'time moves only through POST /_sim/clock')
    .option('--legacy-abi', 'also accept the superseded ABI + personal_sign V3 signatures')
    .option('--no-rate-limits', 'never answer 429/418 (weights are still reported)')
    .action(async (options: SimCommandOptions) => {
      await runSim(options, io);
    });
}
