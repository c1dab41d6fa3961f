/**
 * Spot ↔ futures transfers (`kindType` SPOT_FUTURE / FUTURE_SPOT). `clientTranId` is required and makes the call
 * idempotent: reusing one within the window is rejected with -4115 and moves nothing, so a client that lost the
 * response can retry safely and read the error as "already done".
 */
import { ZERO } from '../../domain/decimal.ts';
import type { AccountState } from './account.ts';
import type { EngineCore } from './core.ts';
import type { SimResult, SimTransferResult, TransferParams } from './index.ts';
import { accountMetrics } from './margin.ts';
import { isSimError, optionalDecimal, present } from './params.ts';
import { fail, ok, rejections } from './rejections.ts';

const MAX_CLIENT_TRAN_ID_LENGTH = 63;
const AMOUNT_DECIMALS = 8;

export function transfer(
  core: EngineCore,
  account: AccountState,
  params: TransferParams,
): SimResult<SimTransferResult> {
  if (!present(params.asset)) return fail(rejections.mandatory('asset'));
  const asset = params.asset;
  const amount = optionalDecimal(params.amount, 'amount');
  if (isSimError(amount)) return fail(amount);
  if (amount === undefined) return fail(rejections.mandatory('amount'));
  if (amount.lessThanOrEqualTo(0)) return fail(rejections.invalidParam('amount'));
  if (amount.decimalPlaces() > AMOUNT_DECIMALS) return fail(rejections.badPrecision());
  if (!present(params.kindType)) return fail(rejections.mandatory('kindType'));
  const kindType = params.kindType;
  if (kindType !== 'SPOT_FUTURE' && kindType !== 'FUTURE_SPOT') return fail(rejections.invalidParam('kindType'));
  if (!present(params.clientTranId)) return fail(rejections.mandatory('clientTranId'));
  const clientTranId = params.clientTranId;
  if (clientTranId.length > MAX_CLIENT_TRAN_ID_LENGTH) return fail(rejections.invalidClientTranId());
  const usedAt = account.clientTranIds.get(clientTranId);
  if (usedAt !== undefined && core.nowMs - usedAt < core.settings.clientTranIdWindowMs) {
    return fail(rejections.duplicateClientTranId());
  }

  const toFutures = kindType === 'SPOT_FUTURE';
  if (toFutures) {
    if (account.balance('spot', asset).lessThan(amount)) return fail(rejections.balanceInsufficient());
  } else {
    // Only what is not needed as margin (and not unrealised profit) may leave the futures wallet.
    const withdrawable =
      asset === 'USDT' ? accountMetrics(core, account).maxWithdraw : account.balance('futures', asset);
    if (withdrawable.lessThan(amount)) return fail(rejections.balanceInsufficient());
  }

  const tranId = core.nextTranId();
  const ref = `tran:${tranId}`;
  const futuresDelta = toFutures ? amount : amount.negated();
  core.credit(account, 'spot', asset, futuresDelta.negated(), 'transfer', ref);
  core.credit(account, 'futures', asset, futuresDelta, 'transfer', ref);
  core.addIncome(account, 'TRANSFER', '', futuresDelta, asset, core.nowMs, '', tranId);
  account.clientTranIds.set(clientTranId, core.nowMs);

  core.emit({
    type: 'spotBalance',
    accountId: account.id,
    timeMs: core.nowMs,
    balances: [{ asset, free: account.balance('spot', asset), locked: ZERO }],
  });
  core.emit({
    type: 'futuresAccount',
    accountId: account.id,
    timeMs: core.nowMs,
    reason: 'ASSET_TRANSFER',
    balances: [
      {
        asset,
        walletBalance: account.balance('futures', asset),
        crossWalletBalance:
          asset === 'USDT' ? accountMetrics(core, account).crossWallet : account.balance('futures', asset),
        balanceChange: futuresDelta,
      },
    ],
    positions: [],
  });
  return ok({ tranId, status: 'SUCCESS' });
}
