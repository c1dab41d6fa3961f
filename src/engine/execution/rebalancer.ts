/**
 * The wallet rebalancer: moves quote currency between the spot and perp wallets so spot holds L/(L+1) of the total
 * before an open (the strategy's `planWalletSplit`).
 *
 * - The plan is made on balances read after the last reconcile: the open passes the ones it already holds (the
 *   reads the decision was made from, when fresh, or the pre-trade reconcile's), otherwise they are read here.
 * - The transfer is persisted (intent + clientTranId) before it is sent. On an unknown outcome the SAME
 *   clientTranId is sent again: Aster keeps ids for 7 days, so a repeat either executes now (the first never
 *   arrived) or answers -4115 "duplicated" (the first executed): exactly once either way.
 * - Aster's transfer is synchronous: spot and futures are two wallets of one account on the exchange, and the
 *   endpoint answers `{"tranId", "status": "SUCCESS"}` once both have moved. That answer is the confirmation, and
 *   the balances after it are the ones before it ± the amount, so nothing is read again. Only a -4115 answer
 *   (the id was already used: normally our own lost first attempt, but a reused id moves nothing) or another
 *   status is checked against the balances, by polling until they show the amount.
 * - It runs only before an open. After a close nothing moves: the next open rebalances on fresh balances, which
 *   avoids the original bot's back-to-back transfers in opposite directions on unsettled balances.
 */
import type { PerpAssetBalance, SpotBalance, TransferDirection } from '../../domain/account.ts';
import { type Decimal, maxDec, minDec, ZERO } from '../../domain/decimal.ts';
import { DnfarmError, describeError } from '../../errors.ts';
import type { StoredTransfer } from '../../store/index.ts';
import { planWalletSplit, type WalletSplitPlan } from '../../strategy/sizing.ts';
import type { ExecContext } from './context.ts';
import { Deadline } from './deadline.ts';
import { classifySendError } from './send-errors.ts';

const MAX_SENDS = 4;
const RESEND_BACKOFF_MS = [200, 500, 1000] as const;
const SETTLE_TIMEOUT_MS = 15_000;
const SETTLE_POLL_MS = 250;
const MAX_SETTLE_POLLS = 40;
/** Transfer amounts carry at most 6 decimals; a settled transfer may show up to this much rounding. */
const SETTLE_TOLERANCE = '0.000001';

export interface QuoteBalances {
  asset: string;
  /** Free quote balance in the spot wallet. */
  spotFree: Decimal;
  /** Available quote balance in the perp wallet (what margin and a transfer out can use). */
  perpAvailable: Decimal;
  /** The perp wallet's largest transfer out. */
  perpWithdrawable: Decimal;
  perpWallet: Decimal;
}

export class TransferError extends DnfarmError {
  override name = 'TransferError';
  readonly clientTranId: string;

  constructor(
    clientTranId: string,
    message: string,
    options: { kind?: 'retryable' | 'ambiguous' | 'fatal'; cause?: unknown } = {},
  ) {
    super(`transfer ${clientTranId}: ${message}`, options);
    this.clientTranId = clientTranId;
  }
}

export type TransferResolution = 'confirmed' | 'failed' | 'unknown';

export interface RebalanceResult {
  plan: WalletSplitPlan;
  transfer: StoredTransfer | null;
  /** Balances after the transfer settled (or as read, when nothing moved). */
  balances: QuoteBalances;
}

/** One asset's balances out of both wallets' rows. */
export function quoteBalancesOf(
  asset: string,
  spot: readonly SpotBalance[],
  perp: readonly PerpAssetBalance[],
): QuoteBalances {
  const s = spot.find((b) => b.asset === asset);
  const p = perp.find((b) => b.asset === asset);
  return {
    asset,
    spotFree: s?.free ?? ZERO,
    perpAvailable: p?.availableBalance ?? ZERO,
    perpWithdrawable: p?.maxWithdrawAmount ?? ZERO,
    perpWallet: p?.walletBalance ?? ZERO,
  };
}

function isDuplicate(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { duplicate?: unknown }).duplicate === true;
}

export class WalletRebalancer {
  readonly #ctx: ExecContext;

  constructor(ctx: ExecContext) {
    this.#ctx = ctx;
  }

  async readBalances(asset: string): Promise<QuoteBalances> {
    const { venue } = this.#ctx;
    const [spot, perp] = await Promise.all([venue.spotBalances(), venue.perpBalances()]);
    return quoteBalancesOf(asset, spot, perp);
  }

