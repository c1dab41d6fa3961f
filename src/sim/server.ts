/**
 * `startSimulator`: the Aster exchange simulator on one loopback port — REST for both markets, WebSocket streams,
 * the `/_sim/` control API — over the account engine, a market source and the simulator clock.
 *
 * Used by `dnfarm sim`, by the bot's embedded sim mode, by the benchmark and by tests. Everything that could vary
 * between runs (market path, listen keys, fault decisions) follows the seed; with a manual clock a run is fully
 * reproducible.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Decimal, dec } from '../domain/decimal.ts';
import { describeError } from '../errors.ts';
import { DEMO_CREDENTIALS, type DemoCredentials, demoApiKeys } from './auth/demo.ts';
import { type ApiKeyCredential, Authenticator } from './auth/index.ts';
import { SimClock } from './clock.ts';
import { SimEngine, type SimRetention } from './engine/index.ts';
import { type FaultConfig, FaultInjector, formatFaultSpec, parseFaultSpec } from './faults/index.ts';
import { OverridableMarketSource } from './faults/market-overrides.ts';
import { handleControl } from './http/control.ts';
import { buildState, type SimulatorState, type StateQuery } from './http/control-state.ts';
import { type Activity, Pipeline } from './http/pipeline.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig, RateLimiter } from './http/rate-limit.ts';
import { RequestLog, type RequestLogEntry } from './http/request-log.ts';
import { buildRouteTable, knownPaths } from './http/routes.ts';
import { SyntheticMarketSource } from './market/synthetic.ts';
import type { MarketSource } from './market/types.ts';
import { ListenKeyRegistry } from './ws/listen-keys.ts';
import { WsFrontEnd, type WsOptions } from './ws/server.ts';

export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Seeds the market path, listen keys and fault decisions. Default 42. */
  seed?: number;
  /** Number of spot/perp pairs of the synthetic market. Default 30. */
  pairs?: number;
  /** Simulator ms per real ms. Default 1. */
  speed?: number;
  /** Time moves only through `advance` / `POST /_sim/clock`. */
  manualClock?: boolean;
  /** Clock start (epoch ms). Default: now, rounded down to the second. */
  startMs?: number;
  /** Use this clock instead of creating one (the caller then owns it). */
  clock?: SimClock;
  /** Use this market source instead of the synthetic one (historical replay, live prices). */
  source?: MarketSource;
  /** Fixed latency added to every response, in ms (same as the `latency=` fault). */
  latencyMs?: number;
  /** Fault spec (see docs/simulator.md) or a parsed configuration. */
  faults?: string | FaultConfig;
  /** USDT credited to each new account's spot wallet. Default 10 000. */
  initialUsdt?: Decimal | string | number;
  /** Also accept the superseded ABI + personal_sign V3 signatures. */
  legacyAbi?: boolean;
  /** EIP-712 domain chainId: 1666 (default) or 714 (testnet). */
  chainId?: number;
  /** Extra V1 HMAC keys, besides the two demo pairs. */
  apiKeys?: readonly ApiKeyCredential[];
  /** Rate-limit rules; `false` disables 429/418 (weights are still counted and reported). */
  rateLimits?: Partial<RateLimitConfig> | false;
  /** Request-log capacity (entries kept). Default 20 000. */
  requestLogCapacity?: number;
  /**
   * Market reads at most once per this many ms of simulated time (see `EXCHANGE_MARKET_STEP_MS`). Default 0: the
   * market is recomputed at every read, which tests that move prices by hand rely on.
   */
  marketStepMs?: number;
  /**
   * Bound on the history the engine keeps (finished orders, trades, income, ledger folded into opening entries;
   * see `EXCHANGE_RETENTION`). Default: everything is kept, which audits and short-lived tests rely on; a simulator
   * that serves a bot for months should set it.
   */
  retention?: SimRetention;
  /** Wall ms between background steps (market advance, stream cadence, expiries). Default 50. */
  pumpIntervalMs?: number;
  ws?: WsOptions;
  /** Diagnostics sink (never receives secrets). Default: stderr. */
  warn?: (message: string) => void;
}

