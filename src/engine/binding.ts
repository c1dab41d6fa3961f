/**
 * Which account a store belongs to. A store records positions, client ids and a PnL baseline of ONE
 * account; mixing two (a simulator's and a live one, or two live accounts) in one data dir would make
 * the reconciler adopt or close things that are not the bot's, and the long-term PnL meaningless.
 *
 * The first writer records the binding; later writers must match it, or they are refused before any
 * request is sent. An embedded simulator is a fresh, throw-away account on every start: its binding is
 * "the embedded simulator", and positions of an earlier simulated run are found gone and closed out by
 * the startup reconcile.
 */
import { ConfigError } from '../errors.ts';
import type { Store } from '../store/index.ts';

export const BINDING_META_KEY = 'engine_binding';

export interface StoreBinding {
  mode: 'sim' | 'paper' | 'live';
  /** `embedded-simulator`, or the futures REST origin. */
  venue: string;
  /** The account's public identity (V3 user address, or a digest of the V1 API key); null in sim mode. */
  account: string | null;
}

function sameBinding(a: StoreBinding, b: StoreBinding): boolean {
  if (a.mode !== b.mode) return false;
  if (a.mode === 'sim') return true;
  return a.venue === b.venue && a.account === b.account;
}

function describe(b: StoreBinding): string {
  return `${b.mode} mode on ${b.venue}${b.account === null ? '' : ` (account ${b.account})`}`;
}

/**
 * Records the binding on first use, or checks it. Throws a ConfigError (exit code 2) naming both when
 * the data dir belongs to another mode or account.
 */
export function bindStore(store: Store, binding: StoreBinding): void {
  const existing = store.meta.getJson(BINDING_META_KEY) as StoreBinding | null;
  if (existing === null || typeof existing !== 'object' || typeof existing.mode !== 'string') {
    store.meta.setJson(BINDING_META_KEY, binding);
    return;
  }
  if (!sameBinding(existing, binding)) {
    throw new ConfigError(
      'data_dir',
      `${store.dataDir} holds the records of ${describe(existing)}, not of ${describe(binding)}; ` +
        'use a separate data dir per mode and account (--data-dir)',
      { value: store.dataDir },
    );
  }
  if (existing.venue !== binding.venue) store.meta.setJson(BINDING_META_KEY, binding);
}
