/**
 * User-data stream keys. Futures keep-alive and close take no parameter (the account has one key); spot ones need
 * the `listenKey` parameter, as Aster documents.
 */
import { apiErrors } from '../api-error.ts';
import type { HandlerContext } from '../context.ts';
import { optional, required } from '../params.ts';

export function createListenKey(ctx: HandlerContext): unknown {
  return { listenKey: ctx.listenKeys.create(ctx.account, ctx.market, ctx.clockMs).key };
}

function namedKey(ctx: HandlerContext): string | undefined {
  return ctx.market === 'spot' ? required(ctx.params, 'listenKey') : optional(ctx.params, 'listenKey');
}

export function keepAliveListenKey(ctx: HandlerContext): unknown {
  const entry = ctx.listenKeys.keepAlive(ctx.account, ctx.market, namedKey(ctx), ctx.clockMs);
  if (!entry) throw apiErrors.invalidListenKey();
  return {};
}

export function closeListenKey(ctx: HandlerContext): unknown {
  const entry = ctx.listenKeys.close(ctx.account, ctx.market, namedKey(ctx), ctx.clockMs);
  if (!entry) throw apiErrors.invalidListenKey();
  return {};
}