export interface SimulatorHandle {
  /** REST base for both markets, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Futures WebSocket base (`/ws/...`, `/stream?...`). */
  wsUrl: string;
  /** Spot WebSocket base (`/spot/ws/...`, `/spot/stream?...`). */
  spotWsUrl: string;
  port: number;
  seed: number;
  clock: SimClock;
  /** The current engine (replaced by `reset`). */
  readonly engine: SimEngine;
  faults: FaultInjector;
  market: OverridableMarketSource;
  credentials: DemoCredentials;
  /** Request-log entries with `seq` greater than `afterSeq`. */
  requests(afterSeq?: number): RequestLogEntry[];
  state(query?: StateQuery): SimulatorState;
  /**
   * Moves a symbol's perp mark and/or spot mid to the given level at the current instant (the clock does not move)
   * and publishes it on the streams at once.
   */
  setPrice(symbol: string, levels: { perpMark?: Decimal; spotMid?: Decimal }): Promise<void>;
  /** Pins a perp symbol's funding rate (null clears) at the current instant, like `setPrice`. */
  setFundingRate(symbol: string, rate: Decimal | null): Promise<void>;
  /** Advances the clock (any mode) and brings the engine and streams along. */
  advance(ms: number): Promise<void>;
  /** Fresh accounts, ledger, overrides, faults (back to the start options), request log, nonces, limits, keys. */
  reset(): void;
  close(): Promise<void>;
}

function initialFaults(options: SimulatorOptions): FaultConfig {
  const base =
    options.faults === undefined
      ? parseFaultSpec('')
      : typeof options.faults === 'string'
        ? parseFaultSpec(options.faults)
        : structuredClone(options.faults);
  if (options.latencyMs !== undefined && options.latencyMs > 0 && base.latencyMs === 0)
    base.latencyMs = options.latencyMs;
  return base;
}

