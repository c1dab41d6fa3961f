/**
 * The simulator's own control API under `/_sim/` (not part of Aster): JSON in, JSON out, no authentication, and
 * answered only to loopback clients.
 *
 *   GET  /_sim/state          accounts, balances, positions, orders, ledger, markets, faults, request log
 *   POST /_sim/price          {symbol, price} | {symbol, markPrice} | {symbol, spotPrice}
 *   POST /_sim/funding-rate   {symbol, rate}   (rate null clears the pin)
 *   POST /_sim/clock          {advanceMs} | {setMs} | {speed}
 *   POST /_sim/faults         {spec} replaces every fault, {clear: true} removes them
 *   POST /_sim/deposit        {account, wallet: "spot"|"futures", asset, amount}
 *   POST /_sim/reset          fresh accounts, ledger, faults, overrides, request log, nonces, limits, listen keys
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Decimal, tryDec } from '../../domain/decimal.ts';
import { ConfigError, describeError } from '../../errors.ts';
import { parseFaultSpec } from '../faults/index.ts';
import type { SimulatorState, StateQuery } from './control-state.ts';
import { readBody, sendJson } from './pipeline.ts';

export interface ControlDeps {
  state(query: StateQuery): SimulatorState;
  setPrice(symbol: string, levels: { perpMark?: Decimal; spotMid?: Decimal }): Promise<unknown>;
  setFundingRate(symbol: string, rate: Decimal | null): Promise<unknown>;
  advanceClock(ms: number): Promise<void>;
  setClock(atMs: number): Promise<void>;
  setSpeed(speed: number): void;
  clockInfo(): unknown;
  setFaults(spec: string): string;
  clearFaults(): string;
  deposit(account: string, wallet: 'spot' | 'futures', asset: string, amount: Decimal): unknown;
  reset(): void;
}

class BadControlRequest extends ConfigError {
  override name = 'BadControlRequest';
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function field<T>(body: Record<string, unknown>, name: string, check: (v: unknown) => v is T, what: string): T {
  const value = body[name];
  if (!check(value)) throw new BadControlRequest(name, `must be ${what}, got ${JSON.stringify(value)}`, { value });
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function decimalField(body: Record<string, unknown>, name: string): Decimal | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  const parsed = tryDec(value);
  if (parsed === undefined) throw new BadControlRequest(name, `must be a decimal, got ${JSON.stringify(value)}`);
  return parsed;
}

function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadControlRequest('body', `is not JSON (${describeError(error)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadControlRequest('body', 'must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function stateQuery(url: URL): StateQuery {
  const query: StateQuery = {};
  const since = (name: string) => {
    const text = url.searchParams.get(name);
    if (text === null) return undefined;
    if (!/^\d+$/.test(text)) throw new BadControlRequest(name, `must be a whole number, got "${text}"`);
    return Number(text);
  };
  const requestsSince = since('requestsSince');
  const ledgerSince = since('ledgerSince');
  if (requestsSince !== undefined) query.requestsSince = requestsSince;
  if (ledgerSince !== undefined) query.ledgerSince = ledgerSince;
  const account = url.searchParams.get('account');
  if (account) query.account = account.toLowerCase();
  const include = url.searchParams.get('include');
  if (include) query.include = new Set(include.split(','));
  return query;
}

export async function handleControl(
  deps: ControlDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<number> {
  const respond = (status: number, body: unknown): number => {
    sendJson(res, status, body);
    return status;
  };
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return respond(403, { error: 'control API is loopback-only' });
  const method = req.method ?? 'GET';
  const route = url.pathname.replace(/^\/_sim\/?/, '');
  try {
    const body = method === 'POST' ? parseJson(await readBody(req)) : {};
    switch (`${method} ${route}`) {
      case 'GET state':
        return respond(200, deps.state(stateQuery(url)));
      case 'POST price': {
        const symbol = field(body, 'symbol', isString, 'a symbol');
        const price = decimalField(body, 'price');
        const markPrice = decimalField(body, 'markPrice') ?? price;
        const spotPrice = decimalField(body, 'spotPrice') ?? price;
        if (markPrice === undefined && spotPrice === undefined) {
          throw new BadControlRequest('price', 'give price, markPrice or spotPrice');
        }
        return respond(
          200,
          await deps.setPrice(symbol, {
            ...(markPrice === undefined ? {} : { perpMark: markPrice }),
            ...(spotPrice === undefined ? {} : { spotMid: spotPrice }),
          }),
        );
      }
      case 'POST funding-rate': {
        const symbol = field(body, 'symbol', isString, 'a symbol');
        const rate = body['rate'] === null ? null : decimalField(body, 'rate');
        if (rate === undefined) throw new BadControlRequest('rate', 'is required (a decimal, or null to clear)');
        return respond(200, await deps.setFundingRate(symbol, rate));
      }
      case 'POST clock': {
        if (body['advanceMs'] !== undefined) {
          const ms = field(body, 'advanceMs', isNumber, 'a number of ms');
          if (ms < 0) throw new BadControlRequest('advanceMs', `must not be negative, got ${ms}`);
          await deps.advanceClock(ms);
        } else if (body['setMs'] !== undefined) {
          await deps.setClock(field(body, 'setMs', isNumber, 'an epoch time in ms'));
        } else if (body['speed'] !== undefined) {
          const speed = field(body, 'speed', isNumber, 'a positive number');
          if (speed <= 0) throw new BadControlRequest('speed', `must be positive, got ${speed}`);
          deps.setSpeed(speed);
        } else {
          throw new BadControlRequest('body', 'give advanceMs, setMs or speed');
        }
        return respond(200, deps.clockInfo());
      }
      case 'GET clock':
        return respond(200, deps.clockInfo());
      case 'POST faults': {
        if (body['clear'] === true) return respond(200, { faults: deps.clearFaults() });
        const spec = field(body, 'spec', (v): v is string => typeof v === 'string', 'a fault spec string');
        parseFaultSpec(spec);
        return respond(200, { faults: deps.setFaults(spec) });
      }
      case 'POST deposit': {
        const account = field(body, 'account', isString, 'an account address').toLowerCase();
        const wallet = field(
          body,
          'wallet',
          (v): v is 'spot' | 'futures' => v === 'spot' || v === 'futures',
          'spot or futures',
        );
        const asset = field(body, 'asset', isString, 'an asset');
        const amount = decimalField(body, 'amount');
        if (amount === undefined || !amount.greaterThan(0)) throw new BadControlRequest('amount', 'must be positive');
        return respond(200, deps.deposit(account, wallet, asset, amount));
      }
      case 'POST reset':
        deps.reset();
        return respond(200, { reset: true });
      default:
        return respond(404, { error: `unknown control endpoint ${method} /_sim/${route}` });
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RangeError) {
      return respond(400, { error: error.message, ...(error instanceof ConfigError ? { field: error.field } : {}) });
    }
    throw error;
  }
}
