/** The store: typed repositories over one SQLite connection, plus the queries `status` and the engine need. */
import type { Database } from 'better-sqlite3';
import { type Decimal, ZERO } from '../domain/decimal.ts';
import { formatClientOrderId, formatClientTranId, parseClientId } from './client-ids.ts';
import type { StoreContext } from './context.ts';
import type { InstanceLock } from './lock.ts';
import { BaselineRepo } from './repos/baseline.ts';
import { CounterRepo } from './repos/counters.ts';
import { EquityRepo } from './repos/equity.ts';
import { ExitRequestRepo } from './repos/exit-requests.ts';
import { FillRepo } from './repos/fills.ts';
import { FundingRepo } from './repos/funding.ts';
import { IntentRepo } from './repos/intents.ts';
import { MetaRepo } from './repos/meta.ts';
import { OrderRepo } from './repos/orders.ts';
import { PositionRepo } from './repos/positions.ts';
import { TransferRepo } from './repos/transfers.ts';
import type {
  Baseline,
  Counters,
  EquitySnapshot,
  FundingPayment,
  Intent,
  Position,
  StoredFill,
  StoredOrder,
  StoredTransfer,
} from './types.ts';

/** A position with everything recorded about its legs. */
export interface PositionDetail {
  position: Position;
  /** Every order of every intent of the position (open, repairs, close, stop…). */
  orders: StoredOrder[];
  fills: StoredFill[];
  fundingPayments: FundingPayment[];
  /** Sum of the recorded payments; `position.fundingReceivedUsdt` may still hold an imported estimate when none. */
  fundingPaymentsTotalUsdt: Decimal;
}

export interface StoreTotals {
  realisedPnlUsdt: Decimal;
  tradedVolumeUsdt: Decimal;
  fundingReceivedUsdt: Decimal;
  commissionsUsdt: Decimal;
}

/** Everything `dnfarm status` shows from the store, read in one consistent snapshot. */
export interface StoreStatus {
  schemaVersion: number;
  storeId: string;
  position: PositionDetail | null;
  unresolvedIntents: Intent[];
  unresolvedOrders: StoredOrder[];
  unresolvedTransfers: StoredTransfer[];
  counters: Counters;
  baseline: Baseline | null;
  lastEquity: EquitySnapshot | null;
  totals: StoreTotals;
}

export class Store {
  readonly dataDir: string;
  readonly path: string;
  readonly readOnly: boolean;
  readonly schemaVersion: number;
  /** Random per database; part of every client id (see client-ids.ts). */
  readonly storeId: string;
  /** The writer lock; null for read-only opens. `previousHolder` tells whether the last run ended uncleanly. */
  readonly lock: InstanceLock | null;

  readonly positions: PositionRepo;
  readonly intents: IntentRepo;
  readonly orders: OrderRepo;
  readonly fills: FillRepo;
  readonly funding: FundingRepo;
  readonly transfers: TransferRepo;
  readonly equity: EquityRepo;
  readonly counters: CounterRepo;
  readonly baseline: BaselineRepo;
  readonly meta: MetaRepo;
  readonly exitRequests: ExitRequestRepo;

  readonly #ctx: StoreContext;
  readonly #db: Database;
  #closed = false;

  constructor(args: {
    ctx: StoreContext;
    dataDir: string;
    schemaVersion: number;
    storeId: string;
    lock: InstanceLock | null;
  }) {
    this.#ctx = args.ctx;
    this.#db = args.ctx.db;
    this.dataDir = args.dataDir;
    this.path = args.ctx.path;
    this.readOnly = args.ctx.readOnly;
    this.schemaVersion = args.schemaVersion;
    this.storeId = args.storeId;
    this.lock = args.lock;

    this.positions = new PositionRepo(this.#ctx);
    this.orders = new OrderRepo(this.#ctx, (i, leg, a) => this.clientOrderIdFor(i, leg, a));
    this.transfers = new TransferRepo(this.#ctx, (i, a) => this.clientTranIdFor(i, a));
    this.intents = new IntentRepo(this.#ctx, this.orders, this.transfers);
    this.fills = new FillRepo(this.#ctx);
    this.funding = new FundingRepo(this.#ctx);
    this.equity = new EquityRepo(this.#ctx);
    this.counters = new CounterRepo(this.#ctx, this.positions);
    this.baseline = new BaselineRepo(this.#ctx);
    this.meta = new MetaRepo(this.#ctx);
    this.exitRequests = new ExitRequestRepo(this.#ctx);
  }

  /**
   * Runs `fn` as one transaction: every change inside commits together or not at all (a kill -9
   * half-way leaves nothing). `fn` must be synchronous; repository calls inside it join the transaction.
   */
  transaction<T>(fn: () => T): T {
    return this.#ctx.tx(fn);
  }

  /** The store's clock (the engine's clock when one was given at open). */
  nowMs(): number {
    return this.#ctx.nowMs();
  }

  /** The deterministic `newClientOrderId` of an intent's leg attempt, e.g. `dnf-k3x9qa-42-spot-0`. */
  clientOrderIdFor(intentId: number, leg: string, attempt: number): string {
    return formatClientOrderId(this.storeId, intentId, leg, attempt);
  }

  /** The deterministic `clientTranId` of an intent's transfer attempt. */
  clientTranIdFor(intentId: number, attempt: number): string {
    return formatClientTranId(this.storeId, intentId, attempt);
  }

  /** Whether a client id seen on the exchange was issued by this store. */
  ownsClientId(id: string): boolean {
    return parseClientId(id)?.storeId === this.storeId;
  }

  /** The current (not finished) position with its legs, or null when flat. */
  currentPosition(): PositionDetail | null {
    const position = this.positions.active();
    return position ? this.positionDetail(position.id) : null;
  }

  positionDetail(positionId: number): PositionDetail {
    return this.#read(() => {
      const position = this.positions.require(positionId);
      const fundingPayments = this.funding.forPosition(positionId);
      return {
        position,
        orders: this.orders.byPosition(positionId),
        fills: this.fills.forPosition(positionId),
        fundingPayments,
        fundingPaymentsTotalUsdt: fundingPayments.reduce((s, p) => s.plus(p.amount), ZERO),
      };
    });
  }

  totals(): StoreTotals {
    return this.#read(() => {
      const counters = this.counters.get();
      return {
        realisedPnlUsdt: counters.realisedPnlUsdt,
        tradedVolumeUsdt: counters.tradedVolumeUsdt,
        fundingReceivedUsdt: this.funding.total(),
        commissionsUsdt: this.fills.totalCommissionUsdt(),
      };
    });
  }

  status(): StoreStatus {
    return this.#read(() => ({
      schemaVersion: this.schemaVersion,
      storeId: this.storeId,
      position: this.currentPosition(),
      unresolvedIntents: this.intents.unresolved(),
      unresolvedOrders: this.orders.unresolved(),
      unresolvedTransfers: this.transfers.unresolved(),
      counters: this.counters.get(),
      baseline: this.baseline.get(),
      lastEquity: this.equity.latest(),
      totals: this.totals(),
    }));
  }

  /** Closes the database (WAL checkpointed) and releases the writer lock. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#db.close();
    } finally {
      this.lock?.release();
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Several reads seen at one instant: a read transaction, so a concurrent writer cannot interleave. */
  #read<T>(fn: () => T): T {
    if (this.#db.inTransaction) return fn();
    return this.#db.transaction(fn).deferred();
  }
}
