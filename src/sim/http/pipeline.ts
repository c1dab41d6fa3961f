/**
 * One Aster request from arrival to response:
 *   log arrival → route → injected latency → parse → weight/429/418 → injected faults (429 burst, hang, 5xx)
 *   → authenticate (V3 EIP-712 / V1 HMAC / key only) → account on first use → injected rejection → order count
 *   → handler → injected unknown outcome (503 after execution, hang after execution) → JSON response.
 * Nothing here writes a secret anywhere: the request log keeps selected business parameters only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dec } from '../../domain/decimal.ts';
import type { Authenticator, Identity } from '../auth/index.ts';
import type { SimExchange } from '../engine/index.ts';
import type { FaultInjector, RequestFaults } from '../faults/index.ts';
import type { ListenKeyRegistry } from '../ws/listen-keys.ts';
import { AsterApiError, apiErrors } from './api-error.ts';
import type { HandlerContext } from './context.ts';
import { parseRequestParams, type RequestParams } from './params.ts';
import type { RateLimiter } from './rate-limit.ts';
import { RawJson } from './raw-json.ts';
import type { RequestLog, RequestLogEntry } from './request-log.ts';
import type { ResolvedRoute, RouteAction } from './routes.ts';

export const MAX_BODY_BYTES = 1 << 20;

/** What the request currently being handled is doing, read by the WS layer to label spot balance events. */
export interface Activity {
  action: RouteAction | 'control' | 'idle';
}

