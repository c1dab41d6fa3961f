/**
 * Funding settlement at a symbol's interval boundary. Every position on the symbol pays or receives
 * `−positionAmt × mark × rate`: with a positive rate longs pay and shorts receive. The payment is booked to the
 * futures wallet (an isolated position's own wallet when isolated), recorded as FUNDING_FEE income at the
 * settlement's jittered time, and announced with an ACCOUNT_UPDATE that carries balances only, as Aster does for a
 * funding fee on a cross position.
 */
import type { EngineCore } from './core.ts';
import { accountMetrics } from './margin.ts';
import { money } from './positions.ts';

export function settleFunding(core: EngineCore, symbol: string, boundaryMs: number): void {
  const def = core.perpDefs.get(symbol);
  if (!def) return;
  const settlement = core.source.settlement(symbol, boundaryMs);
  if (!settlement) return;
  core.fundingHistory.get(symbol)?.push({
    symbol,
    fundingRate: settlement.fundingRate,
    fundingTimeMs: settlement.fundingTimeMs,
  });
  const mark = core.mark(symbol);
  if (mark.isZero()) return;
  const asset = def.quoteAsset;
  for (const account of core.accounts.values()) {
    const before = account.balance('futures', asset);
    for (const position of account.positions.values()) {
      if (position.symbol !== symbol || position.amt.isZero()) continue;
      const payment = money(position.amt.negated().times(mark).times(settlement.fundingRate));
      if (payment.isZero()) continue;
      core.credit(account, 'futures', asset, payment, 'funding', `funding:${symbol}:${boundaryMs}`);
      if (account.marginTypeOf(symbol) === 'isolated') {
        position.isolatedWallet = position.isolatedWallet.plus(payment);
      }
      core.addIncome(account, 'FUNDING_FEE', symbol, payment, asset, settlement.fundingTimeMs, '');
    }
    const after = account.balance('futures', asset);
    if (after.equals(before)) continue;
    core.emit({
      type: 'futuresAccount',
      accountId: account.id,
      timeMs: core.nowMs,
      reason: 'FUNDING_FEE',
      balances: [
        {
          asset,
          walletBalance: after,
          crossWalletBalance: accountMetrics(core, account).crossWallet,
          balanceChange: after.minus(before),
        },
      ],
      positions: [],
    });
  }
}
