/**
 * The Aster REST transport: one object per account, shared by the spot and futures endpoint layers.
 *
 * Per call it: waits out any ban or Retry-After on the host, waits for room under the rate limits, signs (after
 * waiting, so the nonce or timestamp is fresh), sends, records the usage headers, and classifies the outcome
 * (classify.ts). Reads and control calls are retried with backoff within a bounded budget. Orders and transfers are
 * sent again only when the exchange provably did not act on them:
 * - the connection never opened (nothing was sent);
 * - the nonce or timestamp was rejected (-4225 V3, -1021 V1): the server refuses such a request on arrival, before
 *   any matching or settlement, so after resynchronising the clock one fresh signature is safe — and without it the
 *   bot could not trade at all while the local clock is off.
 * Everything else is handed to the caller, which reconciles ambiguous outcomes by client id.
 *
 * Secrets: log lines and errors are built from the endpoint (`METHOD /path`, never the query), status, code and
 * scrubbed exchange text only.
 */
import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../../../domain/clock.ts';
import type { MarketKind } from '../../../domain/market.ts';
import { ConfigError, InvalidDataError } from '../../../errors.ts';
import type { CallKind, EndpointAuth, EndpointSpec } from '../endpoints.ts';
import { AsterApiError, AsterRequestError } from '../errors.ts';
import { type AsterLogger, scrubSecrets, silentLogger } from '../log.ts';
import { mergeRateLimits, RateLimiter, type RateLimitRule, type RateWindowUsage } from '../rate-limit.ts';
import { createSigner, type SigningConfig } from '../sign/index.ts';
import {
  encodeParams,
  isValidClientOrderId,
  normalizeParams,
  ParamError,
  type ParamInput,
  type ParamList,
} from '../sign/params.ts';
import { ServerClock } from '../sign/server-clock.ts';
import type { ApiFamily, RequestSigner, SigningScheme } from '../sign/signer.ts';
import { type ClassifyContext, classifyFailure, classifyResponse, isMutation, type Verdict } from './classify.ts';
import { HostGate } from './host-gate.ts';
import { backoffDelayMs, type RetryPolicy, resolveRetryPolicy } from './retry-policy.ts';
import { type HttpMethod, SendFailure, sendOnce } from './send.ts';
import { systemClock } from './system-clock.ts';

export interface AsterRequest {
  market: MarketKind;
  method: HttpMethod;
  /** Path only, e.g. `/fapi/v3/order`; the base URL comes from the market. */
  path: string;
  auth: EndpointAuth;
  kind: CallKind;
  /** Request weight as documented for this call (it may depend on the parameters, e.g. depth `limit`). */
  weight: number;
  params?: ParamInput;
  /** The order's client id, carried into errors so the caller can reconcile an unknown outcome. */
  clientOrderId?: string;
}

export interface AsterTransportOptions {
  futuresBaseUrl: string;
  spotBaseUrl: string;
  /** Omit for a public-data-only transport (paper mode). */
  signing?: SigningConfig | undefined;
  /** Whole exchange timeout (connect, send, read). Default 10 s. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Fraction of each rate limit the client allows itself. Default 0.9. */
  rateLimitHeadroom?: number;
  /** Limits assumed for every host until `setRateLimits` supplies exchangeInfo's. Default: 1200 weight/min. */
  defaultRateLimits?: readonly RateLimitRule[];
  /** How long a 418 without `Retry-After` blocks the host. Default 2 min, the shortest documented ban. */
  defaultBanMs?: number;
  /** Server-time endpoints; default `/fapi/v3/time` and `/api/v3/time` (`/v1/` for HMAC signing). */
  timePaths?: Partial<Record<MarketKind, string>>;
  logger?: AsterLogger;
  /** Time for nonces, windows and waits. Default: the system clock. Socket timeouts always use real time. */
  clock?: Clock;
  /** Jitter source in [0, 1). */
  random?: () => number;
  userAgent?: string;
  maxSocketsPerHost?: number;
}

/** Conservative until exchangeInfo says otherwise: the lowest REQUEST_WEIGHT limit Aster documents. */
export const DEFAULT_RATE_LIMITS: readonly RateLimitRule[] = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
];