function rateLimitConfig(option: SimulatorOptions['rateLimits']): RateLimitConfig {
  if (option === false) return { ...DEFAULT_RATE_LIMITS, enabled: false };
  return { ...DEFAULT_RATE_LIMITS, ...(option ?? {}) };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const seed = options.seed ?? 42;
  const warn = options.warn ?? ((message: string) => process.stderr.write(`dnfarm sim: ${message}\n`));
  const ownsClock = options.clock === undefined;
  const clock =
    options.clock ??
    new SimClock({
      startMs: options.startMs ?? Math.floor(Date.now() / 1000) * 1000,
      speed: options.speed ?? 1,
      manual: options.manualClock ?? false,
      onTimerError: (error) => warn(`clock timer failed: ${describeError(error)}`),
    });
  const market = new OverridableMarketSource(
    options.source ?? new SyntheticMarketSource({ seed, pairs: options.pairs ?? 30, startMs: clock.nowMs() }),
  );
  const initialUsdt = options.initialUsdt === undefined ? undefined : dec(options.initialUsdt);
  const newEngine = () =>
    new SimEngine({
      source: market,
      clock,
      ...(initialUsdt === undefined ? {} : { initialUsdt }),
      ...(options.marketStepMs === undefined ? {} : { marketStepMs: options.marketStepMs }),
      ...(options.retention === undefined ? {} : { retention: options.retention }),
    });
  let engine = newEngine();
  const startFaults = initialFaults(options);
  const faults = new FaultInjector(seed, startFaults);
  const auth = new Authenticator({
    nowMs: () => clock.nowMs() + faults.skewMs,
    ...(options.chainId === undefined ? {} : { chainId: options.chainId }),
    legacyAbi: options.legacyAbi ?? false,
    apiKeys: [...demoApiKeys(), ...(options.apiKeys ?? [])],
  });
  const rateLimiter = new RateLimiter(rateLimitConfig(options.rateLimits));
  const listenKeys = new ListenKeyRegistry(seed);
  const requestLog = new RequestLog(options.requestLogCapacity);
  const activity: Activity = { action: 'idle' };
  const hanging = new Set<ServerResponse>();
  const onboardMs = clock.nowMs() - 180 * 86_400_000;
  const routes = buildRouteTable();

  const pipeline = new Pipeline({
    engine: () => engine,
    clockMs: () => clock.nowMs(),
    auth,
    faults,
    rateLimiter,
    listenKeys,
    requestLog,
    routes,
    knownPaths: knownPaths(routes),
    onboardMs,
    activity,
    hanging,
    warn,
  });
  const ws = new WsFrontEnd({
    engine: () => engine,
    clockMs: () => clock.nowMs(),
    listenKeys,
    faults,
    activity,
    ...(options.ws === undefined ? {} : { options: options.ws }),
  });

  const pump = () => {
    try {
      engine.advanceTo(clock.nowMs());
      ws.pump();
    } catch (error) {
      warn(`background step failed: ${describeError(error)}`);
    }
  };

  const controlDeps = {
    state: (query: StateQuery) =>
      buildState(
        {
          engine,
          clock,
          seed,
          skewMs: faults.skewMs,
          faults: faults.describe(),
          overrides: market.describe(),
          requests: (after: number) => requestLog.since(after),
          listenKeys: () => listenKeys.all(),
        },
        query,
      ),
    setPrice: async (symbol: string, levels: { perpMark?: Decimal; spotMid?: Decimal }) => {
      market.setPrice(symbol, levels);
      engine.refreshMarket();
      ws.publishMarkPricesNow();
      const premium = levels.perpMark === undefined ? undefined : engine.premiumIndex(symbol);
      const book = levels.spotMid === undefined ? undefined : engine.bookTickers('spot', symbol);
      return {
        symbol,
        ...(premium?.ok ? { markPrice: premium.value[0]?.markPrice.toFixed() } : {}),
        ...(book?.ok ? { spotBid: book.value[0]?.bidPrice.toFixed(), spotAsk: book.value[0]?.askPrice.toFixed() } : {}),
        timeMs: clock.nowMs(),
      };
    },
    setFundingRate: async (symbol: string, rate: Decimal | null) => {
      market.setFundingRate(symbol, rate);
      engine.refreshMarket();
      ws.publishMarkPricesNow();
      return { symbol, rate: rate === null ? null : rate.toFixed(), timeMs: clock.nowMs() };
    },
    advanceClock: async (ms: number) => {
      await clock.advanceAsync(ms);
      pump();
    },
    setClock: async (atMs: number) => {
      if (atMs < clock.nowMs()) throw new RangeError(`the clock cannot go back from ${clock.nowMs()} to ${atMs}`);
      await clock.advanceAsync(atMs - clock.nowMs());
      pump();
    },
    setSpeed: (speed: number) => clock.setSpeed(speed),
    clockInfo: () => ({ nowMs: clock.nowMs(), manual: clock.manual, speed: clock.getSpeed() }),
    setFaults: (spec: string) => {
      faults.set(parseFaultSpec(spec));
      return faults.describe();
    },
    clearFaults: () => {
      faults.clear();
      return faults.describe();
    },
    deposit: (account: string, wallet: 'spot' | 'futures', asset: string, amount: Decimal) => {
      activity.action = 'control';
      try {
        engine.deposit(account, wallet, asset, amount);
      } finally {
        activity.action = 'idle';
      }
      return { account, wallet, asset, amount: amount.toFixed() };
    },
    reset: () => reset(),
  };

  const reset = () => {
    for (const res of hanging) res.destroy();
    hanging.clear();
    ws.dropAll();
    market.clear();
    engine = newEngine();
    ws.bindEngine();
    faults.set(startFaults);
    auth.reset();
    rateLimiter.reset();
    listenKeys.reset();
    requestLog.clear();
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? '' : rawUrl.slice(queryAt + 1);
    const entry = requestLog.start(req.method ?? 'GET', path, clock.nowMs());
    if (path === '/_sim' || path.startsWith('/_sim/')) {
      entry.endpoint = 'control';
      handleControl(controlDeps, req, res, new URL(rawUrl, 'http://127.0.0.1'))
        .then((status) => {
          entry.status = status;
        })
        .catch((error: unknown) => {
          warn(`control request failed: ${describeError(error)}`);
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: describeError(error) }));
          entry.status = 500;
        });
      return;
    }
    pipeline.handle(req, res, path, rawQuery, entry).catch((error: unknown) => {
      warn(`request failed: ${describeError(error)}`);
      res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  ws.attach(server);

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const pumpTimer = setInterval(pump, options.pumpIntervalMs ?? 50);
  pumpTimer.unref();
  pump();

  let closed = false;
  // Right after start, before clients arrive: the V3 signature kernel and the demo agent's key table (a first
  // request would otherwise pay for them).
  const prepareTimer = setTimeout(() => {
    if (closed) return;
    auth
      .prepare(
        [{ address: DEMO_CREDENTIALS.v3.signer, privateKey: DEMO_CREDENTIALS.v3.privateKey as `0x${string}` }],
        warn,
      )
      .catch((error: unknown) => warn(`preparing signature checks failed: ${describeError(error)}`));
  }, 0);
  prepareTimer.unref();
  const handle: SimulatorHandle = {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}`,
    spotWsUrl: `ws://${host}:${port}/spot`,
    port,
    seed,
    clock,
    get engine() {
      return engine;
    },
    faults,
    market,
    credentials: DEMO_CREDENTIALS,
    requests: (afterSeq = 0) => requestLog.since(afterSeq),
    state: (query = {}) => controlDeps.state(query),
    setPrice: async (symbol, levels) => {
      await controlDeps.setPrice(symbol, levels);
    },
    setFundingRate: async (symbol, rate) => {
      await controlDeps.setFundingRate(symbol, rate);
    },
    advance: (ms) => controlDeps.advanceClock(ms),
    reset,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(pumpTimer);
      clearTimeout(prepareTimer);
      for (const res of hanging) res.destroy();
      hanging.clear();
      await ws.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (ownsClock) clock.close();
    },
  };
  return handle;
}

export { formatFaultSpec };
