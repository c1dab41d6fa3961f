/**
 * What a route handler gets: the engine, the decoded parameters, the authenticated account, the server time, and a
 * few helpers shared by every handler.
 */
import type { Decimal } from '../../domain/decimal.ts';
import type { MarketKind } from '../../domain/market.ts';
import type { SimExchange, SimResult } from '../engine/index.ts';
import type { SimMarketDef } from '../market/types.ts';
import type { ListenKeyRegistry } from '../ws/listen-keys.ts';
import { AsterApiError } from './api-error.ts';
import { placesFor, type SymbolPlaces } from './format/market.ts';
import type { RequestParams } from './params.ts';
import type { RateLimitRule } from './rate-limit.ts';

export interface HandlerContext {
  engine: SimExchange;
  params: RequestParams;
  market: MarketKind;
  /** The authenticated account (lowercase address); '' on public endpoints. */
  account: string;
  /** Simulator clock plus any injected skew: what `/time` reports and what the response times say. */
  serverTimeMs: number;
  /** The simulator clock itself (no skew): expiries and windows run on it. */
  clockMs: number;
  listenKeys: ListenKeyRegistry;
  rateLimitRules: readonly RateLimitRule[];
  /** When the listed symbols went live (exchangeInfo `onboardDate`). */
  onboardMs: number;
  /** Set by the `partial` fault: a market order finds only this fraction of its quantity (engine `fillFraction`). */
  partialFraction?: Decimal;
}

/** The value of an engine result, or its rejection thrown as Aster's error body. */
export function unwrap<T>(result: SimResult<T>): T {
  if (result.ok) return result.value;
  throw new AsterApiError(result.error.code, result.error.msg, result.error.httpStatus);
}

export function definitionOf(ctx: HandlerContext, symbol: string): SimMarketDef | undefined {
  return ctx.engine.definition(ctx.market, symbol);
}

export function placesOf(ctx: HandlerContext, symbol: string, market: MarketKind = ctx.market): SymbolPlaces {
  return placesFor(ctx.engine.definition(market, symbol));
}