interface HostState {
  baseUrl: URL;
  limiter: RateLimiter;
  /**
   * exchangeInfo `rateLimits` per market served by this host. Futures and spot on one host (the simulator) share
   * its limiter, so the limiter applies all of them at once, merged (see `mergeRateLimits`).
   */
  rulesByMarket: Map<MarketKind, readonly RateLimitRule[]>;
}

interface Prepared {
  req: AsterRequest;
  endpoint: string;
  host: HostState;
  params: ParamList;
  clientOrderId: string | undefined;
}

interface Completed {
  body: unknown;
  sentAtLocalMs: number;
  receivedAtLocalMs: number;
}

export class AsterTransport {
  readonly apiFamily: ApiFamily;
  readonly signingScheme: SigningScheme | null;
  readonly serverClock: ServerClock;

  readonly #signer: RequestSigner | null;
  readonly #hosts: Record<MarketKind, HostState>;
  readonly #gate = new HostGate();
  readonly #clock: Clock;
  readonly #log: AsterLogger;
  readonly #policy: RetryPolicy;
  readonly #random: () => number;
  readonly #timeoutMs: number;
  readonly #defaultBanMs: number;
  readonly #timePaths: Record<MarketKind, string>;
  readonly #userAgent: string;
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;
  readonly #closing = new AbortController();
  #syncing: Promise<number> | undefined;
  /** Completed clock measurements; a request signed before the latest one only needs signing again. */
  #syncGeneration = 0;

  constructor(options: AsterTransportOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#policy = resolveRetryPolicy(options.retry);
    this.#random = options.random ?? Math.random;
    this.#timeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs ?? 10_000);
    this.#defaultBanMs = positive('defaultBanMs', options.defaultBanMs ?? 120_000);
    this.#userAgent = options.userAgent ?? 'dnfarm';
    const clock = this.#clock;
    this.serverClock = new ServerClock({ nowMs: () => clock.nowMs() });
    this.#signer = options.signing === undefined ? null : createSigner(options.signing, this.serverClock);
    this.signingScheme = this.#signer?.scheme ?? null;
    this.apiFamily = this.#signer?.family ?? 'v3';
    const v = this.apiFamily === 'v1' ? 'v1' : 'v3';
    this.#timePaths = {
      perp: options.timePaths?.perp ?? `/fapi/${v}/time`,
      spot: options.timePaths?.spot ?? `/api/${v}/time`,
    };

