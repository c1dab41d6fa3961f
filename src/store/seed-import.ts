/**
 * Adopting the original bot's state: its counters, its portfolio baseline and its open position.
 *
 * The position is recorded as `adopted` (origin `seed-import`), so the engine reconciles it with the
 * exchange before trusting or trading it. Its notional is perp_qty × entry_price, never the state's
 * `capital`: the original bot stored twice the notional for positions it had adopted itself (W-12), or a
 * later mark value after its own reconciliation, and the stop-loss is relative to this figure.
 * The state's funding and fee figures were estimates (fees at a flat 0.1 %, funding partly guessed),
 * so they are kept but flagged in `estimated`; the engine replaces them with measured ones.
 */
import { Decimal, ZERO } from '../domain/decimal.ts';
import { StoreStateError } from './errors.ts';
import { readSeedStateFile, SEED_STATE_FILE, type SeedState } from './seed-state.ts';
import type { Store } from './store.ts';
import type { Baseline, EstimatedField, Position } from './types.ts';

export const SEED_IMPORT_META_KEY = 'seed_import';

export interface SeedImportOptions {
  /** Replace an active position (marked `superseded`) and an existing baseline. */
  force?: boolean;
  /** Where the state came from, for the record. */
  source?: string;
}

export interface SeedImportSummary {
  source: string;
  importedAtMs: number;
  stateLastUpdatedMs: number;
  position: Position | null;
  /** The state's `capital`, kept for comparison only. */
  seedCapitalUsdt: Decimal | null;
  counters: {
    completedCycles: number;
    positionsOpened: number;
    positionsClosed: number;
    realisedPnlUsdt: Decimal;
  };
  baseline: Baseline | null;
  /** The active position a forced import replaced. */
  supersededPosition: Position | null;
  /** The baseline a forced import replaced. */
  replacedBaseline: Baseline | null;
  warnings: string[];
}

export class SeedImportRefusedError extends StoreStateError {
  override name = 'SeedImportRefusedError';
}

/** Significant difference between the state's capital and perp_qty × entry_price worth a warning. */
const CAPITAL_MISMATCH = new Decimal('0.01');

function describeExisting(position: Position | null, baseline: Baseline | null): string[] {
  const what: string[] = [];
  if (position) what.push(`position ${position.id} (${position.symbol}, ${position.status})`);
  if (baseline) {
    what.push(`a baseline of ${baseline.valueUsdt.toFixed()} USDT from ${new Date(baseline.timeMs).toISOString()}`);
  }
  return what;
}

export function importSeedState(store: Store, state: SeedState, options: SeedImportOptions = {}): SeedImportSummary {
  const source = options.source ?? SEED_STATE_FILE;
  return store.transaction(() => {
    const importedAtMs = store.nowMs();
    const active = store.positions.active();
    const baseline = store.baseline.get();
    const existing = describeExisting(active, baseline);
    if (existing.length > 0 && !options.force) {
      throw new SeedImportRefusedError(
        `refusing to import ${source}: the store already holds ${existing.join(' and ')}; ` +
          'importing with force replaces them (an active position is marked superseded, and the exchange ' +
          'remains the source of truth for what is really held)',
      );
    }
    const warnings = [...state.warnings];

    let supersededPosition: Position | null = null;
    let position: Position | null = null;
    let seedCapitalUsdt: Decimal | null = null;
    const seed = state.currentPosition;
    if (seed) {
      if (active) supersededPosition = store.positions.supersede(active.id, `superseded by the import of ${source}`);
      seedCapitalUsdt = seed.capitalUsdt;
      const hasPrice = seed.entryPrice.greaterThan(0);
      const notional = hasPrice ? seed.perpQty.times(seed.entryPrice) : seed.capitalUsdt;
      if (!hasPrice) {
        warnings.push(
          `current_position.entry_price is 0: the notional is taken from capital (${seed.capitalUsdt.toFixed()}) ` +
            'until reconciliation measures it',
        );
      } else if (notional.minus(seed.capitalUsdt).abs().greaterThan(notional.times(CAPITAL_MISMATCH))) {
        warnings.push(
          `current_position.capital ${seed.capitalUsdt.toFixed()} differs from perp_qty × entry_price = ` +
            `${notional.toFixed()}: the latter is used as the notional (the original bot's capital could be a ` +
            'later mark value, or twice the notional for a position it adopted)',
        );
      }
      const estimated: EstimatedField[] = ['entryFees', 'fundingReceived', 'entryPrices', 'quantities'];
      if (state.positionOpenedAtMs === null) estimated.push('openedAt');
      if (state.positionLeverage === null) estimated.push('leverage');
      position = store.positions.create({
        symbol: seed.symbol,
        spotSymbol: seed.symbol,
        baseAsset: seed.symbol.slice(0, -'USDT'.length),
        quoteAsset: 'USDT',
        leverage: state.positionLeverage ?? 1,
        origin: 'seed-import',
        openedAtMs: state.positionOpenedAtMs ?? importedAtMs,
        // The state has one spot figure, refreshed from the balance by the bot's reconciliation, so
        // after the base-asset commission: it stands for both gross and net until fills are known.
        spotQtyGross: seed.spotQty,
        spotQtyNet: seed.spotQty,
        perpQty: seed.perpQty,
        spotAvgPrice: hasPrice ? seed.entryPrice : null,
        perpAvgPrice: hasPrice ? seed.entryPrice : null,
        notionalUsdt: notional,
        entryFeesUsdt: state.entryFeesPaidUsdt,
        entryAprPct: seed.effectiveAprPct,
        entryFundingRate: seed.fundingRate,
        fundingReceivedUsdt: state.totalFundingReceivedUsdt,
        openReason: `imported from ${source}`,
        estimated,
      });
    }

    let newBaseline: Baseline | null = baseline;
    let replacedBaseline: Baseline | null = null;
    if (state.initialPortfolioValueUsdt !== null && state.initialPortfolioTimeMs !== null) {
      replacedBaseline = baseline;
      newBaseline = store.baseline.replace({
        valueUsdt: state.initialPortfolioValueUsdt,
        timeMs: state.initialPortfolioTimeMs,
        source: 'seed-import',
      });
    }

    store.counters.setCarried({
      completedCycles: state.cycleCount,
      positionsOpened: state.totalPositionsOpened,
      positionsClosed: state.totalPositionsClosed,
      carriedRealisedPnlUsdt: state.totalProfitLossUsdt,
      carriedTradedVolumeUsdt: ZERO,
    });

    store.meta.setJson(SEED_IMPORT_META_KEY, {
      source,
      importedAtMs,
      stateLastUpdatedMs: state.lastUpdatedMs,
      positionId: position?.id ?? null,
    });

    return {
      source,
      importedAtMs,
      stateLastUpdatedMs: state.lastUpdatedMs,
      position,
      seedCapitalUsdt,
      counters: {
        completedCycles: state.cycleCount,
        positionsOpened: state.totalPositionsOpened,
        positionsClosed: state.totalPositionsClosed,
        realisedPnlUsdt: state.totalProfitLossUsdt,
      },
      baseline: newBaseline,
      supersededPosition,
      replacedBaseline,
      warnings,
    };
  });
}

/** Reads, validates and imports a state file in one step. Nothing is written unless the whole file is valid. */
export function importSeedStateFile(store: Store, path: string, options: SeedImportOptions = {}): SeedImportSummary {
  const state = readSeedStateFile(path);
  return importSeedState(store, state, { ...options, source: options.source ?? path });
}