export interface PipelineDeps {
  engine: () => SimExchange;
  clockMs: () => number;
  auth: Authenticator;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  listenKeys: ListenKeyRegistry;
  requestLog: RequestLog;
  routes: ReadonlyMap<string, ResolvedRoute>;
  knownPaths: ReadonlySet<string>;
  onboardMs: number;
  activity: Activity;
  /** Requests left unanswered on purpose (fault `hang`); the server destroys them on close. */
  hanging: Set<ServerResponse>;
  /** Diagnostics for unexpected failures (never secrets). */
  warn: (message: string) => void;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AsterApiError(-1101, 'Too many parameters sent for this endpoint.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Whether the request announces a body. A request without one (every GET the clients send) is answered without
 * waiting for its end-of-stream: Node discards the empty remainder when the response finishes.
 */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.writableEnded || res.destroyed) return;
  const text = body instanceof RawJson ? body.text : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function faultNames(faults: RequestFaults): string[] {
  const names: string[] = [];
  if (faults.burst429) names.push('burst429');
  if (faults.hang) names.push('hang');
  if (faults.error5xx) names.push('error5xx');
  if (faults.rejectCode !== undefined) names.push(`reject:${faults.rejectCode}`);
  if (faults.partialFraction !== undefined) names.push('partial');
  if (faults.after503) names.push('after503');
  if (faults.hangAfter) names.push('hang-after');
  return names;
}

const REJECT_MESSAGES: Record<number, string> = {
  [-2010]: 'NEW_ORDER_REJECTED',
  [-2018]: 'Balance is insufficient.',
  [-2019]: 'Margin is insufficient.',
  [-4131]: "The counterparty's best price does not meet the PERCENT_PRICE filter limit",
  [-1001]: 'Internal error; unable to process your request. Please try again.',
};

export class Pipeline {
  constructor(private readonly deps: PipelineDeps) {}

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    rawQuery: string,
    entry: RequestLogEntry,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const route = this.deps.routes.get(`${method} ${path}`);
    const headers: Record<string, string> = {};
    const finish = (status: number, body: unknown, extra?: Record<string, string>) => {
      entry.status = status;
      if (status >= 400 && typeof body === 'object' && body !== null && 'code' in body) {
        entry.code = Number((body as { code: unknown }).code);
      }
      entry.durationMs =
        Math.round((performance.timeOrigin + performance.now() - entry.arrivalWallUs / 1000) * 1000) / 1000;
      sendJson(res, status, body, extra === undefined ? headers : { ...headers, ...extra });
    };
    try {
      const rawBody = hasBody(req) ? await readBody(req) : '';
      if (!route) {
        entry.endpoint = 'unknown';
        const error = this.deps.knownPaths.has(path)
          ? new AsterApiError(-1000, `Request method '${method}' not supported`, 405)
          : apiErrors.unknownPath();
        finish(error.httpStatus, error.toBody());
        return;
      }
      entry.endpoint = route.name;
      entry.market = route.market;

      const latency = this.deps.faults.latencyMs();
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

      const params = parseRequestParams(rawQuery, rawBody);
      this.deps.requestLog.describe(entry, params.values);
      const nowMs = this.deps.clockMs();
      const client = req.socket.remoteAddress ?? 'unknown';
      Object.assign(headers, this.deps.rateLimiter.admit(client, route.market, route.weight(params), nowMs).headers);

      const signed = route.auth !== 'none';
      const faults = this.deps.faults.decide({
        method,
        path,
        market: route.market,
        signed,
        action: route.action,
      });
      const names = faultNames(faults);
      if (names.length > 0) entry.faults = names;
      if (faults.burst429) {
        const retryAfter = this.deps.rateLimiter.injected429(client, route.market, nowMs);
        const error = new AsterApiError(-1003, 'Too many requests; please use the websocket for live updates.', 429, {
          'Retry-After': String(retryAfter),
        });
        finish(429, error.toBody(), error.headers);
        return;
      }
      if (faults.hang) {
        this.leaveHanging(res);
        return;
      }
      if (faults.error5xx) {
        const error = apiErrors.disconnected();
        finish(error.httpStatus, error.toBody());
        return;
      }

      const identity = signed ? await this.authenticate(route, params, req) : undefined;
      if (identity) {
        entry.account = identity.account;
        this.deps.engine().ensureAccount(identity.account);
      }
      if (faults.rejectCode !== undefined) {
        const error = new AsterApiError(faults.rejectCode, REJECT_MESSAGES[faults.rejectCode] ?? 'NEW_ORDER_REJECTED');
        finish(400, error.toBody());
        return;
      }
      if (route.action === 'order' && identity) {
        Object.assign(headers, this.deps.rateLimiter.countOrder(identity.account, route.market, nowMs).headers);
      }

      const ctx: HandlerContext = {
        engine: this.deps.engine(),
        params,
        market: route.market,
        account: identity?.account ?? '',
        serverTimeMs: nowMs + this.deps.faults.skewMs,
        clockMs: nowMs,
        listenKeys: this.deps.listenKeys,
        rateLimitRules: this.deps.rateLimiter.rules(route.market),
        onboardMs: this.deps.onboardMs,
        // The injector draws the fraction as a float; orders get it as an exact 4-place decimal.
        ...(faults.partialFraction === undefined ? {} : { partialFraction: dec(faults.partialFraction.toFixed(4)) }),
      };
      this.deps.activity.action = route.action;
      let body: unknown;
      try {
        body = route.handle(ctx);
      } finally {
        this.deps.activity.action = 'idle';
      }
      if (faults.after503) {
        const error = apiErrors.timeoutUnknown();
        finish(error.httpStatus, error.toBody());
        return;
      }
      if (faults.hangAfter) {
        this.leaveHanging(res);
        return;
      }
      finish(200, body);
    } catch (error) {
      if (error instanceof AsterApiError) {
        finish(error.httpStatus, error.toBody(), error.headers);
        return;
      }
      this.deps.warn(
        `unexpected failure on ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
      const unknown = apiErrors.unknown();
      finish(unknown.httpStatus, unknown.toBody());
    }
  }

  private async authenticate(route: ResolvedRoute, params: RequestParams, req: IncomingMessage): Promise<Identity> {
    const apiKey = headerValue(req, 'x-mbx-apikey');
    if (route.family === 'v3') return this.deps.auth.verifyV3(params);
    if (route.auth === 'userStream') return this.deps.auth.verifyApiKey(apiKey);
    return this.deps.auth.verifyHmac(params, apiKey);
  }

  private leaveHanging(res: ServerResponse): void {
    this.deps.hanging.add(res);
    res.on('close', () => this.deps.hanging.delete(res));
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