    const headroom = options.rateLimitHeadroom ?? 0.9;
    const limits = options.defaultRateLimits ?? DEFAULT_RATE_LIMITS;
    const shared = new Map<string, Omit<HostState, 'baseUrl'>>();
    const hostFor = (field: string, raw: string): HostState => {
      const baseUrl = parseBaseUrl(field, raw);
      // Futures and spot on one host (e.g. the simulator) share one IP budget, hence one limiter.
      let host = shared.get(baseUrl.host);
      if (host === undefined) {
        const limiter = new RateLimiter({
          nowMs: () => this.serverClock.nowMs(),
          sleep: (ms) => this.#sleep(ms),
          headroom,
        });
        limiter.setLimits(limits);
        host = { limiter, rulesByMarket: new Map() };
        shared.set(baseUrl.host, host);
      }
      return { baseUrl, ...host };
    };
    this.#hosts = {
      perp: hostFor('futuresBaseUrl', options.futuresBaseUrl),
      spot: hostFor('spotBaseUrl', options.spotBaseUrl),
    };

    const maxSockets = options.maxSocketsPerHost ?? 16;
    this.#httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.#httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  }

  /** Sends one call and resolves with its parsed JSON body (validated by the schema layer, not here). */
  async request(req: AsterRequest): Promise<unknown> {
    return (await this.#run(this.#prepare(req))).body;
  }

  /** `request` for an endpoint from endpoints.ts. */
  async call(
    spec: EndpointSpec,
    params?: ParamInput,
    extra: { clientOrderId?: string; weight?: number } = {},
  ): Promise<unknown> {
    return this.request({
      market: spec.market,
      method: spec.method,
      path: spec.path,
      auth: spec.auth,
      kind: spec.kind,
      weight: extra.weight ?? spec.weight,
      ...(params === undefined ? {} : { params }),
      ...(extra.clientOrderId === undefined ? {} : { clientOrderId: extra.clientOrderId }),
    });
  }

  /**
   * Measures the offset to the exchange clock (`serverTime` against the midpoint of the round trip) and uses it for
   * every later nonce and timestamp. Concurrent callers share one measurement. Resolves with the offset in ms.
   */
  syncTime(market: MarketKind = 'perp'): Promise<number> {
    this.#syncing ??= this.#measureOffset(market).finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  /** Estimated exchange time in ms. */
  serverNowMs(): number {
    return this.serverClock.nowMs();
  }

  /**
   * Applies exchangeInfo `rateLimits` of `market` to the host serving it. When both markets are served by one host,
   * the other market's rules stay in force: the limiter keeps, per limit type and window, the strictest of the two.
   * The built-in defaults apply only until the first market reports its rules.
   */
  setRateLimits(market: MarketKind, rules: readonly RateLimitRule[]): void {
    const host = this.#hosts[market];
    host.rulesByMarket.set(market, [...rules]);
    host.limiter.setLimits(mergeRateLimits([...host.rulesByMarket.values()]));
  }

  rateLimitUsage(market: MarketKind): RateWindowUsage[] {
    return this.#hosts[market].limiter.usage();
  }

  /** Milliseconds until the host serving `market` may be contacted again after a ban or Retry-After (0 = open). */
  blockedForMs(market: MarketKind): number {
    return this.#gate.remainingMs(this.#hosts[market].baseUrl.host, this.#clock.nowMs());
  }

  /** Wakes every waiting call (they fail as `closed`) and closes pooled connections. */
  async close(): Promise<void> {
    this.#closing.abort();
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }

  async #measureOffset(market: MarketKind): Promise<number> {
    const path = this.#timePaths[market];
    const done = await this.#run(this.#prepare({ market, method: 'GET', path, auth: 'none', kind: 'read', weight: 1 }));
    const raw = (done.body as { serverTime?: unknown } | null)?.serverTime;
    const serverTimeMs = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof serverTimeMs !== 'number' || !Number.isSafeInteger(serverTimeMs) || serverTimeMs <= 0) {
      throw new InvalidDataError(
        `GET ${path}`,
        'serverTime',
        `expected a positive integer in ms, got ${String(raw).slice(0, 64)}`,
        {
          value: raw,
        },
      );
    }
    const offsetMs = this.serverClock.recordSample(done.sentAtLocalMs, done.receivedAtLocalMs, serverTimeMs);
    this.#syncGeneration += 1;
    this.#log.info(
      { market, offsetMs: Math.round(offsetMs), rttMs: done.receivedAtLocalMs - done.sentAtLocalMs },
      'aster clock synchronised',
    );
    return offsetMs;
  }

  #prepare(req: AsterRequest): Prepared {
    const endpoint = `${req.method} ${req.path}`;
    if (!/^\/[A-Za-z0-9/_.-]*$/.test(req.path)) {
      throw new AsterRequestError(endpoint, 'path', 'must be an absolute path without query string', req.path);
    }
    if (!Number.isSafeInteger(req.weight) || req.weight < 0) {
      throw new AsterRequestError(endpoint, 'weight', 'must be a non-negative integer', req.weight);
    }
    if (req.clientOrderId !== undefined && !isValidClientOrderId(req.clientOrderId)) {
      throw new AsterRequestError(endpoint, 'clientOrderId', 'must match [A-Za-z0-9_-]{1,36}', req.clientOrderId);
    }
    if (req.auth !== 'none' && this.#signer === null) {
      throw new AsterRequestError(endpoint, 'auth', `is ${req.auth} but no API credentials are configured`, req.auth);
    }
    if (req.auth === 'apiKey' && this.#signer?.apiKeyHeaders() === null) {
      throw new AsterRequestError(endpoint, 'auth', 'apiKey calls need an HMAC (V1) API key', req.auth);
    }
    let params: ParamList;
    try {
      params = normalizeParams(req.params, { signed: req.auth === 'signed' });
    } catch (error) {
      if (error instanceof ParamError) throw new AsterRequestError(endpoint, error.field, error.message, error.value);
      throw error;
    }
    return { req, endpoint, host: this.#hosts[req.market], params, clientOrderId: req.clientOrderId };
  }

  async #run(p: Prepared): Promise<Completed> {
    const { req } = p;
    const startedMs = this.#clock.nowMs();
    const mutation = isMutation(req.kind);
    let attempt = 0;
    let resynced = false;
    for (;;) {
      attempt += 1;
      await this.#waitForHost(p, startedMs, mutation);
      await p.host.limiter.acquire({ weight: req.weight, orders: req.kind === 'order' ? 1 : 0 });
      this.#assertOpen(p);

      const generationAtSign = this.#syncGeneration;
      const wire = await this.#authorize(p);
      const scrub = (text: string) => this.#scrub(text, wire.signature);
      const sentAtServerMs = this.serverClock.nowMs();
      const sentAtLocalMs = this.#clock.nowMs();
      let verdict: Verdict;
      try {
        const raw = await sendOnce({
          url: wire.url,
          method: req.method,
          headers: wire.headers,
          body: wire.body,
          timeoutMs: this.#timeoutMs,
          agent: wire.url.protocol === 'https:' ? this.#httpsAgent : this.#httpAgent,
        });
        p.host.limiter.observe(raw.headers, sentAtServerMs);
        verdict = classifyResponse(raw, this.#context(p, scrub));
      } catch (error) {
        if (!(error instanceof SendFailure)) throw error;
        verdict = classifyFailure(error, this.#context(p, scrub));
      }
      const receivedAtLocalMs = this.#clock.nowMs();
      if (verdict.ok) return { body: verdict.body, sentAtLocalMs, receivedAtLocalMs };

      const { error } = verdict;
      error.attempts = attempt;
      this.#log.debug(this.#describe(p, error, attempt), 'aster call failed');
      if (verdict.blockHostMs !== undefined && verdict.blockHostMs > 0) {
        this.#gate.block(p.host.baseUrl.host, receivedAtLocalMs + verdict.blockHostMs);
        this.#log.warn(
          {
            host: p.host.baseUrl.host,
            blockedForMs: verdict.blockHostMs,
            httpStatus: error.httpStatus,
            code: error.code,
          },
          'aster host blocked by rate limit',
        );
      }
      if (verdict.staleTime && !resynced) {
        resynced = true;
        this.#log.warn(this.#describe(p, error, attempt), 'aster rejected nonce/timestamp; resynchronising clock');
        await this.#resync(p, error, generationAtSign);
        attempt -= 1;
        continue;
      }
      if (!verdict.retry) throw error;
      const delayMs = Math.max(backoffDelayMs(attempt, this.#policy, this.#random), error.retryAfterMs ?? 0);
      const elapsedMs = this.#clock.nowMs() - startedMs;
      if (attempt >= this.#policy.maxAttempts || elapsedMs + delayMs > this.#policy.maxTotalMs) throw error;
      this.#log.warn({ ...this.#describe(p, error, attempt), delayMs }, 'aster call retrying');
      await this.#sleep(delayMs);
    }
  }

  /** Bans and Retry-After apply to the whole host. Orders never wait for one; reads wait within their budget. */
  async #waitForHost(p: Prepared, startedMs: number, mutation: boolean): Promise<void> {
    this.#assertOpen(p);
    const host = p.host.baseUrl.host;
    const remainingMs = this.#gate.remainingMs(host, this.#clock.nowMs());
    if (remainingMs <= 0) return;
    const budgetMs = this.#policy.maxTotalMs - (this.#clock.nowMs() - startedMs);
    if (mutation || remainingMs > budgetMs) {
      throw new AsterApiError({
        kind: 'retryable',
        reason: 'banned',
        endpoint: p.endpoint,
        retryAfterMs: remainingMs,
        clientOrderId: p.clientOrderId,
        sent: false,
      });
    }
    this.#log.debug({ endpoint: p.endpoint, waitMs: remainingMs }, 'aster call waiting for host block to end');
    await this.#sleep(remainingMs);
    this.#assertOpen(p);
  }

  async #resync(p: Prepared, rejection: AsterApiError, generationAtSign: number): Promise<void> {
    // Requests rejected together share one measurement: whoever finds it already done just signs again.
    if (this.#syncGeneration > generationAtSign) return;
    try {
      await this.syncTime(p.req.market);
    } catch (syncError) {
      throw new AsterApiError({
        kind: 'retryable',
        reason: 'stale-nonce',
        endpoint: p.endpoint,
        httpStatus: rejection.httpStatus,
        code: rejection.code,
        msg: rejection.msg,
        clientOrderId: p.clientOrderId,
        sent: true,
        cause: syncError,
      });
    }
  }

  async #authorize(p: Prepared): Promise<{
    url: URL;
    headers: Record<string, string>;
    body: string | undefined;
    signature: string | undefined;
  }> {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.#userAgent };
    let params = p.params;
    let signature: string | undefined;
    if (p.req.auth === 'signed' && this.#signer !== null) {
      const signed = await this.#signer.sign(params);
      params = signed.params;
      signature = signed.signature;
      Object.assign(headers, signed.headers);
    } else if (p.req.auth === 'apiKey' && this.#signer !== null) {
      Object.assign(headers, this.#signer.apiKeyHeaders());
    }
    const encoded = encodeParams(params);
    const url = new URL(p.host.baseUrl.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${p.req.path}`;
    // Reads and deletes carry parameters in the query; writes in a form body, as the official examples do.
    const inBody = p.req.method === 'POST' || p.req.method === 'PUT';
    let body: string | undefined;
    if (inBody) {
      body = encoded;
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    } else if (encoded !== '') {
      url.search = encoded;
    }
    return { url, headers, body, signature };
  }

  #context(p: Prepared, scrub: (text: string) => string): ClassifyContext {
    return {
      endpoint: p.endpoint,
      kind: p.req.kind,
      clientOrderId: p.clientOrderId,
      staleTimeCodes: p.req.auth === 'signed' && this.#signer !== null ? this.#signer.staleTimeCodes : [],
      nowMs: this.#clock.nowMs(),
      serverOffsetMs: this.serverClock.offsetMs,
      defaultBanMs: this.#defaultBanMs,
      scrub,
    };
  }

  #scrub(text: string, signature: string | undefined): string {
    const own = this.#signer === null ? text : this.#signer.scrub(text);
    return scrubSecrets(own, signature === undefined ? [] : [signature]);
  }

  #describe(p: Prepared, error: AsterApiError, attempt: number): Record<string, unknown> {
    return {
      endpoint: p.endpoint,
      market: p.req.market,
      kind: p.req.kind,
      attempt,
      reason: error.reason,
      errorKind: error.kind,
      httpStatus: error.httpStatus,
      code: error.code,
      msg: error.msg,
      retryAfterMs: error.retryAfterMs,
      clientOrderId: p.clientOrderId,
    };
  }

  #sleep(ms: number): Promise<void> {
    return this.#clock.sleep(ms, this.#closing.signal);
  }

  #assertOpen(p: Prepared): void {
    if (!this.#closing.signal.aborted) return;
    throw new AsterApiError({
      kind: 'retryable',
      reason: 'closed',
      endpoint: p.endpoint,
      clientOrderId: p.clientOrderId,
      sent: false,
    });
  }
}

export function createAsterTransport(options: AsterTransportOptions): AsterTransport {
  return new AsterTransport(options);
}

function parseBaseUrl(field: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new ConfigError(field, `is not a URL: ${JSON.stringify(raw)}`, { value: raw, cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(field, `must be an http(s) URL, got ${JSON.stringify(raw)}`, { value: raw });
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(field, `must be a plain base URL without query, fragment or credentials: ${url.origin}`, {
      value: url.origin,
    });
  }
  return url;
}

function positive(field: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(field, `must be a positive number, got ${value}`);
  return value;
}