  /**
   * Splits `asset` between the wallets for `leverage`, transferring when the difference exceeds the dead band.
   * `balances`: the wallets as read since the last change (used instead of a read). Throws TransferError when a
   * transfer failed or could not be confirmed (nothing may be sized on it).
   */
  async rebalance(leverage: number, asset: string, balances?: QuoteBalances): Promise<RebalanceResult> {
    const { store, params, logger } = this.#ctx;
    const pendingTransfers = store.transfers.unresolved();
    for (const pending of pendingTransfers) {
      const outcome = await this.resume(pending);
      if (outcome === 'unknown') {
        throw new TransferError(pending.clientTranId, 'an earlier transfer is still unresolved', { kind: 'ambiguous' });
      }
    }
    // A resumed transfer may have moved money since the given balances were read.
    const before =
      balances !== undefined && balances.asset === asset && pendingTransfers.length === 0
        ? balances
        : await this.readBalances(asset);
    const plan = planWalletSplit(before.spotFree, before.perpAvailable, leverage, params.transferDeadBandUsdt);
    if (plan.transfer === null) return { plan, transfer: null, balances: before };

    // Never more than the source wallet can give right now.
    const source = plan.transfer.direction === 'SPOT_TO_PERP' ? before.spotFree : before.perpWithdrawable;
    const amount = minDec(plan.transfer.amountUsdt, source);
    if (!amount.isPositive() || amount.isZero()) return { plan, transfer: null, balances: before };

    const direction = plan.transfer.direction;
    // Planned and marked sent in one commit (a commit waits for the disk; this one precedes the request).
    const transfer = store.transaction(() => {
      const created = store.intents.create({
        kind: 'transfer',
        payload: { reason: 'rebalance', leverage, direction, amount: amount.toFixed() },
        transfer: { direction, asset, amount },
      }).transfer;
      if (created === null) return null;
      store.intents.markSent(created.intentId);
      return store.transfers.markSent(created.clientTranId);
    });
    if (transfer === null) throw new TransferError('?', 'the store did not plan the transfer');
    logger.info(
      { clientTranId: transfer.clientTranId, direction: transfer.direction, amount: amount.toFixed() },
      'rebalancing wallets',
    );
    const { resolution: outcome, answer } = await this.#send(transfer.clientTranId, {
      justMarked: true,
      // A plain SUCCESS is the settlement. Recorded with the open's next commit: until then (or if the process dies
      // first) the transfer stays `sent`, and a resend of its clientTranId answers "duplicated": confirmed again.
      deferSuccess: () => {
        store.transfers.markSettled(transfer.clientTranId);
        store.intents.complete(transfer.intentId);
      },
    });
    if (outcome === 'failed') {
      throw new TransferError(
        transfer.clientTranId,
        store.transfers.require(transfer.clientTranId).lastError ?? 'rejected',
        {
          kind: 'fatal',
        },
      );
    }
    if (outcome === 'unknown') {
      throw new TransferError(transfer.clientTranId, 'outcome unknown after repeated attempts', { kind: 'ambiguous' });
    }
    let settled: QuoteBalances;
    if (answer === 'success') {
      this.#emit(transfer.direction, transfer.asset, transfer.amount, transfer.clientTranId, 'settled');
      settled = balancesAfter(before, transfer.direction, transfer.amount);
    } else {
      settled = await this.#awaitSettlement(transfer, before);
    }
    return { plan, transfer: store.transfers.require(transfer.clientTranId), balances: settled };
  }

  /**
   * Sends the transfer (or sends it again under the same clientTranId) until the exchange confirms it, rejects it
   * definitely, or the attempts run out (`unknown`: the transfer stays `sent`, the reconciler resumes it).
   */
  async execute(clientTranId: string): Promise<TransferResolution> {
    return (await this.#send(clientTranId)).resolution;
  }

  /**
   * `execute`, also saying how the confirming answer read: a plain SUCCESS, or anything else (a duplicate).
   * `justMarked`: the caller has just planned it and marked it sent (nothing left yet). `deferSuccess`: on a plain
   * SUCCESS, the confirmation and these writes are deferred to the next commit (`ExecContext.deferWrite`).
   */
  async #send(
    clientTranId: string,
    options: { justMarked?: boolean; deferSuccess?: () => void } = {},
  ): Promise<{ resolution: TransferResolution; answer: 'success' | 'other' | null }> {
    const { store, venue, logger } = this.#ctx;
    let sawUnknown = options.justMarked !== true && store.transfers.require(clientTranId).status === 'sent';
    for (let send = 0; send < MAX_SENDS; send++) {
      const t =
        send === 0 && options.justMarked === true
          ? store.transfers.require(clientTranId)
          : store.transfers.markSent(clientTranId);
      if (send === 0 && options.justMarked !== true) store.intents.markSent(t.intentId);
      this.#ctx.writes += 1;
      try {
        const result = await venue.transfer({
          asset: t.asset,
          amount: t.amount,
          direction: t.direction,
          clientTranId,
        });
        const duplicate = isDuplicate(result);
        const success = !duplicate && result.status.toUpperCase() === 'SUCCESS';
        const deferred = options.deferSuccess;
        if (success && deferred !== undefined) {
          this.#ctx.deferWrite(() => {
            store.transfers.markConfirmed(clientTranId, result);
            deferred();
          });
        } else {
          store.transfers.markConfirmed(clientTranId, duplicate ? null : result);
        }
        this.#emit(t.direction, t.asset, t.amount, clientTranId, 'confirmed');
        return { resolution: 'confirmed', answer: success ? 'success' : 'other' };
      } catch (error) {
        const verdict = classifySendError(error);
        const message = describeError(error);
        if (verdict === 'rejected' && !sawUnknown) {
          store.transfers.markFailed(clientTranId, message);
          store.intents.fail(t.intentId, message);
          this.#emit(t.direction, t.asset, t.amount, clientTranId, 'failed');
          return { resolution: 'failed', answer: null };
        }
        // After an unknown attempt a rejection proves nothing about the first one; keep resending the same id.
        if (verdict === 'unknown') sawUnknown = true;
        logger.warn(
          { clientTranId, verdict, error: message },
          'transfer outcome not confirmed; sending the same id again',
        );
        const wait = RESEND_BACKOFF_MS[Math.min(send, RESEND_BACKOFF_MS.length - 1)] ?? 1000;
        if (send + 1 < MAX_SENDS) await this.#ctx.clock.sleep(wait);
      }
    }
    return { resolution: 'unknown', answer: null };
  }

  /**
   * Finishes a transfer left unresolved (by a crash or an unknown outcome): a planned or sent one is sent again
   * with its own clientTranId; a confirmed one is settled (the balances read next already include it).
   */
  async resume(transfer: StoredTransfer): Promise<TransferResolution> {
    const { store } = this.#ctx;
    let status: TransferResolution = 'confirmed';
    if (transfer.status === 'planned' || transfer.status === 'sent') status = await this.execute(transfer.clientTranId);
    if (status === 'confirmed') {
      const t = store.transfers.markSettled(transfer.clientTranId);
      const intent = store.intents.get(t.intentId);
      if (intent !== null && (intent.status === 'pending' || intent.status === 'sent'))
        store.intents.complete(t.intentId);
      this.#emit(t.direction, t.asset, t.amount, t.clientTranId, 'settled');
    }
    return status;
  }

  /** Polls the destination wallet until it shows the amount, then records the transfer as settled. */
  async #awaitSettlement(transfer: StoredTransfer, before: QuoteBalances): Promise<QuoteBalances> {
    const { store, clock, logger } = this.#ctx;
    const deadline = Deadline.after(clock, SETTLE_TIMEOUT_MS);
    const tolerance = transfer.amount.minus(SETTLE_TOLERANCE);
    for (let poll = 0; poll < MAX_SETTLE_POLLS; poll++) {
      let now: QuoteBalances | null = null;
      try {
        now = await this.readBalances(transfer.asset);
      } catch (error) {
        logger.warn({ clientTranId: transfer.clientTranId, error: describeError(error) }, 'balance read failed');
      }
      if (now !== null && arrived(transfer.direction, before, now, tolerance)) {
        store.transaction(() => {
          store.transfers.markSettled(transfer.clientTranId);
          store.intents.complete(transfer.intentId);
        });
        this.#emit(transfer.direction, transfer.asset, transfer.amount, transfer.clientTranId, 'settled');
        return now;
      }
      if (deadline.expired()) break;
      await deadline.sleep(SETTLE_POLL_MS);
    }
    throw new TransferError(transfer.clientTranId, 'confirmed but not visible in the balances yet', {
      kind: 'retryable',
    });
  }

  #emit(
    direction: TransferDirection,
    asset: string,
    amount: Decimal,
    clientTranId: string,
    status: 'confirmed' | 'settled' | 'failed',
  ): void {
    this.#ctx.emit({ type: 'transfer', direction, asset, amount, clientTranId, status });
  }
}

/** The wallets after moving `amount` out of one and into the other. */
export function balancesAfter(before: QuoteBalances, direction: TransferDirection, amount: Decimal): QuoteBalances {
  const intoSpot = direction === 'PERP_TO_SPOT' ? amount : amount.negated();
  return {
    asset: before.asset,
    spotFree: before.spotFree.plus(intoSpot),
    perpAvailable: before.perpAvailable.minus(intoSpot),
    perpWithdrawable: maxDec(before.perpWithdrawable.minus(intoSpot), ZERO),
    perpWallet: before.perpWallet.minus(intoSpot),
  };
}

function arrived(direction: TransferDirection, before: QuoteBalances, now: QuoteBalances, amount: Decimal): boolean {
  return direction === 'PERP_TO_SPOT'
    ? now.spotFree.minus(before.spotFree).greaterThanOrEqualTo(amount)
    : now.perpWallet.minus(before.perpWallet).greaterThanOrEqualTo(amount);
}
