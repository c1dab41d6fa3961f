import type { Migration } from './types.ts';

/**
 * Conventions: money, prices and quantities are exact decimal strings (TEXT, never REAL: a float
 * column would round them); times are INTEGER milliseconds since the epoch, UTC. Tables are STRICT so a
 * stray string can never land in an integer column. AUTOINCREMENT on intents matters: intent ids feed
 * client order ids and must never be reused, even after rows are deleted.
 */
export const migration001: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE positions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  symbol TEXT NOT NULL,
  spot_symbol TEXT NOT NULL,
  base_asset TEXT NOT NULL,
  quote_asset TEXT NOT NULL,
  leverage INTEGER NOT NULL CHECK (leverage BETWEEN 1 AND 125),
  status TEXT NOT NULL
    CHECK (status IN ('opening', 'open', 'closing', 'closed', 'failed', 'adopted', 'superseded')),
  origin TEXT NOT NULL CHECK (origin IN ('bot', 'adopted', 'seed-import')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  opened_at INTEGER,
  closed_at INTEGER,
  spot_qty_gross TEXT NOT NULL,
  spot_qty_net TEXT NOT NULL,
  perp_qty TEXT NOT NULL,
  spot_avg_price TEXT,
  perp_avg_price TEXT,
  notional_usdt TEXT NOT NULL,
  entry_fees_usdt TEXT NOT NULL,
  entry_apr_pct TEXT,
  entry_funding_rate TEXT,
  funding_interval_hours INTEGER,
  funding_received_usdt TEXT NOT NULL,
  exit_spot_qty TEXT NOT NULL,
  exit_perp_qty TEXT NOT NULL,
  exit_spot_avg_price TEXT,
  exit_perp_avg_price TEXT,
  exit_fees_usdt TEXT NOT NULL,
  pnl_spot_usdt TEXT,
  pnl_perp_usdt TEXT,
  pnl_funding_usdt TEXT,
  pnl_fees_usdt TEXT,
  pnl_total_usdt TEXT,
  volume_usdt TEXT NOT NULL,
  open_reason TEXT,
  close_reason TEXT,
  dust_qty TEXT NOT NULL,
  estimated TEXT NOT NULL
) STRICT;

-- At most one position that is not finished: the database itself refuses a second one (invariant 3).
CREATE UNIQUE INDEX positions_one_active ON positions ((1))
  WHERE status IN ('opening', 'open', 'closing', 'adopted');

CREATE TABLE intents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL
    CHECK (kind IN ('open', 'close', 'repair', 'unwind', 'transfer', 'stop_place', 'stop_cancel', 'setup')),
  position_id INTEGER REFERENCES positions (id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'done', 'failed', 'abandoned')),
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  last_error TEXT
) STRICT;
CREATE INDEX intents_unresolved ON intents (id) WHERE status IN ('pending', 'sent');
CREATE INDEX intents_by_position ON intents (position_id);

CREATE TABLE orders (
  client_order_id TEXT PRIMARY KEY,
  intent_id INTEGER NOT NULL REFERENCES intents (id),
  leg TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  market TEXT NOT NULL CHECK (market IN ('spot', 'perp')),
  symbol TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
  type TEXT NOT NULL,
  quantity TEXT NOT NULL,
  reduce_only INTEGER NOT NULL CHECK (reduce_only IN (0, 1)),
  stop_price TEXT,
  status TEXT NOT NULL,
  exchange_order_id TEXT,
  executed_qty TEXT NOT NULL,
  avg_price TEXT,
  cum_quote TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  updated_at INTEGER NOT NULL,
  exchange_updated_at INTEGER,
  last_error TEXT,
  UNIQUE (intent_id, leg, attempt)
) STRICT;
CREATE INDEX orders_unresolved ON orders (intent_id)
  WHERE status NOT IN ('FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'NOT_FOUND', 'FAILED');
CREATE INDEX orders_by_exchange_id ON orders (market, symbol, exchange_order_id);

-- Trade ids are unique per symbol on each market (not across symbols), hence the three-column key.
CREATE TABLE fills (
  id INTEGER PRIMARY KEY,
  market TEXT NOT NULL CHECK (market IN ('spot', 'perp')),
  symbol TEXT NOT NULL,
  trade_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  client_order_id TEXT,
  position_id INTEGER REFERENCES positions (id),
  side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
  price TEXT NOT NULL,
  qty TEXT NOT NULL,
  quote_qty TEXT NOT NULL,
  commission TEXT NOT NULL,
  commission_asset TEXT NOT NULL,
  commission_usdt TEXT NOT NULL,
  realized_pnl TEXT NOT NULL,
  maker INTEGER NOT NULL CHECK (maker IN (0, 1)),
  time INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  UNIQUE (market, symbol, trade_id)
) STRICT;
CREATE INDEX fills_by_client_order ON fills (client_order_id);
CREATE INDEX fills_by_position ON fills (position_id);

CREATE TABLE funding_payments (
  tran_id TEXT PRIMARY KEY,
  symbol TEXT NOT NULL,
  position_id INTEGER REFERENCES positions (id),
  amount TEXT NOT NULL,
  asset TEXT NOT NULL,
  time INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX funding_by_position ON funding_payments (position_id);

CREATE TABLE transfers (
  client_tran_id TEXT PRIMARY KEY,
  intent_id INTEGER NOT NULL REFERENCES intents (id),
  attempt INTEGER NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('SPOT_TO_PERP', 'PERP_TO_SPOT')),
  asset TEXT NOT NULL,
  amount TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('planned', 'sent', 'confirmed', 'settled', 'failed')),
  tran_id TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  confirmed_at INTEGER,
  settled_at INTEGER,
  updated_at INTEGER NOT NULL,
  last_error TEXT,
  UNIQUE (intent_id, attempt)
) STRICT;

CREATE TABLE equity_snapshots (
  id INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  portfolio_value_usdt TEXT NOT NULL,
  spot_value_usdt TEXT NOT NULL,
  perp_wallet_usdt TEXT NOT NULL,
  unrealized_pnl_usdt TEXT NOT NULL,
  position_id INTEGER REFERENCES positions (id)
) STRICT;
CREATE INDEX equity_by_time ON equity_snapshots (time);

-- Realised PnL and traded volume are sums over positions; the carried_* columns hold what came from
-- before this store (a seed-state import), so the totals never drift from the rows they summarise.
CREATE TABLE counters (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  check_iterations INTEGER NOT NULL,
  completed_cycles INTEGER NOT NULL,
  positions_opened INTEGER NOT NULL,
  positions_closed INTEGER NOT NULL,
  carried_realised_pnl_usdt TEXT NOT NULL,
  carried_traded_volume_usdt TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO counters VALUES (1, 0, 0, 0, 0, '0', '0', 0);

CREATE TABLE baseline (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value_usdt TEXT NOT NULL,
  time INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('captured', 'seed-import', 'manual')),
  recorded_at INTEGER NOT NULL
) STRICT;

CREATE TABLE exit_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  status TEXT NOT NULL
    CHECK (status IN ('pending', 'acknowledged', 'completed', 'failed', 'cancelled', 'expired')),
  reason TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  finished_at INTEGER,
  result TEXT
) STRICT;
CREATE INDEX exit_requests_pending ON exit_requests (id) WHERE status = 'pending';
`,
};
